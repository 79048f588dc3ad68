import { Injectable } from '@nestjs/common';
import { formatPhone, parseSenderKey, senderInWords } from '@sms-seq/engine';
import { OptOutRepository } from '../conversations/opt-out.repository';
import { TwilioConnectionService } from '../twilio/connection/twilio-connection.service';
import { decodeOptOutCursor, encodeOptOutCursor } from './opt-out-cursor';
import type { OptOutListQuery, OptOutPage } from './opt-outs.dto';

/** What `source` holds when Twilio, not a text, reported the number unsubscribed. */
const FROM_TWILIO = 'provider';

/** The account's opted-out numbers, for the marketer asking why someone gets nothing. */
@Injectable()
export class OptOutsService {
  constructor(
    private readonly optOuts: OptOutRepository,
    private readonly twilio: TwilioConnectionService,
  ) {}

  async list(accountId: string, query: OptOutListQuery): Promise<OptOutPage> {
    const rows = await this.optOuts.listPage(accountId, {
      q: query.q,
      after: decodeOptOutCursor(query.cursor),
      // One more than the page: there is a next page when it comes back.
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const serviceNames = await this.serviceNames(
      accountId,
      page.some((r) => r.senderKey.startsWith('service:')),
    );
    const items = page.map((r) => ({
      phone: r.phone,
      phoneFormatted: formatPhone(r.phone),
      sender: r.senderKey,
      senderName: senderName(r.senderKey, serviceNames),
      toolId: r.toolId,
      toolName: r.toolName,
      word: r.source === FROM_TWILIO ? null : r.source,
      optedOutAt: r.createdAt.toISOString(),
    }));
    const last = page[page.length - 1];
    return {
      items,
      nextCursor: rows.length > query.limit && last ? encodeOptOutCursor(last.key) : null,
    };
  }

  /** Messaging services by SID with their Twilio names, asked of Twilio only when a row needs one. */
  private async serviceNames(accountId: string, needed: boolean): Promise<Map<string, string>> {
    if (!needed) return new Map();
    try {
      const services = await (await this.twilio.gatewayFor(accountId)).listMessagingServices();
      return new Map(services.map((s) => [s.id, s.friendlyName]));
    } catch {
      // A name is a courtesy: without Twilio (down, disconnected) the list still answers, by SID.
      return new Map();
    }
  }
}

function senderName(key: string, serviceNames: Map<string, string>): string {
  const sender = parseSenderKey(key);
  if (!sender) return key;
  if (sender.kind === 'phone_number') return formatPhone(sender.phoneNumber);
  return serviceNames.get(sender.messagingServiceSid) ?? senderInWords(sender);
}
