import type { Browser, Locator, Page } from 'playwright-core';
import {
  eventually,
  saveFailure,
  screenshot,
  seeText,
  signInWithKeap,
} from './support/console-page';
import { aKeywordTool, startConsole } from './support/fixtures';
import { type Product } from './support/product';

/**
 * The sequence map is a canvas to edit on: a step chosen on the map opens its fields beside it
 * (the form's own fields, so the two always agree), a drag from a condition's handle to a step
 * sets where it goes, "Add a step" adds one, deleting asks first and names the conditions that
 * point at the step, and every one of these edits is undone and redone with Ctrl+Z and
 * Ctrl+Shift+Z. What is left after all that is the saved draft.
 */

let product: Product;
let browser: Browser;
let page: Page;
let toolPath: string;

/**
 * #1 Ask colour: "yes" → Ask size, "no" → Thanks, no match → Ask size
 * #2 Ask size: no match → Thanks
 * #3 Thanks (finish)
 */
const aColourTool = () =>
  aKeywordTool({
    name: 'Canvas colours',
    keyword: 'CANVAS',
    steps: [
      {
        id: 'colour',
        name: 'Ask colour',
        message: 'Blue or red? Reply yes or no. Text STOP to stop.',
        next: {
          kind: 'decide',
          conditions: [
            { id: 'yes', kind: 'equals_any', values: ['yes'], tagId: null, nextStepId: 'size' },
            { id: 'no', kind: 'equals_any', values: ['no'], tagId: null, nextStepId: 'thanks' },
          ],
          fallbackTagId: null,
          fallbackStepId: 'size',
        },
      },
      {
        id: 'size',
        name: 'Ask size',
        message: 'What size? Text STOP to stop.',
        next: { kind: 'decide', conditions: [], fallbackTagId: null, fallbackStepId: 'thanks' },
      },
      { id: 'thanks', name: 'Thanks', message: 'Thanks, noted!', next: { kind: 'finish' } },
    ],
  });

