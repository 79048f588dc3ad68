import { Injectable } from '@nestjs/common';
import {
  findStandardContactField,
  normalisePhone,
  parseSenderKey,
  senderInWords,
  type ContactSnapshot,
  type CountryCode,
  type ToolDefinition,
} from '@sms-seq/engine';
import { DataSource, type EntityManager } from 'typeorm';
import { AccountRepository } from '../accounts/account.repository';
import type { HttpStartPayload } from '../outbox/outbox-entry.entity';
import { OutboxPublisher } from '../outbox/outbox.publisher';
import { OutboxRepository } from '../outbox/outbox.repository';
import { type Crm, CrmError, CrmProvider } from '../ports/crm.port';
import type { RefusedHttpStartCode } from '../refused-starts/refused-http-start.entity';
import { RefusedStartRepository } from '../refused-starts/refused-start.repository';
import { ToolRepository } from '../tools/tool.repository';
import { ConversationRuntime, type OutboxRef } from './conversation-runtime.service';
import { ConversationRepository } from './conversation.repository';
import { OptOutRepository } from './opt-out.repository';

/** Why a queued start started nothing: its code and the sentence the console shows. */
interface Refusal {
  code: RefusedHttpStartCode;
  reason: string;
}

/**
 * The campaign HTTP Post start, from the queue (the inbound side accepted and stored it): the
 * contact read and the first text. A start that cannot text is kept as a refused start with the
 * reason in the marketer's words, never begun as a conversation that then fails.
 */
@Injectable()
export class ToolStartService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    private readonly runtime: ConversationRuntime,
    private readonly crm: CrmProvider,
    private readonly outbox: OutboxRepository,
    private readonly accounts: AccountRepository,
    private readonly tools: ToolRepository,
    private readonly conversations: ConversationRepository,
    private readonly optOuts: OptOutRepository,
    private readonly refusedStarts: RefusedStartRepository,
  ) {}

  /** The queued part: read the contact once, find its phone, start. Safe to run twice. */
  async perform(outboxId: string): Promise<void> {
    const entry = await this.outbox.byId(outboxId);
    if (!entry || entry.doneAt) return;
    const p = entry.payload as unknown as HttpStartPayload;
    const refuse = (refusal: Refusal) => this.refuse(outboxId, entry.accountId, p, refusal);
    // Switched off (or deleted) after Keap's post was accepted: nothing starts.
    const tool = await this.tools.findById(p.toolId);
    if (!tool?.enabled || !tool.publishedVersionId) return refuse(toolGone(tool?.name ?? null));
    const account = await this.accounts.findOrFail(entry.accountId);
    const calls: Record<string, number> = {};
    let crm: Crm;
    let contact: ContactSnapshot | null;
    try {
      crm = await this.crm.crmFor(entry.accountId, {
        priority: 'interactive',
        onCall: (k) => (calls[k] = (calls[k] ?? 0) + 1),
      });
      contact = await crm.readContact(p.contactId);
    } catch (err) {
      // No retry can cure it (the Keap grant was revoked): the start is refused, with the reason.
      if (err instanceof CrmError && !err.retryable) return refuse(keapFailed(p.contactId, err));
      throw err;
    }
    if (!contact)
      return refuse({ code: 'no_contact', reason: `Keap has no contact ${p.contactId}.` });
    const definition = await this.runtime.definitionOf(undefined, p.toolVersionId);
    const raw = contact.fields[definition.phoneField];
    const rawPhone = raw === null || raw === undefined ? '' : String(raw).trim();
    const phone = normalisePhone(rawPhone, account.defaultCountry as CountryCode);
    const who = contactInWords(contact, p.contactId);
    if (!phone) {
      await this.tagInvalidNumber(crm, definition, p.contactId);
      return refuse(phoneRefusal(who, fieldLabel(definition.phoneField), rawPhone));
    }
    const at = new Date().toISOString();
    const line = { accountId: entry.accountId, senderKey: p.senderKey, phone };
    const sender = senderKeyInWords(p.senderKey);
    const out: OutboxRef[] = [];
    await this.runtime.inPhoneTransaction(line, async (m) => {
      const locked = await this.outbox.lockEntry(outboxId, m);
      if (!locked || locked.doneAt) return;
      let refusal: Refusal | null = null;
      if (await this.conversations.activeFor(line, m)) {
        refusal = {
          code: 'in_conversation',
          reason: `${capitalised(who)}, at ${phone}, is already in a conversation on ${sender}.`,
        };
      } else if (await this.optOuts.isOptedOut(entry.accountId, p.senderKey, phone, m)) {
        refusal = {
          code: 'opted_out',
          reason: `${capitalised(who)}, at ${phone}, has opted out of texts from ${sender}.`,
        };
      } else {
        await this.runtime.start(
          m,
          {
            accountId: entry.accountId,
            toolId: p.toolId,
            toolVersionId: p.toolVersionId,
            senderKey: p.senderKey,
            phone,
            rawPhone,
            trigger: 'http_post',
            event: { type: 'start_http', at, phone, contact, startStepId: p.startStepId },
            keapCalls: calls,
          },
          out,
        );
      }
      if (refusal) await this.record(entry.accountId, p, refusal, m);
      await this.outbox.stop(outboxId, refusal?.reason ?? null, m);
    });
    await this.publisher.publish(out);
  }

  /** Keeps the refusal and ends the start, once (the outbox row's lock). */
  private async refuse(
    outboxId: string,
    accountId: string,
    p: HttpStartPayload,
    refusal: Refusal,
  ): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const locked = await this.outbox.lockEntry(outboxId, m);
      if (!locked || locked.doneAt) return;
      await this.record(accountId, p, refusal, m);
      await this.outbox.stop(outboxId, refusal.reason, m);
    });
  }

  private async record(
    accountId: string,
    p: HttpStartPayload,
    refusal: Refusal,
    m: EntityManager,
  ): Promise<void> {
    let startStep: string | null = null;
    if (p.startStepId !== null) {
      const definition = await this.runtime.definitionOf(m, p.toolVersionId);
      const step = definition.steps.find((s) => s.id === p.startStepId);
      startStep = step?.name.trim() || p.startStepId;
    }
    await this.refusedStarts.record(
      { accountId, toolId: p.toolId, contactId: p.contactId, startStep, ...refusal },
      m,
    );
  }

  /**
   * A number that cannot get texts gets the tool's invalid-number tag, as a conversation ending
   * invalid_number would; Keap's failure to tag does not hide the refusal.
   */
  private async tagInvalidNumber(
    crm: Crm,
    definition: ToolDefinition,
    contactId: number,
  ): Promise<void> {
    const tagId = definition.options.invalidNumberTagId;
    if (tagId === null) return;
    try {
      await crm.applyTag(contactId, tagId);
    } catch (err) {
      if (err instanceof CrmError && !err.retryable) return;
      throw err;
    }
  }
}

