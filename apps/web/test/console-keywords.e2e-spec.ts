import type { Browser, Page } from 'playwright-core';
import type { ToolDefinitionInput } from '@sms-seq/engine';
import { launchBrowser } from './support/browser';
import { eventually, seeText, signInWithKeap } from './support/console-page';
import { startProduct, type Product } from './support/product';

/**
 * Which keywords are taken, as the console shows it while editing, must be what the server
 * decides when publishing: a keyword is taken when another tool has it LIVE on the same sender.
 * Drafts never take a keyword, and a live keyword stays taken while its tool's draft moves on.
 */

const DEMO_TWILIO = {
  accountSid: 'AC00000000000000000000000000000001',
  authToken: 'sandbox-demo-auth-token-0000000001',
};
const SENDER = '+14155550100';
const TAKEN = 'Another sequence on this number already starts with "DEAL"';

/** A ready-to-publish tool file: keyword DEAL on the sandbox's first number. */
function aDealTool(name: string, keyword = 'DEAL'): ToolDefinitionInput {
  return {
    name,
    startMode: 'keyword_or_http',
    sender: { kind: 'phone_number', phoneNumber: SENDER },
    keyword,
    phoneField: 'Phone1',
    collectEmailFirst: false,
    steps: [
      {
        id: 'offer',
        name: 'Offer',
        message: 'Here is your deal: 10% off. Text STOP to stop.',
        next: { kind: 'finish' },
      },
    ],
  };
}

let product: Product;
let browser: Browser;
let page: Page;
const toolPaths: Record<string, string> = {};

beforeAll(async () => {
  product = await startProduct();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signInWithKeap(page, product.consoleUrl);
  await page.getByRole('link', { name: 'Connections' }).click();
  await page.getByLabel('Account SID').fill(DEMO_TWILIO.accountSid);
  await page.getByLabel('Auth Token').fill(DEMO_TWILIO.authToken);
  await page.getByRole('button', { name: 'Connect Twilio' }).click();
  await seeText(page.locator('.ui-card'), `Connected to Twilio account ${DEMO_TWILIO.accountSid}`);
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
