import { z } from 'zod';

/** GET /api/session: who is signed in, and what is connected. */
export const sessionViewSchema = z.object({
  account: z.object({
    id: z.uuid(),
    name: z.string(),
    keapAppName: z.string(),
    status: z.enum(['active', 'disconnected']).meta({
      description:
        'disconnected: the Keap grant is gone (revoked, refused); tools start nothing until Keap is connected again',
    }),
    statusReason: z.string().nullable().meta({ description: 'Why the account is disconnected' }),
  }),
  keap: z.object({
    connected: z.boolean(),
    expiresAt: z.iso.datetime().nullable().meta({ description: 'When the access token expires' }),
  }),
  twilio: z.object({
    connected: z.boolean(),
    accountSid: z.string().nullable(),
    apiKeySid: z.string().nullable().meta({
      description: 'The API key the app sends with (SK…); null when it uses the Auth Token',
    }),
  }),
});
export type SessionView = z.infer<typeof sessionViewSchema>;
