import { createWriteStream, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  eventually,
  saveFailure,
  screenshot,
  seeText,
  signInWithKeap,
} from './support/console-page';
import { ROOT, type Product } from './support/product';
import { DEMO_SENDER, DEMO_TWILIO, startConsole } from './support/fixtures';
import { TWENTY_STEPS, twentyStepTool } from './support/twenty-step-tool';

/**
 * The marketer's whole journey against the real product (sandbox + API + console): connect
 * Twilio and buy a number, build a three-step tool with a branch from scratch, watch a validation
 * error appear and clear, simulate it (branch, tag, field save), publish it and start it at a
 * chosen step from its URL, text its keyword from the sandbox's phone, find the conversation by
 * search, and read the transcript, the funnel (branches too) and the day's count in the console.
 */

const CONTACT_PHONE = '+14155550123';
/** Seeded in the sandbox's Keap (tenant sb101) with this mobile number. */
const ADA = { email: 'ada@example.com', phone: '+14155550101' };
/** Numbers the sandbox's Twilio offers to buy (apps/sandbox README, seed data). */
const TO_BUY_ON_CONNECTIONS = '+13125550190';
const TO_BUY_IN_EDITOR = '+13105550154';

const escape = (text: string) => text.replace(/[+]/g, '\\+');

let product: Product;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ product, browser, context, page } = await startConsole());
  // The tool URL's Copy button writes to the clipboard; the test reads it back.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: product.consoleUrl,
  });
  const log = createWriteStream(path.join(product.logDir, 'browser.log'));
  page.on('console', (message) => log.write(`${message.type()}: ${message.text()}\n`));
  page.on('pageerror', (error) => log.write(`pageerror: ${error.message}\n`));
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

