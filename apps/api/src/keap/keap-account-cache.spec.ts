import { randomUUID } from 'node:crypto';
import type { KeapContactModel } from '@sms-seq/crm-keap';
import { Redis } from 'ioredis';
import { RedisKeapAccountCache } from './keap-account-cache';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MODEL: KeapContactModel = { custom_fields: [], optional_properties: ['preferred_name'] };

describe('RedisKeapAccountCache (real Redis)', () => {
  const clients: Redis[] = [];
  const prefix = `test:account-cache:${randomUUID()}:`;
  /** A cache as one process has it: its own connection, the shared prefix. */
  const aProcess = () => {
    const redis = new Redis(REDIS_URL);
    clients.push(redis);
    return new RedisKeapAccountCache(redis, prefix, { pollMs: 5 });
  };
  afterAll(async () => {
    const keys = await clients[0]!.keys(`${prefix}*`);
    if (keys.length > 0) await clients[0]!.del(...keys);
    for (const c of clients) c.disconnect();
  });

  /** A Keap read that takes a while, so that every caller asks while it is on its way. */
  const aSlowRead = () => {
    let reads = 0;
    const read = async () => {
      reads += 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return MODEL;
    };
    return { read, reads: () => reads };
  };

  it('reads an account’s field model once for a burst of starts in three processes', async () => {
    const processes = [aProcess(), aProcess(), aProcess()];
    const keap = aSlowRead();
    const models = await Promise.all(
      processes.flatMap((cache) =>
        Array.from({ length: 10 }, () => cache.contactModel('acme', keap.read)),
      ),
    );
    expect(keap.reads()).toBe(1);
    for (const m of models) expect(m).toEqual(MODEL);
    // ...and later callers take it from the cache.
    await aProcess().contactModel('acme', keap.read);
    expect(keap.reads()).toBe(1);
  });

  it('reads it again on refresh, once, and keeps accounts apart', async () => {
    const [a, b] = [aProcess(), aProcess()];
    const keap = aSlowRead();
    await a.contactModel('globex', keap.read);
    await Promise.all([
      a.contactModel('globex', keap.read, { refresh: true }),
      b.contactModel('globex', keap.read, { refresh: true }),
    ]);
    expect(keap.reads()).toBe(2);
    await b.contactModel('initech', keap.read);
    expect(keap.reads()).toBe(3);
  });

  it('keeps the note user per account', async () => {
    const [a, b] = [aProcess(), aProcess()];
    let reads = 0;
    const read = async () => String(++reads);
    expect(await Promise.all([a.noteUser('acme', read), b.noteUser('acme', read)])).toEqual([
      '1',
      '1',
    ]);
    expect(reads).toBe(1);
  });

  it('lets a failed read be tried again', async () => {
    const cache = aProcess();
    await expect(
      cache.contactModel('umbrella', async () => {
        throw new Error('Keap failed (503)');
      }),
    ).rejects.toThrow('503');
    await expect(cache.contactModel('umbrella', async () => MODEL)).resolves.toEqual(MODEL);
  });
});
