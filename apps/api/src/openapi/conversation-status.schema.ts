import type { ConversationStatus } from '@sms-seq/engine';
import { z } from 'zod';
import type { Assert, Same } from './same-type';

/** The engine's conversation statuses (checked against its type below). */
export const CONVERSATION_STATUSES = [
  'awaiting_reply',
  'awaiting_contact',
  'finished',
  'expired',
  'opted_out',
  'invalid_number',
  'ended',
] as const;
export const conversationStatusSchema = z.enum(CONVERSATION_STATUSES);
export type StatusesMatchEngine = Assert<
  Same<z.infer<typeof conversationStatusSchema>, ConversationStatus>
>;
