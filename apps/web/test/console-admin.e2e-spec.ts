import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { requestEmailStep, type ToolDefinitionInput } from '@sms-seq/engine';
import { eventually, saveFailure, seeText, signInWithKeap } from './support/console-page';
import { type Product } from './support/product';
import { DEMO_TWILIO, startConsole } from './support/fixtures';

/**
 * The console's administrative paths against the real product (one product and one browser for
 * the whole file): Twilio by API key and the Keap usage card, import and export, a
 * messaging-service sender, the options beyond the seed (quiet hours, re-asks, reminder, expiry,
 * reply checks), the editor and publishing by keyboard only, a new tool URL, pause and resume,
 * ending a conversation by hand and opening it by link, a publish warning from Twilio, a screen
 * whose code does not arrive, two tabs saving at once, a revoked Keap grant, signing out, and a
 * denied Keap consent.
 */

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
  ({ product, browser, context, page } = await startConsole({ acceptDownloads: true }));
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

/** Twilio's own UpdateService call (Messaging v1), as the marketer's Twilio console would make it. */
async function setStickySender(on: boolean): Promise<void> {
  const answer = await fetch(`${product.sandboxUrl}/v1/Services/${MESSAGING_SERVICE}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${DEMO_TWILIO.accountSid}:${DEMO_TWILIO.authToken}`).toString('base64')}`,
    },
    body: new URLSearchParams({ StickySender: String(on) }).toString(),
  });
  expect(answer.status).toBe(200);
}

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

/** The accessible name of the focused element, as a screen reader would say it (roughly). */
function focusedName(target: Page): Promise<string> {
  return target.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return '';
    const labelled = element.getAttribute('aria-label');
    if (labelled) return labelled;
    const labels = (element as HTMLInputElement).labels;
    if (labels && labels.length > 0) return labels[0]?.textContent?.trim() ?? '';
    return element.textContent?.trim() ?? '';
  });
}

/** Presses Tab (or Shift+Tab) until the focused element is the one named, as a keyboard user would. */
async function tabTo(
  target: Page,
  name: string | RegExp,
  { backwards = false, maxPresses = 300 } = {},
): Promise<void> {
  for (let press = 0; press < maxPresses; press += 1) {
    await target.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const focused = await focusedName(target);
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

    // The API's budget report (GET /api/keap/budget), in words: nothing has run yet.
    const usage = page.getByTestId('keap-budget');
    await seeText(usage, 'Keap calls per conversation');
    await seeText(usage.locator('dd').first(), 'No conversations yet');
    await seeText(
      usage,
      /Your Keap account’s budget\s*This minute: [\d,]+ of [\d,]+ left · today: [\d,]+ of [\d,]+ left/,
    );
    await seeText(
      usage,
      /Shared by every SMS Sequences account\s*This minute: [\d,]+ of [\d,]+ left/,
    );
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
    // Each problem in the editor's words: no paths such as steps › 0 › id.
    await seeText(refusal, 'How the sequence starts must be one of the choices.');
    await seeText(refusal, 'The tool name is empty. Give the tool a name.');
    await seeText(refusal, 'Message 1 is damaged');
    expect(await refusal.locator('li').count()).toBeGreaterThanOrEqual(4);

    await importFile('not-json.json', 'this is not JSON');
    await seeText(page.locator('.ui-alert'), 'not-json.json is not a JSON file');

    await importFile('spring.json', JSON.stringify(aToolFile()));
    await page.getByRole('heading', { name: 'Spring offer', level: 1 }).waitFor();
    toolPath = new URL(page.url()).pathname;
    expect(
      await page.getByLabel('Which Twilio phone number would you like to use?').inputValue(),
    ).toBe(`service:${MESSAGING_SERVICE}`);
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

  it('opens the tool, adds a step with a merge field and a condition, and publishes by keyboard only', async () => {
    // Typed into the address bar; from here on only keys are pressed.
    await page.goto(product.consoleUrl);
    await page.getByRole('heading', { name: 'SMS sequence tools', level: 1 }).waitFor();
    expect(await page.title()).toBe('Tools · SMS Sequences');
    await tabTo(page, 'Spring offer');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    // The new screen is named in the tab, and focus moved to its heading.
    await page.getByRole('heading', { name: 'Spring offer', level: 1 }).waitFor();
    await eventually(async () => expect(await page.title()).toBe('Spring offer · SMS Sequences'));
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    await tabTo(page, '+ Add sequence step message');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    const added = page.locator('#step-2');
    await added.waitFor();
    // The new step is focused, ready to type its name.
    await eventually(async () => expect(await focusedName(page)).toBe('Message name'));
    await page.keyboard.type('Keyboard step');

    await tabTo(page, 'Message to send');
    await page.keyboard.type('Hi ');
    // Back to the merge-field picker: moving through it with the arrow keys inserts nothing…
    await tabTo(page, 'Merge field to insert into message 3', { backwards: true });
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('ArrowDown');
    const chosen = await added
      .getByLabel('Merge field to insert into message 3')
      .evaluate((select: HTMLSelectElement) => select.value);
    expect(chosen).not.toBe('');
    const message = added.getByLabel('Message to send');
    expect(await message.inputValue()).toBe('Hi ');
    // …Insert does, where the cursor was, and hands focus back to the message.
    await tabTo(page, 'Insert the merge field into message 3');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    await eventually(async () => expect(await focusedName(page)).toBe('Message to send'));
    expect(await message.inputValue()).toBe(`Hi ~Contact.${chosen}~`);
    await page.keyboard.type(', typed without a mouse.');
    expect(await message.inputValue()).toBe(`Hi ~Contact.${chosen}~, typed without a mouse.`);

    // "Let me decide" with the arrow keys on the closed select, then a condition.
    await tabTo(page, 'What should happen next?');
    await page.keyboard.press('ArrowDown');
    expect(await added.getByLabel('What should happen next?').inputValue()).toBe('decide');
    await tabTo(page, '+ Equals / contains');
    expect(await focusIsVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    await added.locator('fieldset.condition').first().waitFor();

    // Not needed any more: back up to its Remove button, then publish from the keyboard.
    await tabTo(page, 'Remove message 3', { backwards: true });
    await page.keyboard.press('Enter');
    // It asks first, focus on the safe choice; Tab on to "Delete step".
    await page.getByRole('dialog', { name: /^Delete “#3 .*Keyboard step”\?$/ }).waitFor();
    expect(await focusedName(page)).toBe('Cancel');
    await tabTo(page, 'Delete step');
    await page.keyboard.press('Enter');
    await added.waitFor({ state: 'detached' });
    await seeText(page.locator('.save-state'), 'All changes saved');
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

  /** An edit to publish: `mark` added at the end of the first step's message, saved. */
  async function editFirstMessage(mark: string): Promise<void> {
    const message = page.locator('#step-0').getByLabel('Message to send');
    await message.fill(`${await message.inputValue()} ${mark}`);
    await seeText(page.locator('.save-state'), 'All changes saved');
  }

  it('warns after publishing when Twilio’s sticky sender is off, saying what to do', async () => {
    await setStickySender(false);
    try {
      await page.goto(`${product.consoleUrl}${toolPath}`);
      // An unchanged draft is not published again (issue 16): each publish here has an edit.
      await editFirstMessage('(v2)');
      await page.getByRole('button', { name: 'Publish changes' }).click();
      await page.getByRole('heading', { name: 'Published: version 2' }).waitFor();
      const warning = page.locator('.ui-alert', {
        hasText: 'Published, but texts may not work as expected until you fix this in Twilio',
      });
      await seeText(
        warning,
        'Sticky sender is off on the messaging service "Demo messaging service"',
      );
      await seeText(warning, 'Turn on Sticky Sender for the service in Twilio');
      expect(
        await warning.getByRole('link', { name: 'Open Twilio’s console' }).getAttribute('href'),
      ).toBe('https://console.twilio.com/');
    } finally {
      await setStickySender(true);
    }
    // Fixed in Twilio and published again: no warning.
    await editFirstMessage('(v3)');
    await page.getByRole('button', { name: 'Publish changes' }).click();
    await page.getByRole('heading', { name: 'Published: version 3' }).waitFor();
    expect(await page.locator('.publish-warnings').count()).toBe(0);
  });

  it('shows a way out when a screen’s code does not arrive, and "Try again" brings it back', async () => {
    const tab = await context.newPage();
    const editorChunk = /\/assets\/tool-editor-page-[^/]*\.js$/;
    let blocked = 0;
    await tab.route(editorChunk, async (route) => {
      blocked += 1;
      await route.abort('internetdisconnected');
    });
    await tab.goto(product.consoleUrl);
    await tab.getByRole('link', { name: 'Spring offer' }).click();
    await tab.getByRole('heading', { name: 'This screen could not be loaded', level: 1 }).waitFor();
    expect(blocked).toBeGreaterThan(0);
    await seeText(tab.locator('.route-error'), 'Check your connection and try again');
    // Inside the console's frame, named in the tab: the marketer can still go elsewhere.
    await tab.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await tab.title()).toBe('This screen could not be loaded · SMS Sequences');
    expect(await tab.getByRole('button', { name: 'Go back' }).isVisible()).toBe(true);

    await tab.unroute(editorChunk);
    await tab.getByRole('button', { name: 'Try again' }).click();
    await tab.getByRole('heading', { name: 'Spring offer', level: 1 }).waitFor();
    expect(
      await tab.getByRole('heading', { name: 'This screen could not be loaded' }).count(),
    ).toBe(0);
    await tab.close();
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

  it('signs the browser out when Keap access is revoked; signing in again connects Keap', async () => {
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
      await page.getByRole('link', { name: 'Sign in with Keap' }).waitFor({ timeout: 2_000 });
    }, 30_000);
    await signInWithKeap(page, product.consoleUrl);
    expect(
      await page.locator('.ui-alert', { hasText: 'Your Keap account is disconnected' }).count(),
    ).toBe(0);
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Sign in with Keap' }).waitFor();
    await page.reload();
    await page.getByRole('link', { name: 'Sign in with Keap' }).waitFor();
    expect((await page.request.get(`${product.consoleUrl}/api/session`)).status()).toBe(401);
  });

  it('says what to do, in words, when the Keap consent is denied', async () => {
    await page.getByRole('link', { name: 'Sign in with Keap' }).click();
    await page.getByRole('button', { name: 'Deny' }).click();
    const alert = page.locator('.ui-alert', { hasText: 'Keap sign-in did not finish' });
    await seeText(alert, 'You did not allow SMS Sequences to use your Keap account');
    await seeText(alert, 'press Allow');
    expect(await alert.textContent()).not.toContain('keap_access_denied');
    expect(new URL(page.url()).searchParams.get('error')).toBe('keap_access_denied');
    // The way back in is right below it; the message can be put away.
    await page.getByRole('link', { name: 'Sign in with Keap' }).waitFor();
    await alert.getByRole('button', { name: 'Dismiss' }).click();
    await alert.waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('error')).toBeNull();
  });
});
