import { Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConversationRuntime } from '../conversations/conversation-runtime.service';
import type { Conversation } from '../conversations/conversation.entity';
import { ConversationRepository } from '../conversations/conversation.repository';
import type { Message } from '../messages/message.entity';
import { MessageRepository } from '../messages/message.repository';
import { CrmError, CrmProvider } from '../ports/crm.port';
import { KeapCallsPerConversation } from '../conversations/keap-calls-per-conversation';
import { runAsKeapWork } from '../keap/budget/keap-work';
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
 * One note per contact per tool: the first conversation creates it, later ones append. The
 * contact_notes row is locked while Keap is called, so two conversations of the same contact
 * never create two notes, and the conversation ids it holds make a retry a no-op. When Keap did
 * the write but its answer was lost (the transaction then rolls back), the transcript's marker
 * makes the retry find the note (create) or leave it (append) instead of writing it twice.
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
    const definition = await this.runtime.definitionOf(undefined, conversation.toolVersionId);
    const messages = await this.messages.ofConversation(conversation.id);
    // Texts still queued count: a closing message's note is queued with its text (which goes out
    // even though the conversation has ended), so the note may be written first.
    const text = transcript(
      conversation,
      messages.filter((m) => m.direction === 'in' || m.status !== 'suppressed'),
      await this.outbox.payloadsOf(conversation.id, 'achieve_goal'),
    );
    const marker = transcriptMarker(conversation.id);
    // Counted before Keap is called, outside the transaction: a later attempt knows an earlier
    // one may have written the note even though its transaction rolled back.
    const attempts = (await this.outbox.countAttempt(outboxId)) ?? 1;
    const calls: Record<string, number> = {};
    try {
      await this.dataSource.transaction(async (m) => {
        await this.notes.reserve(conversation.accountId, conversation.toolId, contactId, m);
        const note = await this.notes.lock(conversation.toolId, contactId, m);
        if (note.conversationIds.includes(conversation.id)) {
          await this.outbox.markDone(outboxId, null, m);
          return;
        }
        const crm = await this.crm.crmFor(conversation.accountId, {
          priority: 'background',
          onCall: (k) => (calls[k] = (calls[k] ?? 0) + 1),
        });
        let action: 'created' | 'appended';
        if (note.crmNoteId === null) {
          note.crmNoteId = await crm.createNote(contactId, `SMS: ${definition.name}`, text, {
            marker,
            maybeWritten: attempts > 1,
          });
          action = 'created';
        } else {
          await crm.appendToNote(contactId, note.crmNoteId, text, { marker });
          action = 'appended';
        }
        note.conversationIds = [...note.conversationIds, conversation.id];
        await this.notes.save(note, m);
        await this.runtime.recordEvent(m, conversation.id, 'note_written', {
          noteId: note.crmNoteId,
          action,
        });
        // In the transaction that marks the row done: whoever sees it done sees these calls.
        await this.runtime.recordKeapCalls(conversation.id, calls, m);
        await this.outbox.finish(outboxId, m);
      });
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
    await this.keapCalls?.observeIfDone(conversation.id);
  }
}
