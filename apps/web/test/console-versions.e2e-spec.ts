import type { Browser, Page } from 'playwright-core';
import { eventually, screenshot, seeText, signInWithKeap } from './support/console-page';
import { type Product } from './support/product';
import { aKeywordTool, connectDemoTwilio, startConsole } from './support/fixtures';

/**
 * Versions (issue 16, item 4): "Publish" says "Nothing changed" while the draft is the live
 * version; the history says when, by whom and what changed in words; a version opens read-only;
 * restoring one makes it the draft the form shows (asking first when the draft has unpublished
 * changes); discarding the draft goes back to the live version. The autosave never writes the
 * replaced draft back.
 */

const FIRST = 'Blue or red? Text STOP to stop.';
const SECOND = 'Blue, red or green? Text STOP to stop.';

const aColourTool = () =>
  aKeywordTool({
    name: 'Colour history',
    keyword: 'HUES',
    steps: [
      {
        id: 'colour',
        name: 'Ask colour',
        message: FIRST,
        next: {
          kind: 'decide',
          conditions: [{ id: 'blue', kind: 'equals_any', values: ['blue'], nextStepId: 'thanks' }],
          fallbackStepId: 'thanks',
        },
      },
      { id: 'thanks', name: 'Thanks', message: 'Thanks!', next: { kind: 'finish' } },
    ],
  });

let product: Product;
let browser: Browser;
let page: Page;
let toolPath = '';

beforeAll(async () => {
  ({ product, browser, page } = await startConsole());
  await signInWithKeap(page, product.consoleUrl);
  await connectDemoTwilio(page);
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

const message = () => page.locator('#step-0').getByLabel('Message to send');
const publishButton = () =>
  page
    .locator('.publish-panel')
    .getByRole('button', { name: /^(Publish( changes)?|Nothing changed)$/ });
const history = () => page.getByRole('dialog', { name: 'Version history' });
const saved = () => seeText(page.locator('.save-state'), 'All changes saved');

async function expectNothingChanged(version: number): Promise<void> {
  await eventually(async () => {
    expect(await publishButton().textContent()).toBe('Nothing changed');
    expect(await publishButton().isDisabled()).toBe(true);
  });
  await seeText(
    page.locator('.publish-panel'),
    `Nothing changed since version ${version} went live`,
  );
}

async function expectPublishable(): Promise<void> {
  await eventually(async () => {
    expect(await publishButton().textContent()).toBe('Publish changes');
    expect(await publishButton().isEnabled()).toBe(true);
  });
}

/** The tool's stored draft message, as the API answers it to this browser's session. */
async function storedMessage(): Promise<string | undefined> {
  return page.evaluate(async (path) => {
    const response = await fetch(`/api${path}`, { headers: { accept: 'application/json' } });
    const tool = (await response.json()) as { draft: { steps: { message: string }[] } };
    return tool.draft.steps[0]?.message;
  }, toolPath);
}

describe('versions: history, read-only, restore, discard, nothing changed', () => {
  it('disables Publish with "Nothing changed" right after publishing', async () => {
    await page.goto(product.consoleUrl);
    const tool = aColourTool();
    await page.getByLabel('Tool JSON file').setInputFiles({
      name: 'colour-history.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(tool)),
    });
    await page.getByRole('heading', { name: tool.name, level: 1 }).waitFor();
    toolPath = new URL(page.url()).pathname;
    await saved();
    const publish = page.getByRole('button', { name: 'Publish', exact: true });
    await eventually(async () => expect(await publish.isEnabled()).toBe(true));
    await publish.click();
    await page.getByRole('heading', { name: 'Published: version 1' }).waitFor();
    await expectNothingChanged(1);
  });

  it('publishes an edit, and the history says what changed, when and by whom', async () => {
    await message().fill(SECOND);
    await saved();
    await expectPublishable();
    await publishButton().click();
    await page.getByRole('heading', { name: 'Published: version 2' }).waitFor();
    await expectNothingChanged(2);

    await page.getByRole('button', { name: 'Version history' }).click();
    const latest = history().getByTestId('version-2');
    await seeText(latest, 'Live');
    await seeText(latest, 'Step Ask colour: message changed');
    await seeText(latest, 'by Owner');
    await seeText(history().getByTestId('version-1'), 'The first version.');
    await screenshot(page, 'version-history');
  });

  it('opens a version read-only: its map and texts, nothing to edit', async () => {
    await history().getByRole('button', { name: 'Open version 1' }).click();
    const view = history().getByTestId('version-view');
    await seeText(view, 'Version 1 (read-only)');
    await seeText(view, `Ask colour: ${FIRST}`);
    await seeText(view.getByLabel('Preview of the sequence map'), 'Ask colour');
    expect(await view.getByRole('textbox').count()).toBe(0);
    await screenshot(page, 'version-read-only');
  });

  it('restores it as the draft: the form shows it, and it stays after the autosave and a reload', async () => {
    // The draft is the live version: nothing to lose, so no question.
    await history().getByRole('button', { name: 'Restore as draft' }).click();
    await history().waitFor({ state: 'hidden' });
    await eventually(async () => expect(await message().inputValue()).toBe(FIRST));
    await seeText(
      page.locator('.versions-panel'),
      'Version 1 is now the draft. Version 2 stays live until you publish.',
    );
    await saved();
    await expectPublishable();
    await seeText(page.locator('.editor-bar'), 'Unpublished changes');
    expect(await storedMessage()).toBe(FIRST);
    await page.reload();
    await page.getByRole('heading', { name: 'Colour history', level: 1 }).waitFor();
    expect(await message().inputValue()).toBe(FIRST);
  });

  it('asks before a restore replaces unpublished changes', async () => {
    await message().fill('Typed, not published. Text STOP to stop.');
    await page.getByRole('button', { name: 'Version history' }).click();
    await history()
      .getByTestId('version-2')
      .getByRole('button', { name: 'Restore as draft' })
      .click();
    await seeText(history(), 'Your draft has changes that are not published');
    await history().getByRole('button', { name: 'Replace my draft with version 2' }).click();
    await history().waitFor({ state: 'hidden' });
    await eventually(async () => expect(await message().inputValue()).toBe(SECOND));
    await expectNothingChanged(2);
    expect(await storedMessage()).toBe(SECOND);
  });

  it('discards the draft back to the live version', async () => {
    await message().fill('Another try. Text STOP to stop.');
    await saved();
    await expectPublishable();
    await page.getByRole('button', { name: 'Discard draft…' }).click();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await eventually(async () => expect(await message().inputValue()).toBe(SECOND));
    await seeText(
      page.locator('.versions-panel'),
      'Your changes were discarded: the draft is version 2 again, as it is live.',
    );
    await expectNothingChanged(2);
    expect(await storedMessage()).toBe(SECOND);
    expect(await page.getByRole('button', { name: 'Discard draft…' }).count()).toBe(0);
  });
});
