import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { AppModule } from '../../src/app/app.module';
import { WallClock } from '../../src/conversations/wall-clock';
import { ALL_QUEUES } from '../../src/outbox/queue-names';
import {
  aKeapContact,
  anInboundText,
  aPhone,
  DEMO_AUTH_TOKEN,
  OFFICE_HOURS,
} from '../runtime/builders';
import { eventually, startRuntime, type RuntimeHarness } from '../runtime/runtime-harness';

/** One series of a Prometheus text exposition. */
interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseMetrics(text: string): Series[] {
  const series: Series[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    series.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return series;
}

/** What GET /metrics says now; `value` sums the series of `name` carrying all of `labels`. */
async function scrape(h: RuntimeHarness) {
  const res = await request(h.t.app.getHttpServer()).get('/metrics').expect(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
  const series = parseMetrics(res.text);
  return {
    has: (name: string) => series.some((s) => s.name === name),
    value: (name: string, labels: Record<string, string> = {}) =>
      series
        .filter((s) => s.name === name)
        .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((sum, s) => sum + s.value, 0),
  };
}

describe('GET /metrics: what operators watch', () => {
  describe('an API process without the worker (the queues wait)', () => {
    let h: RuntimeHarness;

    beforeAll(async () => {
      h = await startRuntime({ METRICS_ENABLED: 'true', RUN_WORKER_IN_API: 'false' });
      await h.connectedAccount();
    });

    afterAll(async () => {
      await h?.close();
    });

    it('counts and times every Twilio webhook answer, and counts refusals by reason', async () => {
      const before = await scrape(h);
      expect((await h.postSignedText(anInboundText(aPhone()), DEMO_AUTH_TOKEN)).status).toBe(200);
      expect((await h.postSignedText(anInboundText(aPhone()), 'not-the-auth-token')).status).toBe(
        403,
      );
      const stranger = anInboundText(aPhone(), { AccountSid: `AC${'9'.repeat(32)}` });
      expect(
        (await h.postSignedText(stranger, 'a-token-of-an-account-we-do-not-have')).status,
      ).toBe(403);
      // Not a webhook (the middleware passes it on): not counted.
      await request(h.t.app.getHttpServer()).get('/hooks/twilio/sms').expect(404);

      const after = await scrape(h);
      const moved = (name: string, labels: Record<string, string>) =>
        after.value(name, labels) - before.value(name, labels);
      expect(moved('sms_webhook_requests_total', { route: 'sms', status: '200' })).toBe(1);
      expect(moved('sms_webhook_requests_total', { route: 'sms', status: '403' })).toBe(2);
      expect(moved('sms_webhook_requests_total', {})).toBe(3);
      expect(
        moved('sms_webhook_refusals_total', { route: 'sms', reason: 'invalid_signature' }),
      ).toBe(2);
      expect(moved('sms_webhook_duration_seconds_count', { route: 'sms' })).toBe(3);
      expect(moved('sms_webhook_duration_seconds_sum', { route: 'sms' })).toBeGreaterThan(0);
      expect(moved('sms_webhook_duration_seconds_bucket', { route: 'sms', le: '+Inf' })).toBe(3);
    });

    it('shows a text waiting in the inbound queue, and for how long', async () => {
      const queuedAt = Date.now();
      expect((await h.postSignedText(anInboundText(aPhone()), DEMO_AUTH_TOKEN)).status).toBe(200);
      const m = await eventually(async () => {
        const now = await scrape(h);
        // The text of the test before and this one: one job per phone.
        return now.value('sms_queue_jobs', { queue: 'inbound', state: 'waiting' }) === 2
          ? now
          : undefined;
      }, 'the inbound jobs to wait');
      const waited = m.value('sms_queue_oldest_waiting_seconds', { queue: 'inbound' });
      expect(waited).toBeGreaterThanOrEqual((Date.now() - queuedAt) / 1000);
      expect(waited).toBeLessThan(60);
      // Every queue and state is there, empty but for those two texts.
      const depths = ALL_QUEUES.flatMap((queue) =>
        ['waiting', 'delayed', 'active', 'failed'].map(
          (state) => `${queue} ${state} ${m.value('sms_queue_jobs', { queue, state })}`,
        ),
      );
      expect(depths).toEqual(
        ALL_QUEUES.flatMap((queue) =>
          ['waiting', 'delayed', 'active', 'failed'].map(
            (state) => `${queue} ${state} ${queue === 'inbound' && state === 'waiting' ? 2 : 0}`,
          ),
        ),
      );
    });

    it('still serves the Keap budget', async () => {
      const m = await scrape(h);
      expect(m.value('keap_budget_limit', { window: 'day' })).toBeGreaterThan(0);
      expect(m.has('keap_budget_paused')).toBe(true);
    });
  });

  describe('an API process with the worker (texts go out)', () => {
    let h: RuntimeHarness;
    let tool: { toolId: string; secret: string };
    let officeHours: { toolId: string; secret: string };

    beforeAll(async () => {
      h = await startRuntime({ METRICS_ENABLED: 'true' });
      const { accountId } = await h.connectedAccount();
      tool = await h.publishedTool(accountId, {
        name: 'Hello',
        keyword: null,
        startMode: 'http_only',
        steps: [{ id: 'hello', name: 'Hello', message: 'Hello!' }],
      });
      officeHours = await h.publishedTool(accountId, {
        name: 'Office hours',
        keyword: null,
        startMode: 'http_only',
        steps: [{ id: 'hello', name: 'Hello', message: 'Good morning!' }],
        options: { sendWindow: OFFICE_HOURS },
      });
    });

    afterEach(() => jest.restoreAllMocks());
    afterAll(async () => {
      await h?.close();
    });

    const sends = async (labels: Record<string, string>) =>
      (await scrape(h)).value('sms_sends_total', labels);
    /** Polls /metrics until `name{labels}` reaches `atLeast`. */
    const reaches = (name: string, labels: Record<string, string>, atLeast: number) =>
      eventually(
        async () => (await scrape(h)).value(name, labels) >= atLeast,
        `${name} ${JSON.stringify(labels)} to reach ${atLeast}`,
      );

    it('counts a text sent', async () => {
      const before = await sends({ outcome: 'sent' });
      const phone = await h.startContact(tool, 'Ann');
      await eventually(() => h.textsTo(phone).length === 1, 'the text');
      await reaches('sms_sends_total', { outcome: 'sent' }, before + 1);
    });

    it('counts Twilio failing a send: the retry, the queue job that failed, then the text sent', async () => {
      const m = await scrape(h);
      const sent = m.value('sms_sends_total', { outcome: 'sent' });
      const retried = m.value('sms_sends_total', { outcome: 'retried', reason: 'not_taken' });
      const failures = m.value('sms_queue_failures_total', { queue: 'send-message' });
      h.sandbox.twilio.failNextSends = { remaining: 1, status: 500 };
      const phone = await h.startContact(tool, 'Bo');
      await eventually(() => h.textsTo(phone).length === 1, 'the text after the retry');
      await reaches('sms_sends_total', { outcome: 'retried', reason: 'not_taken' }, retried + 1);
      await reaches('sms_queue_failures_total', { queue: 'send-message' }, failures + 1);
      await reaches('sms_sends_total', { outcome: 'sent' }, sent + 1);
    });

    it('counts a send Twilio refuses for good by its class (a landline)', async () => {
      const before = await sends({ outcome: 'failed', reason: 'not-mobile' });
      const landline = aPhone();
      h.sandbox.twilio.landlines.add(landline);
      await h.startByHttpPost(tool, aKeapContact(h.sandbox, { firstName: 'Lou', phone: landline }));
      await reaches('sms_sends_total', { outcome: 'failed', reason: 'not-mobile' }, before + 1);
    });

    it('counts a text held for quiet hours, waiting in the queue as a delayed job', async () => {
      // An hour before the window opens (09:00 UTC).
      const eight = new Date();
      eight.setUTCHours(8, 0, 0, 0);
      const offset = eight.getTime() - Date.now();
      jest.spyOn(h.t.app.get(WallClock), 'now').mockImplementation(() => Date.now() + offset);
      const before = await scrape(h);
      const phone = aPhone();
      await h.startByHttpPost(officeHours, aKeapContact(h.sandbox, { firstName: 'Early', phone }));
      await reaches(
        'sms_sends_total',
        { outcome: 'deferred', reason: 'quiet_hours' },
        before.value('sms_sends_total', { outcome: 'deferred', reason: 'quiet_hours' }) + 1,
      );
      await reaches(
        'sms_queue_jobs',
        { queue: 'send-message', state: 'delayed' },
        before.value('sms_queue_jobs', { queue: 'send-message', state: 'delayed' }) + 1,
      );
      expect(h.textsTo(phone)).toEqual([]);
    });
  });

  describe('a worker process apart from the API (it serves no HTTP)', () => {
    let h: RuntimeHarness;
    let worker: INestApplicationContext;
    let tool: { toolId: string; secret: string };

    beforeAll(async () => {
      h = await startRuntime({ METRICS_ENABLED: 'true', RUN_WORKER_IN_API: 'false' });
      const { accountId } = await h.connectedAccount();
      tool = await h.publishedTool(accountId, {
        name: 'Hello',
        keyword: null,
        startMode: 'http_only',
        steps: [{ id: 'hello', name: 'Hello', message: 'Hello!' }],
      });
      // What worker.ts runs, on the same PostgreSQL and Redis.
      worker = await NestFactory.createApplicationContext(AppModule.worker(h.t.config), {
        logger: false,
      });
    });

    afterAll(async () => {
      await worker?.close();
      await h?.close();
    });

    it('what the worker counts (sends, failed jobs) the API serves', async () => {
      h.sandbox.twilio.failNextSends = { remaining: 1, status: 500 };
      const phone = await h.startContact(tool, 'Wanda');
      await eventually(() => h.textsTo(phone).length === 1, 'the text after the retry');
      await eventually(async () => {
        const m = await scrape(h);
        return (
          m.value('sms_sends_total', { outcome: 'sent' }) === 1 &&
          m.value('sms_sends_total', { outcome: 'retried', reason: 'not_taken' }) === 1 &&
          m.value('sms_queue_failures_total', { queue: 'send-message' }) === 1
        );
      }, "the worker's counts in the API's metrics");
    });
  });
});
