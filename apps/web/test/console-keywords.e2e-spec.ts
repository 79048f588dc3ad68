import type { Browser, Page } from 'playwright-core';
import type { ToolDefinitionInput } from '@sms-seq/engine';
import { eventually, seeText, signInWithKeap } from './support/console-page';
import { type Product } from './support/product';
import { aKeywordTool, connectDemoTwilio, startConsole } from './support/fixtures';

/**
 * Which keywords are taken, as the console shows it while editing, must be what the server
 * decides when publishing: a keyword is taken when another tool has it LIVE on the same sender.
 * Drafts never take a keyword, and a live keyword stays taken while its tool's draft moves on.
 */

const TAKEN = 'Another sequence on this number already starts with "DEAL"';

/** A ready-to-publish tool file: keyword DEAL on the sandbox's first number. */
const aDealTool = (name: string, keyword = 'DEAL') => aKeywordTool({ name, keyword });

let product: Product;
let browser: Browser;
let page: Page;
const toolPaths: Record<string, string> = {};

beforeAll(async () => {
  ({ product, browser, page } = await startConsole());
  await signInWithKeap(page, product.consoleUrl);
  await connectDemoTwilio(page);
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

async function importTool(tool: ToolDefinitionInput): Promise<void> {
  await page.goto(product.consoleUrl);
  await page.getByLabel('Tool JSON file').setInputFiles({
    name: `${tool.name}.json`,
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(tool)),
  });
  await page.getByRole('heading', { name: tool.name, level: 1 }).waitFor();
  toolPaths[tool.name ?? ''] = new URL(page.url()).pathname;
}

async function openTool(name: string): Promise<void> {
  await page.goto(`${product.consoleUrl}${toolPaths[name]}`);
  await page.getByRole('heading', { name, level: 1 }).waitFor();
}

const keywordField = () =>
  page.locator('.ui-field', { has: page.getByLabel('Keyword that starts') });
const publishButton = () => page.getByRole('button', { name: /^Publish( changes)?$/ });

async function expectPublishable(): Promise<void> {
  await seeText(page.locator('.save-state'), 'All changes saved');
  await eventually(async () => expect(await publishButton().isEnabled()).toBe(true));
  expect(await keywordField().locator('.ui-field__error').count()).toBe(0);
}

async function expectKeywordTaken(): Promise<void> {
  await seeText(keywordField().locator('.ui-field__error'), TAKEN);
  await seeText(page.locator('.publish-reasons'), TAKEN);
  expect(await publishButton().isDisabled()).toBe(true);
}

describe('keywords: the console agrees with the server on which are taken', () => {
  it('lets two drafts share a keyword: neither blocks the other', async () => {
    await importTool(aDealTool('Deal A'));
    await expectPublishable();
    await importTool(aDealTool('Deal B'));
    await expectPublishable();
    await openTool('Deal A');
    await expectPublishable();
  });

  it('shows the collision on the second once the first is published', async () => {
    await publishButton().click();
    await page.getByRole('heading', { name: 'Published: version 1' }).waitFor();
    await openTool('Deal B');
    await expectKeywordTaken();
  });

  it('keeps the keyword taken while the live tool’s draft has moved on to another keyword', async () => {
    await openTool('Deal A');
    await page.getByLabel('Keyword that starts this sequence').fill('OFFER');
    await seeText(page.locator('.save-state'), 'All changes saved');
    await openTool('Deal B');
    await expectKeywordTaken();
  });

  it('clears the collision as the keyword changes, publishes, and flags the taken one again', async () => {
    const keyword = page.getByLabel('Keyword that starts this sequence');
    await keyword.fill('DEAL2');
    // At once, before the server has seen the new keyword.
    await keywordField().locator('.ui-field__error').waitFor({ state: 'detached' });
    await expectPublishable();
    // Any case, any spaces: the same keyword.
    await keyword.fill(' deal ');
    await expectKeywordTaken();
    await keyword.fill('DEAL2');
    await expectPublishable();
    await publishButton().click();
    await page.getByRole('heading', { name: 'Published: version 1' }).waitFor();
  });
});
