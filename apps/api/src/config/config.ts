import { z } from 'zod';
import { keapBudgetEnvShape } from './keap-budget.config';

/**
 * All configuration, read from the environment once and checked at start. A wrong variable stops
 * the process with a sentence naming it and saying what it should look like.
 */
const url = (example: string) => z.string().url(`must be a URL such as ${example}`);

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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
  /** How often the outbox relay looks for work not yet on the queues. */
  OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(10).default(1_000),
  /** Work published this long ago and still not done is published again (Redis lost it, or retries ran out). */
  OUTBOX_REPUBLISH_AFTER_MS: z.coerce.number().int().min(100).default(300_000),
  /** Messages per second per sender, by number type (Twilio's documented defaults). */
  SEND_RATE_LONG_CODE: z.coerce.number().positive().default(1),
  SEND_RATE_TOLL_FREE: z.coerce.number().positive().default(3),
  SEND_RATE_SHORT_CODE: z.coerce.number().positive().default(30),
  SEND_RATE_MESSAGING_SERVICE: z.coerce.number().positive().default(1),
  /**
   * Serve GET /metrics (Prometheus text: the shared Keap budget) without authentication. Off by
   * default; turn it on only where the port is reachable from the monitoring network alone.
   */
  METRICS_ENABLED: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** Keap's shared API budget (KEAP_BUDGET_*): see keap-budget/README.md. */
  ...keapBudgetEnvShape,
  /** Run the queue processors inside the API process (the default); a `worker` process runs them too. */
  RUN_WORKER_IN_API: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Configuration is invalid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
