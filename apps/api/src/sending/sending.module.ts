import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { MessagesModule } from '../messages/messages.module';
import { OutboxModule } from '../outbox/outbox.module';
import { TwilioConnectionModule } from '../twilio/connection/twilio-connection.module';
import { DeliveryStatusService } from './delivery-status.service';
import { SendMessageProcessor } from './send-message.processor';
import { SendOutcomes } from './send-outcomes';
import { SendRateLimiter } from './send-rate-limiter';

/**
 * Texts out: the send processor (quiet hours, each sender's rate, Twilio's answer), and Twilio's
 * delivery reports. In the API too: a delivery report ends a conversation whose number cannot
 * receive, and saving working Twilio credentials releases the sends they held.
 */
@Module({
  imports: [OutboxModule, MessagesModule, ConversationsModule, TwilioConnectionModule],
  providers: [SendMessageProcessor, SendOutcomes, SendRateLimiter, DeliveryStatusService],
  exports: [SendMessageProcessor, DeliveryStatusService],
})
export class SendingModule {}