describe('a marketer builds, tests and runs a sequence', () => {
  let toolUrl = '';
  let toolPath = '';

  it('signs in with Keap and connects Twilio', async () => {
    await page.goto(product.consoleUrl);
    await page.getByRole('link', { name: 'Sign in with Keap' }).waitFor();
    await screenshot(page, '00-sign-in');
    await signInWithKeap(page, product.consoleUrl);
    await seeText(page.getByRole('status'), 'Twilio is not connected');
    await screenshot(page, '01-tools-empty');

    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByLabel('Account SID').fill(DEMO_TWILIO.accountSid);
    await page.getByLabel('Auth Token').fill(DEMO_TWILIO.authToken);
    await screenshot(page, '02-connect-twilio-form');
    await page.getByRole('button', { name: 'Connect Twilio' }).click();
    await seeText(
      page.locator('.ui-card'),
      `Connected to Twilio account ${DEMO_TWILIO.accountSid}`,
    );
    await seeText(page.getByRole('table'), DEMO_SENDER);
    await screenshot(page, '03-connections', { fullPage: true });
  });

  it('buys a Twilio number from Connections', async () => {
    await page.getByRole('button', { name: '+ Buy a number' }).click();
    const dialog = page.getByRole('dialog', { name: 'Buy a Twilio phone number' });
    await dialog.getByLabel('Area code (optional)').fill('312');
    await dialog.getByRole('button', { name: 'Find numbers' }).click();
    const offered = dialog.getByRole('listitem').filter({ hasText: TO_BUY_ON_CONNECTIONS });
    await offered.getByRole('button', { name: 'Buy' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await seeText(page.getByRole('table').first(), TO_BUY_ON_CONNECTIONS);
    // Bought in the (sandbox's) Twilio account, not only shown.
    const numbers = (await (
      await fetch(`${product.sandboxUrl}/sandbox/twilio/numbers`)
    ).json()) as {
      numbers: { phoneNumber: string }[];
    };
    expect(numbers.numbers.map((number) => number.phoneNumber)).toContain(TO_BUY_ON_CONNECTIONS);
  });

  it('builds a three-step tool with a branch, and sees a validation error appear and clear', async () => {
    await page.getByRole('link', { name: 'Tools' }).click();
    await page.getByLabel('Tool name').fill('Favourite colour');
    await page.getByRole('button', { name: 'Create tool' }).click();
    await page.getByRole('heading', { name: 'Favourite colour', level: 1 }).waitFor();
    toolPath = new URL(page.url()).pathname;

    const publish = page.getByRole('button', { name: 'Publish', exact: true });
    // A new tool has no sender and no keyword yet: publishing is blocked with the reasons.
    expect(await publish.isDisabled()).toBe(true);
    await seeText(page.locator('.publish-reasons'), 'Choose the Twilio phone number');

    // "+" beside the sender buys a number without leaving the editor, and picks it.
    const senderSelect = page.getByLabel('Which Twilio phone number would you like to use?');
    await page.getByRole('button', { name: 'Buy a new phone number' }).click();
    const dialog = page.getByRole('dialog', { name: 'Buy a Twilio phone number' });
    await dialog.getByLabel('Area code (optional)').fill('310');
    await dialog.getByRole('button', { name: 'Find numbers' }).click();
    await dialog
      .getByRole('listitem')
      .filter({ hasText: TO_BUY_IN_EDITOR })
      .getByRole('button', { name: 'Buy' })
      .click();
    await dialog.waitFor({ state: 'hidden' });
    await eventually(async () =>
      expect(await senderSelect.inputValue()).toBe(`phone:${TO_BUY_IN_EDITOR}`),
    );

    // This sequence uses the number the sandbox phone texts.
    await senderSelect.selectOption(`phone:${DEMO_SENDER}`);
    await page.getByLabel('Keyword that starts this sequence').fill('COLOUR');
    await page.getByLabel(/Collect the email address first/).uncheck();
    await page.getByRole('button', { name: 'Remove message 1' }).click();
    // Deleting a step asks first (nothing points to this one).
    const deleting = page.getByRole('dialog', { name: /^Delete “#1 .*”\?$/ });
    await seeText(deleting, 'No condition points to this step.');
    await deleting.getByRole('button', { name: 'Delete step' }).click();
    await deleting.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: '+ Add sequence step message' }).click();
    const first = page.locator('#step-0');
    await first.getByLabel('Message name').fill('Ask colour');
    await first.getByLabel('Message to send').fill('Hi! Blue or red? Text STOP to stop.');
    await first.getByLabel('Merge field to insert into message 1').selectOption('FirstName');
    await first.getByRole('button', { name: 'Insert the merge field into message 1' }).click();
    // At the caret (the end), a space away from the sentence before it.
    expect(await first.getByLabel('Message to send').inputValue()).toBe(
      'Hi! Blue or red? Text STOP to stop. ~Contact.FirstName~',
    );
    await first
      .getByLabel('Save the response to this field')
      .selectOption({ label: 'Favorite Color' });
    await seeText(first.locator('.message-facts'), 'GSM-7');
    await seeText(first.locator('.message-facts'), '1 segment');

    await first.getByLabel('What should happen next?').selectOption('decide');
    await first.getByRole('button', { name: '+ Equals / contains' }).click();
    const condition = first.locator('fieldset.condition').first();
    await condition.getByLabel(/EQUALS ANY/).fill('*blue*');
    await condition
      .getByRole('button', {
        name: 'Create a new tag to apply when condition 1 of message 1 matches',
      })
      .click();
    await condition.getByLabel('New tag name').fill('Likes blue');
    await condition.getByRole('button', { name: 'Create tag' }).click();
    await eventually(async () => {
      const selected = await condition
        .getByLabel('Apply this tag when it matches')
        .evaluate((select: HTMLSelectElement) => select.selectedOptions[0]?.textContent ?? '');
      expect(selected).toContain('Likes blue');
    });
    // "+" beside the step pickers creates the branch's steps on the spot.
    await condition
      .getByRole('button', {
        name: 'Create a new step to send when condition 1 of message 1 matches',
      })
      .click();
    await first
      .getByRole('button', {
        name: 'Create a new step to send when no condition of message 1 matches',
      })
      .click();

    const blue = page.locator('#step-1');
    const other = page.locator('#step-2');
    await blue.waitFor();
    await other.waitFor();
    // The new steps have no message yet: the error shows at the field, and publishing stays blocked.
    await seeText(blue.locator('.ui-field__error'), /message/i);
    expect(await publish.isDisabled()).toBe(true);
    await seeText(page.getByTestId('map-step-1'), 'to fix');
    await screenshot(page, '04-editor-validation-error');

    await blue.getByLabel('Message name').fill('Blue');
    await blue.getByLabel('Message to send').fill('Blue it is! We will send you blue things.');
    await blue.getByLabel('What should happen next?').selectOption('finish');
    await other.getByLabel('Message name').fill('Something else');
    await other.getByLabel('Message to send').fill('Thanks, noted!');
    await other.getByLabel('What should happen next?').selectOption('finish');

    await blue.locator('.ui-field__error').waitFor({ state: 'detached' });
    await eventually(async () => expect(await publish.isEnabled()).toBe(true));
    await page.getByTestId('map-step-2').waitFor();
    await seeText(page.locator('.save-state'), 'All changes saved');
    await screenshot(page, '05-editor-with-map', { fullPage: true });

    // Clicking a node on the map opens its step's fields beside the map.
    await page
      .getByRole('button', { name: 'Go to #3 Something else' })
      .click({ timeout: 5_000 })
      .catch(async (error: unknown) => {
        await saveFailure(page);
        throw error;
      });
    const selected = page.getByRole('region', { name: 'Selected step #3 Something else' });
    await eventually(async () =>
      expect(
        await selected
          .getByLabel('Message name')
          .evaluate((input) => input === document.activeElement),
      ).toBe(true),
    );
    expect(await selected.getByLabel('Message to send').inputValue()).toBe('Thanks, noted!');
  });

  it('simulates the draft: the branch, its tag and the reply', async () => {
    await page.getByRole('tab', { name: 'Simulator' }).click();
    await seeText(page.locator('.chat'), 'Blue or red?');
    await page.getByLabel('Reply as the contact').fill('I like BLUE');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await seeText(page.getByTestId('simulator-facts'), 'Matched condition 1: reply is "*blue*"');
    await seeText(page.getByTestId('simulator-facts'), 'Tag: Likes blue');
    // The reply is saved to the field chosen on the step, named as the account names it.
    await seeText(page.getByTestId('simulator-facts'), 'Saves “I like BLUE” to Favorite Color');
    await seeText(page.locator('.chat'), 'Blue it is!');
    // "Blue" is a closing message: the conversation ends as it is sent.
    await seeText(page.locator('.chat'), 'Conversation ended: finished');
    await screenshot(page, '06-simulator');

    await page.getByRole('button', { name: 'Restart' }).click();
    await page.getByLabel('Reply as the contact').fill('green');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await seeText(page.getByTestId('simulator-facts'), 'No condition matched');
    await seeText(page.locator('.chat'), 'Thanks, noted!');
  });

  it('publishes and shows the tool URL with the campaign instructions', async () => {
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByRole('heading', { name: 'Published: version 1' }).waitFor();
    toolUrl = await page.getByLabel(/Tool URL/).inputValue();
    expect(toolUrl).toContain('/hooks/tools/');
    await page.getByText('How to start this sequence from a Keap campaign').click();
    await screenshot(page, '07-published-tool-url');
  });

  it('builds the tool URL that starts at a chosen step, copies it, and a campaign starts there', async () => {
    const startAt = page.getByLabel('Start at step');
    const blueOption = startAt.locator('option', { hasText: '#2 Blue' });
    const blueId = (await blueOption.getAttribute('value')) ?? '';
    expect(blueId).not.toBe('');
    // The step id is shown, not left for the marketer to find.
    expect(await blueOption.textContent()).toContain(blueId);
    await startAt.selectOption(blueId);
    const urlField = page.getByLabel('Tool URL starting at #2 Blue', { exact: false });
    const stepUrl = await urlField.inputValue();
    expect(stepUrl).toBe(`${toolUrl}?step=${encodeURIComponent(blueId)}`);
    await page.locator('.tool-url').getByRole('button', { name: 'Copy' }).click();
    await seeText(page.locator('.tool-url'), 'Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(stepUrl);

    // What Keap's "Send HTTP Post" does with it: Ada gets the Blue step, not the first one.
    const contacts = (await (
      await fetch(`${product.sandboxUrl}/sandbox/keap/tenants/sb101/contacts`)
    ).json()) as { id: number; emails: Record<string, string> }[];
    const ada = contacts.find((contact) => Object.values(contact.emails).includes(ADA.email));
    expect(ada).toBeDefined();
    const started = await fetch(stepUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ contactId: String(ada?.id) }).toString(),
    });
    expect(started.status).toBe(202);
    await eventually(async () => {
      const phone = (await (
        await fetch(
          `${product.sandboxUrl}/sandbox/twilio/phones/${encodeURIComponent(ADA.phone)}/messages`,
        )
      ).json()) as { received: { body: string }[] };
      expect(phone.received.map((message) => message.body)).toEqual([
        'Blue it is! We will send you blue things.',
      ]);
    }, 30_000);

    // Back to the first step: the plain tool URL.
    await startAt.selectOption('');
    expect(await page.getByLabel(/^Tool URL \(paste/).inputValue()).toBe(toolUrl);
  });

  it('runs when the contact texts the keyword from the sandbox phone', async () => {
    const phone = await context.newPage();
    await phone.goto(
      `${product.sandboxUrl}/phone?phone=${encodeURIComponent(CONTACT_PHONE)}&number=${encodeURIComponent(DEMO_SENDER)}`,
    );
    const send = async (text: string) => {
      await phone.getByRole('textbox', { name: 'Message' }).fill(text);
      await phone.getByRole('button', { name: 'Send' }).click();
    };
    await send('colour');
    await seeText(phone.locator('#conversation'), 'Blue or red?', 30_000);
    await send('blue please');
    await seeText(phone.locator('#conversation'), 'Blue it is!', 30_000);
    await send('thanks!');
    await seeText(phone.locator('#conversation'), 'thanks!');
    await screenshot(phone, '08-sandbox-phone');
    await phone.close();
  });

  it('finds the conversation by what the contact texted and by phone, and nothing for other words', async () => {
    await page.getByRole('link', { name: 'Conversations', exact: true }).first().click();
    await page.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
    const search = page.getByLabel('Phone or name, or words in the texts');
    const rows = page.locator('.split__list .list__item');
    const contactRow = page.getByRole('button', { name: new RegExp(escape(CONTACT_PHONE)) });
    const adaRow = page.getByRole('button', { name: new RegExp(escape(ADA.phone)) });

    // Words from the contact's reply: only this conversation (Ada never said them).
    await search.fill('BLUE PLEASE');
    await eventually(async () => {
      await page.getByRole('button', { name: 'Search' }).click();
      await contactRow.first().waitFor({ timeout: 2_000 });
    }, 30_000);
    expect(await adaRow.count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('q')).toBe('BLUE PLEASE');

    // Part of Ada's number.
    await search.fill(ADA.phone.slice(-7));
    await page.getByRole('button', { name: 'Search' }).click();
    await adaRow.first().waitFor();
    expect(await contactRow.count()).toBe(0);

    await search.fill('zebra crossing');
    await page.getByRole('button', { name: 'Search' }).click();
    await seeText(page.locator('.split__list'), 'No conversations found');
    expect(await rows.count()).toBe(0);

    await search.fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await contactRow.first().waitFor();
    await adaRow.first().waitFor();
  });

  it('shows the transcript and the funnel in the console', async () => {
    const row = page.getByRole('button', { name: new RegExp(escape(CONTACT_PHONE)) });
    await row.first().click();
    const transcript = page.getByRole('list', { name: 'Transcript' });
    await seeText(transcript, 'blue please');
    await seeText(transcript, 'Blue it is!');
    await seeText(page.locator('.ui-card__actions'), 'Finished', 30_000);
    // What happened, in sentences: the step and branch by name, the tag by its Keap name.
    await page.getByText(/^What happened/).click();
    const happened = page.locator('ul.events');
    await seeText(
      happened,
      'The reply to “Ask colour” matched condition 1 (reply is "*blue*"), then sent “Blue”.',
    );
    await seeText(
      happened,
      'Applied the tag “Likes blue” in Keap because the reply matched a condition.',
      30_000,
    );
    await seeText(happened, 'The sequence finished.');
    expect(await happened.textContent()).not.toMatch(/[{}]|tagId|stepId/);
    await screenshot(page, '09-conversation-transcript');

    await page.getByRole('link', { name: 'Open the tool' }).click();
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { name: /Funnel/ }).waitFor();
    await seeText(page.locator('.stat'), 'Started');
    const firstStep = page.locator('.ui-card', { hasText: '#1 Ask colour' });
    await eventually(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await seeText(firstStep.locator('.funnel__row', { hasText: 'Replied' }), '1', 2_000);
    }, 30_000);
    await seeText(firstStep.locator('.funnel__row', { hasText: 'Received' }), '1');
    // Each branch of "let me decide" has its row: the contact's "blue please" took condition 1.
    const count = (card: typeof firstStep, label: string) =>
      card.locator('.funnel__row', { hasText: label }).locator('.funnel__count').textContent();
    expect(await count(firstStep, '↳ reply is "*blue*"')).toBe('1');
    expect(await count(firstStep, '↳ Nothing matched')).toBe('0');
    // Blue was sent after the branch and, to Ada, by the tool URL starting there.
    const blueStep = page.locator('.ui-card', { hasText: '#2 Blue' });
    expect(await count(blueStep, 'Received')).toBe('2');
    expect(
      await count(page.locator('.ui-card', { hasText: '#3 Something else' }), 'Received'),
    ).toBe('0');
    await seeText(page.locator('.stat', { hasText: 'Started' }), '2');
    await screenshot(page, '10-analytics-funnel');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Tools' })
      .click();
    await seeText(page.getByRole('table'), 'Live · v1');
    // Both conversations started today (counted from midnight in the browser's time zone).
    const header = page.getByRole('columnheader', { name: /Conversations today/ });
    expect(await header.textContent()).toBe('Conversations today');
    const toolRow = page.getByRole('row', { name: /Favourite colour/ });
    expect(await toolRow.getByRole('cell').nth(4).textContent()).toBe('2');
    await screenshot(page, '11-tools-list');
  });

  it('fits a phone screen', async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
      storageState: await context.storageState(),
    });
    await phone.goto(`${product.consoleUrl}${toolPath}`);
    await phone.getByTestId('map-step-0').waitFor();
    const overflow = await phone.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(phone, '12-editor-phone');
    await phone.close();
  });

  if (process.env.SCREENSHOTS === '1') {
    // Not tests: the figures for docs/benchmarks.md, measured in this browser (cold cache each time).
    const bench: Record<string, unknown> = {};
    afterAll(() => {
      if (Object.keys(bench).length === 0) return;
      writeFileSync(path.join(ROOT, '.run', 'console-bench.json'), JSON.stringify(bench, null, 2));
    });

    it('measures the editor first load', async () => {
      const result = await measureFirstLoad(toolPath, {
        // The form's first step, and the map's third node.
        form: { selector: '#step-0 input', count: 1 },
        map: { selector: '[data-testid="map-step-2"]', count: 1 },
      });
      bench.editor = result;
      console.warn(`editor first load: ${JSON.stringify(result)}`);
    });

    it("measures a 20-step tool's canvas first load", async () => {
      await page.goto(product.consoleUrl);
      await page.getByLabel('Tool JSON file').setInputFiles({
        name: 'twenty.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(twentyStepTool())),
      });
      await page.getByRole('heading', { name: 'Twenty questions', level: 1 }).waitFor();
      const twentyPath = new URL(page.url()).pathname;
      await seeText(page.locator('.save-state'), 'All changes saved');
      const publish = page.getByRole('button', { name: 'Publish', exact: true });
      await eventually(async () => expect(await publish.isEnabled()).toBe(true));
      await publish.click();
      await page.getByRole('heading', { name: 'Published: version 1' }).waitFor();

      const last = `s${TWENTY_STEPS - 1}`;
      const result = await measureFirstLoad(twentyPath, {
        form: { selector: '#step-0 input', count: 1 },
        // The last step's node and the labels of its six ways out (five conditions, no match).
        map: {
          selector: `[data-testid="map-step-${TWENTY_STEPS - 1}"], .map-edge-label[data-edge-id^="${last}:"]`,
          count: 7,
        },
      });
      bench.twentyStepCanvas = result;
      console.warn(`20-step canvas first load: ${JSON.stringify(result)}`);
    });
  }
});

