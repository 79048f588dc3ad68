import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { CrmProvider } from '../crm/crm.port';
import { KeapCrmProvider } from '../crm/keap-crm';
import { KeapAuthModule } from '../keap-auth/keap-auth.module';
import { NoteWriter } from '../notes/note-writer';
import { CrmEffectProcessor } from '../queues/crm-effect.processor';
import { InboundRelay } from '../queues/inbound-relay';
import { OutboxPublisher } from '../queues/outbox.publisher';
import { ALL_QUEUES } from '../queues/queue-names';
import { QueueWorker } from '../queues/queue-worker';
import { SendMessageProcessor } from '../queues/send-message.processor';
import { SendRateLimiter } from '../queues/send-rate-limiter';
import { TwilioConnectionModule } from '../twilio-connection/twilio-connection.module';
import { DeliveryStatusService } from '../webhooks/delivery-status.service';
import { InboundMessageService } from '../webhooks/inbound-message.service';
import { RefusedTextRecovery } from '../webhooks/refused-text-recovery';
import { ToolStartService } from '../webhooks/tool-start.service';
import { ToolUrlController } from '../webhooks/tool-url.controller';
import { TwilioSignatureRefusals } from '../webhooks/twilio-signature-refusals';
import { TwilioWebhookAuth } from '../webhooks/twilio-webhook-auth';
import { TwilioWebhookHandler } from '../webhooks/twilio-webhook.handler';
import { ConversationRuntime } from './conversation-runtime.service';
import { WallClock } from './wall-clock';

/** The conversation runtime: webhooks in, the engine loop, the outbox and the queue processors. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        redis: config.REDIS_URL,
        prefix: `${config.REDIS_KEY_PREFIX}bull`,
      }),
    }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
    KeapAuthModule,
    TwilioConnectionModule,
  ],
  // Twilio's webhooks are not a controller: see TwilioWebhookHandler (mounted by configureApp).
  controllers: [ToolUrlController],
  providers: [
    ConversationRuntime,
    OutboxPublisher,
    InboundMessageService,
    DeliveryStatusService,
    ToolStartService,
    TwilioWebhookAuth,
    TwilioSignatureRefusals,
    TwilioWebhookHandler,
    RefusedTextRecovery,
    InboundRelay,
    SendRateLimiter,
    WallClock,
    SendMessageProcessor,
    CrmEffectProcessor,
    NoteWriter,
    QueueWorker,
    KeapCrmProvider,
    { provide: CrmProvider, useExisting: KeapCrmProvider },
  ],
  // KeapCrmProvider: the console's field picker reads the runtime's field model through it.
  exports: [ConversationRuntime, KeapCrmProvider],
})
export class RuntimeModule {}
