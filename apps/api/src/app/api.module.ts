import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AnalyticsModule } from '../analytics/analytics.module';
import { KeapBudgetReportModule } from '../analytics/keap-budget-report.module';
import { ConversationHistoryModule } from '../conversation-history/conversation-history.module';
import { ConversationsModule } from '../conversations/conversations.module';
import { DatabaseHealth } from '../database/database-health';
import { DemoModule } from '../demo/demo.module';
import { HttpExceptionFilter } from '../errors/http-exception.filter';
import { InboundModule } from '../inbound/inbound.module';
import { KeapAuthModule } from '../keap/auth/keap-auth.module';
import { KeapPickersModule } from '../keap/pickers/keap-pickers.module';
import { OptOutsModule } from '../opt-outs/opt-outs.module';
import { SendingModule } from '../sending/sending.module';
import { SessionModule } from '../session/session.module';
import { ToolsModule } from '../tools/tools.module';
import { TemplatesModule } from '../templates/templates.module';
import { TwilioConnectionModule } from '../twilio/connection/twilio-connection.module';
import { TwilioWebhooksModule } from '../twilio/webhooks/twilio-webhooks.module';
import { HealthController } from './health.controller';
import { StorableTextGuard } from './storable-text.guard';

/**
 * The HTTP API: the console's endpoints, Twilio's webhooks (mounted by configureApp), the tool
 * URLs campaigns post to, the docs and the demo. Conversations and sending are here for what the
 * API does at once: ending a conversation from the console, delivery reports, releasing sends held
 * for credentials just saved.
 */
@Module({
  // In this order the routes, and so the OpenAPI document's paths, come as they always have.
  imports: [
    KeapAuthModule,
    SessionModule,
    TwilioConnectionModule,
    KeapPickersModule,
    KeapBudgetReportModule,
    ToolsModule,
    TemplatesModule,
    ConversationHistoryModule,
    AnalyticsModule,
    OptOutsModule,
    DemoModule,
    TwilioWebhooksModule,
    InboundModule,
    ConversationsModule,
    SendingModule,
  ],
  controllers: [HealthController],
  providers: [
    { provide: APP_FILTER, useClass: HttpExceptionFilter },
    { provide: APP_GUARD, useClass: StorableTextGuard },
    DatabaseHealth,
  ],
})
export class ApiModule {}
