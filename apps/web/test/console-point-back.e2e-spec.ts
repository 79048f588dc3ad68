import type { Browser, Page } from 'playwright-core';
import { eventually, saveFailure, seeText, signInWithKeap } from './support/console-page';
import { type Product } from './support/product';
import {
  aKeywordTool,
  connectDemoTwilio,
  DEMO_SENDER,
  DEMO_TWILIO,
  startConsole,
} from './support/fixtures';

/**
 * A published tool's number re-pointed in the Twilio Console loses every keyword text and reply
 * of that tool. Connections says so, in words, and "Point it back" puts the webhook back: the
 * text sent meanwhile is fetched back from Twilio (and answered), and the next text from the
 * sandbox phone reaches the tool again.
 */

const SENDER_SID = 'PN00000000000000000000000000000001';
const UNUSED_NUMBER = '+12125550142';
const CONTACT_PHONE = '+14155550188';
/** Texts the tool's keyword while the number points elsewhere. */
const MEANWHILE_PHONE = '+14155550187';
const ELSEWHERE = 'https://elsewhere.example.com/sms';
const LOST = "Texts to this number go elsewhere, so 'Colour' cannot hear its contacts.";
const FETCHED_BACK = '1 text that went elsewhere meanwhile was fetched back.';
const QUESTION = 'Blue or red? Text STOP to stop.';

/** A ready-to-publish keyword tool on the sandbox's first number. */
const aColourTool = () =>
  aKeywordTool({
    name: 'Colour',
    keyword: 'COLOUR',
    steps: [{ id: 'ask', name: 'Ask', message: QUESTION, next: { kind: 'finish' } }],
  });

let product: Product;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ product, browser, page } = await startConsole());
  await signInWithKeap(page, product.consoleUrl);
  await connectDemoTwilio(page);
});

afterAll(async () => {
  await browser?.close();
  await product?.stop();
});

