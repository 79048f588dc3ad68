import {
  contactFieldKeySchema,
  senderSchema,
  startModeSchema,
  toolDefinitionSchema,
} from '@sms-seq/engine';
import { z } from 'zod';

export const createToolBody = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Give the tool a name.')
    .max(120, 'The tool name is too long. Keep it to at most 120 characters.'),
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
/** An IANA zone name (Area/City, or UTC); never an offset, which PostgreSQL would read inverted. */
const IANA_ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;
function isTimeZone(zone: string): boolean {
  if (!IANA_ZONE.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
export const timeZoneProblem =
  'Your computer’s time zone is not one the server can read, so today’s conversations cannot be counted. Set it to a named time zone such as America/New York, then reload the page.';
export const toolListQuery = z.object({
  tz: z.string().trim().refine(isTimeZone, { error: timeZoneProblem }).optional().meta({
    description:
      'IANA time zone "conversationsToday" counts in, from local midnight (default UTC), e.g. America/Chicago',
  }),
});
export const enabledBody = z.object({ enabled: z.boolean() });
export const importToolBody = z.object({
  definition: z.custom<unknown>((v) => v !== undefined, definitionRequired),
  createMissingTags: z
    .boolean({ error: 'Say whether to create the tags this Keap app does not have.' })
    .optional()
    .meta({
      description:
        'A file from another Keap app: create its tags this app lacks (true) or leave them out (false); unset, 409 asks',
    }),
  fieldMap: z.record(z.string(), contactFieldKeySchema).optional().meta({
    description:
      "The file's custom field key → the field to use here, for the fields a 409 import_needs_choices asked about",
  }),
});
export const simulateBody = z.object({
  versionId: z.string().uuid().optional(),
  start: z.object({ mode: z.enum(['keyword', 'http_post']), startStepId: z.string().optional() }),
  contact: z
    .object({ fields: z.record(z.string(), z.string().nullable()).default({}) })
    .default({ fields: {} }),
  replies: z.array(z.string().max(1600)).max(100).default([]),
});

/** The engine's validation problem (a path into the definition, severity, code, message). */
export const problemSchema = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  severity: z.enum(['error', 'warning']),
  code: z.string().meta({ description: "The engine's problem code, e.g. keyword_reserved" }),
  message: z.string(),
});

export const versionSummarySchema = z.object({
  id: z.uuid(),
  version: z.number().int().min(1),
  publishedAt: z.iso.datetime(),
});
export type VersionSummary = z.infer<typeof versionSummarySchema>;

/** A published version in the tool's history: who published it and what it changed. */
export const versionHistoryEntrySchema = versionSummarySchema.extend({
  publishedBy: z.string().nullable().meta({
    description:
      'The Keap user signed in when it was published (name, else email); null when not recorded',
  }),
  live: z.boolean().meta({ description: 'Whether this is the version new conversations start on' }),
  changes: z.array(z.string()).meta({
    description:
      'What changed since the version before, in words, one line per tool setting or step ("step Ask colour: message changed; condition 2 added"); empty for the first version',
  }),
});
export type VersionHistoryEntry = z.infer<typeof versionHistoryEntrySchema>;

/** One published version, read-only: its definition as it went live. */
export const toolVersionDetailSchema = versionHistoryEntrySchema.extend({
  definition: toolDefinitionSchema,
});
export type ToolVersionDetail = z.infer<typeof toolVersionDetailSchema>;

/** Restoring a version or discarding the draft replaces the draft the console loaded. */
export const replaceDraftBody = z.object({
  draftRevision: z
    .number({ error: 'must be the draftRevision you loaded (a whole number)' })
    .int()
    .min(1),
});

/** Shaped like the engine's problems; about the Twilio side of the sender, which the engine cannot see. */
export const senderWarningSchema = problemSchema.extend({
  severity: z.literal('warning'),
  code: z.enum(['sticky_sender_off', 'sender_not_connected']),
});
export type SenderWarning = z.infer<typeof senderWarningSchema>;

/** A new version, with warnings about its sender (not connected, sticky sender off). */
export const publishResultSchema = versionSummarySchema.extend({
  warnings: z
    .array(senderWarningSchema)
    .meta({ description: 'About the sender: not pointed at this app, sticky sender off.' }),
});
export type PublishResult = z.infer<typeof publishResultSchema>;

export const toolSummarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  status: z.enum(['draft', 'published']),
  publishedVersion: z.number().int().nullable(),
  hasUnpublishedChanges: z.boolean(),
  enabled: z.boolean(),
  sender: senderSchema.nullable().meta({ description: "The draft's sender" }),
  keyword: z.string().nullable().meta({ description: "The draft's keyword" }),
  startMode: startModeSchema.meta({ description: "The draft's start mode" }),
  liveSender: senderSchema.nullable().meta({
    description:
      'The published version’s sender (what inbound texts are routed by); null while unpublished',
  }),
  liveKeyword: z.string().nullable().meta({
    description:
      'The published keyword, upper-cased, as texts are matched; null while unpublished or in HTTP-only mode',
  }),
  conversationsToday: z.number().int().min(0).meta({
    description: 'Conversations started since midnight in the tz asked for (default UTC)',
  }),
});
export type ToolSummary = z.infer<typeof toolSummarySchema>;
export const toolListSchema = z.object({ tools: z.array(toolSummarySchema) });

export const toolDetailSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  draft: toolDefinitionSchema,
  draftRevision: z.number().int().min(1),
  problems: z.array(problemSchema),
  publishedVersion: versionSummarySchema.nullable(),
  hasUnpublishedChanges: z.boolean(),
  enabled: z.boolean(),
  toolUrl: z
    .string()
    .meta({ description: 'The URL for Keap\'s campaign "Send HTTP Post" (holds a secret).' }),
  httpPostInstructions: z.array(z.string()),
});
export type ToolDetail = z.infer<typeof toolDetailSchema>;
export const versionListSchema = z.object({ versions: z.array(versionHistoryEntrySchema) });
