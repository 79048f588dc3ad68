import { z } from 'zod';
import type { Assert, Same } from '../openapi/same-type';
import type { AccountKeapBudgetReport } from './keap-budget-report.service';

/**
 * GET /api/keap/budget as documented. The report is KeapBudgetReportService's type; the check
 * below fails to compile as soon as the two differ, so the document cannot drift from it.
 */
const windowReport = z.object({
  limit: z.number(),
  used: z.number(),
  left: z.number(),
});
const callsPerConversation = z.object({ average: z.number(), max: z.number() });

export const keapBudgetReportSchema = z.object({
  at: z.iso.datetime(),
  app: z
    .object({
      second: windowReport,
      minute: windowReport,
      day: windowReport,
      pausedForMs: z
        .number()
        .meta({ description: '> 0 while every process holds back after a 429 from Keap' }),
      waiting: z.object({ interactive: z.number(), background: z.number() }),
    })
    .meta({ description: 'The budget all installed accounts share (Keap counts per OAuth app)' }),
  account: z
    .object({
      calls: z.record(z.string(), z.number()),
      total: z.number(),
      throttled: z.number(),
      minute: windowReport,
      day: windowReport,
    })
    .meta({ description: 'This account: calls granted today by kind, its tenant budget left' }),
  fairDay: z
    .object({
      pressure: z.boolean().meta({
        description: "The app's calls today, projected to 00:00 UTC, exceed Keap's day limit",
      }),
      projectedToday: z.number().meta({
        description:
          'Calls all accounts are projected to make today (used + recent rate to midnight)',
      }),
      dayLimit: z.number(),
      share: z.number().nullable().meta({
        description:
          'Under pressure, the most calls this account is entitled to today (max-min fair share); null without pressure',
      }),
      shareLeft: z.number().nullable().meta({ description: 'What is left of that share today' }),
      usedToday: z.number(),
      paced: z
        .boolean()
        .meta({ description: "This account's campaign starts are being held back now" }),
      startsWaiting: z.number(),
      summary: z.string().meta({ description: 'The above in plain words, for the console' }),
    })
    .meta({
      description:
        "A fair day: when Keap's day quota is projected to run out, each account keeps a fair share of what is left",
    }),
  perConversation: z
    .object({
      window: z.number(),
      conversations: z.number(),
      total: callsPerConversation,
      reads: callsPerConversation,
      writes: callsPerConversation,
      byKind: z.record(z.string(), callsPerConversation),
    })
    .meta({ description: "Keap calls per conversation over this account's latest conversations" }),
});
export type KeapBudgetReportMatches = Assert<
  Same<z.infer<typeof keapBudgetReportSchema>, AccountKeapBudgetReport>
>;
