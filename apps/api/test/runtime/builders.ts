import { randomBytes } from 'node:crypto';
import {
  REQUEST_EMAIL_STEP_ID,
  toolDefinitionSchema,
  type ToolDefinition,
  type ToolDefinitionInput,
} from '@sms-seq/engine';
import type { Sandbox } from '@sms-seq/sandbox';
import type { DataSource } from 'typeorm';
import { SecretBox, sealedFor } from '../../src/crypto/secret-box';

export const DEMO_NUMBER = '+14155550100';
export const DEMO_ACCOUNT_SID = 'AC00000000000000000000000000000001';
export const DEMO_AUTH_TOKEN = 'sandbox-demo-auth-token-0000000001';

/**
 * An account connected to a Keap tenant of the sandbox (tokens from its OAuth) and to a Twilio
 * account with these credentials, as the app stores them when a marketer connects both.
 */
export async function anAccountConnectedTo(
  ds: DataSource,
  sandbox: Sandbox,
  secretsKey: string,
  connect: { tenantId: string; name: string; twilio: { accountSid: string; authToken: string } },
): Promise<{ accountId: string }> {
  const keapClient = sandbox.keap.clients[0];
  if (!keapClient) throw new Error('the Keap sandbox has no OAuth client');
  const redirectUri = 'http://127.0.0.1/callback';
  const code = sandbox.keap.issueAuthorizationCode({
    clientId: keapClient.clientId,
    redirectUri,
    tenantId: connect.tenantId,
  });
  const tokens = sandbox.keap.exchangeToken({
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    client_id: keapClient.clientId,
    client_secret: keapClient.clientSecret,
  });
  const box = new SecretBox(secretsKey);
  const [account] = await ds.query(
    `INSERT INTO accounts (keap_app_name, name) VALUES ($1, $2) RETURNING id`,
    [`${connect.tenantId}-${randomBytes(3).toString('hex')}`, connect.name],
  );
  const accountId: string = account.id;
  await ds.query(
    `INSERT INTO keap_connections (account_id, access_token_sealed, refresh_token_sealed, expires_at) VALUES ($1, $2, $3, $4)`,
    [
      accountId,
      box.seal(tokens.access_token, sealedFor.keapAccessToken(accountId)),
      box.seal(tokens.refresh_token, sealedFor.keapRefreshToken(accountId)),
      new Date(Date.now() + tokens.expires_in * 1000),
    ],
  );
  await ds.query(
    `INSERT INTO twilio_connections (account_id, account_sid, auth_token_sealed) VALUES ($1, $2, $3)`,
    [
      accountId,
      connect.twilio.accountSid,
      box.seal(connect.twilio.authToken, sealedFor.twilioAuthToken(accountId)),
    ],
  );
  return { accountId };
}

/**
 * An account connected to the sandbox's demo Keap tenant (or `tenantId`) and Twilio account; every
 * sandbox number's inbound webhook points at `smsUrl`.
 */
export async function aConnectedAccount(
  ds: DataSource,
  sandbox: Sandbox,
  secretsKey: string,
  options: { smsUrl: string; tenantId?: string },
): Promise<{ accountId: string }> {
  const connected = await anAccountConnectedTo(ds, sandbox, secretsKey, {
    tenantId: options.tenantId ?? 'sb101',
    name: 'Test',
    twilio: { accountSid: DEMO_ACCOUNT_SID, authToken: DEMO_AUTH_TOKEN },
  });
  for (const number of sandbox.twilio.numbers.values()) number.smsUrl = options.smsUrl;
  return connected;
}

/** A tool definition as a person writes it, defaults filled in; sender: the demo number. */
export function aTool(input: Partial<ToolDefinitionInput> = {}): ToolDefinition {
  return toolDefinitionSchema.parse({
    name: 'Test tool',
    sender: { kind: 'phone_number', phoneNumber: DEMO_NUMBER },
    keyword: 'BLUE',
    ...input,
  });
}

type StepInput = NonNullable<ToolDefinitionInput['steps']>[number];
type ToolOptionsInput = NonNullable<ToolDefinitionInput['options']>;

