import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/config';
import { ConversationRuntime } from '../conversations/conversation-runtime.service';
import type { Conversation } from '../conversations/conversation.entity';
import { ConversationRepository } from '../conversations/conversation.repository';
import type { Message } from '../messages/message.entity';
import { MessageRepository } from '../messages/message.repository';
import { type Crm, CrmError, CrmProvider, type NotePart } from '../ports/crm.port';
import { KeapCallsPerConversation } from '../conversations/keap-calls-per-conversation';
import { runAsKeapWork } from '../keap/budget/keap-work';
import { OutboxPublisher } from '../outbox/outbox.publisher';
import { OutboxRepository } from '../outbox/outbox.repository';
import { FieldSaves } from './field-saves';
import { NoteRepository } from './note.repository';

/**
 * What marks a conversation's transcript in the note: a retry after Keap's answer was lost finds
 * it there and does not write the transcript again.
 */
export function transcriptMarker(conversationId: string): string {
  return `(ref ${conversationId})`;
}

/** Why a goal was asked for, ending "Asked Keap to achieve the API goal x.y because …". */
const GOAL_BECAUSE: Record<string, string> = {
  condition: 'the reply matched a condition',
  fallback: 'the reply matched no condition',
  opt_out: 'the contact opted out',
  invalid_number: 'the number cannot receive texts',
};

/**
 * The conversation as text for the contact's note; its first line carries the marker. The API
 * goals it asked for close it: in Keap a goal leaves no trace on the contact a reader could find.
 */
export function transcript(
  conversation: Pick<Conversation, 'id' | 'startedAt'>,
  messages: readonly Pick<Message, 'direction' | 'body' | 'createdAt'>[],
  goals: readonly Record<string, unknown>[] = [],
): string {
  const lines = messages.map((m) => `${m.direction === 'in' ? 'Contact' : 'Us'}: ${m.body}`);
  for (const { goal, reason } of goals) {
    const { integration, callName } = (goal ?? {}) as { integration?: string; callName?: string };
    const because = GOAL_BECAUSE[String(reason)];
    lines.push(
      `Asked Keap to achieve the API goal ${integration}.${callName}${because ? ` because ${because}` : ''}.`,
    );
  }
  return [
    `SMS conversation of ${conversation.startedAt.toISOString()} ${transcriptMarker(conversation.id)}`,
    ...lines,
  ].join('\n');
}

/**
 * One note per contact per tool: the first write creates it, later ones append. A note job asks
 * the Keap budget for its turn first (CrmProvider.crmAtTurn; notes wait behind conversation work)
 * and only then reads which transcripts of the contact are waiting: its own and those of the
 * contact's other conversations of the tool that ended meanwhile (their answers saved), all in
 * ONE Keap write, in the order the conversations started; their own jobs then find them written
 * and call Keap for nothing. The contact_notes row is locked while Keap is called, so two
 * conversations of the same contact never create two notes, and the conversation ids it holds
 * make a retry a no-op. When Keap did the write but its answer was lost (the transaction then
 * rolls back), each transcript's marker makes the retry, whatever it gathers by then, find the
 * note (create) and write only the transcripts it lacks.
 *
 * A note whose contact is already in another conversation of the tool waits for it (at most
 * NOTE_HOLD_MAX_MS after its own end): that one's note job then writes both transcripts at once,
 * one write instead of a create and an append's read and update.
 */
