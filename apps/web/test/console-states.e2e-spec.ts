import type { Browser, BrowserContext, Locator, Page, Route } from 'playwright-core';
import { eventually, saveFailure, seeText, signInWithKeap } from './support/console-page';
import { type Product } from './support/product';
import { aKeywordTool, connectDemoTwilio, DEMO_SENDER, startConsole } from './support/fixtures';

/**
 * The console's states beyond the happy path, in a real browser: the editor's additional options
 * (the note, the opt-out and invalid-number tags) kept across a reload; every main screen on a
 * 390 px wide phone without sideways scrolling, its main controls in reach; and, when a request
 * fails (answered 500 or never answered), a sentence and a way to try again instead of a blank:
 * the conversations screen's tool filter, the funnel, and signing out.
 */

const CONTACT_PHONE = '+14155550188';
const PHONE_WIDTH = 390;

let product: Product;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** The published Deal tool's editor path (/tools/:id), with one finished conversation. */
let dealPath = '';

const postJson = (url: string, body: object) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** The API's error body for a 500, as its exception filter writes it. */
const serverError = (route: Route) =>
  route.fulfill({
    status: 500,
    contentType: 'application/json',
    body: JSON.stringify({
      error: {
        code: 'internal_error',
        message: 'The server ran into a problem. Try again in a moment.',
      },
    }),
  });

