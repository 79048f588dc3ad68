import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app/app.module';
import { loadConfig } from './config/config';

/** The queue worker: the worker's modules only, without an HTTP listener. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.worker(loadConfig()), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
}

void bootstrap();
