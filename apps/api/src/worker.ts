import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadConfig } from './config/config';

/**
 * The queue worker: the same modules as the API, without an HTTP listener. It always runs the
 * processors (RUN_WORKER_IN_API only decides whether the API process runs them too).
 */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(
    AppModule.with({ ...loadConfig(), RUN_WORKER_IN_API: true }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
}

void bootstrap();
