import type { Browser, Page } from 'playwright-core';
import { eventually, seeText, signInWithKeap } from './support/console-page';
import { type Product } from './support/product';
import { aKeywordTool, startConsole } from './support/fixtures';

/**
 * Beside a condition's tag, the marketer chooses to achieve a Keap API goal: its integration and
 * call name, told where to type the same in Keap's campaign builder. A name Keap would not take is
 * marked at the field; the draft keeps the goal, the map and the simulator show it.
 */

let product: Product;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ product, browser, page } = await startConsole());
  await signInWithKeap(page, product.consoleUrl);
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

it('configures a Keap API goal on a condition, checks its names, keeps it and simulates it', async () => {
  const tool = aKeywordTool({
    name: 'Book a call',
    keyword: 'CALL',
    steps: [
      {
        id: 'ask',
        name: 'Ask',
        message: 'Shall we book a call? Text STOP to stop.',
        next: {
          kind: 'decide',
          conditions: [{ id: 'yes', kind: 'equals_any', values: ['yes'], nextStepId: null }],
        },
      },
    ],
  });
  await page.goto(product.consoleUrl);
  await page.getByLabel('Tool JSON file').setInputFiles({
    name: 'call.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(tool)),
  });
  await page.getByRole('heading', { name: 'Book a call', level: 1 }).waitFor();

  const condition = page.locator('[data-path="steps.0.next.conditions.0.goal"]');
  await condition
    .getByLabel('Achieve a Keap API goal when condition 1 of message 1 matches')
    .check();
  await seeText(
    condition,
    'In Keap’s campaign builder, add an API goal and enter the same integration and call name',
  );
  await condition.getByLabel('Integration name').fill('smsSequences');
  await condition.getByLabel('Call name').fill('booked call');
  await seeText(
    condition,
    'The call name of the goal of condition 1 of message 1 can only use letters, digits and underscores',
  );
  await condition.getByLabel('Call name').fill('booked');
  await eventually(async () => expect(await condition.locator('.ui-field__error').count()).toBe(0));
  await seeText(page.locator('.save-state'), 'All changes saved');

  // Kept with the draft.
  await page.reload();
  await page.getByRole('heading', { name: 'Book a call', level: 1 }).waitFor();
  expect(await condition.getByLabel('Integration name').inputValue()).toBe('smsSequences');
  expect(await condition.getByLabel('Call name').inputValue()).toBe('booked');

  await page.getByRole('tab', { name: 'Sequence map' }).click();
  await seeText(page.locator('.react-flow'), 'reply is "yes" · goal booked');

  await page.getByRole('tab', { name: 'Simulator' }).click();
  await page.getByLabel('Start by').selectOption('http_post');
  await page.getByLabel('Reply as the contact').fill('yes');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await seeText(page.getByTestId('simulator-facts'), 'Keap API goal: smsSequences.booked');
});
