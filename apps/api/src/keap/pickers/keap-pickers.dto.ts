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

/** What a new custom field holds, in the marketer's words (Keap's field type for each: the service). */
export const NEW_FIELD_TYPES = ['text', 'number', 'decimal', 'date', 'dropdown'] as const;
export type NewFieldType = (typeof NEW_FIELD_TYPES)[number];

export const createFieldBody = z
  .object({
    label: z
      .string({ error: 'Name the new field.' })
      .trim()
      .min(1, 'Name the new field.')
      .max(100, 'The new field’s name is too long. Keep it to at most 100 characters.'),
    type: z.enum(NEW_FIELD_TYPES, {
      error:
        'Choose what the new field holds: text, a whole number, a decimal number, a date or a choice from a list.',
    }),
    options: z
      .array(
        z
          .string({ error: 'Write each choice of the list as text.' })
          .trim()
          .min(1, 'A choice of the list is empty. Remove it or write it out.')
          .max(100, 'A choice of the list is too long. Keep each to at most 100 characters.'),
        { error: 'Write the choices of the list one under another.' },
      )
      .max(100, 'A list holds at most 100 choices.')
      .optional()
      .meta({
        description: 'The choices of a dropdown field (required for it, refused otherwise)',
      }),
  })
  .superRefine((body, ctx) => {
    const options = body.options ?? [];
    if (body.type === 'dropdown' && options.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: 'List the choices the new field offers, at least one.',
      });
    if (body.type !== 'dropdown' && options.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message:
          'Only a field with a choice from a list has choices. Remove them or change its type.',
      });
    const distinct = new Set(options.map((o) => o.toLowerCase()));
    if (distinct.size !== options.length)
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: 'Each choice of the list must differ from the others.',
      });
  });
export type CreateFieldBody = z.infer<typeof createFieldBody>;

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
