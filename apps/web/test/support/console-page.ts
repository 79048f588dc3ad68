import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ROOT } from './product';

/** Small steps the browser tests share, in the words a marketer would use. */

export const SCREENSHOT_DIR = path.join(ROOT, 'docs', 'screenshots');
const takingScreenshots = process.env.SCREENSHOTS === '1';

/** Saves a screenshot of the screen when the screenshots script runs (`pnpm --filter @sms-seq/web screenshots`). */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  if (!takingScreenshots) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({
    path: path.join(SCREENSHOT_DIR, `${name}.png`),
    fullPage: options.fullPage ?? false,
  });
}

/** Waits (with a deadline) until the locator shows the text. */
export async function seeText(
  locator: Locator,
  text: string | RegExp,
  timeout = 15_000,
): Promise<void> {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout });
  } catch (error) {
    await saveFailure(locator.page());
    throw error;
  }
}

/** Keeps what the browser showed when a wait failed, for whoever reads the failure. */
export async function saveFailure(page: Page): Promise<void> {
  const dir = path.join(ROOT, '.run', 'web-e2e');
  mkdirSync(dir, { recursive: true });
  await page
    .screenshot({ path: path.join(dir, 'last-failure.png'), fullPage: true })
    .catch(() => undefined);
}

/** Polls a check until it passes or the deadline passes; the last failure is the error. */
export async function eventually<T>(check: () => Promise<T>, timeout = 15_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
}

/** Signs in through the sandbox's Keap consent page, as a user does on first visit. */
export async function signInWithKeap(page: Page, consoleUrl: string): Promise<void> {
  await page.goto(consoleUrl);
  await page.getByRole('link', { name: 'Sign in with Keap' }).click();
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.getByRole('heading', { name: 'SMS sequence tools' }).waitFor();
}
