import type { Browser, Page } from 'playwright-core';
import { requestEmailStep, type ToolDefinitionInput } from '@sms-seq/engine';
import { eventually, saveFailure, seeText, signInWithKeap } from './support/console-page';
import { type Product } from './support/product';
import {
  aKeywordTool,
  connectDemoTwilio,
  DEMO_SENDER,
  DEMO_TWILIO,
  startConsole,
} from './support/fixtures';

/**
 * What the marketer sees when something they did not do breaks, and where the editor puts each
 * problem: Twilio refusing the saved credentials (the Auth Token rotated in Twilio), keyword texts
 * that started nothing while Keap was disconnected, the per-value and per-text warnings of the
 * engine under their own fields, and "conversations today" counted in the browser's time zone.
 */

const ROTATED_TOKEN = 'rotated-in-the-twilio-console-01';
const CONTACT_PHONE = '+14155550166';
const BROWSER_ZONE = 'Pacific/Kiritimati';

/** A tool whose texts and condition carry the engine's warnings (each at its own path). */
function aToolWithWarnings(): ToolDefinitionInput {
  return {
    name: 'Warnings everywhere',
    startMode: 'keyword_or_http',
    sender: { kind: 'phone_number', phoneNumber: DEMO_SENDER },
    keyword: 'WARN',
    phoneField: 'Phone1',
    collectEmailFirst: true,
    steps: [
      // Sent before the contact is known: merge_field_before_contact.
      { ...requestEmailStep(), message: 'Hi ~Contact.FirstName~! What is your email address?' },
      {
        id: 'ask',
        name: 'Ask',
        // merge_field_malformed (the capitals).
        message: 'Thanks ~contact.FirstName~. Yes or no?',
        validation: 'email',
        // merge_field_unknown, and only merge fields: empty_message as a warning.
        reaskMessage: '~Contact.ShoeSize~',
        next: {
          kind: 'decide',
          conditions: [
            {
              id: 'yes',
              kind: 'equals_any',
              values: ['yes'],
              tagId: null,
              nextStepId: null,
            },
          ],
          fallbackTagId: null,
          fallbackStepId: null,
        },
      },
    ],
    options: {
      expiryMinutes: 1440,
      reminderMinutesBeforeExpiry: 60,
      // Only merge fields: empty_message as a warning.
      reminderMessage: '~Contact.Nickname~',
    },
  } as ToolDefinitionInput;
}

let product: Product;
let browser: Browser;
let page: Page;
/** Every /api/tools list request the console made (its query string). */
const toolListQueries: string[] = [];

beforeAll(async () => {
  ({ product, browser, page } = await startConsole({ timezoneId: BROWSER_ZONE }));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname === '/api/tools' && request.method() === 'GET')
      toolListQueries.push(url.search);
  });
  await signInWithKeap(page, product.consoleUrl);
  await connectDemoTwilio(page);
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

async function importTool(tool: ToolDefinitionInput): Promise<string> {
  await page.goto(product.consoleUrl);
  await page.getByLabel('Tool JSON file').setInputFiles({
    name: `${tool.name}.json`,
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(tool)),
  });
  await page.getByRole('heading', { name: tool.name, level: 1 }).waitFor();
  return new URL(page.url()).pathname;
}

/** The form field (label, control, hint, messages) holding the control at this path, or the nearest part of the form above it. */
async function fieldAt(path: (string | number)[]) {
  for (let length = path.length; length > 0; length -= 1) {
    const control = page.locator(`[data-path="${path.slice(0, length).join('.')}"]`);
    if ((await control.count()) > 0)
      return control
        .first()
        .locator(
          `xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' ui-field ')][1]`,
        );
  }
  throw new Error(`nothing in the form has the path ${path.join('.')}`);
}

