import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  type ToolsBySender,
  TwilioSendersService,
} from '../twilio/connection/twilio-senders.service';
import { ToolRepository } from './tool.repository';

/** Tells the Twilio senders list which published tools use each sender. */
@Injectable()
export class ToolSenderUsage implements OnModuleInit {
  constructor(
    private readonly tools: ToolRepository,
    private readonly senders: TwilioSendersService,
  ) {}

  onModuleInit(): void {
    this.senders.usageFrom((accountId) => this.publishedToolsBySender(accountId));
  }

  /**
   * The account's published tools by sender. Paused ones count: their conversations under way
   * still wait for replies. Deleted tools have no live sender.
   */
  async publishedToolsBySender(accountId: string): Promise<ToolsBySender> {
    const tools = await this.tools.publishedWithSender(accountId);
    const bySender: ToolsBySender = new Map();
    for (const t of tools) {
      const key = t.liveSenderKey ?? '';
      bySender.set(key, [...(bySender.get(key) ?? []), { id: t.id, name: t.name }]);
    }
    return bySender;
  }
}
