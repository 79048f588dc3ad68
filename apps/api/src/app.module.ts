import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { type AppConfig, loadConfig } from './config/config';
import { AccountsModule } from './accounts/accounts.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { ConfigModule } from './config/config.module';
import { ConversationHistoryModule } from './conversation-history/conversation-history.module';
import { RuntimeModule } from './conversations/runtime.module';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { HttpExceptionFilter } from './errors/http-exception.filter';
import { HealthController } from './health/health.controller';
import { KeapAuthModule } from './keap-auth/keap-auth.module';
import { KeapBudgetModule } from './keap-budget/keap-budget.module';
import { KeapBudgetReportModule } from './keap-budget/keap-budget-report.module';
import { KeapPickersModule } from './keap-pickers/keap-pickers.module';
import { LoggingModule } from './logging/logging.module';
import { ToolsModule } from './tools/tools.module';
import { SessionModule } from './session/session.module';
import { TwilioConnectionModule } from './twilio-connection/twilio-connection.module';

/**
 * The whole application. `main.ts` serves it over HTTP; `worker.ts` runs the same modules for the
 * queue processors. Feature modules are added to `imports`.
 */
@Module({})
export class AppModule {
  static with(config: AppConfig = loadConfig()): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.with(config),
        LoggingModule,
        DatabaseModule,
        // Global: every Keap call of this process (API and worker) goes through the shared budget.
        KeapBudgetModule,
        AccountsModule,
        KeapAuthModule,
        SessionModule,
        TwilioConnectionModule,
        KeapPickersModule,
        KeapBudgetReportModule,
        ToolsModule,
        ConversationHistoryModule,
        AnalyticsModule,
        DemoModule,
        RuntimeModule,
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: HttpExceptionFilter }],
    };
  }
}
