import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { ToolDefinitionInput } from '@sms-seq/engine';
import { launchBrowser } from './browser';
import { seeText } from './console-page';
import { startProduct, type Product } from './product';

/** The sandbox's demo Twilio account (apps/sandbox seed data): its credentials and API key. */
export const DEMO_TWILIO = {
  accountSid: 'AC00000000000000000000000000000001',
  authToken: 'sandbox-demo-auth-token-0000000001',
  apiKeySid: 'SK00000000000000000000000000000001',
  apiKeySecret: 'sandbox-demo-api-key-secret-000001',
};

/** The demo account's first phone number. */
export const DEMO_SENDER = '+14155550100';

type Steps = NonNullable<ToolDefinitionInput['steps']>;

/** The default single step of aKeywordTool: a deal, then finish. */
const DEAL_OFFER: Steps[number] = {
  id: 'offer',
  name: 'Offer',
  message: 'Here is your deal: 10% off. Text STOP to stop.',
  next: { kind: 'finish' },
};

/** A ready-to-publish keyword tool on the sandbox's first number (one deal step unless given). */
export function aKeywordTool({
  name,
  keyword,
  steps = [DEAL_OFFER],
}: {
  name: string;
  keyword: string;
  steps?: Steps;
}): ToolDefinitionInput {
  return {
    name,
    startMode: 'keyword_or_http',
    sender: { kind: 'phone_number', phoneNumber: DEMO_SENDER },
    keyword,
    phoneField: 'Phone1',
    collectEmailFirst: false,
    steps,
  };
}

/** One product (sandbox + API + console) and one browser page on it, not signed in yet. */
export interface Console {
  product: Product;
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

/**
 * Starts the product, launches the browser and opens a 1440×900 page (plus `contextOptions`).
 * If the browser cannot start, the product is stopped before the error is thrown.
 */
export async function startConsole(contextOptions: BrowserContextOptions = {}): Promise<Console> {
  const product = await startProduct();
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      ...contextOptions,
    });
    const page = await context.newPage();
    return { product, browser, context, page };
  } catch (error) {
    await browser?.close();
    await product.stop();
    throw error;
  }
}

/** Connects the demo Twilio account on Connections (signed in) and waits for its "Connected" card. */
export async function connectDemoTwilio(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Connections' }).click();
  await page.getByLabel('Account SID').fill(DEMO_TWILIO.accountSid);
  await page.getByLabel('Auth Token').fill(DEMO_TWILIO.authToken);
  await page.getByRole('button', { name: 'Connect Twilio' }).click();
  await seeText(page.locator('.ui-card'), `Connected to Twilio account ${DEMO_TWILIO.accountSid}`);
}
