import { Global, Module } from '@nestjs/common';
import { type AppConfig, loadConfig } from './config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Provides the checked configuration. Tests pass their own with `ConfigModule.with(config)`. */
@Global()
@Module({})
export class ConfigModule {
  static with(config: AppConfig = loadConfig()) {
    return {
      module: ConfigModule,
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
    };
  }
}