const postJson = (url: string, body: object) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('the console when something breaks, and where problems show', () => {
  it('shows the warning under the values field when a condition value is a reserved word ("cancel")', async () => {
    await importTool(aToolWithWarnings());
    const values = page.getByLabel(
      'If the response EQUALS ANY of these words/phrases (one per line)',
    );
    await values.fill('yes\ncancel');
    const field = await fieldAt(['steps', 1, 'next', 'conditions', 0, 'values']);
    await seeText(field.locator('.ui-field__warning'), 'CANCEL is a standard opt-out word');
    await seeText(field.locator('.ui-field__warning'), '"cancel" never matches');
    // The field is described by the warning, so a screen reader reads it with the field.
    const describedBy = (await values.getAttribute('aria-describedby')) ?? '';
    const warningId = await field.locator('.ui-field__warning').getAttribute('id');
    expect(describedBy.split(' ')).toContain(warningId);
    await values.fill('yes\nmaybe');
    await field.locator('.ui-field__warning').waitFor({ state: 'detached' });
  });

  it('shows each merge-field and empty-text warning under the text it is about (message, re-ask, reminder)', async () => {
    // The server's problems for the saved draft, with their paths, once the editor has loaded the account's fields.
    await seeText(page.locator('.save-state'), 'All changes saved');
    const toolId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const codes = [
      'merge_field_malformed',
      'merge_field_unknown',
      'merge_field_before_contact',
      'empty_message',
      'condition_reserved_word',
    ];
    // Polled: the last edit ("maybe" for "cancel") may still be on its way to the server.
    const problems = await eventually(async () => {
      const detail = await (
        await page.request.get(`${product.consoleUrl}/api/tools/${toolId}`)
      ).json();
      const found = (
        detail.problems as { code: string; path: (string | number)[]; message: string }[]
      ).filter((p) => codes.includes(p.code));
      expect(new Set(found.map((p) => `${p.code} at ${p.path.join('.')}`))).toEqual(
        new Set([
          'merge_field_before_contact at steps.0.message',
          'merge_field_malformed at steps.1.message',
          'merge_field_unknown at steps.1.reaskMessage',
          'empty_message at steps.1.reaskMessage',
          'empty_message at options.reminderMessage',
        ]),
      );
      return found;
    });
    for (const problem of problems) {
      const field = await fieldAt(problem.path);
      try {
        expect(await field.locator('.ui-field__warning').textContent()).toContain(problem.message);
      } catch (error) {
        await saveFailure(page);
        throw new Error(`${problem.code} at ${problem.path.join('.')}: ${String(error)}`);
      }
    }
  });

  it('says Twilio rejected the credentials (rotated in Twilio), and takes the current ones', async () => {
    const rotate = await postJson(
      `${product.sandboxUrl}/sandbox/twilio/accounts/${DEMO_TWILIO.accountSid}/auth-token`,
      { authToken: ROTATED_TOKEN },
    );
    expect(rotate.status).toBe(200);
    await page.getByRole('link', { name: 'Connections' }).click();
    const twilio = page.locator('.ui-card', { has: page.getByRole('heading', { name: 'Twilio' }) });
    await seeText(twilio.locator('.ui-alert'), 'Twilio rejected your credentials');
    await seeText(
      twilio.locator('.ui-alert'),
      'changed (rotated) or revoked in the Twilio Console',
    );
    await seeText(twilio, 'Credentials rejected');
    const senders = page.locator('.ui-card', {
      has: page.getByRole('heading', { name: 'Phone numbers and messaging services' }),
    });
    await seeText(senders, 'Twilio rejected the saved credentials');
    expect(await senders.getByRole('button', { name: 'Try again' }).count()).toBe(0);

    // Elsewhere in the console too, with the way to fix it.
    await page.getByRole('link', { name: 'Tools', exact: true }).click();
    const banner = page.locator('.ui-alert', { hasText: 'Twilio rejected your credentials' });
    await seeText(banner, 'Auth Token');
    await banner.getByRole('link', { name: 'Change credentials' }).click();

    const form = page.getByRole('form', { name: 'Change credentials' });
    await form.getByLabel('Account SID').fill(DEMO_TWILIO.accountSid);
    await form.getByLabel('Auth Token').fill(ROTATED_TOKEN);
    await form.getByRole('button', { name: 'Save credentials' }).click();
    await seeText(twilio, `Connected to Twilio account ${DEMO_TWILIO.accountSid}`);
    await seeText(twilio, 'Connected');
    expect(await twilio.locator('.ui-alert').count()).toBe(0);
    await seeText(senders.getByRole('table').first(), DEMO_SENDER);
  });

  it('lists keyword texts that started nothing while Keap was disconnected, once signed in again', async () => {
    await importTool(aKeywordTool({ name: 'Deal', keyword: 'DEAL' }));
    await seeText(page.locator('.save-state'), 'All changes saved');
    const publish = page.getByRole('button', { name: 'Publish', exact: true });
    await eventually(async () => expect(await publish.isEnabled()).toBe(true));
    await publish.click();
    await page.getByRole('heading', { name: 'Published: version 1' }).waitFor();
    // The user revoked the app in Keap; the next Keap call finds out.
    expect((await postJson(`${product.sandboxUrl}/sandbox/keap/grants/revoke`, {})).status).toBe(
      200,
    );
    // Disconnecting Keap ends the account's console sessions.
    await eventually(async () => {
      if ((await page.request.get(`${product.consoleUrl}/api/session`)).status() !== 401) {
        await page.request.get(`${product.consoleUrl}/api/keap/tags?refresh=1`);
        throw new Error('not disconnected yet');
      }
    }, 30_000);
    const inbound = await postJson(`${product.sandboxUrl}/sandbox/twilio/inbound`, {
      from: CONTACT_PHONE,
      to: DEMO_SENDER,
      body: 'deal',
    });
    expect(inbound.status).toBe(201);

    await signInWithKeap(page, product.consoleUrl);
    const banner = page.locator('.ui-alert', { hasText: 'started nothing in the last 24 hours' });
    await eventually(async () => {
      await page.reload();
      await seeText(banner, 'A keyword text started nothing', 2_000);
    }, 30_000);
    await seeText(banner, 'Keap was disconnected');
    // Signing in connected Keap again: nothing left to reconnect.
    expect(await banner.getByRole('link', { name: 'Reconnect Keap' }).count()).toBe(0);
    await banner.getByRole('link', { name: 'See the texts' }).click();
    await page.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
    const card = page.locator('.ui-card', { hasText: 'Texts that started nothing' });
    const item = card.getByRole('listitem').filter({ hasText: CONTACT_PHONE });
    await seeText(item, 'texted “deal” to +14155550100');
    await seeText(item, 'reconnect Keap to start conversations');
  });

  it('says incoming texts are refused when Twilio signs them with a rotated Auth Token, until the new one is saved', async () => {
    // The Deal tool (published above) has pointed the sender's webhook at the app.
    const rotatedAgain = `${ROTATED_TOKEN}-again`;
    const rotate = await postJson(
      `${product.sandboxUrl}/sandbox/twilio/accounts/${DEMO_TWILIO.accountSid}/auth-token`,
      { authToken: rotatedAgain },
    );
    expect(rotate.status).toBe(200);
    const inbound = await postJson(`${product.sandboxUrl}/sandbox/twilio/inbound`, {
      from: CONTACT_PHONE,
      to: DEMO_SENDER,
      body: 'deal again',
    });
    const { deliveries } = (await inbound.json()) as { deliveries: { responseStatus: number }[] };
    expect(deliveries.map((d) => d.responseStatus)).toEqual([403]);

    await page.goto(`${product.consoleUrl}/connect`);
    const twilio = page.locator('.ui-card', { has: page.getByRole('heading', { name: 'Twilio' }) });
    await eventually(async () => {
      await page.reload();
      await seeText(
        twilio.locator('.ui-alert'),
        'Twilio signs incoming texts with a different Auth Token than the one saved here',
        2_000,
      );
    }, 30_000);
    await seeText(twilio.locator('.ui-alert'), 'Save the new token so incoming texts are accepted');

    const form = page.getByRole('form', { name: 'Change credentials' });
    await form.getByLabel('Account SID').fill(DEMO_TWILIO.accountSid);
    await form.getByLabel('Auth Token').fill(rotatedAgain);
    await form.getByRole('button', { name: 'Save credentials' }).click();
    await seeText(twilio, `Connected to Twilio account ${DEMO_TWILIO.accountSid}`);
    expect(await twilio.locator('.ui-alert').count()).toBe(0);
  });

  it("asks for today's conversations in the browser's time zone, and does not say UTC", async () => {
    await page.goto(product.consoleUrl);
    await page.getByRole('columnheader', { name: /Conversations today/ }).waitFor();
    expect(
      await page.getByRole('columnheader', { name: /Conversations today/ }).textContent(),
    ).toBe('Conversations today');
    expect(toolListQueries.length).toBeGreaterThan(0);
    expect(toolListQueries.every((q) => q === `?tz=${encodeURIComponent(BROWSER_ZONE)}`)).toBe(
      true,
    );
  });
});
