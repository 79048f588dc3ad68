import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { requestEmailStep, type ToolDefinitionInput } from '@sms-seq/engine';
import { launchBrowser } from './support/browser';
import { eventually, saveFailure, seeText, signInWithKeap } from './support/console-page';
import { startProduct, type Product } from './support/product';

/**
 * The console's administrative paths against the real product (one product and one browser for
 * the whole file): Twilio by API key, import and export, a messaging-service sender, the options
 * beyond the seed (quiet hours, re-asks, reminder, expiry, reply checks), publish, a new tool URL,
 * pause and resume, ending a conversation by hand and opening it by link, two tabs saving at once,
 * the editor by keyboard only, a revoked Keap grant, and signing out.
 */

const DEMO_TWILIO = {
  accountSid: 'AC00000000000000000000000000000001',
  authToken: 'sandbox-demo-auth-token-0000000001',
  apiKeySid: 'SK00000000000000000000000000000001',
  apiKeySecret: 'sandbox-demo-api-key-secret-000001',
};
const MESSAGING_SERVICE = 'MG00000000000000000000000000000001';
const SERVICE_NUMBER = '+16175550111';
const CONTACT_PHONE = '+14155550177';

/** A tool file as the console exports it, with a messaging-service sender. */
function aToolFile(overrides: Partial<ToolDefinitionInput> = {}): ToolDefinitionInput {
  return {
    name: 'Spring offer',
    startMode: 'keyword_or_http',
    sender: { kind: 'messaging_service', messagingServiceSid: MESSAGING_SERVICE },
    keyword: 'SPRING',
    phoneField: 'Phone1',
    collectEmailFirst: true,
    steps: [
      requestEmailStep(),
      {
        id: 'offer',
        name: 'Offer',
        message: 'Thanks! Your coupon: SPRING10',
        next: { kind: 'finish' },
      },
    ],
    ...overrides,
  };
}

let product: Product;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

const postForm = (url: string, form: Record<string, string>) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });

async function importFile(name: string, content: string): Promise<void> {
  await page
    .getByLabel('Tool JSON file')
    .setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(content) });
}

/** Presses Tab until the focused element is the one named, as a keyboard user would. */
async function tabTo(target: Page, name: string | RegExp, maxPresses = 300): Promise<void> {
  for (let press = 0; press < maxPresses; press += 1) {
    await target.keyboard.press('Tab');
    const focused = await target.evaluate(() => {
      const element = document.activeElement as HTMLElement | null;
      return element
        ? (element.getAttribute('aria-label') ?? element.textContent?.trim() ?? '')
        : '';
    });
    if (typeof name === 'string' ? focused === name : name.test(focused)) return;
  }
  await saveFailure(target);
  throw new Error(`Tab never reached "${String(name)}"`);
}

/** The focused element shows where focus is (the console's focus ring). */
async function focusIsVisible(target: Page): Promise<boolean> {
  return target.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || !element.matches(':focus-visible')) return false;
    const style = getComputedStyle(element);
    return (
      style.boxShadow !== 'none' || (style.outlineStyle !== 'none' && style.outlineWidth !== '0px')
    );
  });
}

