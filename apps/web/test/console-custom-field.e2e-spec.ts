import type { Browser, Page } from 'playwright-core';
import { eventually, seeText, signInWithKeap } from './support/console-page';
import { startConsole } from './support/fixtures';
import { type Product } from './support/product';

/**
 * "+" beside "Save the response to this field" creates a Keap custom field on the spot: a name
 * and what it holds (the choices of a list), and the new field is picked at once and offered
 * everywhere fields are; a name the account already has is refused in plain words.
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

const selectedText = (select: ReturnType<Page['locator']>) =>
  select.evaluate((el: HTMLSelectElement) => el.selectedOptions[0]?.textContent ?? '');

describe('creating a Keap custom field from the editor', () => {
  it('creates the field with "+", picks it, and offers it in the merge fields too', async () => {
    await page.goto(product.consoleUrl);
    await page.getByLabel('Tool name', { exact: true }).fill('Shoe sizes');
    await page.getByRole('button', { name: 'Create tool' }).click();
    await page.getByRole('heading', { name: 'Shoe sizes', level: 1 }).waitFor();
    const first = page.locator('#step-0');
    const saveTo = first.getByLabel('Save the response to this field');
    const plus = first.getByRole('button', {
      name: 'Create a new field to save the reply to message 1 in',
    });

    await plus.click();
    const form = first.getByRole('group', { name: /^New field/ });
    const create = form.getByRole('button', { name: 'Create field' });
    expect(await create.isDisabled()).toBe(true);
    await form.getByLabel(/^New field name/).fill('Shoe size');
    await form.getByLabel(/^What the new field holds/).selectOption({ label: 'Whole number' });
    await create.click();

    await eventually(async () => expect(await selectedText(saveTo)).toBe('Shoe size'));
    expect(await form.count()).toBe(0);
    expect(
      await first
        .getByLabel('Merge field to insert into message 1')
        .locator('option', { hasText: 'Shoe size' })
        .count(),
    ).toBe(1);
    // Saved with the draft as the field's key.
    await seeText(page.locator('.save-state'), 'All changes saved');
    const toolPath = new URL(page.url()).pathname;
    const draft = await page.evaluate(async (path) => {
      const response = await fetch(`/api${path}`, { headers: { accept: 'application/json' } });
      return ((await response.json()) as { draft: { steps: { saveTo: string | null }[] } }).draft;
    }, toolPath);
    expect(draft.steps[0]?.saveTo).toBe('_Shoesize');
  });

  it('asks for the choices of a list, and refuses a name the account already has', async () => {
    const first = page.locator('#step-0');
    await first
      .getByRole('button', { name: 'Create a new field to save the reply to message 1 in' })
      .click();
    const form = first.getByRole('group', { name: /^New field/ });
    const create = form.getByRole('button', { name: 'Create field' });
    await form.getByLabel(/^New field name/).fill('Shoe size');
    await form
      .getByLabel(/^What the new field holds/)
      .selectOption({ label: 'Choice from a list' });
    expect(await create.isDisabled()).toBe(true);
    await form.getByLabel(/^The choices, one per line/).fill('Small\nLarge\n');
    await create.click();
    await seeText(
      form.getByRole('alert'),
      'There is already a field called “Shoe size”. Pick it from the list, or give the new field another name.',
    );

    await form.getByLabel(/^New field name/).fill('Shirt size');
    await create.click();
    const saveTo = first.getByLabel('Save the response to this field');
    await eventually(async () => expect(await selectedText(saveTo)).toBe('Shirt size'));
  });
});
