import type { Problem, StartMode, ToolDefinition } from '@sms-seq/engine';
import { z } from 'zod';

export const createToolBody = z.object({
  name: z.string().trim().min(1, 'give the tool a name').max(120),
});
/** The draft is checked against the engine's schema by the service (every problem listed). */
const definitionRequired = {
  error: 'is required: send the tool definition (the JSON the editor or an export gives)',
};
export const updateToolBody = z.object({
  draft: z.custom<unknown>((v) => v !== undefined, definitionRequired),
  draftRevision: z
    .number({ error: 'must be the draftRevision you loaded (a whole number)' })
    .int()
    .min(1),
});
export const enabledBody = z.object({ enabled: z.boolean() });
export const importToolBody = z.object({
  definition: z.custom<unknown>((v) => v !== undefined, definitionRequired),
});
export const simulateBody = z.object({
  versionId: z.string().uuid().optional(),
  start: z.object({ mode: z.enum(['keyword', 'http_post']), startStepId: z.string().optional() }),
  contact: z
    .object({ fields: z.record(z.string(), z.string().nullable()).default({}) })
    .default({ fields: {} }),
  replies: z.array(z.string().max(1600)).max(100).default([]),
});

export interface VersionSummary {
  id: string;
  version: number;
  publishedAt: string;
}

/** Shaped like the engine's problems; about the Twilio side of the sender, which the engine cannot see. */
export type SenderWarning = Omit<Problem, 'code' | 'severity'> & {
  severity: 'warning';
  code: 'sticky_sender_off' | 'sender_not_connected';
};

/** A new version, with warnings about its sender (not connected, sticky sender off). */
export interface PublishResult extends VersionSummary {
  warnings: SenderWarning[];
}

export interface ToolSummary {
  id: string;
  name: string;
  status: 'draft' | 'published';
  publishedVersion: number | null;
  hasUnpublishedChanges: boolean;
  enabled: boolean;
  sender: ToolDefinition['sender'];
  keyword: string | null;
  startMode: StartMode;
  conversationsToday: number;
}

export interface ToolDetail {
  id: string;
  name: string;
  draft: ToolDefinition;
  draftRevision: number;
  problems: Problem[];
  publishedVersion: VersionSummary | null;
  hasUnpublishedChanges: boolean;
  enabled: boolean;
  toolUrl: string;
  httpPostInstructions: string[];
}
