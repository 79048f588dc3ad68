import type { OutboxKind } from './outbox-entry.entity';

/** One Bull queue per kind of work, so each has its own concurrency and a slow one never blocks another. */
export const QUEUE_NAMES: Record<OutboxKind, string> = {
  inbound: 'inbound',
  start_http: 'start-http',
  send_message: 'send-message',
  apply_tag: 'apply-tag',
  achieve_goal: 'achieve-goal',
  save_field: 'save-field',
  resolve_contact: 'resolve-contact',
  write_note: 'write-note',
};

export const ALL_QUEUES = Object.values(QUEUE_NAMES);