type Watch = Record<'form' | 'map', { selector: string; count: number }>;

/**
 * Opens the page 5 times, each in a fresh browser context (cold cache, signed in), and marks
 * (`performance.now()`, checked every animation frame) when each watched thing is first drawn:
 * `count` elements matching its selector, each with a size.
 */
async function measureFirstLoad(pagePath: string, watch: Watch) {
  const state = await context.storageState();
  const samples: {
    formVisibleMs: number;
    mapVisibleMs: number;
    domContentLoadedMs: number;
    transferKb: number;
    requests: string[];
  }[] = [];
  for (let run = 0; run < 5; run += 1) {
    const fresh = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      storageState: state,
    });
    await fresh.addInitScript((watched: Watch) => {
      const marks: Record<string, number> = {};
      (window as unknown as { firstLoadMarks: Record<string, number> }).firstLoadMarks = marks;
      const drawn = ({ selector, count }: { selector: string; count: number }) =>
        Array.from(document.querySelectorAll(selector)).filter(
          (element) =>
            element instanceof HTMLElement &&
            element.offsetWidth > 0 &&
            getComputedStyle(element).visibility !== 'hidden',
        ).length >= count;
      const look = () => {
        if (marks.form === undefined && drawn(watched.form)) marks.form = performance.now();
        if (marks.map === undefined && drawn(watched.map)) marks.map = performance.now();
        if (marks.form === undefined || marks.map === undefined) requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    }, watch);
    const tab = await fresh.newPage();
    await tab.goto(`${product.consoleUrl}${pagePath}`);
    await eventually(
      async () =>
        expect(
          await tab.evaluate(
            () => (window as unknown as { firstLoadMarks: { map?: number } }).firstLoadMarks.map,
          ),
        ).toBeDefined(),
      30_000,
    );
    samples.push(
      await tab.evaluate(() => {
        const marks = (window as unknown as { firstLoadMarks: { form: number; map: number } })
          .firstLoadMarks;
        const navigation = performance.getEntriesByType('navigation')[0] as
          PerformanceNavigationTiming | undefined;
        const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
        const transfer = resources.reduce(
          (sum, entry) => sum + entry.transferSize,
          navigation?.transferSize ?? 0,
        );
        const api = resources
          .filter((entry) => entry.name.includes('/api/') || entry.name.endsWith('.js'))
          .map(
            (entry) =>
              `${new URL(entry.name).pathname.replace(/[0-9a-f-]{36}/, ':id')} ${Math.round(entry.startTime)}-${Math.round(entry.responseEnd)}`,
          );
        return {
          formVisibleMs: Math.round(marks.form),
          mapVisibleMs: Math.round(marks.map),
          domContentLoadedMs: Math.round(navigation?.domContentLoadedEventEnd ?? 0),
          transferKb: Math.round(transfer / 1024),
          requests: api,
        };
      }),
    );
    await fresh.close();
  }
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return {
    samples,
    loadAverage: os.loadavg()[0],
    medianFormVisibleMs: median(samples.map((sample) => sample.formVisibleMs)),
    medianMapVisibleMs: median(samples.map((sample) => sample.mapVisibleMs)),
    medianDomContentLoadedMs: median(samples.map((sample) => sample.domContentLoadedMs)),
  };
}
