import type { Browser, Page } from 'playwright-core';
import { screenshot, seeText, signInWithKeap } from './support/console-page';
import { type Product } from './support/product';
import { startConsole } from './support/fixtures';

/**
 * A new account does not start from an empty page: the Tools page's empty state leads to five
 * ready sequences, each with its map, and "Use this template" opens the new draft in the editor.
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

describe('templates', () => {
  it('are offered by the empty Tools page: five cards, each with a description and its map', async () => {
    await page.locator('.ui-empty').getByRole('link', { name: 'Start from a template' }).click();
    await page.getByRole('heading', { name: 'Start from a template', level: 1 }).waitFor();
    const cards = page.locator('.template-card');
    await seeText(cards, 'NPS survey');
    expect(await cards.count()).toBe(5);
    expect(await cards.locator('.ui-card__title').allTextContents()).toEqual([
      'SMS opt-in (email first)',
      'Lead qualification (budget ranges)',
      'Appointment confirmation (with reschedule)',
      'Event RSVP (yes, no, maybe)',
      'NPS survey (promoters, passives, detractors)',
    ]);
    for (const card of await cards.all()) {
      const map = card.getByRole('region', { name: 'Preview of the sequence map' });
      // The map is drawn: the start, each step and the finish are nodes on it.
      await map.locator('[data-testid="map-step-1"]').waitFor();
      expect(await map.locator('.react-flow__node').count()).toBeGreaterThan(3);
      // A preview: nothing on it to click through to.
      expect(await map.getByRole('button').count()).toBe(0);
    }
    const nps = page.getByTestId('template-nps-survey');
    await seeText(nps, 'Scores of 9 to 10 are tagged promoters');
    await seeText(nps, 'Tags: NPS: Promoter, NPS: Passive, NPS: Detractor');
    await screenshot(page, '13-templates');
  });

  it('"Use this template" opens the new draft in the editor, its tags found or made in Keap', async () => {
    await page
      .getByRole('button', {
        name: 'Use this template: NPS survey (promoters, passives, detractors)',
      })
      .click();
    await page
      .getByRole('heading', { name: 'NPS survey (promoters, passives, detractors)', level: 1 })
      .waitFor();
    expect(page.url()).toMatch(/\/tools\/[0-9a-f-]{36}$/);
    await page
      .getByRole('region', { name: 'Sequence map' })
      .locator('[data-testid="map-step-7"]')
      .waitFor();
    // The draft's conditions apply the tags by name: made in the account's Keap app just now.
    const tagSelects = page
      .locator('select')
      .filter({ has: page.locator('option:checked', { hasText: /^NPS: / }) });
    expect(await tagSelects.count()).toBe(3);
    await page.goto(product.consoleUrl);
    await page
      .getByRole('link', { name: 'NPS survey (promoters, passives, detractors)' })
      .waitFor();
  });
});
