import { z } from 'zod';

export const stepFunnelSchema = z.object({
  stepId: z.string(),
  name: z.string(),
  received: z.number().int().min(0).meta({
    description: 'Reached: the conversations that were sent the step (its text, at least once)',
  }),
  replied: z.number().int().min(0).meta({ description: 'Conversations that answered it' }),
  droppedOff: z.number().int().min(0).meta({
    description:
      'Dropped off here: conversations that were sent the step and ended while on it without finishing (expired, opted out, the number could not receive, or ended by hand). A conversation still waiting for its reply has not dropped off; one that finished here (a finish step, or a branch to the end) has not either',
  }),
  branches: z
    .array(
      z.object({
        conditionId: z.string().meta({ description: "A condition's id, or fallback" }),
        label: z.string(),
        count: z.number().int().min(0).meta({ description: 'Conversations that took it' }),
      }),
    )
    .meta({
      description:
        'Every condition of the step (even at zero), then the fallback; across versions, then the conditions only older versions had that were taken',
    }),
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
  removed: z.boolean().meta({
    description:
      'The step is not in the version the steps are laid out from (the newest one): it is counted from older versions',
  }),
});
export type StepFunnel = z.infer<typeof stepFunnelSchema>;

export const ROUTES = ['start', 'condition', 'fallback', 'next', 'sent'] as const;
export type Route = (typeof ROUTES)[number];

export const routeCountSchema = z.object({
  fromStepId: z.string().nullable().meta({ description: 'null: the start of the conversation' }),
  toStepId: z
    .string()
    .nullable()
    .meta({ description: 'null: the conversation finished (or the step it pointed to was gone)' }),
  route: z.enum(ROUTES).meta({
    description:
      'How it went on: start (the conversation began at toStepId), condition (the reply matched conditionId), fallback (nothing matched), next (the reply moved it to the next step, or finished a finish step), sent (a closing message: it finished as it was sent)',
  }),
  conditionId: z.string().nullable().meta({ description: 'The condition, for route condition' }),
  count: z.number().int().min(0).meta({ description: 'Conversations that went this way' }),
});
export type RouteCount = z.infer<typeof routeCountSchema>;

export const toolAnalyticsSchema = z.object({
  versionId: z.uuid().nullable().meta({
    description: 'The one version counted; null when all versions are counted (the default)',
  }),
  published: z.boolean().meta({
    description:
      'Whether the tool has a published version; while it has none the steps are the draft’s, all at zero',
  }),
  from: z.iso.datetime().nullable().meta({ description: 'Conversations started at or after' }),
  to: z.iso.datetime().nullable().meta({ description: 'Conversations started before' }),
  steps: z.array(stepFunnelSchema),
  routes: z.array(routeCountSchema).meta({
    description:
      'From step to step: how many conversations went each way (matched across versions by step and condition id)',
  }),
  started: z.number().int().min(0),
  finished: z.number().int().min(0),
});
export type ToolAnalytics = z.infer<typeof toolAnalyticsSchema>;

/** Dates PostgreSQL and the console both handle (as the conversations list takes them). */
const EARLIEST = new Date('1970-01-01T00:00:00Z');
const LATEST = new Date('9999-12-31T23:59:59.999Z');
const oneDate = (what: string, end: string) =>
  z.coerce
    .date({ error: `The ${end} of the date range is not a date. Pick a date such as 2026-01-31.` })
    .min(EARLIEST, 'Pick a date from 1970 to 9999.')
    .max(LATEST, 'Pick a date from 1970 to 9999.')
    .optional()
    .meta({
      type: 'string',
      description: `Count conversations started ${what}: a date (2026-01-31) or a date and time (2026-01-31T09:00:00Z)`,
    });

export const analyticsQuery = z
  .object({
    versionId: z
      .uuid({ error: "must be the id of one of the tool's versions" })
      .optional()
      .meta({ description: 'The one version to count (default: all versions)' }),
    from: oneDate('at or after', 'start'),
    to: oneDate('before', 'end'),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, {
    message: 'The start of the date range must be before its end. Pick an earlier start.',
    path: ['from'],
  });
export type AnalyticsQuery = z.infer<typeof analyticsQuery>;
