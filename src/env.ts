// Configuration: one zod schema, parsed once at each entry; the parsed object is passed down, never re-read.
import * as z from 'zod/v4';

const bool = z
  .union([z.boolean(), z.string()])
  .transform((v) => (typeof v === 'boolean' ? v : ['1', 'true', 'yes', 'on'].includes(v.toLowerCase())));
const int = (def: number) => z.coerce.number().int().nonnegative().default(def);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

function knownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(3978),
  PUBLIC_URL: optionalString,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  DATABASE_URL: z.string().default('file:./data/member-assistant.db'),
  DATABASE_AUTH_TOKEN: optionalString,
  /** How long a write keeps retrying (backoff with jitter) a database another process holds locked, before the turn apologizes. */
  DB_BUSY_TIMEOUT_MS: int(5_000),
  /** Seed demo data into an empty store on start (on by default in development). */
  SEED_DEMO: bool.optional(),
  ADMIN_TOKEN: optionalString,
  ORDER_WEBHOOK_SECRET: optionalString,
  WEBCHAT_SECRET: optionalString,
  /** Development only: the web chat offers a demo-member picker instead of requiring a shop token. */
  WEBCHAT_DEMO_PICKER: bool.optional(),
  MicrosoftAppId: optionalString,
  MicrosoftAppPassword: optionalString,
  MicrosoftAppTenantId: optionalString,
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  /**
   * Production only: accept Bot Framework activities without credentials (no JWT check, replies to whatever
   * serviceUrl the request names). Off by default: without MicrosoftAppId a production bot answers 401.
   */
  BOT_ALLOW_UNAUTHENTICATED: bool.optional(),
  /** Token endpoint for outbound Bot Framework calls (overridable for sovereign clouds and tests). */
  BOT_TOKEN_URL: optionalString,
  /** OpenID configuration of inbound channel / Emulator tokens (sovereign clouds, tests); Microsoft's public cloud by default. */
  BOT_OPENID_METADATA_URL: optionalString,
  BOT_EMULATOR_OPENID_METADATA_URL: optionalString,
  RATE_LIMIT_PER_MINUTE: int(20),
  /**
   * Wrong link codes from all chats together per hour before linking pauses for everyone until the hour ends (each
   * chat is also limited to 5): chat identities can be cheap (new Telegram or WeChat accounts), the code space is not.
   */
  LINK_FAILURES_PER_HOUR: int(100),
  MAX_MESSAGE_CHARS: int(2000),
  DEDUPE_TTL_SECONDS: int(86_400),
  POINTS_EXPIRY_MONTHS: int(12),
  EXPIRING_SOON_DAYS: int(30),
  KEEP_TIER_HORIZON_DAYS: int(90),
  LINK_CODE_TTL_MINUTES: int(15),
  /** Transcripts (messages, agent replies, web chat outbox) older than this are purged daily; 0 keeps them forever. */
  TRANSCRIPT_RETENTION_DAYS: int(365),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalString,
  OPENAI_MODEL: z.string().default('gpt-4o-mini'),
  /** Per model call, and for the whole turn (all calls and tools). */
  OPENAI_TIMEOUT_MS: int(8_000),
  OPENAI_TURN_BUDGET_MS: int(20_000),
  /** Turns in a row whose model call failed (5xx, 429, timeout) before the model is left alone for the cooldown. */
  OPENAI_BREAKER_FAILURES: int(5),
  OPENAI_BREAKER_COOLDOWN_MS: int(30_000),
  /** Bot Framework turns still thinking after this long are acknowledged and answered asynchronously. */
  BOT_ACK_AFTER_MS: int(4_000),
  /** Shared state on Upstash Redis (REST); without it state is in memory, which suits one Node process only. */
  UPSTASH_REDIS_REST_URL: optionalString,
  UPSTASH_REDIS_REST_TOKEN: optionalString,
  /** Prefix of every state key (environments sharing one Redis database). */
  STATE_PREFIX: z.string().default(''),
  /** Most keys the in-memory state (or the fallback while Upstash is unreachable) holds; least recently used go first. */
  STATE_MAX_KEYS: int(100_000),
  /** While Upstash is unreachable, how long to stay on the in-memory fallback before probing it again. */
  STATE_RETRY_AFTER_MS: int(5_000),
  /** Staff console sessions: absolute lifetime, idle timeout, and failed logins per account per 15 minutes. */
  STAFF_SESSION_HOURS: int(12),
  STAFF_SESSION_IDLE_MINUTES: int(120),
  STAFF_LOGIN_MAX_FAILURES: int(5),
  /** The shop's product page, `{id}` replaced by a product id (https://shop.example.com/p/{id}): links in recommendations. */
  PRODUCT_URL_TEMPLATE: optionalString.refine((v) => v === undefined || (/^https?:\/\/\S+$/.test(v) && v.includes('{id}')), {
    message: 'an http(s) URL containing {id}',
  }),
  /** IANA time zone the console shows times in (and reads a schedule in) for staff who have not chosen their own. */
  CONSOLE_TIME_ZONE: z.string().trim().default('UTC').refine(knownTimeZone, 'unknown time zone (an IANA name such as Asia/Shanghai)'),
  /** An account that reached STAFF_LOGIN_MAX_FAILURES wrong passwords is locked this long (or until an admin unlocks it). */
  STAFF_LOCKOUT_MINUTES: int(15),
  /** Native channels: each is on when its credentials are set (see README, "Native channels"). */
  WECHAT_APP_ID: optionalString,
  WECHAT_APP_SECRET: optionalString,
  WECHAT_TOKEN: optionalString,
  /** Safe mode (消息加解密): the console's 43-character EncodingAESKey. */
  WECHAT_ENCODING_AES_KEY: optionalString,
  WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),
  /** WeChat waits 5 s for a passive reply; past this the push gets "success" and the answer follows by the customer-service API. */
  WECHAT_REPLY_DEADLINE_MS: int(4_000),
  LINE_CHANNEL_SECRET: optionalString,
  LINE_CHANNEL_ACCESS_TOKEN: optionalString,
  LINE_API_BASE: z.string().url().default('https://api.line.me'),
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_WEBHOOK_SECRET: optionalString,
  TELEGRAM_API_ROOT: z.string().url().default('https://api.telegram.org'),
  /** Broadcasts (see README, "Broadcasts"): the in-process dispatcher's tick on Node (0: only the every-minute job sends, launches start no pass). */
  BROADCAST_TICK_MS: int(5_000),
  /** Deliveries claimed per batch, sends in flight at once, and the claim's lease. */
  BROADCAST_BATCH: int(200),
  BROADCAST_CONCURRENCY: int(8),
  BROADCAST_LEASE_MS: int(120_000),
  BROADCAST_MAX_ATTEMPTS: int(5),
  /** Members per planning statement (one INSERT ... SELECT and one transaction each). */
  BROADCAST_PLAN_BATCH: int(50_000),
  BROADCAST_RETRY_BASE_MS: int(5_000),
  /** Frequency cap: at most this many marketing messages per member in this many days (0 messages: no cap). */
  BROADCAST_CAP_MESSAGES: int(2),
  BROADCAST_CAP_DAYS: int(7),
  /** Quiet hours in the member's time zone, "21-9" (from 21:00 to 09:00); empty: none. */
  BROADCAST_QUIET_HOURS: z
    .string()
    .default('21-9')
    .refine((v) => v.trim() === '' || /^([01]?\d|2[0-3])-([01]?\d|2[0-3])$/.test(v.trim()), 'hours as "21-9" or empty'),
  /**
   * A delivery found mid-send after a crash: `resend` with the same idempotency key (the channel drops the
   * repeat), or `fail` it as "outcome unknown" (at most once, for channels that cannot deduplicate).
   */
  BROADCAST_RECOVERY: z.enum(['resend', 'fail']).default('resend'),
  /** Bot Framework send limits shared by all processes through the state port (Teams: about 30-50/s per app, 7/s per conversation). */
  BOTFRAMEWORK_PER_SECOND: int(30),
  BOTFRAMEWORK_PER_CONVERSATION_PER_SECOND: int(7),
});

export type AppConfig = z.infer<typeof envSchema>;

/** Parses configuration from an env record; throws a readable error listing every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): AppConfig {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  return result.data;
}