/**
 * A step's next that decides: a reply matching one of `values` (`*` stands for any text) gets
 * `then.tagId` and goes on to `then.nextStepId` (null finishes); any other reply gets
 * `otherwise.tagId` and goes to `otherwise.stepId` (none: it finishes).
 */
export function replyMatching(
  values: string[],
  then: { tagId?: number | null; nextStepId: string | null },
  otherwise: { tagId?: number | null; stepId?: string | null } = {},
): NonNullable<StepInput['next']> {
  return {
    kind: 'decide',
    conditions: [
      {
        id: 'match',
        kind: 'equals_any',
        values,
        tagId: then.tagId ?? null,
        nextStepId: then.nextStepId,
      },
    ],
    fallbackTagId: otherwise.tagId ?? null,
    fallbackStepId: otherwise.stepId ?? null,
  };
}

/**
 * The two steps of the usual test tool: "Hi ~Contact.FirstName~, do you like blue?"; a reply with
 * "yes" in it gets `tags.yes` and goes on to "Great, thanks!" (which finishes), any other reply
 * gets `tags.otherwise` and ends the conversation.
 */
export function likesBlueSteps(tags: { yes?: number; otherwise?: number } = {}): StepInput[] {
  return [
    {
      id: 'color',
      name: 'Color',
      message: 'Hi ~Contact.FirstName~, do you like blue?',
      next: replyMatching(
        ['*yes*'],
        { tagId: tags.yes, nextStepId: 'thanks' },
        { tagId: tags.otherwise },
      ),
    },
    { id: 'thanks', name: 'Thanks', message: 'Great, thanks!', next: { kind: 'finish' } },
  ];
}

/** Steps q1, q2, … (Q1, Q2, …) asking these in turn; the last one finishes the conversation. */
export function questionSteps(...messages: string[]): StepInput[] {
  return messages.map((message, i) => ({
    id: `q${i + 1}`,
    name: `Q${i + 1}`,
    message,
    ...(i === messages.length - 1 ? { next: { kind: 'finish' as const } } : {}),
  }));
}

/** The first step of an email-first keyword tool: the reply is the email the contact is found by. */
export function anEmailFirstStep(message: string): StepInput {
  return {
    id: REQUEST_EMAIL_STEP_ID,
    name: 'Request Email Address',
    message,
    saveTo: 'Email',
    validation: 'email',
  };
}

/** Office hours: 09:00 to 17:00 in the contact's time zone, UTC when Keap has none. */
export const OFFICE_HOURS = { start: '09:00', end: '17:00', defaultTimeZone: 'UTC' };

/**
 * An HTTP Post tool asking "Which day suits you?" in office hours, which expires `expiryMinutes`
 * without a reply and reminds "Still there? Reply with a day." `reminderMinutesBeforeExpiry`
 * before that.
 */
export function aDayQuestionWithReminder(
  name: string,
  timing: Pick<ToolOptionsInput, 'expiryMinutes' | 'reminderMinutesBeforeExpiry'>,
): Partial<ToolDefinitionInput> {
  return {
    name,
    keyword: null,
    startMode: 'http_only',
    steps: [{ id: 'day', name: 'Day', message: 'Which day suits you?' }],
    options: {
      sendWindow: OFFICE_HOURS,
      ...timing,
      reminderMessage: 'Still there? Reply with a day.',
    },
  };
}

/**
 * The form Twilio posts for an inbound text from `from` to the demo number (unless `To` is given),
 * with a MessageSid of its own; `fields` adds or replaces Twilio's fields.
 */
export function anInboundText(
  from: string,
  fields: Record<string, string> = {},
): Record<string, string> {
  return {
    AccountSid: DEMO_ACCOUNT_SID,
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    From: from,
    To: DEMO_NUMBER,
    Body: 'Hello',
    NumMedia: '0',
    ...fields,
  };
}

