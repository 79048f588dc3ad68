import { z } from 'zod';

/**
 * The tool definition: the one schema that the API validates, the console edits, import/export
 * reads and writes, and the state machine runs. Field by field it follows the seed's form.
 *
 * Contact fields are named as Keap's merge fields name them (`FirstName`, `Email`, `Phone1`,
 * `_FavoriteColor` for a custom field), so one vocabulary serves merge tokens
 * (`~Contact.FirstName~`), "save the response to this field", field-valued conditions and the phone
 * field. The Keap adapter maps these keys to REST payloads.
 */

export const SCHEMA_VERSION = 1 as const;

/**
 * The schema's own refusals, each the end of a sentence whose start names the field the way the
 * editor labels it (`schemaProblems`): "Step 2's "save the reply to" field is not one of …".
 */
export const SCHEMA_REFUSALS = {
  contactField: 'is not one of your Keap contact fields. Choose a field from the list.',
  stepId:
    'is damaged (its internal reference is missing or not valid). Choose it again, or delete it and add it again.',
  time: 'must be a time of day such as 09:00 or 17:30 (24-hour clock).',
  toolName: 'is empty. Give the tool a name.',
  expiry: 'must be from 1 minute to 30 days (720 hours).',
} as const;

/** A contact field key: a standard Keap field name or `_` + a custom field's name. */
export const contactFieldKeySchema = z
  .string()
  .trim()
  .regex(/^_?[A-Za-z][A-Za-z0-9_]*$/, SCHEMA_REFUSALS.contactField);
export type ContactFieldKey = z.infer<typeof contactFieldKeySchema>;

export const stepIdSchema = z
  .string()
  .trim()
  .min(1, SCHEMA_REFUSALS.stepId)
  .max(64, SCHEMA_REFUSALS.stepId)
  .regex(/^[A-Za-z0-9_-]+$/, SCHEMA_REFUSALS.stepId);
export type StepId = z.infer<typeof stepIdSchema>;

/** Keap tag ids are positive integers. */
export const tagIdSchema = z.number().int().positive();
export type TagId = z.infer<typeof tagIdSchema>;

/**
 * A Keap campaign's API goal, named as the campaign builder names it. Kept loose here (a draft
 * may be half typed); `validateTool` holds the names to what Keap accepts (`goal_name_invalid`).
 */
export const apiGoalSchema = z.object({
  integration: z.string().trim().max(100),
  callName: z.string().trim().max(100),
});
export type ApiGoal = z.infer<typeof apiGoalSchema>;
/** Optional beside each tag, so tools saved before goals existed stay valid. */
const optionalGoal = apiGoalSchema.nullable().optional();

export const comparisonOperatorSchema = z.enum(['lt', 'lte', 'gt', 'gte']);
export type ComparisonOperator = z.infer<typeof comparisonOperatorSchema>;

/** Where a comparison's right-hand value comes from: a number typed in, or a contact field. */
export const operandSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('static'), value: z.number().finite() }),
  z.object({ source: z.literal('field'), field: contactFieldKeySchema }),
]);
export type Operand = z.infer<typeof operandSchema>;

export const inequalitySchema = z.object({
  op: comparisonOperatorSchema,
  value: operandSchema,
});
export type Inequality = z.infer<typeof inequalitySchema>;

const conditionBase = {
  id: stepIdSchema,
  /** Tag applied when this condition matches; null for none. */
  tagId: tagIdSchema.nullable().default(null),
  /** Keap API goal achieved when this condition matches (after the reply is saved). */
  goal: optionalGoal,
  /** Step sent when this condition matches; null finishes the conversation. */
  nextStepId: stepIdSchema.nullable().default(null),
};

export const conditionSchema = z.discriminatedUnion('kind', [
  /** The reply EQUALS ANY of these words/phrases: case-insensitive, `*` is a wildcard. */
  z.object({
    ...conditionBase,
    kind: z.literal('equals_any'),
    values: z.array(z.string().max(500)).max(100),
  }),
  /** The reply, read as a number, is less/greater than (or equal to) a value. */
  z.object({
    ...conditionBase,
    kind: z.literal('compare'),
    op: comparisonOperatorSchema,
    value: operandSchema,
  }),
  /** The reply, read as a number, satisfies two inequalities. */
  z.object({
    ...conditionBase,
    kind: z.literal('between'),
    first: inequalitySchema,
    second: inequalitySchema,
  }),
]);
export type Condition = z.infer<typeof conditionSchema>;
export type ConditionKind = Condition['kind'];

export const nextSchema = z.discriminatedUnion('kind', [
  /** "The next message (the one below this)". */
  z.object({ kind: z.literal('next') }),
  /** "Don't send anything (finish)". */
  z.object({ kind: z.literal('finish') }),
  /** "Let me decide (configure conditions)". */
  z.object({
    kind: z.literal('decide'),
    conditions: z.array(conditionSchema).max(50).default([]),
    /** Applied when no condition matches, or none is configured. */
    fallbackTagId: tagIdSchema.nullable().default(null),
    /** Keap API goal achieved when no condition matches. */
    fallbackGoal: optionalGoal,
    /** Sent when no condition matches; null finishes. */
    fallbackStepId: stepIdSchema.nullable().default(null),
  }),
]);
export type Next = z.infer<typeof nextSchema>;

