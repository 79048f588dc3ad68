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
    connected: z
      .boolean()
      .meta({ description: 'Credentials are saved (see status for their health)' }),
    // A union with null (not .nullable()): OpenAPI 3.0 then lists null among the enum's values.
    status: z.union([z.enum(['connected', 'rejected']), z.null()]).meta({
      description:
        'rejected: Twilio refused the saved credentials (20003 / 401) on the last call the app made with them (changed or revoked in Twilio): nothing can be sent until they are changed; or Twilio signs incoming texts with another Auth Token than the saved one (rotated in Twilio), so they are refused until the new one is saved. null while not connected',
    }),
    statusReason: z.string().nullable().meta({
      description:
        'Why Twilio refused them (which credential, the error, when), or that incoming texts are refused for their signature, and what to do',
    }),
    accountSid: z.string().nullable(),
    apiKeySid: z.string().nullable().meta({
      description: 'The API key the app sends with (SK…); null when it uses the Auth Token',
    }),
  }),
});
export type SessionView = z.infer<typeof sessionViewSchema>;
