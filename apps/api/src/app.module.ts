import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { type AppConfig, loadConfig } from './config/config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HttpExceptionFilter } from './errors/http-exception.filter';
import { HealthController } from './health/health.controller';
import { LoggingModule } from './logging/logging.module';

/**
 * The whole application. `main.ts` serves it over HTTP; `worker.ts` runs the same modules for the
 * queue processors. Feature modules are added to `imports`.
 */
@Module({})
export class AppModule {
  static with(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.with(config), LoggingModule, DatabaseModule],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}
