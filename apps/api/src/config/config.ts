import { z } from 'zod';
import { keapBudgetEnvShape } from './keap-budget.config';

/**
 * All configuration, read from the environment once and checked at start. A wrong variable stops
 * the process with a sentence naming it and saying what it should look like.
 */
const url = (example: string) => z.string().url(`must be a URL such as ${example}`);
const rateLimit = (perMinute: number) =>
  z.coerce
    .number({ error: `must be a whole number of requests per minute, e.g. ${perMinute}` })
    .int(`must be a whole number of requests per minute, e.g. ${perMinute}`)
    .min(1, 'must be at least 1')
    .default(perMinute);

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * `json` (one object a line, for collectors) or `pretty` (for a terminal; needs the dev
   * dependency pino-pretty, else JSON). Unset: JSON in production, pretty when stdout is a terminal.
   */
  LOG_FORMAT: z.enum(['pretty', 'json'], { error: 'must be pretty or json' }).optional(),
  /** The URL Twilio and Keap reach this API at (behind a proxy: the outside one). */
  PUBLIC_URL: url('https://sms.example.com').default('http://127.0.0.1:3000'),
  /** Where the console is served (OAuth sends the user back there). */
  CONSOLE_URL: url('https://sms.example.com').default('http://127.0.0.1:5173'),
  DATABASE_URL: url('postgres://user:password@host:5432/db').default(
    'postgres://sms:sms@127.0.0.1:5432/sms_sequences',
  ),
  /** Connections each process keeps open to PostgreSQL (its pool's size). */
  DATABASE_POOL_SIZE: z.coerce
    .number({ error: 'must be a whole number of connections, e.g. 10' })
    .int('must be a whole number of connections, e.g. 10')
    .min(1, 'must be at least 1')
    .default(10),
  REDIS_URL: url('redis://127.0.0.1:6379').default('redis://127.0.0.1:6379'),
  /** 32 random bytes, base64: the AES-256-GCM key that encrypts tokens at rest. */
  SECRETS_KEY: z
    .string({ error: 'is required: 32 random bytes in base64 (openssl rand -base64 32)' })
    .refine((v) => Buffer.from(v, 'base64').length === 32, {
      message: 'must be 32 random bytes in base64 (openssl rand -base64 32)',
    }),
  /** Apply pending migrations when the process starts (turn off when a deploy step runs them). */
  DATABASE_MIGRATE_ON_START: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Keap OAuth and REST (the sandbox's URLs in try-it-now mode). */
  KEAP_AUTHORIZE_URL: url('https://accounts.infusionsoft.com/app/oauth/authorize').default(
    'https://accounts.infusionsoft.com/app/oauth/authorize',
  ),
  KEAP_TOKEN_URL: url('https://api.infusionsoft.com/token').default(
    'https://api.infusionsoft.com/token',
  ),
  KEAP_API_URL: url('https://api.keap.com/crm').default('https://api.keap.com/crm'),
  KEAP_CLIENT_ID: z.string().default(''),
  KEAP_CLIENT_SECRET: z.string().default(''),
  /** Refresh a Keap access token when it expires within this many seconds. */
  KEAP_REFRESH_AHEAD_SECONDS: z.coerce.number().int().min(0).default(600),
  /** How often the scheduled job looks for tokens to refresh; 0 turns the job off (tests). */
  KEAP_REFRESH_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  /** Twilio's REST base (the sandbox's in try-it-now mode). */
  TWILIO_API_BASE_URL: url('https://api.twilio.com').default('https://api.twilio.com'),
  /** Prefix of every Redis key this process writes (tests use their own). */
  REDIS_KEY_PREFIX: z.string().default('sms:'),
  /** Try-it-now: connect the sandbox's demo Keap tenant and Twilio account to a demo account at start. */
  DEMO_SEED: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * Conversation runtime. Durations are configuration so tests run them in seconds.
   * CONVERSATION_MINUTE_MS: how long one "minute" of a tool's options (expiry, reminder) lasts.
   * 60000 in production; TEST-ONLY speed-up: e.g. 1000 makes a 24-hour expiry last 24 minutes.
   */
  CONVERSATION_MINUTE_MS: z.coerce.number().int().min(1).default(60_000),
  /**
   * How long (in tool minutes, as CONVERSATION_MINUTE_MS counts them) a question that cannot go
   * out (quiet hours, refused Twilio credentials) holds its conversation's expiry back; past it,
   * the conversation expires as if the question had been asked. 24 hours: longer than any quiet
   * hours, and short enough that a contact is not asked a day-old question.
   */
  HELD_QUESTION_MAX_MINUTES: z.coerce.number().int().min(1).default(1_440),
  /** How often the sweep looks for conversations due a reminder or expiry tick. */
  CONVERSATION_SWEEP_INTERVAL_MS: z.coerce.number().int().min(10).default(5_000),
  /** Queue retries: attempts per job and the first backoff delay (doubles each attempt). */
  QUEUE_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  QUEUE_BACKOFF_MS: z.coerce.number().int().min(1).default(2_000),
  /** Jobs each queue runs at once in one process. */
  QUEUE_CONCURRENCY: z.coerce.number().int().min(1).default(10),
  /**
   * Jobs each Keap-bound queue (HTTP-Post starts, contact look-ups, tags, field saves) runs at once
   * in one process. High on purpose: such a job waiting for the Keap budget holds no DB connection,
   * only memory, and the budget (fair between accounts) is the real gate; see keap-budget/README.md.
   */
  KEAP_QUEUE_CONCURRENCY: z.coerce.number().int().min(1).default(1000),
  /**
   * How long a start's contact read waits for other reads of its account before it asks the Keap
   * budget for its call (reads arriving while the call waits for the budget join it too), so that
   * a campaign's burst is read with one Keap call per page of contacts instead of one per contact.
   */
  KEAP_READ_BATCH_WINDOW_MS: z.coerce
    .number({ error: 'must be a whole number of milliseconds, e.g. 200' })
    .int('must be a whole number of milliseconds, e.g. 200')
    .min(0, 'must be 0 or more')
    .max(10_000, 'must be at most 10000 (a start waits this long for company before its read)')
    .default(200),
  /**
   * How long a tag apply waits for other applies of the same tag in its account, so that a
   * campaign's conversations are tagged with one Keap call per batch instead of one per contact.
   * 0: only applies arriving together share a call.
   */
  KEAP_TAG_BATCH_WINDOW_MS: z.coerce
    .number({ error: 'must be a whole number of milliseconds, e.g. 200' })
    .int('must be a whole number of milliseconds, e.g. 200')
    .min(0, 'must be 0 or more')
    .max(10_000, 'must be at most 10000 (a tag waits this long for company before it goes)')
    .default(200),
  /**
   * A conversation's field saves go to Keap as one contact update: before any tag, goal or note
   * of it, when it ends, and at the latest this long after the first save waiting.
   */
  FIELD_SAVE_MAX_DELAY_MS: z.coerce
    .number({ error: 'must be a whole number of milliseconds, e.g. 60000' })
    .int('must be a whole number of milliseconds, e.g. 60000')
    .min(0, 'must be 0 or more (0 saves each reply at once)')
    .max(3_600_000, 'must be at most 3600000 (an hour): Keap would show answers that late')
    .default(60_000),
  /**
   * A finished conversation's note waits, at most this long after its end, while the contact is
   * in another conversation of the same tool: both transcripts then go in one Keap write instead
   * of a create and an append (a read and an update). 0: the note never waits.
   */
  NOTE_HOLD_MAX_MS: z.coerce
    .number({ error: 'must be a whole number of milliseconds, e.g. 600000' })
    .int('must be a whole number of milliseconds, e.g. 600000')
    .min(0, 'must be 0 or more (0 writes each note at once)')
    .max(86_400_000, 'must be at most 86400000 (a day): a note should not wait longer')
    .default(600_000),
  /** How often the outbox relay looks for work not yet on the queues. */
  OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(10).default(1_000),
  /** Work published this long ago and still not done is published again (Redis lost it, or retries ran out). */
  OUTBOX_REPUBLISH_AFTER_MS: z.coerce.number().int().min(100).default(300_000),
  /**
   * How often the worker fetches back from Twilio the texts each number received that were never
   * stored (this app down, PostgreSQL unreachable, every retry failed): one list call per number.
   * 0 turns it off.
   */
  INBOUND_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(300_000),
  /** How far back it looks at most: a number not reconciled for longer loses older texts. */
  INBOUND_RECONCILE_MAX_LOOKBACK_MS: z.coerce.number().int().min(1_000).default(86_400_000),
  /** Messages per second per sender, by number type (Twilio's documented defaults). */
  SEND_RATE_LONG_CODE: z.coerce.number().positive().default(1),
  SEND_RATE_TOLL_FREE: z.coerce.number().positive().default(3),
  SEND_RATE_SHORT_CODE: z.coerce.number().positive().default(30),
  SEND_RATE_MESSAGING_SERVICE: z.coerce.number().positive().default(1),
  /**
   * Serve GET /metrics (Prometheus text: queues, webhooks, sends, the shared Keap budget) without
   * authentication. Off by default; turn it on only where the port is reachable from the
   * monitoring network alone.
   */
  METRICS_ENABLED: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * The operators' queue dashboard at /ops/queues (read-only), behind HTTP Basic with these
   * credentials. Off by default; turning it on needs a password.
   */
  QUEUE_DASHBOARD: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  QUEUE_DASHBOARD_USER: z.string().min(1, 'must not be empty').default('ops'),
  QUEUE_DASHBOARD_PASSWORD: z.string().default(''),
  /**
   * Which proxies in front of the app to believe about the client's address (X-Forwarded-For),
   * as Express's `trust proxy`: false (none, the default), true (any: only behind a proxy that
   * overwrites the header), a number of hops, or addresses/subnets ("loopback, 10.0.0.0/8").
   * Per-client rate limits key on that address.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v): boolean | number | string[] => {
      const s = v.trim();
      if (s === 'true' || s === 'false') return s === 'true';
      if (/^\d+$/.test(s)) return Number(s);
      return s.split(',').map((part) => part.trim());
    })
    .refine((v) => !Array.isArray(v) || v.every((part) => /^[0-9A-Za-z:./]+$/.test(part)), {
      message:
        'must be true, false, a number of proxies, or addresses such as loopback, 10.0.0.0/8',
    }),
  /**
   * Requests per minute per client address on the endpoints anyone can call (over the limit: 429
   * with Retry-After). Keap's sign-in (start and callback, each counted on its own); tool URLs,
   * generous because a Keap campaign posts thousands a minute from Keap's few addresses; Twilio
   * webhooks naming an AccountSid no account has (webhooks of connected accounts are never
   * limited: Twilio's bursts are real texts).
   */
  RATE_LIMIT_KEAP_SIGN_IN_PER_MINUTE: rateLimit(60),
  RATE_LIMIT_TOOL_URL_PER_MINUTE: rateLimit(30_000),
  RATE_LIMIT_UNKNOWN_WEBHOOK_PER_MINUTE: rateLimit(60),
  /**
   * Serve the API docs (/api/docs, /api/docs-json). Unset: on outside production, off in
   * production, where they map the attack surface for anyone (see apiDocsEnabled).
   */
  API_DOCS: z
    .enum(['true', 'false'], { error: 'must be true or false (unset: on outside production)' })
    .optional(),
  /** Keap's shared API budget (KEAP_BUDGET_*): see keap-budget/README.md. */
  ...keapBudgetEnvShape,
  /** Run the queue processors inside the API process (the default); a `worker` process runs them too. */
  RUN_WORKER_IN_API: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

/** Rules across variables, apart so the schema above stays one flat list. */
const checkedConfigSchema = configSchema.superRefine((config, ctx) => {
  if (config.QUEUE_DASHBOARD && config.QUEUE_DASHBOARD_PASSWORD.length < 16)
    ctx.addIssue({
      code: 'custom',
      path: ['QUEUE_DASHBOARD_PASSWORD'],
      message:
        'must be at least 16 characters when QUEUE_DASHBOARD=true, e.g. from openssl rand -base64 24',
    });
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

export function apiDocsEnabled(config: Pick<AppConfig, 'API_DOCS' | 'NODE_ENV'>): boolean {
  return config.API_DOCS ? config.API_DOCS === 'true' : config.NODE_ENV !== 'production';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = checkedConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Configuration is invalid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
