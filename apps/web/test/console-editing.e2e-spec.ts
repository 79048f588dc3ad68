import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eventually, seeText, signInWithKeap } from './support/console-page';
import { type Product } from './support/product';
import { startConsole } from './support/fixtures';

/**
 * The editor never loses what the marketer typed: leaving it (another screen, closing the tab)
 * inside the autosave's delay saves first, and when the changes cannot be saved it says why
 * before letting them go. And the tools list deletes a tool only after asking.
 */

let product: Product;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  ({ product, browser, context, page } = await startConsole());
  await signInWithKeap(page, product.consoleUrl);
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

/** Creates a tool from the tools list and waits for its editor; returns the editor's path. */
async function createTool(name: string): Promise<string> {
  await page.goto(product.consoleUrl);
  await page.getByLabel('Tool name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create tool' }).click();
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  await seeText(page.locator('.save-state'), 'All changes saved');
  return new URL(page.url()).pathname;
}

const firstMessage = (target: Page = page) =>
  target.locator('#step-0').getByLabel('Message to send');

/** The tool's stored draft, as the API answers it to this browser's session. */
async function storedDraft(
  toolPath: string,
): Promise<{ name: string; steps: { message: string }[] }> {
  const answer = await page.evaluate(async (path) => {
    const response = await fetch(`/api${path}`, { headers: { accept: 'application/json' } });
    return (await response.json()) as { draft: { name: string; steps: { message: string }[] } };
  }, toolPath);
  return answer.draft;
}

