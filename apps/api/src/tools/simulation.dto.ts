import type { SimulationResult } from '@sms-seq/engine';
import { z } from 'zod';
import { conversationStatusSchema } from '../openapi/conversation-status.schema';
import type { Assert, Same } from '../openapi/same-type';

/** The engine's Outcome: what one event did to the conversation (see packages/engine). */
export const outcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('started'), stepId: z.string().nullable() }),
  z.object({
    kind: z.literal('matched'),
    stepId: z.string(),
    conditionId: z.string(),
    conditionIndex: z.number().int(),
    nextStepId: z.string().nullable(),
  }),
  z.object({ kind: z.literal('fallback'), stepId: z.string(), nextStepId: z.string().nullable() }),
  z.object({ kind: z.literal('moved_on'), stepId: z.string(), nextStepId: z.string().nullable() }),
  z.object({ kind: z.literal('reasked'), stepId: z.string(), attempt: z.number().int() }),
  z.object({
    kind: z.literal('resolving_contact'),
    stepId: z.string(),
    email: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('contact_resolved'),
    contactId: z.number().int().nullable(),
    created: z
      .boolean()
      .optional()
      .meta({ description: 'The contact was created now, not found (absent: not known)' }),
    get then() {
      return outcomeSchema.optional().meta({
        description: 'What followed in the same step (the step sent, or the email step’s branch)',
      });
    },
  }),
  z.object({ kind: z.literal('reminded'), stepId: z.string() }),
  z.object({ kind: z.literal('ended'), status: conversationStatusSchema }),
  z.object({ kind: z.literal('ignored'), reason: z.string() }),
]);

const fieldValue = z.union([z.string(), z.number()]).nullable();
export const conversationStateSchema = z.object({
  status: conversationStatusSchema,
  phone: z.string(),
  contact: z.object({
    id: z.number().int().nullable(),
    fields: z.partialRecord(z.string(), fieldValue),
    timeZone: z.string().nullable().optional(),
  }),
  currentStepId: z.string().nullable(),
  reasks: z.number().int(),
  startedAt: z.string(),
  lastActivityAt: z.string(),
  reminderSentAt: z.string().nullable(),
  pendingEmail: z.string().nullable(),
  pendingReply: z.string().nullable().optional(),
});

export const simulationTurnSchema = z.object({
  input: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('start'), mode: z.enum(['keyword', 'http_post']) }),
    z.object({ kind: z.literal('reply'), text: z.string() }),
    z.object({ kind: z.literal('wait'), minutes: z.number() }),
    z.object({ kind: z.literal('opt_out') }),
  ]),
  stepId: z.string().nullable().meta({ description: 'The step the contact was answering' }),
  outcomes: z.array(outcomeSchema),
  matched: z
    .union([
      z.object({ conditionId: z.string(), conditionIndex: z.number().int() }),
      z.literal('fallback'),
    ])
    .nullable()
    .meta({ description: 'The condition the reply matched, fallback, or null (no decision)' }),
  messages: z.array(
    z.object({
      stepId: z.string().nullable(),
      body: z.string(),
      mediaUrls: z.array(z.string()),
      purpose: z.enum(['step', 'reask', 'reminder']),
    }),
  ),
  tags: z
    .array(z.object({ tagId: z.number().int(), reason: z.string() }))
    .meta({ description: 'Tags that would be applied in Keap' }),
  goals: z
    .array(z.object({ integration: z.string(), callName: z.string(), reason: z.string() }))
    .meta({ description: 'Keap API goals that would be achieved' }),
  fieldSaves: z
    .array(z.object({ field: z.string(), value: z.string() }))
    .meta({ description: 'Contact fields that would be saved in Keap' }),
  contactLookups: z.array(z.object({ email: z.string().nullable(), phone: z.string() })),
  noteWritten: z.boolean(),
  endedWith: conversationStatusSchema.nullable(),
});

export const simulationResultSchema = z.object({
  turns: z.array(simulationTurnSchema),
  status: conversationStatusSchema
    .nullable()
    .meta({ description: 'Final status; null when the tool could not start' }),
  state: conversationStateSchema.nullable(),
});
export type SimulationResultMatches = Assert<
  Same<z.infer<typeof simulationResultSchema>, SimulationResult>
>;
