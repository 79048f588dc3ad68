import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import {
  eventually,
  saveFailure,
  screenshot,
  seeText,
  signInWithKeap,
} from './support/console-page';
import { type Product } from './support/product';
import { aKeywordTool, connectDemoTwilio, DEMO_SENDER, startConsole } from './support/fixtures';

/**
 * The numbers on the flow, in a real browser against the real product: a tool with conversations
 * on version 1, then version 2 published. The funnel counts all versions by default (not "No
 * conversations on this version yet"), by date range, with drop-off percentages; the editor's map
 * shows the same numbers on its steps and arrows. And on a 390 px phone: opening a conversation
 * shows its transcript in view, and a condition's buttons never cover its labels.
 */

const BLUE_PHONE = '+14155550171';
const STOP_PHONE = '+14155550172';
const PHONE = { width: 390, height: 844 };

let product: Product;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let toolPath = '';

const STEPS = [
  {
    id: 'ask',
    name: 'Ask colour',
    message: 'Blue or red? Text STOP to stop.',
    next: {
      kind: 'decide' as const,
      conditions: [
        { id: 'blue', kind: 'equals_any' as const, values: ['blue'], nextStepId: 'thanks' },
        { id: 'red', kind: 'equals_any' as const, values: ['red'], nextStepId: 'thanks' },
      ],
      fallbackStepId: null,
    },
  },
  { id: 'thanks', name: 'Thanks', message: 'Thanks!', next: { kind: 'finish' as const } },
];

/** A day as a date input takes it, `days` from today in this machine's (and the browser's) zone. */
const day = (days: number) => {
  const date = new Date();
  date.setDate(date.getDate() + days);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
};

/** The console's own API calls, with the session's CSRF header. */
async function api(method: 'get' | 'put' | 'post', path: string, data?: object) {
  const csrf = (await context.cookies(product.consoleUrl)).find((c) => c.name === 'sms_csrf');
  const res = await page.request.fetch(`${product.consoleUrl}/api${path}`, {
    method,
    headers: { 'x-csrf-token': csrf?.value ?? '' },
    ...(data ? { data } : {}),
  });
  if (!res.ok()) throw new Error(`${method} ${path}: ${res.status()} ${await res.text()}`);
  return res.json();
}

