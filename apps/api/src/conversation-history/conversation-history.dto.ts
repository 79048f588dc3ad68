import { z } from 'zod';
import type { MessageDirection, MessageStatus } from '../messages/message.entity';
import type { Assert, Same } from '../openapi/same-type';
import {
  CONVERSATION_STATUSES,
  conversationStatusSchema,
} from '../openapi/conversation-status.schema';
import { isCursor } from './page-cursor';
import { REFUSED_HTTP_START_CODES } from '../refused-starts/refused-http-start.entity';
import { UUID_PATTERN } from '../database/is-uuid';

const MESSAGE_STATUSES = [
  'received',
  'processed',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'suppressed',
  'unknown',
] as const;
export type MessageStatusesMatch = Assert<Same<(typeof MESSAGE_STATUSES)[number], MessageStatus>>;
export type DirectionsMatch = Assert<Same<'in' | 'out', MessageDirection>>;

/** Dates PostgreSQL and the console both handle; JavaScript's reach ±275,760 years. */
const EARLIEST = new Date('1970-01-01T00:00:00Z');
const LATEST = new Date('9999-12-31T23:59:59.999Z');
const oneDate = (what: string) =>
  z.coerce
    .date({ error: 'That is not a date. Pick a date such as 2026-01-31.' })
    .min(EARLIEST, 'Pick a date from 1970 to 9999.')
    .max(LATEST, 'Pick a date from 1970 to 9999.')
    .optional()
    .meta({
      type: 'string',
      description: `${what}: a date (2026-01-31) or a date and time (2026-01-31T09:00:00Z)`,
    });

/** GET /api/conversations: the filters, each optional. */
export const conversationListQuery = z.object({
  toolId: z
    .string({ error: 'give one toolId' })
    .regex(UUID_PATTERN, 'That tool is not one of yours. Pick a tool from the list.')
    .optional()
    .meta({ description: 'Only conversations of this tool', format: 'uuid' }),
  status: z
    .enum(CONVERSATION_STATUSES, { error: 'Pick a status from the list.' })
    .optional()
    .meta({ description: 'Only conversations in this status' }),
  phone: z
    .string({ error: 'give one phone' })
    .max(40, 'That is too long for a phone number. Type at most 40 characters.')
    .optional()
    .meta({ description: 'Phones containing these digits (any format: 0142, +1 415…)' }),
  q: z
    .string({ error: 'give one search' })
    .trim()
    .min(1, 'Type a phone number, a name or words from the texts to search for.')
    .max(200, 'The search is too long. Search with at most 200 characters.')
    .optional()
    .meta({
      description:
        'Search. Digits with only phone punctuation are a phone in any common form, matched inside the stored E.164 phone with the country code optional: "(720) 555-7707", "720-555-7707", "720.555.7707", "+1 720 555 7707", "17205557707" and the partial "555-7707" all find +17205557707. Other words are the contact\'s first and/or last name (any case, any order: "pat", "Lovelace Pat"). Also matched as typed: the phone, the Keap contact id, and words in any text of the transcript',
    }),
  from: oneDate('Started at or after'),
  to: oneDate('Started before'),
  cursor: z
    .string({ error: 'give one cursor' })
    .refine(
      (c) => isCursor(c),
      'is not a cursor this API gave: use nextCursor from the previous page',
    )
    .optional()
    .meta({ description: 'nextCursor of the previous page' }),
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 200' })
    .int()
    .min(1)
    .max(200)
    .default(50)
    .meta({ description: 'Conversations per page (1–200, default 50)' }),
});
export type ConversationFilter = z.infer<typeof conversationListQuery>;

export const conversationSummarySchema = z.object({
  id: z.uuid(),
  toolId: z.uuid(),
  toolName: z.string(),
  version: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'The tool version the conversation runs on' }),
  phone: z.string(),
  contactId: z.number().int().nullable(),
  status: conversationStatusSchema,
  currentStepId: z.string().nullable(),
  startedAt: z.iso.datetime(),
  lastActivityAt: z.iso.datetime(),
  trigger: z.enum(['keyword', 'http_post']),
});
export type ConversationSummary = z.infer<typeof conversationSummarySchema>;

export const conversationPageSchema = z.object({
  items: z.array(conversationSummarySchema),
  nextCursor: z.string().nullable().meta({ description: 'null on the last page' }),
});