beforeAll(async () => {
  ({ product, browser, page } = await startConsole());
  await signInWithKeap(page, product.consoleUrl);
  const tool = aColourTool();
  await page.getByLabel('Tool JSON file').setInputFiles({
    name: 'canvas.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(tool)),
  });
  await page.getByRole('heading', { name: tool.name, level: 1 }).waitFor();
  await seeText(page.locator('.save-state'), 'All changes saved');
  toolPath = new URL(page.url()).pathname;
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

const formStep = (index: number) => page.locator(`form.editor-form #step-${index}`);
const panel = (label: string) => page.getByRole('region', { name: `Selected step ${label}` });
const node = (index: number) => page.getByTestId(`map-step-${index}`);
const sendSelect = (step: Locator, condition: number) =>
  step.locator('fieldset.condition').nth(condition).getByLabel('Then send this step');

const undo = () => page.keyboard.press('Control+z');
const redo = () => page.keyboard.press('Control+Shift+z');

/** The value each of the form's step names holds, top to bottom. */
async function formStepNames(): Promise<string[]> {
  return page
    .locator('form.editor-form .step-card')
    .evaluateAll((cards) =>
      cards.map(
        (card) =>
          Array.from(card.querySelectorAll('input')).find((input) =>
            /^steps\.\d+\.name$/.test(input.name),
          )?.value ?? '',
      ),
    );
}

/** Where the element is once it stays put (the map animates its zoom). */
async function settledBox(locator: Locator) {
  let last = '';
  return eventually(async () => {
    const box = await locator.boundingBox();
    const now = JSON.stringify(box);
    const still = box !== null && now === last;
    last = now;
    if (!still) throw new Error(`${String(locator)} is not still on the screen`);
    return box;
  });
}

/** Drags with the mouse from one element's centre to another's, as a person does. */
async function drag(from: Locator, to: Locator): Promise<void> {
  const start = await settledBox(from).catch(async (error: unknown) => {
    await saveFailure(page);
    throw error;
  });
  const end = await settledBox(to);
  await page.mouse.move(start.x + start.width / 2, start.y + start.height / 2);
  await page.mouse.down();
  await page.mouse.move(end.x + end.width / 2, end.y + end.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** The tool's stored draft, as the API answers it to this browser's session. */
async function storedDraft(): Promise<ReturnType<typeof aColourTool>> {
  return page.evaluate(async (path) => {
    const response = await fetch(`/api${path}`, { headers: { accept: 'application/json' } });
    return ((await response.json()) as { draft: ReturnType<typeof aColourTool> }).draft;
  }, toolPath);
}

describe('editing the sequence on the map', () => {
  it('opens a step chosen on the map beside it; its fields are the form’s', async () => {
    // By keyboard: the node's button, Enter.
    await page.getByRole('button', { name: 'Go to #2 Ask size' }).focus();
    await page.keyboard.press('Enter');
    const size = panel('#2 Ask size');
    await eventually(async () =>
      expect(
        await size.getByLabel('Message name').evaluate((input) => input === document.activeElement),
      ).toBe(true),
    );
    await page.keyboard.press('End');
    await page.keyboard.type(' and fit');
    // The form and the map say the same at once.
    expect(await formStep(1).getByLabel('Message name').inputValue()).toBe('Ask size and fit');
    await seeText(node(1), '#2 Ask size and fit');
    // And the other way round: the form's edit shows in the panel.
    await formStep(1).getByLabel('Message to send').fill('Which size and fit? Text STOP to stop.');
    expect(await panel('#2 Ask size and fit').getByLabel('Message to send').inputValue()).toBe(
      'Which size and fit? Text STOP to stop.',
    );

    // Undo takes back the message, then the whole name typed (one edit, not one per letter).
    await undo();
    await eventually(async () =>
      expect(await formStep(1).getByLabel('Message to send').inputValue()).toBe(
        'What size? Text STOP to stop.',
      ),
    );
    await undo();
    await eventually(async () =>
      expect(await formStep(1).getByLabel('Message name').inputValue()).toBe('Ask size'),
    );
    await seeText(node(1), '#2 Ask size');
    expect(await panel('#2 Ask size').getByLabel('Message name').inputValue()).toBe('Ask size');
    await redo();
    await eventually(async () =>
      expect(await formStep(1).getByLabel('Message name').inputValue()).toBe('Ask size and fit'),
    );

    // Escape closes the panel, back on the step's node.
    await panel('#2 Ask size and fit').getByLabel('Message name').focus();
    await page.keyboard.press('Escape');
    await panel('#2 Ask size and fit').waitFor({ state: 'detached' });
    await eventually(async () =>
      expect(
        await page
          .getByRole('button', { name: 'Go to #2 Ask size and fit' })
          .evaluate((button) => button === document.activeElement),
      ).toBe(true),
    );
  });

  it('sets where a condition goes by dragging from its handle to a step', async () => {
    await page.getByRole('region', { name: 'Sequence map' }).scrollIntoViewIfNeeded();
    await page.getByRole('button', { name: 'Show the whole map' }).click();
    expect(await sendSelect(formStep(0), 1).inputValue()).toBe('thanks');
    // Condition 2 ("no") of Ask colour, dragged onto Ask size.
    const handle = node(0).locator('.react-flow__handle[data-handleid="c1"]');
    const target = node(1).locator('.react-flow__handle.target');
    await drag(handle, target);
    await eventually(async () =>
      expect(await sendSelect(formStep(0), 1).inputValue()).toBe('size'),
    );
    // The other routes did not move.
    expect(await sendSelect(formStep(0), 0).inputValue()).toBe('size');

    await undo();
    await eventually(async () =>
      expect(await sendSelect(formStep(0), 1).inputValue()).toBe('thanks'),
    );
    await redo();
    await eventually(async () =>
      expect(await sendSelect(formStep(0), 1).inputValue()).toBe('size'),
    );
  });

  it('adds a step from the map and opens it', async () => {
    await page.getByRole('button', { name: '+ Add a step' }).click();
    const added = panel('#4 Message #4');
    await eventually(async () =>
      expect(
        await added
          .getByLabel('Message name')
          .evaluate((input) => input === document.activeElement),
      ).toBe(true),
    );
    await formStep(3).waitFor();
    await added.getByLabel('Message name').fill('Goodbye');
    await panel('#4 Goodbye').getByLabel('Message to send').fill('Bye for now!');
    await seeText(node(3), '#4 Goodbye');
    await screenshot(page, 'canvas-step-panel');

    // Undo: the message, the name, then the step itself; redo brings all three back.
    await undo();
    await undo();
    await eventually(async () =>
      expect(await formStep(3).getByLabel('Message name').inputValue()).toBe('Message #4'),
    );
    await undo();
    await formStep(3).waitFor({ state: 'detached' });
    await node(3).waitFor({ state: 'detached' });
    await redo();
    await redo();
    await redo();
    await eventually(async () =>
      expect(await formStep(3).getByLabel('Message to send').inputValue()).toBe('Bye for now!'),
    );
    expect(await formStep(3).getByLabel('Message name').inputValue()).toBe('Goodbye');
  });

  it('deletes a step only after naming the conditions that point at it, repointing them', async () => {
    await page.getByRole('button', { name: 'Go to #2 Ask size and fit' }).click();
    const size = panel('#2 Ask size and fit');
    await eventually(async () =>
      expect(
        await size.getByLabel('Message name').evaluate((input) => input === document.activeElement),
      ).toBe(true),
    );
    await size.getByRole('button', { name: 'Remove message 2' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete “#2 Ask size and fit”?' });
    await seeText(dialog, '#1 Ask colour → condition 1 (reply is "yes")');
    await seeText(dialog, '#1 Ask colour → condition 2 (reply is "no")');
    await seeText(dialog, '#1 Ask colour → no match');
    await screenshot(page, 'canvas-delete-step');
    // Cancel keeps it.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await formStep(2).waitFor();

    await size.getByRole('button', { name: 'Remove message 2' }).click();
    await dialog.getByLabel('Send them instead to').selectOption({ label: '#3 Thanks' });
    await dialog.getByRole('button', { name: 'Delete step' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await formStep(3).waitFor({ state: 'detached' });
    expect(await formStepNames()).toEqual(['Ask colour', 'Thanks', 'Goodbye']);
    // Every route that went to the deleted step goes to Thanks now: no "Missing step".
    expect(await sendSelect(formStep(0), 0).inputValue()).toBe('thanks');
    expect(await sendSelect(formStep(0), 1).inputValue()).toBe('thanks');
    expect(
      await formStep(0).getByLabel('If none of the criteria are met, send this step').inputValue(),
    ).toBe('thanks');
    expect(await page.getByText('Missing step').count()).toBe(0);

    // One undo brings the step back with every route into it.
    await undo();
    await formStep(3).waitFor();
    expect(await formStepNames()).toEqual(['Ask colour', 'Ask size and fit', 'Thanks', 'Goodbye']);
    expect(await sendSelect(formStep(0), 0).inputValue()).toBe('size');
    expect(await sendSelect(formStep(0), 1).inputValue()).toBe('size');
    await redo();
    await formStep(3).waitFor({ state: 'detached' });
    expect(await formStepNames()).toEqual(['Ask colour', 'Thanks', 'Goodbye']);
  });

  it('undoes and redoes with the buttons too', async () => {
    await page.getByRole('button', { name: 'Undo', exact: false }).first().click();
    await formStep(3).waitFor();
    await page.getByRole('button', { name: 'Redo', exact: false }).first().click();
    await formStep(3).waitFor({ state: 'detached' });
  });

  it('sets where a step goes from the keyboard with the panel’s "Goes to"', async () => {
    await page.getByRole('button', { name: 'Go to #3 Goodbye' }).focus();
    await page.keyboard.press('Enter');
    const goodbye = panel('#3 Goodbye');
    const goesTo = goodbye.getByLabel('Goes to');
    // The last step: after its reply the conversation finishes.
    expect(await goesTo.inputValue()).toBe('');
    await goesTo.focus();
    await page.keyboard.press('ArrowDown');
    await eventually(async () => expect(await goesTo.inputValue()).toBe('colour'));
    // In the form: a decision with no conditions whose "no match" is Ask colour.
    expect(await formStep(2).getByLabel('What should happen next?').inputValue()).toBe('decide');
    expect(
      await formStep(2).getByLabel('If none of the criteria are met, send this step').inputValue(),
    ).toBe('colour');

    await undo();
    await eventually(async () =>
      expect(await formStep(2).getByLabel('What should happen next?').inputValue()).toBe('next'),
    );
    await page.keyboard.press('Escape');
  });

  it('has saved the draft as it was left: a reload shows it', async () => {
    await seeText(page.locator('.save-state'), 'All changes saved');
    const stored = await storedDraft();
    expect(stored.steps?.map((step) => step.name)).toEqual(['Ask colour', 'Thanks', 'Goodbye']);

    await page.reload();
    await page.getByRole('heading', { name: 'Canvas colours', level: 1 }).waitFor();
    await formStep(2).waitFor();
    expect(await formStepNames()).toEqual(['Ask colour', 'Thanks', 'Goodbye']);
    expect(await formStep(2).getByLabel('Message to send').inputValue()).toBe('Bye for now!');
    expect(await sendSelect(formStep(0), 0).inputValue()).toBe('thanks');
    expect(await sendSelect(formStep(0), 1).inputValue()).toBe('thanks');
    await seeText(node(2), '#3 Goodbye');
  });
});
