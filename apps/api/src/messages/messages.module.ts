import { Module } from '@nestjs/common';
import { MessageRepository } from './message.repository';

/** The texts in and out, for every feature that stores or reads them. */
@Module({
  providers: [MessageRepository],
  exports: [MessageRepository],
})
export class MessagesModule {}