const text = async (from: string, body: string) => {
  const res = await fetch(`${product.sandboxUrl}/sandbox/twilio/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, to: DEMO_SENDER, body }),
  });
  expect(res.status).toBe(201);
};

const statusOf = async (phone: string) =>
  (
    (await api('get', `/conversations?phone=${encodeURIComponent(phone)}`)) as {
      items: { status: string }[];
    }
  ).items[0]?.status;

const becomes = (phone: string, status: string) =>
  eventually(async () => expect(await statusOf(phone)).toBe(status), 30_000);

const overlaps = (
  a: { x: number; y: number; width: number; height: number },
  b: { x: number; y: number; width: number; height: number },
) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

beforeAll(async () => {
  ({ product, browser, context, page } = await startConsole());
  await signInWithKeap(page, product.consoleUrl);
  await connectDemoTwilio(page);
  await page.goto(product.consoleUrl);
  await page.getByLabel('Tool JSON file').setInputFiles({
    name: 'colour.json',
    mimeType: 'application/json',
    buffer: Buffer.from(
      JSON.stringify(aKeywordTool({ name: 'Colour', keyword: 'COLOUR', steps: STEPS })),
    ),
  });
  await page.getByRole('heading', { name: 'Colour', level: 1 }).waitFor();
  toolPath = new URL(page.url()).pathname;
  await seeText(page.locator('.save-state'), 'All changes saved');
  const publish = page.getByRole('button', { name: 'Publish', exact: true });
  await eventually(async () => expect(await publish.isEnabled()).toBe(true));
  await publish.click();
  await page.getByRole('heading', { name: 'Published: version 1' }).waitFor();

  // Version 1: one contact answers blue and gets the closing message; one texts STOP.
  await text(BLUE_PHONE, 'colour');
  await becomes(BLUE_PHONE, 'awaiting_reply');
  await text(BLUE_PHONE, 'blue');
  await text(STOP_PHONE, 'colour');
  await becomes(STOP_PHONE, 'awaiting_reply');
  await text(STOP_PHONE, 'STOP');
  await becomes(BLUE_PHONE, 'finished');
  await becomes(STOP_PHONE, 'opted_out');

  // Version 2: the closing message says something else; nobody has texted since.
  await page.goto(product.consoleUrl);
  const tool = await api('get', toolPath);
  const draft = {
    ...tool.draft,
    steps: tool.draft.steps.map((step: { id: string }) =>
      step.id === 'thanks' ? { ...step, message: 'Thank you!' } : step,
    ),
  };
  await api('put', toolPath, { draft, draftRevision: tool.draftRevision });
  expect((await api('post', `${toolPath}/publish`)).version).toBe(2);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

describe('numbers on the flow', () => {
  const card = (name: string) => page.locator('.ui-card', { hasText: name });
  const count = (of: Locator, label: string) =>
    of.locator('.funnel__row', { hasText: label }).locator('.funnel__count').textContent();

  it('opens the funnel on all versions after a publish, with drop-off percentages', async () => {
    await page.goto(`${product.consoleUrl}${toolPath}/analytics`);
    await page.getByRole('heading', { name: 'Funnel: Colour', level: 1 }).waitFor();
    await seeText(page.locator('.stat', { hasText: 'Started' }), '2');
    expect(await page.getByText('No conversations on this version yet').count()).toBe(0);
    expect(await page.getByLabel('Version').inputValue()).toBe('');
    expect(await page.getByLabel('Version').locator('option:checked').textContent()).toBe(
      'All versions',
    );
    const ask = card('#1 Ask colour');
    expect(await count(ask, 'Received')).toBe('2');
    expect(await count(ask, 'Replied')).toBe('1');
    expect(await count(ask, 'Dropped off here')).toBe('1');
    await seeText(
      ask.locator('.funnel__row', { hasText: 'Dropped off here' }),
      '50% of those sent this step',
    );
    expect(await count(ask, '↳ reply is "blue"')).toBe('1');
    expect(await count(card('#2 Thanks'), 'Received')).toBe('1');
    expect(await count(card('#2 Thanks'), 'Dropped off here')).toBe('0');
    await seeText(page.locator('.stat', { hasText: 'Dropped off' }), '50%');
    await screenshot(page, 'funnel-all-versions');
    // The definition is on the page, in words.
    await page.getByText('What the numbers mean').click();
    await seeText(page.locator('.funnel-help'), 'ended there without finishing');

    // One version: the new one has none yet and says so; the first has both.
    const version = page.getByLabel('Version');
    await version.selectOption({ label: await optionLabel(version, 'Version 2') });
    await seeText(page.locator('.ui-empty'), 'No conversations on version 2 yet');
    await version.selectOption({ label: await optionLabel(version, 'Version 1') });
    await seeText(page.locator('.stat', { hasText: 'Started' }), '2');
    await version.selectOption('');
  });

  it('counts the conversations started in the days picked', async () => {
    const from = page.getByLabel('From', { exact: true });
    const to = page.getByLabel('To', { exact: true });
    await from.fill(day(1));
    await seeText(page.locator('.ui-empty'), 'No conversations in these dates');
    await from.fill(day(0));
    await to.fill(day(0));
    await seeText(page.locator('.stat', { hasText: 'Started' }), '2');
    // Kept in the address: a reload counts the same days.
    await page.reload();
    expect(await page.getByLabel('From', { exact: true }).inputValue()).toBe(day(0));
    await seeText(page.locator('.stat', { hasText: 'Started' }), '2');
    await page.getByLabel('From', { exact: true }).fill(day(2));
    await page.getByLabel('To', { exact: true }).fill(day(1));
    await seeText(page.locator('.ui-field'), 'The first day must be on or before the last day.');
    await page.getByRole('button', { name: 'All time' }).click();
    await seeText(page.locator('.stat', { hasText: 'Started' }), '2');
  });

  it('shows the numbers on the map: each step and each arrow', async () => {
    await page.goto(`${product.consoleUrl}${toolPath}`);
    await page.getByRole('heading', { name: 'Colour', level: 1 }).waitFor();
    await page.getByTestId('map-step-0').waitFor();
    expect(await page.locator('.map-node__stats').count()).toBe(0);
    await page.getByLabel('Show numbers').check();
    const stats = (node: string) => page.getByTestId(node).locator('.map-node__stats');
    // Two rows on each node: reached and replied, then dropped off.
    await seeText(stats('map-step-0'), '2 reached · 1 replied');
    await seeText(stats('map-step-0'), '1 dropped off here');
    await seeText(stats('map-step-1'), '1 reached · 0 replied');
    await seeText(stats('map-step-1'), '0 dropped off here');
    const edge = (id: string) => page.locator(`[data-edge-id="${id}"] .map-edge-label__count`);
    await seeText(edge('ask:c0'), '1 took this');
    expect(await edge('ask:c1').textContent()).toBe('0 took this');
    expect(await edge('ask:fallback').textContent()).toBe('0 took this');
    // The closing message finished the blue conversation as it was sent.
    expect(await edge('thanks:next').textContent()).toBe('1 took this');
    await seeText(page.getByRole('status'), '2 conversations of all versions');
    await page.locator('.map-numbers').evaluate((element) => element.scrollIntoView());
    await screenshot(page, 'map-numbers');

    // The same days as the funnel: none started tomorrow.
    await page.getByLabel('From', { exact: true }).fill(day(1));
    await seeText(stats('map-step-0'), '0 reached · 0 replied');
    await seeText(stats('map-step-0'), '0 dropped off here');
    await seeText(edge('ask:c0'), '0 took this');
    await page.getByLabel('Show numbers').uncheck();
    await eventually(async () => expect(await page.locator('.map-node__stats').count()).toBe(0));
  });
});

describe('on a 390 px phone', () => {
  let phone: Page;
  let phoneContext: BrowserContext;

  beforeAll(async () => {
    phoneContext = await browser.newContext({
      viewport: PHONE,
      hasTouch: true,
      storageState: await context.storageState(),
    });
    phone = await phoneContext.newPage();
  });
  afterAll(async () => {
    await phoneContext?.close();
  });

  it('shows a conversation’s transcript in view when it is tapped, with a way back', async () => {
    await phone.goto(`${product.consoleUrl}/conversations`);
    await phone.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
    const row = phone.getByRole('button', { name: new RegExp(`\\${BLUE_PHONE}`) });
    await row.first().tap();
    const transcript = phone.getByRole('list', { name: 'Transcript' });
    await seeText(transcript, 'Thanks!');
    const box = await transcript.boundingBox();
    if (!box) throw new Error('the transcript is not shown');
    try {
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
    } catch (error) {
      await saveFailure(phone);
      throw error;
    }
    await screenshot(phone, 'phone-transcript');
    await phone.getByRole('link', { name: '← All conversations' }).tap();
    await row.first().waitFor();
    expect(await transcript.count()).toBe(0);
  });

  it('never covers a condition’s labels with its move and remove buttons', async () => {
    await phone.goto(`${product.consoleUrl}${toolPath}`);
    await phone.getByRole('heading', { name: 'Colour', level: 1 }).waitFor();
    const conditions = phone.locator('fieldset.condition');
    await eventually(async () => expect(await conditions.count()).toBe(2));
    for (const condition of await conditions.all()) {
      await condition.scrollIntoViewIfNeeded();
      const buttons = await condition.locator('.condition__tools button').all();
      expect(buttons).toHaveLength(3);
      const labels = await condition.locator('legend, label').all();
      expect(labels.length).toBeGreaterThan(2);
      for (const label of labels) {
        const labelBox = await label.boundingBox();
        if (!labelBox) continue;
        for (const button of buttons) {
          const buttonBox = await button.boundingBox();
          if (!buttonBox) throw new Error('a condition button is not shown');
          if (overlaps(labelBox, buttonBox)) {
            await saveFailure(phone);
            throw new Error(
              `“${await button.getAttribute('aria-label')}” covers the label “${await label.textContent()}”`,
            );
          }
        }
      }
    }
  });
});

/** The full text of the option whose text starts with `start`. */
async function optionLabel(select: Locator, start: string): Promise<string> {
  const option = select.locator('option', { hasText: start }).first();
  await option.waitFor({ state: 'attached' });
  return (await option.textContent()) ?? '';
}