/** "Pat Jones (123)", or "contact 123" when Keap has no name for them. */
function contactInWords(contact: ContactSnapshot, id: number): string {
  const name = [contact.fields['FirstName'], contact.fields['LastName']]
    .map((part) => (part === null || part === undefined ? '' : String(part).trim()))
    .filter(Boolean)
    .join(' ');
  return name ? `${name} (${id})` : `contact ${id}`;
}

/** The field as the console's pickers name it: "Phone 3"; a custom field by its name. */
function fieldLabel(key: string): string {
  return findStandardContactField(key)?.label ?? key.replace(/^_/, '');
}

function phoneRefusal(who: string, field: string, rawPhone: string): Refusal {
  if (rawPhone === '')
    return { code: 'no_phone', reason: `${capitalised(who)} has no number in ${field}.` };
  const shown = rawPhone.length > 40 ? `${rawPhone.slice(0, 40)}…` : rawPhone;
  return {
    code: 'not_a_phone',
    reason: `${field} of ${who}, "${shown}", is not a phone number.`,
  };
}

function keapFailed(contactId: number, err: CrmError): Refusal {
  const detail = err.message.trim().replace(/[.\s]+$/, '');
  return err.code === 'keap_disconnected'
    ? {
        code: 'account_disconnected',
        reason: `Keap was disconnected before contact ${contactId} could be read (${detail}).`,
      }
    : { code: 'keap_refused', reason: `Keap refused to read contact ${contactId} (${detail}).` };
}

function toolGone(name: string | null): Refusal {
  return {
    code: 'tool_disabled',
    reason: name
      ? `The tool “${name}” was switched off before this start was performed.`
      : 'The tool was deleted before this start was performed.',
  };
}

function senderKeyInWords(key: string): string {
  const sender = parseSenderKey(key);
  return sender ? senderInWords(sender) : key;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