/** How a reply is checked before it is accepted (Beyond: reply validation with re-ask). */
export const replyValidationSchema = z.enum(['none', 'email', 'number']);
export type ReplyValidation = z.infer<typeof replyValidationSchema>;

export const stepSchema = z.object({
  id: stepIdSchema,
  /** Shown on the sequence map. */
  name: z.string().trim().max(120).default(''),
  /** The text, with `~Contact.Field~` merge fields. */
  message: z.string().default(''),
  /** Direct URLs of MMS media. */
  mediaUrls: z.array(z.string().trim()).default([]),
  /** "Save the response to this field"; null for none. */
  saveTo: contactFieldKeySchema.nullable().default(null),
  validation: replyValidationSchema.default('none'),
  /** Sent instead of moving on when the reply fails validation. Empty: a default sentence. */
  reaskMessage: z.string().default(''),
  next: nextSchema.default({ kind: 'next' }),
});
export type Step = z.infer<typeof stepSchema>;

export const senderSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('phone_number'), phoneNumber: z.string().trim().min(1) }),
  z.object({ kind: z.literal('messaging_service'), messagingServiceSid: z.string().trim().min(1) }),
]);
export type Sender = z.infer<typeof senderSchema>;

export const startModeSchema = z.enum(['keyword_or_http', 'http_only']);
export type StartMode = z.infer<typeof startModeSchema>;

/** Quiet hours: texts due inside them wait until the window opens (contact's time zone). */
export const sendWindowSchema = z.object({
  /** Local time the window opens, "HH:MM". */
  start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, SCHEMA_REFUSALS.time),
  /** Local time the window closes, "HH:MM". */
  end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, SCHEMA_REFUSALS.time),
  /** IANA time zone used when the contact's own is unknown. */
  defaultTimeZone: z.string().min(1).default('America/New_York'),
});
export type SendWindow = z.infer<typeof sendWindowSchema>;

export const toolOptionsSchema = z.object({
  /** Create (then append to) one note per contact per tool with the transcript. */
  createNote: z.boolean().default(false),
  /** Tag applied when the number has opted out. */
  optOutTagId: tagIdSchema.nullable().default(null),
  /** Keap API goal achieved when the number has opted out. */
  optOutGoal: optionalGoal,
  /** Tag applied when the number is not a valid mobile number. */
  invalidNumberTagId: tagIdSchema.nullable().default(null),
  /** Keap API goal achieved when the number is not a valid mobile number. */
  invalidNumberGoal: optionalGoal,
  /** An unfinished conversation expires after this long without activity. */
  expiryMinutes: z
    .number()
    .int()
    .min(1, SCHEMA_REFUSALS.expiry)
    .max(60 * 24 * 30, SCHEMA_REFUSALS.expiry)
    .default(24 * 60),
  /** Sends one reminder this long before expiry when the contact has not replied; null: none. */
  reminderMinutesBeforeExpiry: z.number().int().min(1).nullable().default(null),
  reminderMessage: z.string().default(''),
  /** How many times a step whose reply fails validation asks again before moving on. */
  maxReasks: z.number().int().min(0).max(5).default(2),
  sendWindow: sendWindowSchema.nullable().default(null),
});
export type ToolOptions = z.infer<typeof toolOptionsSchema>;

export const toolDefinitionSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION).default(SCHEMA_VERSION),
  /** Internal only; never shown to contacts. */
  name: z.string().trim().min(1, SCHEMA_REFUSALS.toolName).max(120),
  startMode: startModeSchema.default('keyword_or_http'),
  /** The Twilio number or messaging service that sends and receives. Null while a draft has none. */
  sender: senderSchema.nullable().default(null),
  /** Keyword mode: the word that starts the sequence (matched trimmed, any case). */
  keyword: z.string().trim().max(160).nullable().default(null),
  /**
   * Keyword mode: where the requester's mobile number is stored. HTTP-only mode: the contact
   * phone field the messages are sent to.
   */
  phoneField: contactFieldKeySchema.default('Phone1'),
  /** Keyword mode: the first reply is the email, used to find the contact (no duplicates). */
  collectEmailFirst: z.boolean().default(true),
  steps: z.array(stepSchema).max(100).default([]),
  options: toolOptionsSchema.default(toolOptionsSchema.parse({})),
});
/** A tool definition after defaults are applied (what is stored and run). */
export type ToolDefinition = z.infer<typeof toolDefinitionSchema>;
/** A tool definition as written by a person or an import file (defaults may be omitted). */
export type ToolDefinitionInput = z.input<typeof toolDefinitionSchema>;

export const REQUEST_EMAIL_STEP_ID = 'request-email';

/** The step a new tool starts with, as the seed pre-creates it. */
export function requestEmailStep(): Step {
  return stepSchema.parse({
    id: REQUEST_EMAIL_STEP_ID,
    name: 'Request Email Address',
    message: 'Thanks for texting in! Please reply with your email address. Text STOP to stop.',
    saveTo: 'Email',
    validation: 'email',
    reaskMessage: "That doesn't look like an email address. Please reply with your email address.",
    next: { kind: 'next' },
  });
}

/** A new, empty tool as the console creates it. */
export function newToolDefinition(name: string): ToolDefinition {
  return toolDefinitionSchema.parse({ name, steps: [requestEmailStep()] });
}
