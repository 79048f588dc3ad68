import { createHash, timingSafeEqual } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../config/config';
import type { OutboxKind } from '../outbox/outbox-entry.entity';
import { OutboxPublisher } from '../outbox/outbox.publisher';
import { QUEUE_NAMES } from '../outbox/queue-names';

export const QUEUE_DASHBOARD_PATH = '/ops/queues';

/**
 * The operators' view of the Bull queues (bull-board) at /ops/queues, behind its own HTTP Basic
 * credentials rather than the console's session: operators are not accounts. Mounted only when
 * QUEUE_DASHBOARD=true (config refuses that without a password). Read-only: the outbox in
 * PostgreSQL is the truth and re-publishes what it needs, and a read-only board gives a browser
 * that remembers the credentials nothing to be tricked into doing.
 */
export function mountQueueDashboard(app: INestApplication, config: AppConfig): void {
  if (!config.QUEUE_DASHBOARD) return;
  const publisher = app.get(OutboxPublisher, { strict: false });
  const serverAdapter = new ExpressAdapter().setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: (Object.keys(QUEUE_NAMES) as OutboxKind[]).map(
      (kind) => new BullAdapter(publisher.queue(kind), { readOnlyMode: true }),
    ),
    serverAdapter,
  });
  app.use(
    QUEUE_DASHBOARD_PATH,
    basicAuth(config.QUEUE_DASHBOARD_USER, config.QUEUE_DASHBOARD_PASSWORD),
    serverAdapter.getRouter(),
  );
}

/** HTTP Basic, both parts compared in constant time (digests: equal lengths, no early exit). */
function basicAuth(user: string, password: string) {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  const expectedUser = digest(user);
  const expectedPassword = digest(password);
  return (req: Request, res: Response, next: NextFunction): void => {
    const [scheme, encoded] = (req.headers.authorization ?? '').split(' ', 2);
    const decoded =
      scheme?.toLowerCase() === 'basic'
        ? Buffer.from(encoded ?? '', 'base64').toString('utf8')
        : '';
    const colon = decoded.indexOf(':');
    const givenUser = colon < 0 ? '' : decoded.slice(0, colon);
    const givenPassword = colon < 0 ? '' : decoded.slice(colon + 1);
    const userOk = timingSafeEqual(digest(givenUser), expectedUser);
    const passwordOk = timingSafeEqual(digest(givenPassword), expectedPassword);
    if (colon >= 0 && userOk && passwordOk) return next();
    res
      .status(401)
      .set('WWW-Authenticate', 'Basic realm="queues", charset="UTF-8"')
      .json({
        error: {
          code: 'unauthorized',
          message: 'The queue dashboard needs the operators’ user name and password.',
        },
      });
  };
}