beforeAll(async () => {
  ({ product, browser, context, page } = await startConsole());
  await signInWithKeap(page, product.consoleUrl);
  await connectDemoTwilio(page);

  // A published tool and one conversation on it, so every screen has something to show.
  await page.goto(product.consoleUrl);
  await page.getByLabel('Tool JSON file').setInputFiles({
    name: 'deal.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(aKeywordTool({ name: 'Deal', keyword: 'DEAL' }))),
  });
  await page.getByRole('heading', { name: 'Deal', level: 1 }).waitFor();
  dealPath = new URL(page.url()).pathname;
  await seeText(page.locator('.save-state'), 'All changes saved');
  const publish = page.getByRole('button', { name: 'Publish', exact: true });
  await eventually(async () => expect(await publish.isEnabled()).toBe(true));
  await publish.click();
  await page.getByRole('heading', { name: 'Published: version 1' }).waitFor();
  const inbound = await postJson(`${product.sandboxUrl}/sandbox/twilio/inbound`, {
    from: CONTACT_PHONE,
    to: DEMO_SENDER,
    body: 'deal',
  });
  expect(inbound.status).toBe(201);
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

/** The tool's stored draft options, as the API answers them to this browser's session. */
async function storedOptions(
  toolPath: string,
): Promise<{ createNote: boolean; optOutTagId: number | null; invalidNumberTagId: number | null }> {
  const detail = await (await page.request.get(`${product.consoleUrl}/api${toolPath}`)).json();
  return detail.draft.options;
}

/** The value of the select's option whose text contains `text` (a Keap tag by its name). */
async function optionValue(select: Locator, text: string): Promise<string> {
  const option = select.locator('option', { hasText: text }).first();
  await option.waitFor({ state: 'attached' });
  return (await option.getAttribute('value')) ?? '';
}

const selectedText = (select: Locator) =>
  select.evaluate((element: HTMLSelectElement) => element.selectedOptions[0]?.textContent ?? '');

/**
 * How far the page scrolls sideways (0 when it fits), and the innermost elements sticking out
 * past the screen's right edge, so a failure says what to fix.
 */
const sidewaysOverflow = (target: Page) =>
  target.evaluate(() => {
    const width = window.innerWidth;
    const sticksOut = (element: Element) => element.getBoundingClientRect().right > width + 0.5;
    const culprits = Array.from(document.body.querySelectorAll('*'))
      .filter((element) => sticksOut(element) && !Array.from(element.children).some(sticksOut))
      .slice(0, 5)
      .map((element) => {
        const classes = element.getAttribute('class')?.trim().replace(/\s+/g, '.') ?? '';
        const text = element.textContent?.trim().slice(0, 40) ?? '';
        return `${element.tagName.toLowerCase()}${classes ? `.${classes}` : ''} “${text}”`;
      });
    return { overflow: document.documentElement.scrollWidth - width, culprits };
  });

/**
 * The control can be reached on the phone: scrolled to, it lies inside the screen's width and
 * nothing covers it (Playwright's trial click checks it is visible, enabled and on top).
 */
async function inReach(control: Locator, name: string): Promise<void> {
  try {
    await control.scrollIntoViewIfNeeded({ timeout: 10_000 });
    const box = await control.boundingBox();
    if (!box) throw new Error('it is not shown');
    if (box.x < 0 || box.x + box.width > PHONE_WIDTH + 0.5)
      throw new Error(`it lies outside the screen (x ${box.x}, width ${box.width})`);
    await control.click({ trial: true, timeout: 10_000 });
  } catch (error) {
    await saveFailure(control.page());
    throw new Error(`${name} is out of reach on a ${PHONE_WIDTH} px screen: ${String(error)}`);
  }
}

/**
 * The WCAG contrast ratio of the control's text against what is behind it while the pointer is
 * on it (its own background laid over the header's).
 */
async function contrastUnderPointer(control: Locator): Promise<number> {
  await control.hover();
  return control.evaluate((element) => {
    const rgba = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
    const header = rgba(
      getComputedStyle(element.closest('header') ?? document.body).backgroundColor,
    );
    const [r = 0, g = 0, b = 0, alpha = 1] = rgba(getComputedStyle(element).backgroundColor);
    const behind = [r, g, b].map((value, i) => value * alpha + (header[i] ?? 255) * (1 - alpha));
    const text = rgba(getComputedStyle(element).color).slice(0, 3);
    const luminance = (rgb: number[]) => {
      const [lr = 0, lg = 0, lb = 0] = rgb.map((value) => {
        const c = value / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
    };
    const [light, dark] = [luminance(text), luminance(behind)].sort((x, y) => y - x);
    return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
  });
}

describe('the console’s options, phone layout, and failing requests', () => {
  it('keeps the note, opt-out tag and invalid-number tag options after a reload', async () => {
    await page.goto(product.consoleUrl);
    await page.getByLabel('Tool name', { exact: true }).fill('Options kept');
    await page.getByRole('button', { name: 'Create tool' }).click();
    await page.getByRole('heading', { name: 'Options kept', level: 1 }).waitFor();
    const toolPath = new URL(page.url()).pathname;
    await seeText(page.locator('.save-state'), 'All changes saved');

    const note = page.getByLabel('Create a note on the contact record with this conversation');
    const optOut = page.getByLabel(
      'If this number has opted out of receiving texts, apply this tag',
    );
    const invalid = page.getByLabel('If this is not a valid mobile number, apply this tag');
    // A new tool writes no note and applies no tag.
    expect(await note.isChecked()).toBe(false);
    expect(await optOut.inputValue()).toBe('');
    expect(await invalid.inputValue()).toBe('');
    const optedOutTag = await optionValue(optOut, 'Opted out');
    const invalidTag = await optionValue(invalid, 'Invalid number');
    expect(optedOutTag).toMatch(/^\d+$/);
    expect(invalidTag).toMatch(/^\d+$/);

    await note.check();
    await optOut.selectOption(optedOutTag);
    await invalid.selectOption(invalidTag);
    await seeText(page.locator('.save-state'), 'All changes saved');
    await eventually(async () =>
      expect(await storedOptions(toolPath)).toMatchObject({
        createNote: true,
        optOutTagId: Number(optedOutTag),
        invalidNumberTagId: Number(invalidTag),
      }),
    );

    await page.reload();
    await page.getByRole('heading', { name: 'Options kept', level: 1 }).waitFor();
    expect(await note.isChecked()).toBe(true);
    // Shown by the tag's name once Keap's tags are in (not "Tag #… (not found in Keap)").
    await eventually(async () => expect(await selectedText(optOut)).toContain('Opted out'));
    expect(await optOut.inputValue()).toBe(optedOutTag);
    expect(await invalid.inputValue()).toBe(invalidTag);
    expect(await selectedText(invalid)).toContain('Invalid number');

    // Taken back off: also kept.
    await note.uncheck();
    await optOut.selectOption('');
    await seeText(page.locator('.save-state'), 'All changes saved');
    await eventually(async () =>
      expect(await storedOptions(toolPath)).toMatchObject({
        createNote: false,
        optOutTagId: null,
        invalidNumberTagId: Number(invalidTag),
      }),
    );
    await page.reload();
    await page.getByRole('heading', { name: 'Options kept', level: 1 }).waitFor();
    expect(await note.isChecked()).toBe(false);
    expect(await optOut.inputValue()).toBe('');
    expect(await selectedText(optOut)).toBe('No tag');
    expect(await invalid.inputValue()).toBe(invalidTag);
  });

  it('fits every main screen on a 390 px wide phone, its main controls in reach', async () => {
    const phoneContext = await browser.newContext({
      viewport: { width: PHONE_WIDTH, height: 844 },
      storageState: await context.storageState(),
    });
    const phone = await phoneContext.newPage();
    const fits = async (screen: string) => {
      const { overflow, culprits } = await sidewaysOverflow(phone);
      if (overflow <= 0) return;
      await saveFailure(phone);
      throw new Error(
        `${screen} scrolls sideways by ${overflow} px on a ${PHONE_WIDTH} px screen; sticking out: ${culprits.join(', ')}`,
      );
    };
    const nav = phone.getByRole('navigation', { name: 'Main' });
    try {
      // The tools list.
      await phone.goto(product.consoleUrl);
      await phone.getByRole('heading', { name: 'SMS sequence tools', level: 1 }).waitFor();
      await phone.getByRole('link', { name: 'Deal', exact: true }).waitFor();
      await fits('the tools list');
      for (const link of ['Tools', 'Conversations', 'Opt-outs', 'Connections'])
        await inReach(nav.getByRole('link', { name: link, exact: true }), `the ${link} link`);
      await inReach(phone.getByRole('button', { name: 'Sign out' }), 'Sign out');
      await inReach(phone.getByLabel('Tool name', { exact: true }), 'the tool name');
      await inReach(phone.getByRole('button', { name: 'Import JSON…' }), 'Import JSON…');
      await inReach(phone.getByRole('link', { name: 'Deal', exact: true }), 'the Deal tool');
      await inReach(phone.getByRole('button', { name: 'Delete tool Deal' }), 'Delete tool');
      await fits('the tools list');

      // Connections.
      await nav.getByRole('link', { name: 'Connections' }).click();
      await phone.getByRole('heading', { name: 'Connections', level: 1 }).waitFor();
      await seeText(phone.getByRole('table').first(), DEMO_SENDER);
      await fits('Connections');
      await inReach(phone.getByRole('link', { name: 'Reconnect Keap' }), 'Reconnect Keap');
      await inReach(
        phone.getByRole('button', { name: 'Change credentials' }),
        'Change credentials',
      );
      await inReach(
        phone.getByRole('button', { name: 'Disconnect', exact: true }),
        'Disconnect Twilio',
      );
      await inReach(phone.getByRole('button', { name: '+ Buy a number' }), 'Buy a number');
      // The table scrolls by itself on a phone; its cells are still table cells.
      const senderRow = phone
        .getByRole('table')
        .first()
        .getByRole('row', { name: new RegExp(`\\${DEMO_SENDER}`) });
      await inReach(senderRow.getByRole('cell').first(), 'the sender’s number');
      await inReach(senderRow.getByRole('cell').last(), 'where the sender’s texts go');
      await fits('Connections');

      // The conversations list and a transcript.
      await nav.getByRole('link', { name: 'Conversations' }).click();
      await phone.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
      const row = phone.getByRole('button', { name: new RegExp(`\\${CONTACT_PHONE}`) });
      await eventually(async () => {
        await phone.getByRole('button', { name: 'Search' }).click();
        await row.first().waitFor({ timeout: 2_000 });
      }, 30_000);
      await fits('the conversations list');
      await inReach(phone.getByLabel('Phone or name, or words in the texts'), 'the search box');
      await inReach(phone.getByLabel('Tool', { exact: true }), 'the tool filter');
      await inReach(phone.getByLabel('Status', { exact: true }), 'the status filter');
      await inReach(phone.getByRole('button', { name: 'Search' }), 'Search');
      await inReach(row.first(), 'the conversation');
      await row.first().click();
      const transcript = phone.getByRole('list', { name: 'Transcript' });
      await seeText(transcript, 'Here is your deal', 30_000);
      await fits('a transcript');
      await inReach(transcript, 'the transcript');
      await inReach(phone.getByRole('link', { name: 'Open the tool' }), 'Open the tool');
      await fits('a transcript');

      // The opt-outs list (nobody has opted out here: its explanation).
      await nav.getByRole('link', { name: 'Opt-outs' }).click();
      await phone.getByRole('heading', { name: 'Opt-outs', level: 1 }).waitFor();
      await seeText(phone.locator('.ui-empty'), 'Nobody has opted out');
      await fits('the opt-outs list');
      await inReach(phone.getByLabel('Phone number, word or tool'), 'the opt-outs search box');
      await inReach(phone.getByRole('button', { name: 'Search' }), 'the opt-outs Search');
      await fits('the opt-outs list');

      // The funnel.
      await phone.goto(`${product.consoleUrl}${dealPath}/analytics`);
      await phone.getByRole('heading', { name: 'Funnel: Deal', level: 1 }).waitFor();
      await eventually(async () => {
        await phone.getByRole('button', { name: 'Refresh' }).click();
        await seeText(phone.locator('.stat', { hasText: 'Started' }), '1', 2_000);
      }, 30_000);
      await fits('the funnel');
      await inReach(phone.getByLabel('Version'), 'the version picker');
      await inReach(phone.getByRole('button', { name: 'Refresh' }), 'Refresh');
      await inReach(
        phone.locator('.funnel__row', { hasText: 'Received' }).first(),
        'the first step’s Received row',
      );
      await fits('the funnel');

      // The editor.
      await phone.goto(`${product.consoleUrl}${dealPath}`);
      await phone.getByRole('heading', { name: 'Deal', level: 1 }).waitFor();
      await phone.getByTestId('map-step-0').waitFor();
      await fits('the editor');
      await inReach(phone.getByRole('link', { name: 'Analytics' }), 'Analytics');
      await inReach(phone.getByLabel('Tool name', { exact: true }), 'the tool name');
      await inReach(
        phone.getByLabel('Which Twilio phone number would you like to use?'),
        'the sender picker',
      );
      await inReach(phone.locator('#step-0').getByLabel('Message to send'), 'the first message');
      await inReach(
        phone.getByRole('button', { name: '+ Add sequence step message' }),
        'Add sequence step',
      );
      await inReach(
        phone.getByLabel('Create a note on the contact record with this conversation'),
        'the note option',
      );
      await inReach(
        phone.getByLabel('If this number has opted out of receiving texts, apply this tag'),
        'the opt-out tag',
      );
      await inReach(phone.getByTestId('map-step-0'), 'the map’s first step');
      await fits('the editor');
    } finally {
      await phoneContext.close();
    }
  });

  it('says the tool filter could not load the tools, keeps the list, and Try again fills it', async () => {
    let refused = 0;
    const toolsList = (url: URL) => url.pathname === '/api/tools';
    await page.route(toolsList, async (route) => {
      if (route.request().method() !== 'GET') return route.fallback();
      refused += 1;
      return serverError(route);
    });
    try {
      await page.goto(`${product.consoleUrl}/conversations`);
      await page.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
      const problem = page.getByRole('status').filter({ hasText: 'could not be loaded' });
      await seeText(problem, 'Your tools could not be loaded for the tool filter');
      await seeText(problem, 'The server ran into a problem');
      expect(refused).toBeGreaterThan(0);
      // The conversations themselves still show, and the filter still offers "All tools".
      await seeText(page.getByRole('region', { name: 'Conversation list' }), CONTACT_PHONE);
      const filter = page.getByLabel('Tool', { exact: true });
      expect(await selectedText(filter)).toBe('All tools');

      await page.unroute(toolsList);
      await problem.getByRole('button', { name: 'Try again' }).click();
      await problem.waitFor({ state: 'detached' });
      await filter.locator('option', { hasText: 'Deal' }).waitFor({ state: 'attached' });
      await filter.selectOption({ label: 'Deal' });
      await eventually(async () =>
        expect(new URL(page.url()).searchParams.get('toolId')).toBe(dealPath.split('/').pop()),
      );
    } finally {
      await page.unroute(toolsList);
    }
  });

  it('keeps a tool filter from a link when the tools cannot be loaded, saying which is chosen', async () => {
    const toolsList = (url: URL) => url.pathname === '/api/tools';
    await page.route(toolsList, (route) =>
      route.request().method() === 'GET' ? route.abort('internetdisconnected') : route.fallback(),
    );
    try {
      const toolId = dealPath.split('/').pop() ?? '';
      await page.goto(`${product.consoleUrl}/conversations?toolId=${toolId}`);
      const problem = page.getByRole('status').filter({ hasText: 'could not be loaded' });
      await seeText(problem, 'The server could not be reached');
      const filter = page.getByLabel('Tool', { exact: true });
      expect(await filter.inputValue()).toBe(toolId);
      expect(await selectedText(filter)).toBe('The chosen tool (its name could not be loaded)');
    } finally {
      await page.unroute(toolsList);
    }
  });

  it('says the funnel could not be counted when its request fails, and Try again shows it', async () => {
    let refused = 0;
    const analytics = (url: URL) => /^\/api\/tools\/[^/]+\/analytics$/.test(url.pathname);
    await page.route(analytics, async (route) => {
      refused += 1;
      await route.abort('internetdisconnected');
    });
    try {
      await page.goto(`${product.consoleUrl}${dealPath}/analytics`);
      await page.getByRole('heading', { name: 'Funnel: Deal', level: 1 }).waitFor();
      const problem = page
        .getByRole('alert')
        .filter({ hasText: 'The funnel could not be counted' });
      await seeText(
        problem,
        'The server could not be reached. Check your connection and try again.',
      );
      expect(refused).toBeGreaterThan(0);
      // The rest of the screen stays: the version picker lists the published version.
      await page
        .getByLabel('Version')
        .locator('option', { hasText: 'Version 1' })
        .waitFor({ state: 'attached' });

      // Answered 500 on the next try: still in words.
      await page.unroute(analytics);
      await page.route(analytics, serverError);
      await problem.getByRole('button', { name: 'Try again' }).click();
      await seeText(problem, 'The server ran into a problem. Try again in a moment.');

      await page.unroute(analytics);
      await problem.getByRole('button', { name: 'Try again' }).click();
      await problem.waitFor({ state: 'detached' });
      await seeText(page.locator('.stat', { hasText: 'Started' }), '1');
    } finally {
      await page.unroute(analytics);
    }
  });

  it('says signing out failed and stays usable; trying again signs out', async () => {
    const logout = (url: URL) => url.pathname === '/api/session/logout';
    await page.route(logout, serverError);
    try {
      await page.goto(product.consoleUrl);
      await page.getByRole('heading', { name: 'SMS sequence tools', level: 1 }).waitFor();
      // Readable under the pointer too (the header is dark, the text white).
      expect(
        await contrastUnderPointer(page.getByRole('button', { name: 'Sign out' })),
      ).toBeGreaterThanOrEqual(4.5);
      await page.getByRole('button', { name: 'Sign out' }).click();
      const problem = page.getByRole('alert').filter({ hasText: 'You are still signed in' });
      await seeText(problem, 'Signing out did not finish: The server ran into a problem');
      expect(await page.getByRole('button', { name: 'Sign out' }).isEnabled()).toBe(true);
      // Still signed in and usable: another screen opens, the account is still named.
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Conversations' })
        .click();
      await page.getByRole('heading', { name: 'Conversations', level: 1 }).waitFor();
      await seeText(page.getByRole('region', { name: 'Conversation list' }), CONTACT_PHONE);
      expect(await page.getByRole('link', { name: 'Sign in with Keap' }).count()).toBe(0);

      // Not answered at all this time: the reason follows.
      await page.unroute(logout);
      await page.route(logout, (route) => route.abort('internetdisconnected'));
      await problem.getByRole('button', { name: 'Try again' }).click();
      await seeText(problem, 'The server could not be reached');

      await page.unroute(logout);
      await problem.getByRole('button', { name: 'Try again' }).click();
      await page.getByRole('link', { name: 'Sign in with Keap' }).waitFor();
      expect(await problem.count()).toBe(0);
      expect((await page.request.get(`${product.consoleUrl}/api/session`)).status()).toBe(401);
    } finally {
      await page.unroute(logout);
    }
  });
});
