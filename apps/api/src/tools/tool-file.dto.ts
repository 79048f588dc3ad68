import { toolDefinitionSchema } from '@sms-seq/engine';
import { z } from 'zod';
import { toolDetailSchema } from './tool.dto';

/**
 * The names, in the Keap app a tool was exported from, of the tags and custom fields it uses:
 * ids and keys are each app's own, names and labels are what another app can match.
 */
export const toolFileKeapSchema = z.object({
  app: z
    .string()
    .optional()
    .meta({ description: 'The Keap app (tenant) it was exported from, e.g. ab123' }),
  tags: z
    .record(z.string().regex(/^[1-9]\d*$/), z.string())
    .default({})
    .meta({ description: 'Tag id → tag name, for every tag the tool applies' }),
  fields: z
    .record(z.string(), z.string())
    .default({})
    .meta({ description: 'Custom field key → its label, for every custom field the tool uses' }),
});
export type ToolFileKeap = z.infer<typeof toolFileKeapSchema>;

/** An exported tool: the definition as it is, plus the `keap` names (ignored by older imports). */
export const toolFileSchema = toolDefinitionSchema.extend({ keap: toolFileKeapSchema.optional() });
export type ToolFile = z.infer<typeof toolFileSchema>;

/** One tag or field of the file and what it became in this app. */
export const importMappingSchema = z.object({
  kind: z.enum(['tag', 'field']),
  from: z.string().meta({ description: 'Its name (tag) or label (field) in the file' }),
  to: z
    .string()
    .nullable()
    .meta({ description: 'Its name or label in this app; null when left out or not here yet' }),
  created: z.boolean().meta({ description: 'A tag this import created' }),
  message: z.string().meta({ description: 'What was mapped, as a sentence for a person' }),
});
export type ImportMapping = z.infer<typeof importMappingSchema>;

export const toolImportResultSchema = toolDetailSchema.extend({
  mapped: z.array(importMappingSchema).meta({
    description:
      'How the tags and custom fields of a file from another Keap app were matched here; empty for a file from this app or without names',
  }),
});
export type ToolImportResult = z.infer<typeof toolImportResultSchema>;

/** A custom field of the file no label matched, or several did: the console asks which to use. */
export const unmappedFieldSchema = z.object({
  field: z.string().meta({ description: 'Its key in the file: the fieldMap key that answers it' }),
  label: z.string(),
  candidates: z
    .array(z.object({ key: z.string(), label: z.string() }))
    .meta({ description: 'The fields with its label; when none has it, every custom field' }),
});
export type UnmappedField = z.infer<typeof unmappedFieldSchema>;

/** The details of 409 import_needs_choices: what is settled, and what the person must choose. */
export const importQuestionsSchema = z.object({
  mapped: z.array(importMappingSchema),
  missingTags: z.array(z.string()).meta({
    description: 'Tags this app lacks, when createMissingTags was not sent: create them or not',
  }),
  unmapped: z.array(unmappedFieldSchema),
});
export type ImportQuestions = z.infer<typeof importQuestionsSchema>;
