import request from 'supertest';
import { ALL_QUEUES } from '../../src/outbox/queue-names';
import { OutboxPublisher } from '../../src/outbox/outbox.publisher';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'correct-horse-battery-staple';

describe('the queue dashboard (/ops/queues)', () => {
  it('is not there unless turned on', async () => {
    const t = await startTestApp();
    try {
      await request(t.app.getHttpServer()).get('/ops/queues').expect(404);
      await request(t.app.getHttpServer()).get('/ops/queues').auth('ops', PASSWORD).expect(404);
    } finally {
      await t.close();
    }
  });

  describe('turned on', () => {
    let t: TestApp;
    const get = (path: string) => request(t.app.getHttpServer()).get(path);

    beforeAll(async () => {
      // No worker here: a job queued stays waiting for the dashboard to show.
      t = await startTestApp({
        QUEUE_DASHBOARD: 'true',
        QUEUE_DASHBOARD_USER: 'night-shift',
        QUEUE_DASHBOARD_PASSWORD: PASSWORD,
        RUN_WORKER_IN_API: 'false',
      });
    });

    afterAll(async () => {
      await t?.close();
    });

    it('asks for credentials, and refuses wrong ones, on the page and its API', async () => {
      const none = await get('/ops/queues').expect(401);
      expect(none.headers['www-authenticate']).toMatch(/^Basic realm="queues"/);
      expect(none.body).toEqual({ error: expect.objectContaining({ code: 'unauthorized' }) });
      await get('/ops/queues').auth('night-shift', 'wrong-password-entirely').expect(401);
      await get('/ops/queues').auth('day-shift', PASSWORD).expect(401);
      await get('/ops/queues').set('Authorization', 'Bearer something').expect(401);
      await get('/ops/queues/api/queues').expect(401);
    });

    it('the console session is no way in', async () => {
      await get('/ops/queues/api/queues')
        .set('Cookie', 'sms_session=anything; sms_csrf=x')
        .expect(401);
    });

    it('with the credentials, shows every queue and the jobs in them, read-only', async () => {
      const page = await get('/ops/queues').auth('night-shift', PASSWORD).expect(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);

      await t.app
        .get(OutboxPublisher)
        .publishInbound([{ accountId: 'a1', senderKey: 'n:+14155550100', phone: '+12125550100' }]);
      const api = await get('/ops/queues/api/queues?activeQueue=inbound&status=waiting')
        .auth('night-shift', PASSWORD)
        .expect(200);
      const queues = api.body.queues as {
        name: string;
        readOnlyMode: boolean;
        counts: Record<string, number>;
        jobs: { data: unknown }[];
      }[];
      expect(queues.map((q) => q.name).sort()).toEqual([...ALL_QUEUES].sort());
      expect(queues.every((q) => q.readOnlyMode)).toBe(true);
      const inbound = queues.find((q) => q.name === 'inbound')!;
      expect(inbound.counts.waiting).toBe(1);
      expect(inbound.jobs.map((j) => j.data)).toEqual([
        { accountId: 'a1', senderKey: 'n:+14155550100', phone: '+12125550100' },
      ]);
    });
  });
});
