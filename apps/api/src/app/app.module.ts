import { type DynamicModule, Module } from '@nestjs/common';
import { type AppConfig, loadConfig } from '../config/config';
import { ApiModule } from './api.module';
import { CoreModule } from './core.module';
import { WorkerModule } from './worker.module';

/**
 * The two processes, composed from the feature modules. `AppModule.api` is what `main.ts` serves
 * (with the worker inside it when RUN_WORKER_IN_API is true, the default); `AppModule.worker` is
 * what `worker.ts` runs, without an HTTP listener.
 */
@Module({})
export class AppModule {
  static api(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.with(config),
        ApiModule,
        ...(config.RUN_WORKER_IN_API ? [WorkerModule] : []),
      ],
    };
  }

  static worker(config: AppConfig = loadConfig()): DynamicModule {
    return { module: AppModule, imports: [CoreModule.with(config), WorkerModule] };
  }
}