describe('the tool editor never loses edits', () => {
  it('saves a message typed just before going to another screen', async () => {
    const toolPath = await createTool('Leave right away');
    const typed = 'Typed a moment before leaving. Text STOP to stop.';
    await firstMessage().fill(typed);
    // Well inside the autosave's delay: the save that was pending goes before the tools list shows.
    await page.getByRole('link', { name: 'Tools', exact: true }).first().click();
    await page.getByRole('heading', { name: 'SMS sequence tools' }).waitFor();
    expect((await storedDraft(toolPath)).steps[0]?.message).toBe(typed);

    await page.getByRole('link', { name: 'Leave right away' }).click();
    await page.getByRole('heading', { name: 'Leave right away', level: 1 }).waitFor();
    expect(await firstMessage().inputValue()).toBe(typed);
  });

  it('saves a message typed just before the tab closes', async () => {
    const toolPath = await createTool('Close the tab');
    const typed = 'Typed just before closing the tab. Text STOP to stop.';
    await firstMessage().fill(typed);
    await page.close({ runBeforeUnload: true });
    page = await context.newPage();
    await page.goto(`${product.consoleUrl}${toolPath}`);
    await page.getByRole('heading', { name: 'Close the tab', level: 1 }).waitFor();
    await eventually(async () =>
      expect((await storedDraft(toolPath)).steps[0]?.message).toBe(typed),
    );
    await page.reload();
    await page.getByRole('heading', { name: 'Close the tab', level: 1 }).waitFor();
    expect(await firstMessage().inputValue()).toBe(typed);
  });

  it('saves a draft with problems, and keeps the other edits while the tool name is empty', async () => {
    const toolPath = await createTool('Name cleared');
    // A message with no words is a problem for publishing, not for saving the draft.
    await firstMessage().fill('');
    await seeText(page.locator('.save-state'), 'All changes saved');
    expect((await storedDraft(toolPath)).steps[0]?.message).toBe('');

    await page.getByLabel('Tool name', { exact: true }).fill('');
    const typed = 'Saved though the name is empty. Text STOP to stop.';
    await firstMessage().fill(typed);
    await page.getByRole('link', { name: 'Tools', exact: true }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Your changes are not saved' });
    await seeText(dialog, 'The tool name is empty. Give the tool a name.');
    // The message went in; only the empty name waits.
    const stored = await storedDraft(toolPath);
    expect(stored.steps[0]?.message).toBe(typed);
    expect(stored.name).toBe('Name cleared');

    // Staying keeps the editor, focus in the form's reach; fixing the name lets the marketer go.
    await dialog.getByRole('button', { name: 'Stay and fix' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByLabel('Tool name', { exact: true }).fill('Name restored');
    await page.getByRole('link', { name: 'Tools', exact: true }).first().click();
    await page.getByRole('heading', { name: 'SMS sequence tools' }).waitFor();
    expect((await storedDraft(toolPath)).name).toBe('Name restored');
  });

  it('asks, with the reason, when the save fails; leaving without saving goes', async () => {
    const toolPath = await createTool('Server trouble');
    await page.route(`**/api${toolPath}`, (route) =>
      route.request().method() === 'PUT'
        ? route.fulfill({
            status: 503,
            contentType: 'application/json',
            body: JSON.stringify({
              error: { code: 'unavailable', message: 'The database is not answering.' },
            }),
          })
        : route.fallback(),
    );
    await firstMessage().fill('This one cannot be saved now. Text STOP to stop.');
    await page.getByRole('link', { name: 'Tools', exact: true }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Your changes are not saved' });
    await seeText(dialog, 'The draft could not be saved: The database is not answering.');
    // Escape is "stay": the editor and the typed text are still there.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await firstMessage().inputValue()).toContain('cannot be saved now');

    await page.getByRole('link', { name: 'Tools', exact: true }).first().click();
    await dialog.getByRole('button', { name: 'Leave without saving' }).click();
    await page.getByRole('heading', { name: 'SMS sequence tools' }).waitFor();
    await page.unroute(`**/api${toolPath}`);
    expect((await storedDraft(toolPath)).steps[0]?.message).not.toContain('cannot be saved now');
  });
});

describe('deleting a tool from the tools list', () => {
  it('asks first: Cancel (and Escape) keep the tool, Delete tool removes it', async () => {
    await createTool('Keep me');
    await createTool('Delete me');
    await page.getByRole('link', { name: 'Tools', exact: true }).first().click();
    const row = (name: string) => page.getByRole('row').filter({ hasText: name });
    await row('Delete me').waitFor();

    await page.getByRole('button', { name: 'Delete tool Delete me' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete “Delete me”?' });
    await seeText(dialog, 'this cannot be undone');
    // Focus is in the dialog, on the safe choice.
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Cancel');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await row('Delete me').count()).toBe(1);

    await page.getByRole('button', { name: 'Delete tool Delete me' }).click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await row('Delete me').count()).toBe(1);

    await page.getByRole('button', { name: 'Delete tool Delete me' }).click();
    await dialog.getByRole('button', { name: 'Delete tool' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row('Delete me').waitFor({ state: 'detached' });
    await page.reload();
    await row('Keep me').waitFor();
    expect(await row('Delete me').count()).toBe(0);
  });
});

describe("the editor's first load", () => {
  it('asks for the tool and the senders once each when a tool link is opened', async () => {
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByLabel('Account SID').fill('AC00000000000000000000000000000001');
    await page.getByLabel('Auth Token').fill('sandbox-demo-auth-token-0000000001');
    await page.getByRole('button', { name: 'Connect Twilio' }).click();
    await seeText(page.locator('.ui-card'), 'Connected to Twilio account');
    const toolPath = await createTool('Opened by link');

    const fresh = await context.newPage();
    const asked: string[] = [];
    fresh.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (request.method() === 'GET' && path.startsWith('/api/')) asked.push(path);
    });
    await fresh.goto(`${product.consoleUrl}${toolPath}`);
    await fresh.getByRole('heading', { name: 'Opened by link', level: 1 }).waitFor();
    // The sender list is filled in from the one answer (the sandbox's numbers).
    await seeText(
      fresh.getByLabel('Which Twilio phone number would you like to use?'),
      '+14155550100',
    );
    await seeText(fresh.locator('.save-state'), 'All changes saved');
    const count = (path: string) => asked.filter((entry) => entry === path).length;
    expect(count(`/api${toolPath}`)).toBe(1);
    expect(count('/api/twilio/senders')).toBe(1);
    await fresh.close();
  });
});

describe('the condition editor and merge fields', () => {
  it('keeps less/greater, between and field-valued comparisons as they are set', async () => {
    const toolPath = await createTool('Age check');
    const first = page.locator('#step-0');
    await first.getByLabel('What should happen next?').selectOption('decide');
    const conditions = first.locator('fieldset.condition');

    await first.getByRole('button', { name: '+ Less / greater than' }).click();
    const younger = conditions.nth(0);
    await younger.getByLabel('If the response is', { exact: true }).selectOption('lt');
    await younger.getByLabel('Value', { exact: true }).fill('18');

    await first.getByRole('button', { name: '+ Between' }).click();
    const adult = conditions.nth(1);
    await adult.getByLabel('If the response is', { exact: true }).selectOption('gte');
    await adult.getByLabel('Value', { exact: true }).nth(0).fill('18');
    await adult.getByLabel('and the response is', { exact: true }).selectOption('lte');
    await adult.getByLabel('Value', { exact: true }).nth(1).fill('65');

    await first.getByRole('button', { name: '+ Less / greater than' }).click();
    const overBudget = conditions.nth(2);
    await overBudget.getByLabel('If the response is', { exact: true }).selectOption('gt');
    await overBudget.getByLabel('Where does the value come from?').selectOption('field');
    // Until a field is chosen this condition cannot be saved; the editor says which one waits.
    await seeText(
      page.locator('.save-state'),
      'Not saved until fixed — The contact field of condition 3 of message 1',
    );
    await overBudget.getByLabel('Contact field', { exact: true }).selectOption({ label: 'Budget' });

    const expected = [
      { kind: 'compare', op: 'lt', value: { source: 'static', value: 18 } },
      {
        kind: 'between',
        first: { op: 'gte', value: { source: 'static', value: 18 } },
        second: { op: 'lte', value: { source: 'static', value: 65 } },
      },
      { kind: 'compare', op: 'gt', value: { source: 'field', field: '_Budget' } },
    ];
    await eventually(async () => {
      const stored = (await storedDraft(toolPath)) as unknown as {
        steps: { next: { conditions: unknown[] } }[];
      };
      expect(stored.steps[0]?.next.conditions).toEqual(
        expected.map((condition) => expect.objectContaining(condition)),
      );
    });

    // Opened again, the form shows what was stored.
    await page.reload();
    await page.getByRole('heading', { name: 'Age check', level: 1 }).waitFor();
    expect(await younger.getByLabel('If the response is', { exact: true }).inputValue()).toBe('lt');
    expect(await younger.getByLabel('Value', { exact: true }).inputValue()).toBe('18');
    expect(await adult.getByLabel('and the response is', { exact: true }).inputValue()).toBe('lte');
    expect(await adult.getByLabel('Value', { exact: true }).nth(1).inputValue()).toBe('65');
    expect(await overBudget.getByLabel('Contact field', { exact: true }).inputValue()).toBe(
      '_Budget',
    );
  });

  it('puts a merge field at the caret, a space away from the word before it', async () => {
    await createTool('Merge at the caret');
    const message = firstMessage();
    await message.fill('Hi, thanks for texting!');
    await message.evaluate((textarea: HTMLTextAreaElement) => textarea.setSelectionRange(2, 2));
    await page
      .locator('#step-0')
      .getByLabel('Merge field to insert into message 1')
      .selectOption('FirstName');
    await page.getByRole('button', { name: 'Insert the merge field into message 1' }).click();
    expect(await message.inputValue()).toBe('Hi ~Contact.FirstName~, thanks for texting!');
  });

  it('offers a fallback for an empty field, and simulates a contact with empty fields', async () => {
    await createTool('Missing first names');
    const step = page.locator('#step-0');
    const message = firstMessage();
    const insert = async (caret: number, fallback: string) => {
      await message.evaluate((textarea: HTMLTextAreaElement, at) => {
        textarea.focus();
        textarea.setSelectionRange(at, at);
      }, caret);
      await step.getByLabel('Merge field to insert into message 1').selectOption('FirstName');
      await step.getByLabel('If the contact has no value, show instead (message 1)').fill(fallback);
      await step.getByRole('button', { name: 'Insert the merge field into message 1' }).click();
    };
    const sentText = () => page.locator('.chat__bubble--out .chat__text').first().textContent();

    await message.fill('Thanks! Will you come? Text STOP to stop.');
    await insert(6, '');
    expect(await message.inputValue()).toBe(
      'Thanks ~Contact.FirstName~! Will you come? Text STOP to stop.',
    );

    await page.getByRole('tab', { name: 'Simulator' }).click();
    await page.getByLabel('Start by').selectOption('http_post');
    await eventually(async () =>
      expect(await sentText()).toBe('Thanks Pat! Will you come? Text STOP to stop.'),
    );
    await page.getByLabel('Pretend contact').selectOption('empty');
    // The exact text a contact without a first name gets: no "Thanks ! Will".
    await eventually(async () =>
      expect(await sentText()).toBe('Thanks! Will you come? Text STOP to stop.'),
    );

    await message.fill('Hi, see you soon. Text STOP to stop.');
    await insert(2, 'friend');
    expect(await message.inputValue()).toBe(
      'Hi ~Contact.FirstName|friend~, see you soon. Text STOP to stop.',
    );
    await eventually(async () =>
      expect(await sentText()).toBe('Hi friend, see you soon. Text STOP to stop.'),
    );
    // Counted as sent, not as written (the token is longer than "friend").
    await seeText(step.locator('.message-facts'), '43 characters · 1 segment');
    // No warning: a field with a fallback is a merge field Keap knows.
    expect(await step.getByText('is not a merge field').count()).toBe(0);
  });
});
