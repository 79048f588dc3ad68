import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../src/app/app.module';
import { type AppConfig, loadConfig } from '../../src/config/config';
import { configureApp } from '../../src/app/configure-app';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  db: TestDatabase;
  close(): Promise<void>;
}

/** The real app on its own fresh database, configured as `main.ts` configures it. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SECRETS_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: db.url,
    // Own Redis keys per test app: no shared Keap budget, 429 pause, sessions or queues between tests.
    REDIS_KEY_PREFIX: `test:${randomBytes(6).toString('hex')}:`,
    ...env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.api(config)] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  configureApp(app);
  await app.init();
  return {
    app,
    config,
    db,
    async close() {
      await app.close();
      await db.drop();
    },
  };
}
