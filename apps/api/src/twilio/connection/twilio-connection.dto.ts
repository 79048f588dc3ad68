import { z } from 'zod';

export const connectTwilioBody = z
  .object({
    accountSid: z
      .string()
      .trim()
      .regex(
        /^AC[0-9a-fA-F]{32}$/,
        'That is not a Twilio Account SID (AC followed by 32 letters and digits). Copy it again from the Twilio Console (Account info).',
      ),
    authToken: z
      .string()
      .trim()
      .min(
        1,
        'Enter the Auth Token: it checks that texts reaching this app really come from Twilio.',
      )
      .max(200, 'That is too long for a Twilio Auth Token. Copy it again from the Twilio Console.'),
    apiKeySid: z
      .string()
      .trim()
      .regex(
        /^SK[0-9a-fA-F]{32}$/,
        'That is not a Twilio API key SID (SK followed by 32 letters and digits). Copy it again from the Twilio Console (API keys).',
      )
      .optional(),
    apiKeySecret: z
      .string()
      .trim()
      .min(1, 'Enter the API key secret, or leave both API key fields empty.')
      .max(200, 'That is too long for a Twilio API key secret. Copy it again.')
      .optional(),
  })
  .superRefine((body, ctx) => {
    // A key without its secret (or the reverse) would silently fall back to the Auth Token.
    if (body.apiKeySid && !body.apiKeySecret)
      ctx.addIssue({
        code: 'custom',
        path: ['apiKeySecret'],
        message:
          'Enter the API key secret (shown once when the key was created in the Twilio Console), or leave the API key SID empty.',
      });
    if (body.apiKeySecret && !body.apiKeySid)
      ctx.addIssue({
        code: 'custom',
        path: ['apiKeySid'],
        message:
          'Enter the API key SID (SK…) that goes with this secret, or leave the secret empty.',
      });
  });
export const availableNumbersQuery = z.object({
  country: z
    .string()
    .trim()
    .length(2, 'Choose a country from the list.')
    .default('US')
    .meta({ description: 'ISO country code (default US)' }),
  areaCode: z
    .string()
    .trim()
    .regex(/^\d{0,5}$/, 'An area code is up to 5 digits, such as 415. Type only the digits.')
    .optional()
    .meta({ description: 'Only numbers in this area code, e.g. 415' }),
  type: z
    .enum(['local', 'toll_free'])
    .default('local')
    .meta({ description: 'Local or toll-free numbers (default local)' }),
});
export const buyNumberBody = z.object({
  phoneNumber: z
    .string()
    .trim()
    .regex(
      /^\+[1-9]\d{6,14}$/,
      'That is not a phone number in international form (such as +15551234567). Pick a number from the list.',
    ),
});

/** A published tool whose sender this is: texts to the sender must reach this app for it. */
export const senderToolSchema = z.object({
  id: z.string().meta({ description: "The tool's id" }),
  name: z.string(),
});
export type SenderTool = z.infer<typeof senderToolSchema>;

const usedBy = z.array(senderToolSchema).meta({
  description:
    'The published tools with this sender: their keyword texts and replies arrive only while its inbound webhook points at this app',
});
const broken = z.boolean().meta({
  description:
    'A published tool uses it and its inbound webhook does not point at this app: that tool hears none of its contacts (point-here fixes it)',
});

export const phoneNumberSidParam = z.object({
  sid: z
    .string()
    .regex(
      /^PN[0-9a-fA-F]{32}$/,
      'That is not a Twilio phone number SID (PN followed by 32 hex digits). Reload Connections and try again.',
    ),
});
export const messagingServiceSidParam = z.object({
  sid: z
    .string()
    .regex(
      /^MG[0-9a-fA-F]{32}$/,
      'That is not a Twilio messaging service SID (MG followed by 32 hex digits). Reload Connections and try again.',
    ),
});

export const phoneNumberViewSchema = z.object({
  sid: z.string().meta({ description: 'PN…' }),
  phoneNumber: z.string().meta({ description: 'E.164' }),
  friendlyName: z.string(),
  smsUrl: z.string().nullable().meta({ description: "The number's inbound SMS webhook" }),
  connected: z
    .boolean()
    .meta({ description: 'Whether the inbound SMS webhook points at this app' }),
  usedBy,
  broken,
});
export type PhoneNumberView = z.infer<typeof phoneNumberViewSchema>;

export const messagingServiceViewSchema = z.object({
  sid: z.string().meta({ description: 'MG…' }),
  friendlyName: z.string(),
  stickySender: z.boolean(),
  phoneNumbers: z.array(z.string()).meta({ description: "The service's sender pool, E.164" }),
  smsUrl: z.string().nullable().meta({
    description:
      "The service's inbound request URL; null when the service defers to each number's own webhook",
  }),
  connected: z
    .boolean()
    .meta({ description: "Whether the service's inbound request URL points at this app" }),
  usedBy,
  broken,
});
export type MessagingServiceView = z.infer<typeof messagingServiceViewSchema>;

/** What "Point it back" adds to the sender: the texts it received elsewhere, fetched back. */
const fetchBackFields = {
  fetchedBack: z.number().int().min(0).meta({
    description:
      'How many texts the sender received while its inbound webhook pointed elsewhere were fetched back from Twilio now (stored once each, then answered like any text: at most 3 days back, from the last text stored for it); 0 when it already pointed here',
  }),
  fetchBackFailed: z.boolean().meta({
    description:
      'The webhook was pointed back, but Twilio could not list the texts received meanwhile (logged): they were not fetched back',
  }),
};
export const pointedPhoneNumberSchema = phoneNumberViewSchema.extend(fetchBackFields);
export type PointedPhoneNumber = z.infer<typeof pointedPhoneNumberSchema>;
export const pointedMessagingServiceSchema = messagingServiceViewSchema.extend(fetchBackFields);
export type PointedMessagingService = z.infer<typeof pointedMessagingServiceSchema>;
export type FetchedBack = Pick<PointedPhoneNumber, 'fetchedBack' | 'fetchBackFailed'>;

export const sendersSchema = z.object({
  phoneNumbers: z.array(phoneNumberViewSchema),
  messagingServices: z.array(messagingServiceViewSchema),
});
export type Senders = z.infer<typeof sendersSchema>;

export const availableNumberSchema = z.object({
  phoneNumber: z.string(),
  locality: z.string().nullable(),
  region: z.string().nullable(),
});
export type AvailableNumber = z.infer<typeof availableNumberSchema>;
export const availableNumbersSchema = z.object({ numbers: z.array(availableNumberSchema) });

export const twilioConnectedSchema = z.object({
  connected: z.literal(true),
  accountSid: z.string(),
});