/** Stores the tool and publishes it as version 1. */
export async function aPublishedTool(
  ds: DataSource,
  accountId: string,
  definition: ToolDefinition,
): Promise<{ toolId: string; secret: string }> {
  const secret = randomBytes(24).toString('base64url');
  const senderKey =
    definition.sender?.kind === 'messaging_service'
      ? `service:${definition.sender.messagingServiceSid}`
      : `phone:${definition.sender?.phoneNumber}`;
  const [tool] = await ds.query(
    `INSERT INTO tools (account_id, name, draft, url_secret, live_sender_key, live_keyword) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [
      accountId,
      definition.name,
      JSON.stringify(definition),
      secret,
      senderKey,
      definition.startMode === 'keyword_or_http' && definition.keyword
        ? definition.keyword.trim().toUpperCase()
        : null,
    ],
  );
  const [version] = await ds.query(
    `INSERT INTO tool_versions (tool_id, account_id, version, definition) VALUES ($1, $2, 1, $3) RETURNING id`,
    [tool.id, accountId, JSON.stringify(definition)],
  );
  await ds.query(`UPDATE tools SET published_version_id = $2 WHERE id = $1`, [tool.id, version.id]);
  return { toolId: tool.id, secret };
}

/** The sandbox tenant's tag id by name. */
export function tagId(sandbox: Sandbox, name: string, tenantId = 'sb101'): number {
  const tag = [...sandbox.keap.tenant(tenantId).tags.values()].find((t) => t.name === name);
  if (!tag) throw new Error(`no tag ${name}`);
  return Number(tag.id);
}

const AREAS = ['212', '646', '718', '917', '347', '929'];
let nextPhone = 10;
/** A fresh contact phone in the fictional 555-01xx ranges of New York (valid for the phone library). */
export function aPhone(): string {
  nextPhone += 1;
  const area = AREAS[Math.floor(nextPhone / 100) % AREAS.length] ?? '212';
  return `+1${area}555${String(100 + (nextPhone % 100)).padStart(4, '0')}`;
}

/** A contact in the sandbox's Keap tenant; answers its id. */
export function aKeapContact(
  sandbox: Sandbox,
  contact: {
    firstName?: string;
    email?: string;
    phone?: string;
    phoneType?: string;
    budget?: number;
    color?: string;
    /** IANA zone, e.g. America/New_York (Keap's time_zone). */
    timeZone?: string;
  },
  tenantId = 'sb101',
): number {
  const tenant = sandbox.keap.tenant(tenantId);
  const custom = tenant.customFields;
  const idOf = (name: string) => custom.find((f) => f.field_name === name || f.label === name)?.id;
  const { contact: created } = sandbox.keap.createContact(tenant, {
    given_name: contact.firstName ?? 'Pat',
    ...(contact.timeZone ? { time_zone: contact.timeZone } : {}),
    ...(contact.email ? { email_addresses: [{ email: contact.email, field: 'EMAIL1' }] } : {}),
    ...(contact.phone
      ? {
          phone_numbers: [
            {
              number: contact.phone,
              field: 'PHONE1',
              ...(contact.phoneType ? { type: contact.phoneType } : {}),
            },
          ],
        }
      : {}),
    custom_fields: [
      ...(contact.budget !== undefined ? [{ id: idOf('Budget'), content: contact.budget }] : []),
      ...(contact.color !== undefined
        ? [{ id: idOf('FavoriteColor'), content: contact.color }]
        : []),
    ],
  });
  return Number(created.id);
}

/** Contacts of the tenant whose phone ends like this one (E.164 or national forms alike). */
export function keapContactsWithPhone(sandbox: Sandbox, phone: string, tenantId = 'sb101') {
  return [...sandbox.keap.tenant(tenantId).contacts.values()].filter((c) =>
    c.phone_numbers.some((p) => p.number?.replace(/\D/g, '').endsWith(phone.slice(-10))),
  );
}

/** Names of the tags the contact has in the sandbox tenant. */
export function tagsOf(sandbox: Sandbox, contactId: number, tenantId = 'sb101'): string[] {
  return sandbox.keap.tagsOf(sandbox.keap.tenant(tenantId), String(contactId)).map((t) => t.name);
}

/** The contact's notes in the sandbox tenant (title and text). */
export function notesOf(sandbox: Sandbox, contactId: number, tenantId = 'sb101') {
  return [...sandbox.keap.tenant(tenantId).notes.values()].filter(
    (n) => String(n.contact_id) === String(contactId),
  );
}
