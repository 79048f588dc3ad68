import { z } from 'zod';
import type { Assert, Same } from '../../openapi/same-type';
import type { FieldOption, TagOption } from './keap-pickers.service';

export const pickerQuery = z.object({
  refresh: z
    .enum(['0', '1', 'true', 'false'], { error: 'refresh must be 1 or 0' })
    .optional()
    .transform((v) => v === '1' || v === 'true')
    .meta({ description: '1 reads the list from Keap again (otherwise cached up to an hour)' }),
});
export const createTagBody = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Give the tag a name.')
    .max(100, 'The tag name is too long. Keep it to at most 100 characters.'),
});

export const fieldOptionSchema = z.object({
  key: z.string().meta({ description: 'The merge-field key: FirstName, Email, _FavoriteColor…' }),
  label: z.string(),
  kind: z.enum(['text', 'email', 'phone', 'number', 'date']),
  custom: z.boolean(),
});
export type FieldOptionMatches = Assert<Same<z.infer<typeof fieldOptionSchema>, FieldOption>>;

export const tagOptionSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  category: z.string().nullable(),
});
export type TagOptionMatches = Assert<Same<z.infer<typeof tagOptionSchema>, TagOption>>;

const stale = z
  .literal(true)
  .optional()
  .meta({ description: 'Keap did not answer: this is the last known list' });
export const fieldListSchema = z.object({ fields: z.array(fieldOptionSchema), stale });
export const tagListSchema = z.object({ tags: z.array(tagOptionSchema), stale });
