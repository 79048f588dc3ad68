import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module';
import { SessionModule } from '../session/session.module';
import { TwilioConnectionModule } from '../twilio/connection/twilio-connection.module';
import { OptOutsController } from './opt-outs.controller';
import { OptOutsService } from './opt-outs.service';

/** The console's list of opted-out numbers (read from the runtime's opt-outs). */
@Module({
  imports: [SessionModule, ConversationsModule, TwilioConnectionModule],
  controllers: [OptOutsController],
  providers: [OptOutsService],
})
export class OptOutsModule {}
