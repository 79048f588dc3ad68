import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { loadConfig } from '../config/config';
import { configureApp } from './configure-app';
import { buildOpenApiDocument } from './openapi';

/**
 * Writes the generated OpenAPI document to apps/api/openapi.json, checked in so an API change
 * shows up in review. Needs the local PostgreSQL and Redis (the app's modules start).
 */
async function main(): Promise<void> {
  const config = loadConfig({
    SECRETS_KEY: Buffer.alloc(32).toString('base64'),
    ...process.env,
    DATABASE_MIGRATE_ON_START: 'false',
    DEMO_SEED: 'false',
    RUN_WORKER_IN_API: 'false',
    KEAP_REFRESH_INTERVAL_SECONDS: '0',
    LOG_LEVEL: 'silent',
  });
  const app = await NestFactory.create(AppModule.api(config), { logger: false });
  configureApp(app);
  const document = buildOpenApiDocument(app);
  writeFileSync(
    join(__dirname, '..', '..', 'openapi.json'),
    `${JSON.stringify(document, null, 2)}\n`,
  );
  await app.close();
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
