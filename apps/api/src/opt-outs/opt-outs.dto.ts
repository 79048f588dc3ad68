import { z } from 'zod';
import { isOptOutCursor } from './opt-out-cursor';

const LIMIT = 'Ask for a whole number of opt-outs from 1 to 200.';

/** GET /api/opt-outs: the search and the page. */
export const optOutListQuery = z.object({
  q: z
    .string({ error: 'Give one search.' })
    .trim()
    .min(1, 'Type a phone number, a word or a tool name to search for.')
    .max(200, 'The search is too long. Search with at most 200 characters.')
    .optional()
    .meta({
      description:
        'Search. Digits with only phone punctuation are a phone in any common form, the country code optional: "(720) 555-7707", "720.555.7707", "+1 720 555 7707" and the partial "555-7707" all find +17205557707. Other words are matched (any case) in the phone, the word the contact texted and the tool’s name',
    }),
  cursor: z
    .string({ error: 'Give one cursor.' })
    .refine(
      isOptOutCursor,
      'That is not a page of this list. Use nextCursor from the previous page.',
    )
    .optional()
    .meta({ description: 'nextCursor of the previous page' }),
  limit: z.coerce
    .number({ error: LIMIT })
    .int(LIMIT)
    .min(1, LIMIT)
    .max(200, LIMIT)
    .default(50)
    .meta({ description: 'Opt-outs per page, newest first (1–200, default 50)' }),
});
export type OptOutListQuery = z.infer<typeof optOutListQuery>;

/** A number that gets nothing more from a sender, and why. */
export const optOutSchema = z.object({
  phone: z.string().meta({ description: 'The contact’s phone, E.164: +17205557707' }),
  phoneFormatted: z
    .string()
    .meta({ description: 'The phone as people write it: (720) 555-7707, +44 20 7946 0958' }),
  sender: z.string().meta({ description: 'phone:+1… or service:MG…, the sender opted out of' }),
  senderName: z.string().meta({
    description:
      'The sender in words: the number, (415) 555-0100, or the messaging service’s name in Twilio (messaging service MG… when Twilio did not answer)',
  }),
  toolId: z.uuid().nullable(),
  toolName: z.string().nullable().meta({
    description:
      'The tool whose conversation the opt-out ended; null when the contact was in none (or the tool was deleted)',
  }),
  word: z.string().nullable().meta({
    description:
      'The word the contact texted (STOP, UNSUBSCRIBE, …); null when Twilio reported the number unsubscribed instead (a text to it was refused)',
  }),
  optedOutAt: z.iso.datetime(),
});
export type OptOutView = z.infer<typeof optOutSchema>;

export const optOutPageSchema = z.object({
  items: z.array(optOutSchema),
  nextCursor: z.string().nullable().meta({ description: 'null on the last page' }),
});
export type OptOutPage = z.infer<typeof optOutPageSchema>;