export const conversationRecordSchema = z.object({
  id: z.uuid(),
  toolId: z.uuid(),
  toolVersionId: z.uuid(),
  phone: z.string(),
  contactId: z.number().int().nullable(),
  status: conversationStatusSchema,
  currentStepId: z.string().nullable(),
  trigger: z.enum(['keyword', 'http_post']),
  startedAt: z.iso.datetime(),
  lastActivityAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
});
export type ConversationRecord = z.infer<typeof conversationRecordSchema>;

export const conversationMessageSchema = z.object({
  id: z.uuid(),
  direction: z.enum(['in', 'out']),
  body: z.string(),
  mediaUrls: z.array(z.string()),
  status: z.enum(MESSAGE_STATUSES),
  errorCode: z.string().nullable().meta({
    description:
      "Why a text did not go out or through. status suppressed (held back, never sent): opted_out (the contact opted out), invalid_number (the number cannot receive texts) conversation_ended (the conversation was ended by hand before it went out) or conversation_expired (a reminder still held, by quiet hours or the sender's rate, when the conversation expired). status failed or undelivered: Twilio's error code (e.g. 30006). An inbound text: why it started nothing (keap_disconnected). Null otherwise",
  }),
  createdAt: z.iso.datetime(),
  stepId: z.string().nullable(),
});

export const conversationDetailSchema = z.object({
  conversation: conversationRecordSchema,
  messages: z.array(conversationMessageSchema),
  events: z.array(
    z.object({
      type: z.string().meta({
        description: 'started, matched, fallback, reasked, tag_applied, field_saved, ended, …',
      }),
      detail: z.record(z.string(), z.unknown()),
      createdAt: z.iso.datetime(),
    }),
  ),
  contactUrl: z
    .string()
    .nullable()
    .meta({ description: "The contact's page in Keap; null while the contact is not known" }),
});
export type ConversationDetail = z.infer<typeof conversationDetailSchema>;

/** A keyword text that would have started a conversation and did not, and why. */
export const refusedTextStartSchema = z.object({
  kind: z.literal('text').meta({ description: 'A contact texted a tool’s keyword' }),
  id: z.uuid(),
  phone: z.string(),
  sender: z.string().meta({ description: 'phone:+1… or service:MG…, the sender texted' }),
  body: z.string(),
  receivedAt: z.iso.datetime(),
  code: z.literal('keap_disconnected'),
  reason: z.string().meta({ description: 'What happened and what to do, for a person' }),
});

/**
 * A Keap campaign's "Send HTTP Post" to a tool URL (the right secret) that started nothing: Keap
 * was answered 4xx, or the queued start could not text (which no marketer sees in Keap either).
 */
export const refusedHttpStartSchema = z.object({
  kind: z.literal('http_post').meta({ description: 'A Keap campaign’s "Send HTTP Post"' }),
  id: z.uuid(),
  toolId: z.uuid(),
  toolName: z.string(),
  contactId: z.number().int().meta({ description: 'The Keap contact id the campaign posted' }),
  contactName: z.string().nullable().meta({
    description:
      "The contact's first name as the account's latest conversation with them read it from Keap; null when none did",
  }),
  startStep: z.string().nullable().meta({
    description: 'The start step the campaign asked for (step), as sent; null for the first step',
  }),
  receivedAt: z.iso.datetime(),
  code: z.enum(REFUSED_HTTP_START_CODES).meta({
    description:
      "Why: the answer's error code, or what the queued start found. account_disconnected (Keap is disconnected), tool_not_published, tool_disabled (switched off, or deleted before the start was performed), unknown_step (the tool has no such step), no_contact (Keap has no such contact), keap_refused (Keap refused to read the contact), no_phone (the tool's phone field is empty), not_a_phone (it holds no phone number), in_conversation (the number is in a conversation on the sender), opted_out (the number opted out of the sender's texts)",
  }),
  reason: z.string().meta({
    description:
      'Why, for a person: the message Keap was answered with, or what the queued start found (“Pat Jones (123) has no number in Phone 3.”)',
  }),
});

/** A start that did not happen, and why: a keyword text, or a campaign's HTTP Post. */
export const refusedStartSchema = z.discriminatedUnion('kind', [
  refusedTextStartSchema,
  refusedHttpStartSchema,
]);
export type RefusedStart = z.infer<typeof refusedStartSchema>;
export const refusedStartsSchema = z.object({ items: z.array(refusedStartSchema) });
const LIMIT = 'must be a whole number from 1 to 200';
export const refusedStartsQuery = z.object({
  limit: z.coerce
    .number({ error: LIMIT })
    .int(LIMIT)
    .min(1, LIMIT)
    .max(200, LIMIT)
    .default(50)
    .meta({ description: 'How many, newest first (1–200, default 50)' }),
});
