import { Injectable, Logger } from '@nestjs/common';
import { normalisePhone, type CountryCode, type StepId } from '@sms-seq/engine';
import { DataSource } from 'typeorm';
import { Account } from '../accounts/account.entity';
import { REFUSED_HTTP_START_CODES } from '../conversation-history/refused-http-start.entity';
import { recordRefusedHttpStart } from '../conversation-history/refused-http-starts';
import { ConversationRuntime, type OutboxRef } from '../conversations/conversation-runtime.service';
import { inPhoneTransaction } from '../conversations/phone-lock';
import { CrmError, CrmProvider } from '../crm/crm.port';
import { OutboxEntry } from '../queues/outbox-entry.entity';
import { OutboxPublisher } from '../queues/outbox.publisher';
import { SecretBox } from '../crypto/secret-box';
import { Tool } from '../tools/tool.entity';
import { urlSecretMatches } from '../tools/tool-url';
import { ToolVersion } from '../tools/tool-version.entity';
import {
  ContactIdInvalidError,
  StartStepUnknownError,
  ToolNotStartableError,
  ToolUrlNotFoundError,
} from './webhook.errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface HttpStartPayload {
  toolId: string;
  toolVersionId: string;
  senderKey: string;
  contactId: number;
  startStepId: StepId | null;
  receivedAt: string;
}

function parseContactId(raw: unknown): number {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === null || value === '') {
    throw new ContactIdInvalidError(
      'contactId is required. In the campaign’s "Send HTTP Post", add the name contactId with the value ~Contact.Id~.',
    );
  }
  const text = String(value).trim();
  const id = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0 || id > 2_147_483_647) {
    throw new ContactIdInvalidError(
      `contactId must be a Keap contact id (a whole number), but it was "${text.slice(0, 40)}". Check that the value is ~Contact.Id~.`,
    );
  }
  return id;
}

/** The start step the campaign asked for (`step`: an id or a name), trimmed; null when none. */
function requestedStep(rawStep: unknown): string | null {
  const value = Array.isArray(rawStep) ? rawStep[0] : rawStep;
  if (value === undefined || value === null || String(value).trim() === '') return null;
  return String(value).trim();
}

/**
 * The campaign HTTP Post start: checked and stored at once (202), performed from the queue (the
 * contact read and the first text).
 */
