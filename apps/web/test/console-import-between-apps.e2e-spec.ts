import type { Browser, Page } from 'playwright-core';
import { eventually, seeText, signInWithKeap } from './support/console-page';
import { type Product } from './support/product';
import { aKeywordTool, startConsole } from './support/fixtures';

/**
 * An agency imports a tool exported from a client's Keap app into another: the dialog says how
 * its tags and fields were matched here, offers to create the tags this app lacks, and asks which
 * field to use where no label matched; then the tool opens.
 */

let product: Product;
let browser: Browser;
let page: Page;

/** Exported from app zz999: its tag 501 is "interested", 502 "Brand new tag", field _Hue "Hue". */
const fromAnotherApp = {
  ...aKeywordTool({
    name: 'Agency survey',
    keyword: 'AGENCY',
    steps: [
      {
        id: 'ask',
        name: 'Ask',
        message: 'Your ~Contact._Hue|favourite~ colour? Text STOP to stop.',
        saveTo: '_Hue',
        next: {
          kind: 'decide',
          conditions: [
            { id: 'blue', kind: 'equals_any', values: ['*blue*'], tagId: 501, nextStepId: null },
          ],
          fallbackTagId: 502,
          fallbackStepId: null,
        },
      },
    ],
  }),
  keap: {
    app: 'zz999',
    tags: { '501': 'interested', '502': 'Brand new tag' },
    fields: { _Hue: 'Hue' },
  },
};

beforeAll(async () => {
  ({ product, browser, page } = await startConsole());
  await signInWithKeap(page, product.consoleUrl);
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

describe('importing a tool from another Keap app', () => {
  it('shows the mapping in words, creates the missing tags when asked, and asks for the field', async () => {
    await page.getByLabel('Tool JSON file').setInputFiles({
      name: 'agency-survey.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(fromAnotherApp)),
    });
    const dialog = page.getByRole('dialog', {
      name: 'Import “Agency survey” from another Keap app',
    });
    await seeText(dialog, 'Tag "interested" → your tag "Interested".');
    await seeText(dialog.locator('li'), '“Brand new tag”');
    const create = dialog.getByLabel('Create the tags this app does not have');
    expect(await create.isChecked()).toBe(true);

    const field = dialog.getByLabel('Your field for “Hue”');
    await seeText(dialog, 'None of your fields is called “Hue”. Choose one to use instead.');
    const importButton = dialog.getByRole('button', { name: 'Import', exact: true });
    expect(await importButton.isDisabled()).toBe(true);
    await field.selectOption({ label: 'Favorite Color' });
    await eventually(async () => expect(await importButton.isEnabled()).toBe(true));
    await importButton.click();

    await seeText(dialog, 'Tag "Brand new tag" → your tag "Brand new tag" (created).');
    await seeText(dialog, 'Field "Hue" → your field "Favorite Color".');
    await dialog.getByRole('button', { name: 'Open the tool' }).click();
    await page.getByRole('heading', { name: 'Agency survey', level: 1 }).waitFor();
  });

  it('imports an old file, without names, straight into the editor as before', async () => {
    const { keap: _names, ...definition } = fromAnotherApp;
    await page.goto(product.consoleUrl);
    await page.getByLabel('Tool JSON file').setInputFiles({
      name: 'old.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ ...definition, name: 'Old file' })),
    });
    await page.getByRole('heading', { name: 'Old file', level: 1 }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
  });
});
