import { toolDefinitionSchema } from '@sms-seq/engine';
import { z } from 'zod';

export const toolTemplateSchema = z.object({
  id: z.string().meta({ description: 'e.g. nps-survey' }),
  name: z.string(),
  description: z.string().meta({ description: 'What the sequence does, for a marketer' }),
  tags: z.array(z.object({ id: z.number().int(), name: z.string() })).meta({
    description:
      'The tags the template uses, by name; the ids are stand-ins used by the preview definition. "Use" finds (or creates) each by name in Keap.',
  }),
  definition: toolDefinitionSchema.meta({
    description: 'The sequence, for a preview of its map (tag ids are the stand-ins above)',
  }),
});
export type ToolTemplateView = z.infer<typeof toolTemplateSchema>;
export const toolTemplateListSchema = z.object({ templates: z.array(toolTemplateSchema) });