describe('the console for a Keap marketer, beyond the first sequence', () => {
  let toolPath = '';
  let conversationPath = '';

  it('connects Twilio with an API key and shows Keap usage', async () => {
    await signInWithKeap(page, product.consoleUrl);
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByLabel('Account SID').fill(DEMO_TWILIO.accountSid);
    await page.getByLabel('Auth Token').fill(DEMO_TWILIO.authToken);
    await page.getByLabel(/Send with an API key instead/).check();
    await page.getByLabel('API key SID').fill(DEMO_TWILIO.apiKeySid);
    await page.getByLabel('API key secret').fill(DEMO_TWILIO.apiKeySecret);
    await page.getByRole('button', { name: 'Connect Twilio' }).click();
    await seeText(
      page.locator('.ui-card'),
      `Connected to Twilio account ${DEMO_TWILIO.accountSid}`,
    );
    // The messaging service and its number are listed among the senders.
    await seeText(page.getByRole('table').last(), 'Demo messaging service');

    const usage = page.locator('.ui-card', { hasText: 'Keap usage' });
    await seeText(usage, /Keap calls per conversation|not available on this server yet/);
  });

  it('refuses a bad JSON file with every problem listed, and imports a good one', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Tools' })
      .click();
    await importFile(
      'broken.json',
      JSON.stringify({ name: '', startMode: 'sometimes', steps: [{ id: 'has space' }] }),
    );
    const refusal = page.locator('.ui-alert', { hasText: 'The file was not imported' });
    await seeText(refusal, 'startMode');
    await seeText(refusal, 'name');
    await seeText(refusal, /steps › 0 › id/);
    expect(await refusal.locator('li').count()).toBeGreaterThanOrEqual(4);

    await importFile('not-json.json', 'this is not JSON');
    await seeText(page.locator('.ui-alert'), 'not-json.json is not a JSON file');

    await importFile('spring.json', JSON.stringify(aToolFile()));
    await page.getByRole('heading', { name: 'Spring offer', level: 1 }).waitFor();
    toolPath = new URL(page.url()).pathname;
    expect(
      await page.getByLabel('Which Twilio phone number would you like to use?').inputValue(),
    ).toBe(`messaging_service:${MESSAGING_SERVICE}`);
    expect(await page.getByLabel('Keyword that starts this sequence').inputValue()).toBe('SPRING');
  });

  it('saves quiet hours, re-asks, the reminder, expiry and the reply check, and exports them', async () => {
    await page.getByLabel(/Only send texts between certain hours/).check();
    await page.getByLabel('Send from').fill('08:30');
    await page.getByLabel('Send until').fill('19:00');
    await page
      .getByLabel('Time zone when the contact’s is unknown')
      .selectOption('America/Chicago');
    await page.getByLabel(/ask again up to/).fill('3');
    await page.getByLabel('End an unanswered conversation after (hours)').fill('2');
    // A reminder after the conversation has ended is flagged where it is set.
    await page.getByLabel(/Send a reminder before it ends/).fill('180');
    await seeText(page.locator('.ui-field__warning'), 'must come before the conversation expires');
    await page.getByLabel(/Send a reminder before it ends/).fill('30');
    await page
      .getByLabel('Reminder message')
      .fill('Still there? Reply with your email for the coupon.');
    const offer = page.locator('#step-1');
    await offer.getByLabel('Check the reply').selectOption('number');
    await offer.getByLabel('Ask again with').fill('Please reply with a number.');
    await seeText(page.locator('.save-state'), 'All changes saved');

    await page.reload();
    await page.getByRole('heading', { name: 'Spring offer', level: 1 }).waitFor();
    expect(await page.getByLabel('Send from').inputValue()).toBe('08:30');
    expect(await page.getByLabel('Send until').inputValue()).toBe('19:00');
    expect(await page.getByLabel('Time zone when the contact’s is unknown').inputValue()).toBe(
      'America/Chicago',
    );
    expect(await page.getByLabel(/ask again up to/).inputValue()).toBe('3');
    expect(await page.getByLabel('Reminder message').inputValue()).toContain('Still there?');
    expect(await page.locator('#step-1').getByLabel('Ask again with').inputValue()).toBe(
      'Please reply with a number.',
    );

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export JSON' }).click(),
    ]);
    const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as ToolDefinitionInput;
    expect(exported.name).toBe('Spring offer');
    expect(exported.options).toMatchObject({
      maxReasks: 3,
      expiryMinutes: 120,
      reminderMinutesBeforeExpiry: 30,
      sendWindow: { start: '08:30', end: '19:00', defaultTimeZone: 'America/Chicago' },
    });
    expect(exported.steps?.[1]).toMatchObject({
      validation: 'number',
      reaskMessage: 'Please reply with a number.',
    });
  });

  it('publishes by keyboard only, with focus always visible', async () => {
    await page.reload();
    await page.getByRole('heading', { name: 'Spring offer', level: 1 }).waitFor();
    await tabTo(page, '+ Add sequence step message');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    const added = page.locator('#step-2');
    await added.waitFor();
    // The new step is focused, ready to type its name.
    await eventually(async () =>
      expect(
        await added
          .getByLabel('Message name')
          .evaluate((input) => input === document.activeElement),
      ).toBe(true),
    );
    await page.keyboard.type('Keyboard step');
    await added.getByLabel('Message to send').focus();
    await page.keyboard.type('Typed without a mouse.');
    await added.getByLabel('What should happen next?').selectOption('decide');
    await added.getByLabel('What should happen next?').focus();
    await tabTo(page, '+ Equals / contains');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    await added.locator('fieldset.condition').first().waitFor();
    // Not needed any more: remove it, then publish from the keyboard.
    await added.getByRole('button', { name: 'Remove message 3' }).click();
    await seeText(page.locator('.save-state'), 'All changes saved');
    await page.locator('h1').click();
    await tabTo(page, 'Publish');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Published: version 1' }).waitFor();
  });

  it('makes a new tool URL: the old one is refused, the new one is shown and works', async () => {
    const oldUrl = await page.getByLabel(/Tool URL/).inputValue();
    await page.getByRole('button', { name: 'Make a new tool URL…' }).click();
    await page.getByRole('button', { name: 'Make a new URL' }).click();
    await eventually(async () =>
      expect(await page.getByLabel(/Tool URL/).inputValue()).not.toBe(oldUrl),
    );
    const newUrl = await page.getByLabel(/Tool URL/).inputValue();
    expect((await postForm(oldUrl, { contactId: '1' })).status).toBe(404);
    expect((await postForm(newUrl, { contactId: '1' })).status).toBe(202);
  });

  it('pauses and resumes the tool', async () => {
    await page.getByRole('button', { name: 'Pause tool' }).click();
    await seeText(page.locator('.ui-badge'), 'Paused: keyword and URL do nothing');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Tools' })
      .click();
    await seeText(page.getByRole('table'), /paused/i);
    await page.goto(`${product.consoleUrl}${toolPath}`);
    await page.getByRole('button', { name: 'Resume tool' }).click();
    await seeText(page.locator('.ui-badge'), 'Running');
  });

  it('ends a stuck conversation by hand, and opens a transcript by its link', async () => {
    // The contact texts the keyword to the messaging service's number and then goes quiet.
    const inbound = await fetch(`${product.sandboxUrl}/sandbox/twilio/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: CONTACT_PHONE, to: SERVICE_NUMBER, body: 'spring' }),
    });
    expect(inbound.status).toBe(201);

    await page.goto(`${product.consoleUrl}/conversations`);
    const row = page.getByRole('button', { name: new RegExp(CONTACT_PHONE.replace('+', '\\+')) });
    await eventually(async () => {
      await page.getByRole('button', { name: 'Search' }).click();
      await row.first().waitFor({ timeout: 2_000 });
    }, 30_000);
    await row.first().click();
    await seeText(page.getByRole('list', { name: 'Transcript' }), 'reply with your email', 30_000);
    conversationPath = new URL(page.url()).pathname;

    // By link, with the list filtered so it does not hold this conversation: still named.
    const linked = await context.newPage();
    await linked.goto(`${product.consoleUrl}${conversationPath}?status=finished`);
    const card = linked.locator('.split__detail .ui-card');
    await seeText(card, `${CONTACT_PHONE} · Spring offer`);
    await seeText(card, 'version 1');
    await linked.getByRole('button', { name: 'End conversation' }).click();
    await seeText(card.locator('.ui-card__actions'), 'Ended by hand');
    expect(await linked.getByRole('button', { name: 'End conversation' }).count()).toBe(0);
    await linked.close();
  });

  it('warns when the tool was changed in another tab, instead of overwriting it', async () => {
    await page.goto(`${product.consoleUrl}${toolPath}`);
    const other = await context.newPage();
    await other.goto(`${product.consoleUrl}${toolPath}`);
    await other.getByRole('heading', { name: 'Spring offer', level: 1 }).waitFor();

    await page.getByLabel('Tool name', { exact: true }).fill('Spring offer (first tab)');
    await seeText(page.locator('.save-state'), 'All changes saved');
    await other.getByLabel('Tool name', { exact: true }).fill('Spring offer (second tab)');
    await seeText(other.locator('.ui-alert'), 'This tool was changed somewhere else');
    await other.getByRole('button', { name: 'Reload' }).click();
    await other.getByRole('heading', { name: 'Spring offer (first tab)', level: 1 }).waitFor();
    await other.close();
  });

  it('shows the reason and "Reconnect Keap" when Keap access is revoked', async () => {
    const revoke = await fetch(`${product.sandboxUrl}/sandbox/keap/grants/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    expect(revoke.status).toBe(200);
    // The next Keap call finds out (here: refreshing the tag list, as the tag picker can).
    await eventually(async () => {
      await page.request.get(`${product.consoleUrl}/api/keap/tags?refresh=1`);
      await page.reload();
      await seeText(page.locator('.ui-alert'), 'Your Keap account is disconnected', 2_000);
    }, 30_000);
    const banner = page.locator('.ui-alert', { hasText: 'Your Keap account is disconnected' });
    await seeText(banner, 'Keap access was revoked');
    expect(await banner.getByRole('link', { name: 'Reconnect Keap' }).getAttribute('href')).toBe(
      '/api/keap/connect',
    );
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in with Keap' }).waitFor();
    await page.reload();
    await page.getByRole('link', { name: 'Sign in with Keap' }).waitFor();
    expect((await page.request.get(`${product.consoleUrl}/api/session`)).status()).toBe(401);
  });
});
