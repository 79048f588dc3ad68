import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module';
import { OutboxModule } from '../outbox/outbox.module';
import { RefusedStartsModule } from '../refused-starts/refused-starts.module';
import { ToolDataModule } from '../tools/tool-data.module';
import { TwilioConnectionModule } from '../twilio/connection/twilio-connection.module';
import { HttpPostStartService } from './http-post-start.service';
import { InboundMessageService } from './inbound-message.service';
import { InboundReconcileRepository } from './inbound-reconcile.repository';
import { InboundReconciler } from './inbound-reconciler';
import { RefusedTextRecovery } from './refused-text-recovery';
import { ToolUrlController } from './tool-url.controller';

/**
 * What contacts and campaigns send in: texts (Twilio's webhook, and texts fetched back from
 * Twilio) and campaign HTTP Post starts. Each is checked and stored, and the queues are woken;
 * nothing else happens here.
 */
@Module({
  imports: [
    OutboxModule,
    MessagesModule,
    ToolDataModule,
    TwilioConnectionModule,
    RefusedStartsModule,
  ],
  controllers: [ToolUrlController],
  providers: [
    InboundMessageService,
    RefusedTextRecovery,
    InboundReconciler,
    InboundReconcileRepository,
    HttpPostStartService,
  ],
  exports: [InboundMessageService, InboundReconciler],
})
export class InboundModule {}
