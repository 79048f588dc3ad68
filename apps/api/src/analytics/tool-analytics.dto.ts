import { z } from 'zod';

export const stepFunnelSchema = z.object({
  stepId: z.string(),
  name: z.string(),
  received: z.number().int().min(0).meta({ description: 'Conversations that were sent the step' }),
  replied: z.number().int().min(0).meta({ description: 'Conversations that answered it' }),
  branches: z
    .array(
      z.object({
        conditionId: z.string().meta({ description: "A condition's id, or fallback" }),
        label: z.string(),
        count: z.number().int().min(0),
      }),
    )
    .meta({ description: 'Every condition of the step (even at zero), then the fallback' }),
  optedOut: z
    .number()
    .int()
    .min(0)
    .meta({ description: 'Conversations that opted out at the step' }),
  expired: z
    .number()
    .int()
    .min(0)
    .meta({ description: 'Conversations that expired waiting on it' }),
});
export type StepFunnel = z.infer<typeof stepFunnelSchema>;

export const toolAnalyticsSchema = z.object({
  versionId: z.uuid().nullable().meta({
    description:
      "The version counted; null while the tool has no published version (the steps are then the draft's, all at zero)",
  }),
  steps: z.array(stepFunnelSchema),
  started: z.number().int().min(0),
  finished: z.number().int().min(0),
});
export type ToolAnalytics = z.infer<typeof toolAnalyticsSchema>;

export const analyticsQuery = z.object({
  versionId: z
    .uuid({ error: "must be the id of one of the tool's versions" })
    .optional()
    .meta({ description: 'The version to count (default: the published version)' }),
});
