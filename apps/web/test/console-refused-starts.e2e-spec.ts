import type { Browser, Page } from 'playwright-core';
import { eventually, saveFailure, seeText, signInWithKeap } from './support/console-page';
import { type Product } from './support/product';
import { aKeywordTool, connectDemoTwilio, startConsole } from './support/fixtures';

/**
 * Keap campaign starts the queue could not perform (answered 202 long before): the Conversations
 * screen's card lists each one with the reason in words, instead of the start vanishing.
 */

let product: Product;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ product, browser, page } = await startConsole());
  await signInWithKeap(page, product.consoleUrl);
  await connectDemoTwilio(page);
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

const campaignPost = (toolUrl: string, contactId: number) =>
  fetch(toolUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ contactId: String(contactId) }).toString(),
  });

it('lists a start for a contact Keap does not have, and one whose phone field is empty, each saying why', async () => {
  try {
    await listsBothRefusals();
  } catch (error) {
    await saveFailure(page);
    throw error;
  }
});

async function listsBothRefusals(): Promise<void> {
  await page.goto(product.consoleUrl);
  await page.getByLabel('Tool JSON file').setInputFiles({
    name: 'offer.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(aKeywordTool({ name: 'Offer', keyword: 'OFFER' }))),
  });
  await page.getByRole('heading', { name: 'Offer', level: 1 }).waitFor();
  await seeText(page.locator('.save-state'), 'All changes saved');
  const publish = page.getByRole('button', { name: 'Publish', exact: true });
  await eventually(async () => expect(await publish.isEnabled()).toBe(true));
  await publish.click();
  await page.getByRole('heading', { name: 'Published: version 1' }).waitFor();
  const toolUrl = await page.getByLabel(/Tool URL/).inputValue();

  // Katherine Johnson, of the sandbox's demo contacts, has no phone at all.
  const contacts = (await (
    await fetch(`${product.sandboxUrl}/sandbox/keap/tenants/sb101/contacts`)
  ).json()) as { id: number; given_name: string | null }[];
  const katherine = contacts.find((contact) => contact.given_name === 'Katherine');
  expect(katherine).toBeDefined();
  const katherineId = katherine?.id ?? 0;
  expect((await campaignPost(toolUrl, 987654)).status).toBe(202);
  expect((await campaignPost(toolUrl, katherineId)).status).toBe(202);

  await page.getByRole('link', { name: 'Conversations', exact: true }).first().click();
  await page.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
  const card = page.locator('.ui-card', { hasText: 'Keap campaign starts that started nothing' });
  await eventually(async () => {
    await page.reload();
    await seeText(card, 'Keap has no contact 987654.', 2_000);
    await seeText(card, `Katherine Johnson (${katherineId}) has no number in Phone 1.`, 2_000);
  }, 30_000);
  const missing = card.getByRole('listitem').filter({ hasText: 'contact 987654' });
  await seeText(missing, 'on “Offer”');
  await seeText(missing, 'the contact may have been merged or deleted');
  const noPhone = card.getByRole('listitem').filter({ hasText: 'Katherine Johnson' });
  await seeText(noPhone, 'Add their mobile number to that field in Keap');
}
