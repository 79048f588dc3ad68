import { Injectable } from '@nestjs/common';
import { normalisePhone, type CountryCode } from '@sms-seq/engine';
import { AccountRepository } from '../accounts/account.repository';
import type { HttpStartPayload } from '../outbox/outbox-entry.entity';
import { OutboxPublisher } from '../outbox/outbox.publisher';
import { OutboxRepository } from '../outbox/outbox.repository';
import { CrmError, CrmProvider } from '../ports/crm.port';
import { ConversationRuntime, type OutboxRef } from './conversation-runtime.service';
import { ConversationRepository } from './conversation.repository';
import { OptOutRepository } from './opt-out.repository';

/**
 * The campaign HTTP Post start, from the queue (the inbound side accepted and stored it): the
 * contact read and the first text.
 */
@Injectable()
export class ToolStartService {
  constructor(
    private readonly publisher: OutboxPublisher,
    private readonly runtime: ConversationRuntime,
    private readonly crm: CrmProvider,
    private readonly outbox: OutboxRepository,
    private readonly accounts: AccountRepository,
    private readonly conversations: ConversationRepository,
    private readonly optOuts: OptOutRepository,
  ) {}

  /** The queued part: read the contact once, find its phone, start. Safe to run twice. */
  async perform(outboxId: string): Promise<void> {
    const entry = await this.outbox.byId(outboxId);
    if (!entry || entry.doneAt) return;
    const p = entry.payload as unknown as HttpStartPayload;
    const account = await this.accounts.findOrFail(entry.accountId);
    const calls: Record<string, number> = {};
    const crm = await this.crm.crmFor(entry.accountId, {
      priority: 'interactive',
      onCall: (k) => (calls[k] = (calls[k] ?? 0) + 1),
    });
    let contact: Awaited<ReturnType<typeof crm.readContact>>;
    try {
      contact = await crm.readContact(p.contactId);
    } catch (err) {
      // No retry can cure it (the Keap grant was revoked): the start is dropped, with the reason.
      if (err instanceof CrmError && !err.retryable) return this.finish(outboxId, err.message);
      throw err;
    }
    const out: OutboxRef[] = [];
    if (!contact) {
      await this.finish(outboxId, `Keap has no contact ${p.contactId}`);
      return;
    }
    const definition = await this.runtime.definitionOf(undefined, p.toolVersionId);
    const raw = contact.fields[definition.phoneField];
    const rawPhone = raw === null || raw === undefined ? '' : String(raw);
    const phone = normalisePhone(rawPhone, account.defaultCountry as CountryCode);
    const at = new Date().toISOString();
    const line = { accountId: entry.accountId, senderKey: p.senderKey, phone: phone ?? rawPhone };
    await this.runtime.inPhoneTransaction(line, async (m) => {
      const locked = await this.outbox.lockEntry(outboxId, m);
      if (!locked || locked.doneAt) return;
      let note: string | null = null;
      if (phone && (await this.conversations.activeFor(line, m))) {
        note = 'the number is already in a conversation on this sender';
      } else if (phone && (await this.optOuts.isOptedOut(entry.accountId, p.senderKey, phone, m))) {
        note = 'the number has opted out of texts from this sender';
      } else {
        await this.runtime.start(
          m,
          {
            accountId: entry.accountId,
            toolId: p.toolId,
            toolVersionId: p.toolVersionId,
            senderKey: p.senderKey,
            phone,
            rawPhone: rawPhone || '(no phone)',
            trigger: 'http_post',
            event: {
              type: 'start_http',
              at,
              phone: phone ?? rawPhone,
              contact,
              startStepId: p.startStepId,
            },
            keapCalls: calls,
          },
          out,
        );
      }
      await this.outbox.stop(outboxId, note, m);
    });
    await this.publisher.publish(out);
  }

  private async finish(outboxId: string, note: string): Promise<void> {
    await this.outbox.stop(outboxId, note);
  }
}
