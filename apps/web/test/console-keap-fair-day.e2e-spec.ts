import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { seeText, signInWithKeap } from './support/console-page';
import { type Product } from './support/product';
import { startConsole } from './support/fixtures';

/**
 * The Keap usage card explains the fair day in words: while Keap's daily limit for all apps is
 * expected to last, nothing is paced; once it is expected to run out before midnight UTC and
 * this account has used its fair share, the card says its campaign starts are paced, why, and
 * that replies in running conversations are not slowed.
 *
 * A morning's worth of Keap calls cannot be made in a test: the shared budget's day counters in
 * Redis are set as that morning would have left them (80,000 calls by this account, at a rate
 * that runs the day's 150,000 out; another account that used 100,000 yesterday), and the
 * product's own budget script works out the projection, the shares and the pacing from them.
 */

const DAY_MS = 86_400_000;
/** The projection window's buckets at real time (15 minutes in three). */
const BUCKET_MS = 300_000;

interface RedisClient {
  incrby(key: string, n: number): Promise<number>;
  hincrby(key: string, field: string, n: number): Promise<number>;
  pexpire(key: string, ms: number): Promise<number>;
  del(key: string): Promise<number>;
  quit(): Promise<unknown>;
}
// The root's ioredis (the API's own client), as product.ts takes the root's pg.
const { Redis } = createRequire(__filename)('ioredis') as {
  Redis: new (url: string) => RedisClient;
};

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

/** Sets the shared budget's counters as a morning with a big campaign of this account leaves them. */
async function aMorningsCampaign(accountId: string): Promise<void> {
  let msLeft = DAY_MS - (Date.now() % DAY_MS);
  // At the very end of a UTC day the counters would land in the next one: start in that one.
  if (msLeft < 120_000) {
    await new Promise((resolve) => setTimeout(resolve, msLeft + 1000));
    msLeft = DAY_MS - (Date.now() % DAY_MS);
  }
  const redis = new Redis(product.apiEnv.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const p = `${product.apiEnv.REDIS_KEY_PREFIX}sms:keap-budget`;
    const day = Math.floor(Date.now() / DAY_MS);
    const bucket = Math.floor(Date.now() / BUCKET_MS);
    const expire = async (key: string, ms: number) => void (await redis.pexpire(key, ms));
    // 80,000 calls today by this account, counted everywhere the budget counts them.
    await redis.incrby(`${p}:day:${day}`, 80_000);
    await redis.hincrby(`${p}:dayacc:${day}`, accountId, 80_000);
    await redis.incrby(`${p}:tday:${accountId}:${day}`, 80_000);
    await redis.hincrby(`${p}:stats:calls:${day}`, `${accountId}|contacts.list`, 80_000);
    for (const key of [`${p}:day:${day}`, `${p}:dayacc:${day}`, `${p}:tday:${accountId}:${day}`])
      await expire(key, 2 * DAY_MS);
    await expire(`${p}:stats:calls:${day}`, 2 * DAY_MS);
    // Its recent rate (the window covers 15 to 20 minutes) runs well past 150,000 by midnight.
    const recent = Math.ceil((70_000 * 1_300_000) / msLeft) + 1000;
    await redis.hincrby(`${p}:rate:${bucket}`, '|', recent);
    await redis.hincrby(`${p}:rate:${bucket}`, accountId, recent);
    await expire(`${p}:rate:${bucket}`, 30 * 60_000);
    // Another account that used 100,000 yesterday is expected to again: the share is 75,000.
    await redis.hincrby(`${p}:dayacc:${day - 1}`, 'another-account', 100_000);
    await expire(`${p}:dayacc:${day - 1}`, 2 * DAY_MS);
    // The shares are recomputed every 10 s; start from these counters now.
    await redis.del(`${p}:fair:${day}`);
  } finally {
    await redis.quit();
  }
}

it('says in words when campaign starts are paced to a fair share of Keap’s day, and why', async () => {
  await page.getByRole('link', { name: 'Connections' }).click();
  const usage = page.getByTestId('keap-budget');
  await seeText(
    page.getByTestId('keap-fair-day'),
    /^At today’s pace, all apps together will use about [\d,]+ of Keap’s 150,000 calls for the day, so nothing is paced\.$/,
  );
  await seeText(usage, /Your fair share today\s*Not needed: the daily limit is expected to last/);

  const session = (await page.evaluate(async () => {
    const answer = await fetch('/api/session');
    return (await answer.json()) as { account: { id: string } };
  })) as { account: { id: string } };
  await aMorningsCampaign(session.account.id);
  await page.reload();

  const card = page.locator('.ui-card', { has: page.getByTestId('keap-budget') });
  await seeText(card, 'Campaign starts paced');
  await seeText(
    page.getByTestId('keap-fair-day'),
    /^Keap’s daily limit for all apps is expected to run out before midnight UTC and your account has used its fair share of it \(80,\d{3} of 75,000 calls today\), so your campaign starts are paced: they go out only as the day’s limit allows\. Replies in running conversations are not slowed\.$/,
  );
  await seeText(usage, /Your fair share today\s*75,000 calls \(80,\d{3} used, 0 left\)/);
  await seeText(
    usage,
    /Keap’s daily limit by midnight UTC\s*About [\d,]+ calls for all apps at today’s pace \(the limit is 150,000\)/,
  );
});
