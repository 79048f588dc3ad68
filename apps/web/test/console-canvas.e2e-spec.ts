import type { Browser, BrowserContext, CDPSession, Locator, Page } from 'playwright-core';
import { eventually, saveFailure, screenshot, signInWithKeap } from './support/console-page';
import { type Product } from './support/product';
import { startConsole } from './support/fixtures';
import { TWENTY_STEPS, twentyStepTool } from './support/twenty-step-tool';

/**
 * Issue 16's hard case, drawn: a 20-step tool whose every step has five conditions and a "no
 * match" (two branches into the same next step, one looping to itself, one back two steps). Every
 * edge has its own readable label, no two labels overlap, the loop and the back edges are drawn,
 * the text is readable where the map opens; the minimap and full width work, and at 390 px the
 * map pans, pinches and selects a step by touch.
 */

const STEPS = TWENTY_STEPS;

let product: Product;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let toolPath: string;

beforeAll(async () => {
  ({ product, browser, context, page } = await startConsole());
  await signInWithKeap(page, product.consoleUrl);
  await page.getByLabel('Tool JSON file').setInputFiles({
    name: 'twenty.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(twentyStepTool())),
  });
  await page.getByRole('heading', { name: 'Twenty questions', level: 1 }).waitFor();
  toolPath = new URL(page.url()).pathname;
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

type Box = { x: number; y: number; width: number; height: number };
const intersects = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (a: Box, b: Box) =>
  a.x >= b.x - 1 &&
  a.y >= b.y - 1 &&
  a.x + a.width <= b.x + b.width + 1 &&
  a.y + a.height <= b.y + b.height + 1;

async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not drawn');
  return box;
}

/** The smallest text, in screen pixels, of the elements (font size times the map's zoom). */
async function smallestText(elements: Locator): Promise<number> {
  return elements.evaluateAll((nodes) =>
    Math.min(
      ...nodes
        .filter((node): node is HTMLElement => node instanceof HTMLElement && node.offsetWidth > 0)
        .map(
          (node) =>
            parseFloat(getComputedStyle(node).fontSize) *
            (node.getBoundingClientRect().width / node.offsetWidth),
        ),
    ),
  );
}

/** The map's zoom and pan, from React Flow's viewport transform. */
async function viewportOf(map: Locator): Promise<{ x: number; y: number; zoom: number }> {
  return map.locator('.react-flow__viewport').evaluate((element) => {
    const matrix = new DOMMatrixReadOnly(getComputedStyle(element).transform);
    return { x: matrix.e, y: matrix.f, zoom: matrix.a };
  });
}

describe('a 20-step tool with five conditions a step, on the map', () => {
  const mapOf = (target: Page) => target.getByRole('region', { name: 'Sequence map' });

  it('gives every edge its own label, and no two labels overlap', async () => {
    const map = mapOf(page);
    await map.getByTestId(`map-step-${STEPS - 1}`).waitFor({ state: 'attached' });
    const edgeIds = await map
      .locator('.react-flow__edge')
      .evaluateAll((edges) => edges.map((edge) => edge.getAttribute('data-id') ?? ''));
    // The start's arrow, and six ways out of every step.
    expect(edgeIds).toHaveLength(1 + STEPS * 6);

    const labels = map.locator('.map-edge-label');
    const labelled = await labels.evaluateAll((items) =>
      items.map((item) => ({
        id: item.getAttribute('data-edge-id') ?? '',
        text: item.textContent ?? '',
        title: item.getAttribute('title') ?? '',
        // Whether the whole text shows in its box (not cut short with an ellipsis).
        fits: Array.from(item.children).every(
          (child) =>
            child.scrollHeight <= child.clientHeight + 1 &&
            child.scrollWidth <= child.clientWidth + 1,
        ),
      })),
    );
    expect(labelled.map((label) => label.id).sort()).toEqual(
      edgeIds.filter((id) => id !== 'start').sort(),
    );
    expect(labelled.filter((label) => label.text !== label.title || !label.fits)).toEqual([]);
    // Three branches from the first step into the second (less than, between, no match): three
    // labels, each its own.
    expect(labelled.find((label) => label.id === 's0:c0')?.text).toBe('reply is less than 300');
    expect(labelled.find((label) => label.id === 's0:c1')?.text).toBe(
      'reply is between 300 and 600',
    );
    expect(labelled.find((label) => label.id === 's0:fallback')?.text).toBe('no match');

    const boxes: (Box & { id: string })[] = [];
    const count = await labels.count();
    for (let index = 0; index < count; index += 1) {
      const label = labels.nth(index);
      boxes.push({
        id: (await label.getAttribute('data-edge-id')) ?? '',
        ...(await boxOf(label)),
      });
    }
    const overlaps = boxes.flatMap((box, index) =>
      boxes
        .slice(index + 1)
        .filter((other) => intersects(box, other))
        .map((other) => `${box.id} / ${other.id}`),
    );
    expect(overlaps).toEqual([]);
    await map.scrollIntoViewIfNeeded();
    await screenshot(page, 'canvas-twenty-steps');
  });

  it('draws the loop beside its step, and branches back up the map distinctly', async () => {
    const map = mapOf(page);
    // React Flow's test id for an edge is rf__edge-<edge id> (map-graph.ts's ids).
    const loopEdge = map.getByTestId('rf__edge-s5:c3');
    expect(await loopEdge.getAttribute('class')).toContain('map-edge--loop');
    const path = loopEdge.locator('path.react-flow__edge-path');
    expect(((await path.getAttribute('d')) ?? '').length).toBeGreaterThan(10);
    const label = map.locator('[data-edge-id="s5:c3"]');
    expect(await label.textContent()).toBe('reply is "again" or "repeat"');

    // The arc and its label are out to the side of the step, not on it.
    await map.getByTestId('map-step-5').scrollIntoViewIfNeeded();
    const step = await boxOf(map.getByTestId('map-step-5'));
    const arc = await boxOf(path);
    expect(arc.x + arc.width).toBeGreaterThan(step.x + step.width);
    expect((await boxOf(label)).x).toBeGreaterThanOrEqual(step.x + step.width - 1);

    const back = map.getByTestId('rf__edge-s7:c4');
    expect(await back.getAttribute('class')).toContain('map-edge--back');
    expect(await map.locator('[data-edge-id="s7:c4"]').getAttribute('class')).toContain(
      'map-edge-label--back',
    );
    expect(await map.getByTestId('rf__edge-s7:c0').getAttribute('class')).not.toContain(
      'map-edge--back',
    );
  });

  it('opens at a readable size, from the start, with the start and finishes marked', async () => {
    await page.reload();
    const map = mapOf(page);
    await map.getByTestId('map-start').waitFor();
    await eventually(async () => expect((await viewportOf(map)).zoom).toBeGreaterThan(0.5));
    // Every text on the steps and the labels is at least 11 px on screen.
    expect(await smallestText(map.locator('.map-node__button > span'))).toBeGreaterThanOrEqual(11);
    expect(await smallestText(map.locator('.map-edge-label span'))).toBeGreaterThanOrEqual(11);
    // The start is in view, and says how conversations start.
    const canvas = await boxOf(map.locator('.react-flow'));
    expect(inside(await boxOf(map.getByTestId('map-start')), canvas)).toBe(true);
    const start = map.getByTestId('map-start');
    expect(await start.locator('.map-node__start').allTextContents()).toEqual([
      '▶ Keyword text “QUOTE”',
      '▶ A campaign’s HTTP Post',
    ]);
    expect(await map.getByTestId('map-step-0').locator('.map-node__first').count()).toBe(1);
  });

  it('moves to a place clicked on the minimap', async () => {
    const map = mapOf(page);
    const minimap = map.locator('.react-flow__minimap');
    await minimap.waitFor();
    // The map sits beside the form, below the tool's header: in view once the page scrolls to it.
    await map.scrollIntoViewIfNeeded();
    expect(await minimap.locator('.react-flow__minimap-node').count()).toBe(STEPS + 2);
    const canvas = await boxOf(map.locator('.react-flow'));
    const finish = map.getByTestId('map-finish');
    // The map opens at its top: the finish, at its bottom, is out of view.
    expect(intersects(await boxOf(finish), canvas)).toBe(false);
    // A click on the finish's place in the minimap brings it into view.
    const target = await boxOf(minimap.locator('.map-minimap-node--finish'));
    await page.mouse.click(target.x + target.width / 2, target.y + target.height / 2);
    await eventually(async () => expect(intersects(await boxOf(finish), canvas)).toBe(true));
  });

  it('gives the map the whole screen and back, by keyboard', async () => {
    const map = mapOf(page);
    const before = await boxOf(map);
    const toggle = map.getByRole('button', { name: 'Full width' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    await eventually(async () => {
      const full = await boxOf(map);
      expect(full.width).toBeGreaterThanOrEqual(1440 - 2);
      expect(full.height).toBeGreaterThanOrEqual(900 - 2);
    });
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await expect(toggle.textContent()).resolves.toBe('Exit full width');
    // The map is framed again for its new room, still readable.
    expect(await smallestText(map.locator('.map-node__button > span'))).toBeGreaterThanOrEqual(11);
    await screenshot(page, 'canvas-full-width');
    await page.keyboard.press('Escape');
    await eventually(async () => expect((await boxOf(map)).width).toBeCloseTo(before.width, 0));
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    // Focus stays on the button, so the keyboard can go straight back.
    expect(await toggle.evaluate((element) => element === document.activeElement)).toBe(true);
  });

  it('brings each step into view as Tab reaches it', async () => {
    const map = mapOf(page);
    await map.scrollIntoViewIfNeeded();
    const canvas = await boxOf(map.locator('.react-flow'));
    const tenth = map.getByRole('button', { name: 'Go to #10 Ask 10' });
    // Framed from the start again (after full width): the tenth step is far below.
    expect(intersects(await boxOf(tenth), canvas)).toBe(false);
    await map.getByRole('button', { name: 'Go to #9 Ask 9' }).focus();
    await page.keyboard.press('Tab');
    expect(await tenth.evaluate((element) => element === document.activeElement)).toBe(true);
    await eventually(async () => expect(inside(await boxOf(tenth), canvas)).toBe(true));
  });
});

describe('the map on a phone (390 px), by touch', () => {
  let phone: Page;
  let cdp: CDPSession | undefined;

  beforeAll(async () => {
    const phoneContext = await browser.newContext({
      viewport: { width: 390, height: 844 },
      hasTouch: true,
      isMobile: true,
      storageState: await context.storageState(),
    });
    phone = await phoneContext.newPage();
    await phone.goto(`${product.consoleUrl}${toolPath}`);
    await phone.getByRole('heading', { name: 'Twenty questions', level: 1 }).waitFor();
  });

  afterAll(async () => {
    await phone?.context().close();
  });

  /**
   * A point on the map's empty background (not a step, not a label), in the page; with `spread`,
   * the points that far to its left and right are empty too (for a pinch).
   */
  async function emptyPoint(map: Locator, spread = 0): Promise<{ x: number; y: number }> {
    const point = await map.locator('.react-flow').evaluate((flow, spread) => {
      const box = flow.getBoundingClientRect();
      const empty = (x: number, y: number) =>
        document.elementFromPoint(x, y)?.classList.contains('react-flow__pane') ?? false;
      for (let y = box.top + box.height * 0.2; y < box.bottom - 20; y += 12)
        for (let x = box.left + 10 + spread; x < box.right - 10 - spread; x += 12)
          if (empty(x, y) && empty(x - spread, y) && empty(x + spread, y)) return { x, y };
      return null;
    }, spread);
    if (!point) throw new Error('no empty place on the map');
    return point;
  }

  /** Fingers on the screen, as the phone's touch screen reports them (Chromium's DevTools protocol). */
  async function touch(
    type: 'touchStart' | 'touchMove' | 'touchEnd',
    points: { x: number; y: number }[],
  ) {
    cdp ??= await phone.context().newCDPSession(phone);
    await cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints: points.map((point, id) => ({ ...point, id })),
    });
  }

  it('has room on the phone, pans with a finger and zooms with a pinch', async () => {
    const map = phone.getByRole('region', { name: 'Sequence map' });
    await map.getByTestId('map-step-0').waitFor();
    await map.scrollIntoViewIfNeeded();
    const room = await boxOf(map.locator('.react-flow'));
    expect(room.width).toBeGreaterThanOrEqual(330);
    expect(room.height).toBeGreaterThanOrEqual(400);
    expect(await smallestText(map.locator('.map-node__button > span'))).toBeGreaterThanOrEqual(11);

    // One finger drags the map up.
    const before = await viewportOf(map);
    const from = await emptyPoint(map);
    await touch('touchStart', [from]);
    for (let step = 1; step <= 6; step += 1)
      await touch('touchMove', [{ x: from.x, y: from.y - step * 25 }]);
    await touch('touchEnd', []);
    const panned = await viewportOf(map);
    expect(panned.y).toBeLessThan(before.y - 100);
    expect(panned.zoom).toBeCloseTo(before.zoom, 5);

    // Two fingers spread apart zoom in.
    const centre = await emptyPoint(map, 92);
    const pair = (spread: number) => [
      { x: centre.x - spread, y: centre.y },
      { x: centre.x + spread, y: centre.y },
    ];
    await touch('touchStart', pair(20));
    for (let step = 1; step <= 6; step += 1) await touch('touchMove', pair(20 + step * 12));
    await touch('touchEnd', []);
    expect((await viewportOf(map)).zoom).toBeGreaterThan(panned.zoom * 1.3);
  });

  it('selects a step with a tap', async () => {
    const map = phone.getByRole('region', { name: 'Sequence map' });
    await map.getByRole('button', { name: 'Readable size, from the start' }).tap();
    const first = map.getByRole('button', { name: 'Go to #1 Ask 1' });
    await eventually(async () =>
      expect(inside(await boxOf(first), await boxOf(map.locator('.react-flow')))).toBe(true),
    );
    await map.locator('.react-flow').scrollIntoViewIfNeeded();
    await screenshot(phone, 'canvas-phone');
    await first.tap();
    await eventually(async () =>
      expect(await first.getAttribute('aria-pressed')).toBe('true'),
    ).catch(async (error: unknown) => {
      await saveFailure(phone);
      throw error;
    });
  });
});
