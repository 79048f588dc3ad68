import type { Browser, Page } from 'playwright-core';
import { eventually, seeText, signInWithKeap } from './support/console-page';
import { type Product } from './support/product';
import { aKeywordTool, startConsole } from './support/fixtures';

/**
 * A finish step says which of the two it is: a closing message (no save, no check) ends the
 * conversation as soon as it is sent; one that saves or checks its reply waits for it. The step
 * form, the sequence map and the simulator all show the same.
 */

const CLOSING = 'Closing message: the conversation ends as soon as this text is sent.';
const WAITS = 'Waits for the reply, saves it, then ends.';

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

it('says in words which finish a step is, marks it on the map, and simulates it', async () => {
  const tool = aKeywordTool({
    name: 'Friday RSVP',
    keyword: 'RSVP',
    steps: [
      {
        id: 'bye',
        name: 'See you',
        message: 'Great, see you there! Text RSVP again any time. Text STOP to stop.',
        next: { kind: 'finish' },
      },
    ],
  });
  await page.goto(product.consoleUrl);
  await page.getByLabel('Tool JSON file').setInputFiles({
    name: 'rsvp.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(tool)),
  });
  await page.getByRole('heading', { name: 'Friday RSVP', level: 1 }).waitFor();

  const step = page.locator('#step-0');
  const whatNext = step.getByLabel('What should happen next?');
  const marker = page.getByTestId('map-step-0').locator('.map-node__finish');
  const description = () =>
    step
      .locator('.ui-field', { has: page.getByLabel('What should happen next?') })
      .locator('.ui-field__hint')
      .textContent();
  await eventually(async () => expect(await description()).toBe(CLOSING));
  // The hint describes the select to assistive technology too.
  expect(await whatNext.getAttribute('aria-describedby')).toContain('-hint');
  await seeText(marker, 'Closing message');

  // The simulator runs the engine: the conversation ends with the closing text, no reply asked.
  await page.getByRole('tab', { name: 'Simulator' }).click();
  await page.getByLabel('Start by').selectOption('http_post');
  await seeText(page.locator('.chat'), 'Conversation ended: finished');

  // Saving the reply makes it a finish step that waits for it.
  await step.getByLabel('Save the response to this field').selectOption({ label: 'First Name' });
  await eventually(async () => expect(await description()).toBe(WAITS));
  await page.getByRole('tab', { name: 'Sequence map' }).click();
  await seeText(marker, 'Waits for the reply, then ends');
  expect(await marker.getAttribute('title')).toBe(WAITS);

  // Back to no save: a closing message again.
  await step.getByLabel('Save the response to this field').selectOption({ label: 'Don’t save it' });
  await eventually(async () => expect(await description()).toBe(CLOSING));
  await seeText(marker, 'Closing message');
});