@Injectable()
export class NoteWriter {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly notes: NoteRepository,
    private readonly runtime: ConversationRuntime,
    private readonly crm: CrmProvider,
    private readonly saves: FieldSaves,
    private readonly publisher: OutboxPublisher,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'NOTE_HOLD_MAX_MS'>,
    @Optional() private readonly keapCalls?: KeapCallsPerConversation,
  ) {}

  async run(outboxId: string): Promise<void> {
    const entry = await this.outbox.byId(outboxId);
    if (!entry || entry.doneAt || !entry.conversationId) return;
    const conversation = await this.conversations.get(entry.conversationId);
    const contactId = conversation.contactId;
    if (contactId === null) {
      await this.outbox.stop(outboxId, 'no contact');
      await this.keapCalls?.observeIfDone(conversation.id);
      return;
    }
    // The answers go to the contact before the note that tells of them, as the conversation's
    // work (not paced like the note); should they fail, the note waits and retries.
    await runAsKeapWork('conversation', () => this.saves.landAll(conversation.id));
    // Written with another conversation's transcript: nothing to ask the budget for.
    const note = await this.notes.peek(conversation.toolId, contactId);
    if (note?.conversationIds.includes(conversation.id)) {
      await this.outbox.markDone(outboxId, null);
      await this.keapCalls?.observeIfDone(conversation.id);
      return;
    }
    if (await this.holdForNextConversation(outboxId, conversation, contactId)) return;
    const { name } = await this.runtime.definitionOf(undefined, conversation.toolVersionId);
    // Counted before Keap is called, outside the transaction: a later attempt knows an earlier
    // one may have written the note even though its transaction rolled back.
    const attempts = (await this.outbox.countAttempt(outboxId)) ?? 1;
    const calls: Record<string, number> = {};
    let written: string[] = [];
    try {
      written = await this.crm.crmAtTurn(
        conversation.accountId,
        { priority: 'background', onCall: (k) => (calls[k] = (calls[k] ?? 0) + 1) },
        note?.crmNoteId ? 'appendToNote' : 'createNote',
        (crm) =>
          this.writeAtTurn(
            crm,
            { outboxId, attempts },
            conversation,
            contactId,
            `SMS: ${name}`,
            calls,
          ),
      );
    } catch (err) {
      // The transaction rolled back: its calls are tallied here, with whatever ends the attempt.
      if (err instanceof CrmError && !err.retryable) {
        await this.dataSource.transaction(async (m) => {
          await this.outbox.stop(outboxId, err.message, m);
          await this.runtime.recordKeapCalls(conversation.id, calls, m);
          await this.runtime.recordEvent(m, conversation.id, 'keap_work_stopped', {
            work: 'write_note',
            reason: err.message,
            ...(err.code ? { code: err.code } : {}),
          });
        });
        await this.keapCalls?.observeIfDone(conversation.id);
        return;
      }
      await this.dataSource.transaction(async (m) => {
        await this.outbox.recordError(outboxId, String(err), m);
        await this.runtime.recordKeapCalls(conversation.id, calls, m);
      });
      throw err;
    }
    for (const id of written) await this.keapCalls?.observeIfDone(id);
  }

  /**
   * Puts the note off (a delayed job, no worker held) while the contact is in another conversation
   * of the tool, up to NOTE_HOLD_MAX_MS after this one ended; true when it did.
   */
  private async holdForNextConversation(
    outboxId: string,
    conversation: Conversation,
    contactId: number,
  ): Promise<boolean> {
    const until = (conversation.endedAt ?? new Date()).getTime() + this.config.NOTE_HOLD_MAX_MS;
    // A second short of it: the delayed job may wake a little early, and its id is taken then.
    if (until - Date.now() < 1_000) return false;
    if (!(await this.conversations.contactInTool(conversation.toolId, contactId, conversation.id)))
      return false;
    await this.dataSource.transaction(async (m) => {
      // Once per hold: a redelivered job plans the same time and tells nothing new.
      if (await this.outbox.holdUntil(outboxId, new Date(until), m))
        await this.runtime.recordEvent(m, conversation.id, 'note_held', {
          until: new Date(until).toISOString(),
        });
    });
    await this.publisher.publishAt({ id: outboxId, kind: 'write_note' }, until);
    return true;
  }

  /**
   * At the budget's turn: the transcripts waiting now, in one write. Answers the conversations
   * whose rows it marked done.
   */
  private async writeAtTurn(
    crm: Crm,
    { outboxId, attempts }: { outboxId: string; attempts: number },
    conversation: Conversation,
    contactId: number,
    title: string,
    calls: Record<string, number>,
  ): Promise<string[]> {
    const { toolId } = conversation;
    // Each transcript this attempt may write counts the attempt on its own row first (committed
    // outside the transaction, as this job's own count): whichever job writes it next knows a lost
    // answer may have put it in Keap already.
    const candidates = (await this.outbox.notesWaitingFor(toolId, contactId)).filter(
      (w) => w.id !== outboxId,
    );
    for (const c of candidates) await this.outbox.countAttempt(c.id);
    const counted = new Set(candidates.map((c) => c.id));
    return this.dataSource.transaction(async (m) => {
      await this.notes.reserve(conversation.accountId, toolId, contactId, m);
      const note = await this.notes.lock(toolId, contactId, m);
      if (note.conversationIds.includes(conversation.id)) {
        await this.outbox.markDone(outboxId, null, m);
        return [conversation.id];
      }
      // Read again under the lock: another job may have written some meanwhile, and its counts
      // (made before its call) are what tells of a write whose answer was lost.
      const waiting = await this.outbox.notesWaitingFor(toolId, contactId, m);
      const others = waiting.filter(
        (w) => counted.has(w.id) && !note.conversationIds.includes(w.conversationId),
      );
      const own = waiting.find((w) => w.id === outboxId);
      const maybeWritten = [own?.attempts ?? attempts, ...others.map((w) => w.attempts)].some(
        (n) => n > 1,
      );
      // One query at a time: they share the transaction's connection.
      const together = [conversation];
      for (const w of others) together.push(await this.conversations.get(w.conversationId, m));
      together.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
      const parts: NotePart[] = [];
      for (const c of together) parts.push(await this.partOf(c, m));
      let action: 'created' | 'appended';
      if (note.crmNoteId === null) {
        note.crmNoteId = await crm.createNote(contactId, title, parts, { maybeWritten });
        action = 'created';
      } else {
        await crm.appendToNote(contactId, note.crmNoteId, parts);
        action = 'appended';
      }
      const ids = together.map((c) => c.id);
      note.conversationIds = [...note.conversationIds, ...ids];
      await this.notes.save(note, m);
      for (const id of ids) {
        const rest = ids.filter((other) => other !== id);
        await this.runtime.recordEvent(m, id, 'note_written', {
          noteId: note.crmNoteId,
          action,
          ...(rest.length > 0 ? { with: rest } : {}),
        });
      }
      // In the transaction that marks the rows done: whoever sees them done sees these calls,
      // which count on the conversation whose job made them.
      await this.runtime.recordKeapCalls(conversation.id, calls, m);
      for (const id of [outboxId, ...others.map((w) => w.id)]) await this.outbox.finish(id, m);
      return ids;
    });
  }

  /** The conversation's transcript for the note, marked with its id. */
  private async partOf(conversation: Conversation, m: EntityManager): Promise<NotePart> {
    const messages = await this.messages.ofConversation(conversation.id, m);
    // Texts still queued count: a closing message's note is queued with its text (which goes out
    // even though the conversation has ended), so the note may be written first.
    return {
      text: transcript(
        conversation,
        messages.filter((msg) => msg.direction === 'in' || msg.status !== 'suppressed'),
        await this.outbox.payloadsOf(conversation.id, 'achieve_goal', m),
      ),
      marker: transcriptMarker(conversation.id),
    };
  }
}