const postJson = (url: string, body: object) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** What the owner does in the Twilio Console: the number's "A message comes in" URL changed (Twilio's API). */
async function repointInTwilio(smsUrl: string): Promise<void> {
  const res = await fetch(
    `${product.sandboxUrl}/2010-04-01/Accounts/${DEMO_TWILIO.accountSid}/IncomingPhoneNumbers/${SENDER_SID}.json`,
    {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${DEMO_TWILIO.accountSid}:${DEMO_TWILIO.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      // Another app takes the number, fallback URL too (ours would otherwise still catch its failures).
      body: new URLSearchParams({ SmsUrl: smsUrl, SmsFallbackUrl: '' }).toString(),
    },
  );
  expect(res.status).toBe(200);
}

/** Where the sandbox sends texts to the number now. */
async function sandboxSmsUrl(): Promise<string | null> {
  const { numbers } = (await (
    await fetch(`${product.sandboxUrl}/sandbox/twilio/numbers`)
  ).json()) as {
    numbers: { sid: string; smsUrl: string | null }[];
  };
  return numbers.find((n) => n.sid === SENDER_SID)?.smsUrl ?? null;
}

const numberRow = (phone: string) => page.getByRole('row').filter({ hasText: phone });

/** The texts the sandbox phone received, oldest first. */
async function textsReceivedBy(phone: string): Promise<string[]> {
  const { received } = (await (
    await fetch(`${product.sandboxUrl}/sandbox/twilio/phones/${encodeURIComponent(phone)}/messages`)
  ).json()) as { received: { body: string }[] };
  return received.map((m) => m.body);
}

describe('a published tool’s number re-pointed in Twilio', () => {
  it('publishes the tool, and Connections shows its number coming here', async () => {
    await page.goto(product.consoleUrl);
    const tool = aColourTool();
    await page.getByLabel('Tool JSON file').setInputFiles({
      name: 'colour.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(tool)),
    });
    await page.getByRole('heading', { name: tool.name, level: 1 }).waitFor();
    await seeText(page.locator('.save-state'), 'All changes saved');
    const publish = page.getByRole('button', { name: 'Publish', exact: true });
    await eventually(async () => expect(await publish.isEnabled()).toBe(true));
    await publish.click();
    await page.getByRole('heading', { name: 'Published: version 1' }).waitFor();

    await page.getByRole('link', { name: 'Connections' }).click();
    await seeText(numberRow(DEMO_SENDER), 'Come to SMS Sequences');
    await seeText(numberRow(UNUSED_NUMBER), 'Go elsewhere until a tool uses it');
  });

  it('warns in words that the tool cannot hear its contacts, and "Point it back" fixes it (a failure says why and can be retried) and fetches back the text sent meanwhile', async () => {
    await repointInTwilio(ELSEWHERE);
    // A contact texts the keyword meanwhile: Twilio posts it to the other URL.
    const meanwhile = await postJson(`${product.sandboxUrl}/sandbox/twilio/inbound`, {
      from: MEANWHILE_PHONE,
      to: DEMO_SENDER,
      body: 'colour',
    });
    expect(meanwhile.status).toBe(201);
    const sentTo = (await meanwhile.json()) as { deliveries: { url: string }[] };
    expect(sentTo.deliveries.map((d) => d.url)).toEqual([ELSEWHERE]);
    await page.reload();
    const row = numberRow(DEMO_SENDER);
    await seeText(row, LOST);
    await seeText(page.locator('.ui-alert'), 'Some published tools cannot hear their contacts');
    // A number no tool uses keeps the neutral badge, without a warning or a button.
    await seeText(numberRow(UNUSED_NUMBER), 'Go elsewhere until a tool uses it');
    expect(await numberRow(UNUSED_NUMBER).getByRole('button').count()).toBe(0);

    // Twilio fails the first time: the row says why and keeps the button.
    let calls = 0;
    await page.route('**/api/twilio/numbers/*/point-here', async (route) => {
      calls += 1;
      if (calls > 1) return route.continue();
      return route.fulfill({
        status: 502,
        contentType: 'application/json',
        body: JSON.stringify({
          error: {
            code: 'twilio_unavailable',
            message: 'Twilio could not do that just now. Try again in a minute.',
          },
        }),
      });
    });
    try {
      await row.getByRole('button', { name: 'Point it back' }).click();
      await seeText(
        row.locator('.ui-alert'),
        'Twilio could not do that just now. Try again in a minute.',
      );
      await seeText(row.locator('.ui-alert'), 'It still points elsewhere');
      expect(await sandboxSmsUrl()).toBe(ELSEWHERE);

      await row.getByRole('button', { name: 'Point it back' }).click();
      await seeText(numberRow(DEMO_SENDER), 'Come to SMS Sequences');
      await seeText(numberRow(DEMO_SENDER), FETCHED_BACK);
    } catch (error) {
      await saveFailure(page);
      throw error;
    } finally {
      await page.unroute('**/api/twilio/numbers/*/point-here');
    }
    expect(calls).toBe(2);
    expect(await numberRow(DEMO_SENDER).getByText(LOST).count()).toBe(0);
    expect(await page.locator('.ui-alert', { hasText: 'cannot hear their contacts' }).count()).toBe(
      0,
    );
    expect(await sandboxSmsUrl()).toBe(`${product.apiUrl}/hooks/twilio/sms#rc=5&rp=5xx,ct,rt`);
    // The text fetched back starts the tool for the contact who sent it.
    await eventually(
      async () => expect(await textsReceivedBy(MEANWHILE_PHONE)).toEqual([QUESTION]),
      30_000,
    );
    // Still so after a reload: it is Twilio's state, not the page's; the count was that answer's.
    await page.reload();
    await seeText(numberRow(DEMO_SENDER), 'Come to SMS Sequences');
    expect(await numberRow(DEMO_SENDER).getByText(FETCHED_BACK).count()).toBe(0);
  });

  it('a text to the number from the sandbox phone reaches the tool again', async () => {
    const inbound = await postJson(`${product.sandboxUrl}/sandbox/twilio/inbound`, {
      from: CONTACT_PHONE,
      to: DEMO_SENDER,
      body: 'colour',
    });
    expect(inbound.status).toBe(201);
    const { deliveries } = (await inbound.json()) as {
      deliveries: { url: string; responseStatus: number }[];
    };
    expect(deliveries.map((d) => [d.url, d.responseStatus])).toEqual([
      [`${product.apiUrl}/hooks/twilio/sms#rc=5&rp=5xx,ct,rt`, 200],
    ]);
    await eventually(
      async () => expect(await textsReceivedBy(CONTACT_PHONE)).toContain(QUESTION),
      30_000,
    );
  });
});
