import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadConfig } from './config/config';

/** The queue worker: the same modules as the API, without an HTTP listener. */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule.with(loadConfig()), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
}

void bootstrap();
