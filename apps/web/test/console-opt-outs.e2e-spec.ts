import type { Browser, Page } from 'playwright-core';
import { eventually, seeText, signInWithKeap } from './support/console-page';
import { type Product } from './support/product';
import { aKeywordTool, connectDemoTwilio, DEMO_SENDER, startConsole } from './support/fixtures';

/**
 * "Why does this person get nothing?": the Opt-outs screen says what an opt-out is while nobody
 * has, then lists the contact who texted STOP in the middle of a tool (when, which number, the
 * tool, the word) and finds them by their number written as people write it.
 */

const CONTACT_PHONE = '+17205557707';
const OTHER_PHONE = '+14155550177';

let product: Product;
let browser: Browser;
let page: Page;

const text = async (from: string, body: string) => {
  const res = await fetch(`${product.sandboxUrl}/sandbox/twilio/inbound`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, to: DEMO_SENDER, body }),
  });
  expect(res.status).toBe(201);
};
const textsTo = async (phone: string) =>
  (
    (await (
      await fetch(
        `${product.sandboxUrl}/sandbox/twilio/phones/${encodeURIComponent(phone)}/messages`,
      )
    ).json()) as { received: { body: string }[] }
  ).received.map((message) => message.body);

beforeAll(async () => {
  ({ product, browser, page } = await startConsole());
  await signInWithKeap(page, product.consoleUrl);
  await connectDemoTwilio(page);
  // A published two-question tool, so a STOP after the first question ends a conversation.
  const tool = aKeywordTool({
    name: 'Colour',
    keyword: 'COLOUR',
    steps: [
      { id: 'ask', name: 'Ask', message: 'Blue or red? Text STOP to stop.' },
      { id: 'why', name: 'Why', message: 'Why?', next: { kind: 'finish' } },
    ],
  });
  await page.goto(product.consoleUrl);
  await page.getByLabel('Tool JSON file').setInputFiles({
    name: 'colour.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(tool)),
  });
  await page.getByRole('heading', { name: 'Colour', level: 1 }).waitFor();
  await seeText(page.locator('.save-state'), 'All changes saved');
  const publish = page.getByRole('button', { name: 'Publish', exact: true });
  await eventually(async () => expect(await publish.isEnabled()).toBe(true));
  await publish.click();
  await page.getByRole('heading', { name: 'Published: version 1' }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

describe('the Opt-outs screen', () => {
  it('says what an opt-out is, and how to opt back in, while nobody has', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Opt-outs' })
      .click();
    await page.getByRole('heading', { name: 'Opt-outs', level: 1 }).waitFor();
    await seeText(page.locator('.ui-empty'), 'Nobody has opted out');
    await seeText(page.locator('.ui-empty'), 'until they text START to opt back in');
  });

  it('lists the contact who texted STOP: when, the number, the tool and the word', async () => {
    await text(CONTACT_PHONE, 'colour');
    await eventually(async () =>
      expect(await textsTo(CONTACT_PHONE)).toEqual(['Blue or red? Text STOP to stop.']),
    );
    await text(CONTACT_PHONE, 'stop');
    await text(OTHER_PHONE, 'QUIT');
    const row = page.getByRole('row', { name: /\(720\) 555-7707/ });
    await eventually(async () => {
      await page.reload();
      await row.waitFor({ timeout: 1_000 });
    });
    const cells = await row.getByRole('cell').allInnerTexts();
    expect([cells[0], ...cells.slice(2)]).toEqual([
      '(720) 555-7707',
      '(415) 555-0100',
      'Colour',
      'STOP',
    ]);
    expect(cells[1]).toMatch(/\d/);
    await seeText(page.getByRole('row', { name: /\(415\) 555-0177/ }), 'Not in a conversation');
  });

  it('finds the contact by the number as people write it, and only them', async () => {
    await page.getByLabel('Phone number, word or tool').fill('720.555.7707');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(async () => {
      expect(await page.locator('tbody tr').count()).toBe(1);
      expect(await page.locator('tbody tr').first().innerText()).toContain('(720) 555-7707');
    });
    expect(new URL(page.url()).searchParams.get('q')).toBe('720.555.7707');
  });

  it('says when the search finds nobody, pointing to the conversations', async () => {
    await page.getByLabel('Phone number, word or tool').fill('(303) 555-0000');
    await page.getByRole('button', { name: 'Search' }).click();
    await seeText(page.locator('.ui-empty'), 'Nobody found');
    await page.locator('.ui-empty').getByRole('link', { name: 'Conversations' }).click();
    await page.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('(303) 555-0000');
  });
});