@Injectable()
export class ToolStartService {
  private readonly logger = new Logger('ToolStart');

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    private readonly runtime: ConversationRuntime,
    private readonly crm: CrmProvider,
    private readonly box: SecretBox,
  ) {}

  async accept(
    toolId: string,
    secret: string,
    rawContactId: unknown,
    rawStep: unknown,
  ): Promise<string> {
    if (!UUID.test(toolId)) throw new ToolUrlNotFoundError();
    const tool = await this.dataSource.getRepository(Tool).findOneBy({ id: toolId });
    if (!tool || !urlSecretMatches(this.box, tool.urlSecretSealed, secret))
      throw new ToolUrlNotFoundError();
    const contactId = parseContactId(rawContactId);
    try {
      return await this.acceptFor(tool, contactId, rawStep);
    } catch (err) {
      // The account is known (tool and secret right): the campaign's start is kept for the
      // console, because nobody reads Keap's answer. Keap is answered as before.
      if (err instanceof ToolNotStartableError || err instanceof StartStepUnknownError)
        await this.keepRefusal(tool, contactId, rawStep, err);
      throw err;
    }
  }

  private async acceptFor(tool: Tool, contactId: number, rawStep: unknown): Promise<string> {
    if (!tool.publishedVersionId || !tool.liveSenderKey) {
      throw new ToolNotStartableError(
        'tool_not_published',
        'This tool is not published yet. Publish it in the console, then run the campaign again.',
      );
    }
    if (!tool.enabled) {
      throw new ToolNotStartableError(
        'tool_disabled',
        'This tool is switched off. Switch it on in the console to start conversations.',
      );
    }
    const account = await this.dataSource
      .getRepository(Account)
      .findOneByOrFail({ id: tool.accountId });
    if (account.status !== 'active') {
      const why = account.statusReason ? ` (${account.statusReason.replace(/[.\s]+$/, '')})` : '';
      throw new ToolNotStartableError(
        'account_disconnected',
        `The Keap account of this tool is disconnected${why}. Reconnect Keap in the console, then run the campaign again.`,
      );
    }
    const version = await this.dataSource
      .getRepository(ToolVersion)
      .findOneByOrFail({ id: tool.publishedVersionId });
    const startStepId = this.startStep(version, rawStep);
    const payload: HttpStartPayload = {
      toolId: tool.id,
      toolVersionId: version.id,
      senderKey: tool.liveSenderKey,
      contactId,
      startStepId,
      receivedAt: new Date().toISOString(),
    };
    const entry = await this.dataSource.getRepository(OutboxEntry).save({
      accountId: tool.accountId,
      conversationId: null,
      kind: 'start_http' as const,
      payload: { ...payload },
      publishedAt: null,
      doneAt: null,
    });
    await this.publisher.publish([{ id: entry.id, kind: 'start_http' }]);
    return entry.id;
  }

  private async keepRefusal(
    tool: Tool,
    contactId: number,
    rawStep: unknown,
    err: ToolNotStartableError | StartStepUnknownError,
  ): Promise<void> {
    const code = REFUSED_HTTP_START_CODES.find((c) => c === err.code);
    if (!code) return;
    try {
      await recordRefusedHttpStart(this.dataSource, {
        accountId: tool.accountId,
        toolId: tool.id,
        contactId,
        startStep: requestedStep(rawStep)?.slice(0, 200) ?? null,
        code,
        reason: err.message,
      });
    } catch (failure) {
      // Keap still gets its answer; the console just misses this one.
      this.logger.warn(
        `A refused HTTP Post start of tool ${tool.id} (${code}) could not be kept: ${failure instanceof Error ? failure.message : String(failure)}`,
      );
    }
  }

  private startStep(version: ToolVersion, rawStep: unknown): StepId | null {
    const wanted = requestedStep(rawStep);
    if (wanted === null) return null;
    const steps = version.definition.steps;
    const step =
      steps.find((s) => s.id === wanted) ??
      steps.find((s) => s.name.trim().toLowerCase() === wanted.toLowerCase());
    if (!step) {
      const names = steps.map((s) => `"${s.name || s.id}"`).join(', ');
      throw new StartStepUnknownError(
        `This tool has no step "${wanted.slice(0, 80)}". Its steps are: ${names}.`,
      );
    }
    return step.id;
  }

  /** The queued part: read the contact once, find its phone, start. Safe to run twice. */
  async perform(outboxId: string): Promise<void> {
    const entry = await this.dataSource.getRepository(OutboxEntry).findOneBy({ id: outboxId });
    if (!entry || entry.doneAt) return;
    const p = entry.payload as unknown as HttpStartPayload;
    const account = await this.dataSource
      .getRepository(Account)
      .findOneByOrFail({ id: entry.accountId });
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
    const definition = await this.runtime.definitionOf(this.dataSource.manager, p.toolVersionId);
    const raw = contact.fields[definition.phoneField];
    const rawPhone = raw === null || raw === undefined ? '' : String(raw);
    const phone = normalisePhone(rawPhone, account.defaultCountry as CountryCode);
    const at = new Date().toISOString();
    await inPhoneTransaction(this.dataSource, p.senderKey, phone ?? rawPhone, async (m) => {
      const locked = await m
        .getRepository(OutboxEntry)
        .findOne({ where: { id: outboxId }, lock: { mode: 'pessimistic_write' } });
      if (!locked || locked.doneAt) return;
      let note: string | null = null;
      if (phone && (await this.runtime.activeConversation(m, p.senderKey, phone))) {
        note = 'the number is already in a conversation on this sender';
      } else if (phone && (await this.runtime.isOptedOut(m, entry.accountId, p.senderKey, phone))) {
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
      await m
        .getRepository(OutboxEntry)
        .update({ id: outboxId }, { doneAt: new Date(), lastError: note });
    });
    await this.publisher.publish(out);
  }

  private async finish(outboxId: string, note: string): Promise<void> {
    await this.dataSource
      .getRepository(OutboxEntry)
      .update({ id: outboxId }, { doneAt: new Date(), lastError: note });
  }
}
