// The one place the app's collaborators are wired: domain context, brain, turn pipeline, channel adapters.
import { LlmBrain } from './assistant/llm/index.js';
import { OfflineBrain } from './assistant/offline/brain.js';
import type { Brain } from './assistant/types.js';
import { FetchBotAdapter } from './channels/botframework/adapter.js';
import { BotFrameworkChannel } from './channels/botframework/channel.js';
import { createNativeChannels, type NativeChannels, registerNativeChannels } from './channels/native.js';
import { Outbound } from './channels/outbound.js';
import type { Store } from './db/client.js';
import { type Broadcaster, createBroadcaster, dispatchOptionsFromConfig } from './domain/campaigns/index.js';
import { DEFAULT_RULES, type DomainCtx, type LoyaltyRules } from './domain/context.js';
import type { AppConfig } from './env.js';
import { randomSecret } from './lib/crypto.js';
import { fetchHttpClient, type HttpClient } from './lib/http.js';
import { createLogger, type Logger } from './lib/log.js';
import { systemClock, type Clock } from './lib/time.js';
import { dispatchMessage, InProcessQueue, type JobQueue } from './jobs/queue.js';
import { MemoryState } from './state/memory.js';
import { ResilientState } from './state/resilient.js';
import { UpstashState } from './state/upstash.js';
import type { StatePort } from './state/port.js';
import { createTurnPipeline, type TurnPipeline } from './turn/pipeline.js';
import { createConsentGate } from './turn/consent-gate.js';
import { createHandoffGate, type HandoffGate } from './turn/handoff-gate.js';
import { createHandoffService, type HandoffService } from './handoff/service.js';
import { WebchatSender } from './channels/webchat/sender.js';
import { webchatChannel } from './channels/webchat/channel.js';

export interface AppDeps {
  config: AppConfig;
  store: Store;
  state: StatePort;
  domain: DomainCtx;
  brain: Brain;
  log: Logger;
  pipeline: TurnPipeline;
  botAdapter: FetchBotAdapter;
  /** Proactive sends to a member's conversation, routed by channel (Bot Framework is the fallback). */
  outbound: Outbound;
  /** WeChat, LINE and Telegram, when configured (also registered with `outbound`). */
  channels: NativeChannels;
  /** Who answers a conversation (assistant or person); channels call `gate.release()` right before sending. */
  gate: HandoffGate;
  /** Agent actions that reach members: claim, reply, resolve (CSAT), and the timeout/retry sweep. */
  handoff: HandoffService;
  /** Broadcast dispatcher: plans launched campaigns and sends their deliveries (timer on Node, cron job on Workers). */
  broadcast: Broadcaster;
  /** Background messages (async LLM replies, broadcast batches): in-process on Node, Cloudflare Queues on Workers. */
  queue: JobQueue;
  adminToken: string;
  orderWebhookSecret: string;
  webchat: { secret: string; demoPicker: boolean; demoMemberIds: string[] };
  /** Secrets generated because configuration left them empty (development only), to print once. */
  generated: Partial<Record<'ADMIN_TOKEN' | 'ORDER_WEBHOOK_SECRET' | 'WEBCHAT_SECRET', string>>;
}

export interface DepsInput {
  config: AppConfig;
  store: Store;
  state: StatePort;
  clock?: Clock;
  log?: Logger;
  brain?: Brain;
  /** Outbound fetch (language model; the channels too unless `http` is given); tests point it at local servers. */
  fetch?: typeof fetch;
  /** Outbound HTTP of the channels (Bot Framework connector, token endpoint); Node passes a keep-alive node:http client. */
  http?: HttpClient;
  demoMemberIds?: string[];
  /** Defaults to an in-process queue whose consumer is this app. */
  queue?: JobQueue;
}

/** Loyalty rules from configuration (defaults match the seeded program). */
export function rulesFromConfig(config: AppConfig): LoyaltyRules {
  return {
    ...DEFAULT_RULES,
    expiryMonths: config.POINTS_EXPIRY_MONTHS,
    expiringSoonDays: config.EXPIRING_SOON_DAYS,
    keepTierHorizonDays: config.KEEP_TIER_HORIZON_DAYS,
    linkCodeTtlMinutes: config.LINK_CODE_TTL_MINUTES,
  };
}

/**
 * Builds every dependency. Missing secrets are generated in development and refused in production,
 * where a random per-process secret would silently break signatures across restarts and instances.
 */
export function createDeps(input: DepsInput): AppDeps {
  const { config } = input;
  const log = input.log ?? createLogger(config.LOG_LEVEL);
  const generated: AppDeps['generated'] = {};
  const secret = (name: keyof AppDeps['generated'], value: string | undefined) => {
    if (value) return value;
    if (config.NODE_ENV === 'production') throw new Error(`${name} must be set in production`);
    return (generated[name] = randomSecret());
  };
  const adminToken = secret('ADMIN_TOKEN', config.ADMIN_TOKEN);
  const orderWebhookSecret = secret('ORDER_WEBHOOK_SECRET', config.ORDER_WEBHOOK_SECRET);
  const webchatSecret = secret('WEBCHAT_SECRET', config.WEBCHAT_SECRET);
  const domain: DomainCtx = {
    store: input.store,
    clock: input.clock ?? systemClock,
    rules: rulesFromConfig(config),
    shop: { productUrlTemplate: config.PRODUCT_URL_TEMPLATE },
  };
  const offline = new OfflineBrain();
  const brain =
    input.brain ??
    (config.OPENAI_API_KEY || config.OPENAI_BASE_URL
      ? new LlmBrain({
          apiKey: config.OPENAI_API_KEY,
          baseURL: config.OPENAI_BASE_URL,
          model: config.OPENAI_MODEL,
          callTimeoutMs: config.OPENAI_TIMEOUT_MS,
          turnBudgetMs: config.OPENAI_TURN_BUDGET_MS,
          breaker: { failureThreshold: Math.max(1, config.OPENAI_BREAKER_FAILURES), cooldownMs: config.OPENAI_BREAKER_COOLDOWN_MS },
          fallback: offline,
          log,
          fetch: input.fetch,
          secrets: [
            adminToken,
            orderWebhookSecret,
            webchatSecret,
            config.MicrosoftAppPassword,
            config.UPSTASH_REDIS_REST_TOKEN,
            config.DATABASE_AUTH_TOKEN,
            config.WECHAT_APP_SECRET,
            config.WECHAT_ENCODING_AES_KEY,
            config.LINE_CHANNEL_SECRET,
            config.LINE_CHANNEL_ACCESS_TOKEN,
            config.TELEGRAM_BOT_TOKEN,
            config.TELEGRAM_WEBHOOK_SECRET,
          ],
        })
      : offline);
  const gate = createHandoffGate({ domain, state: input.state, log });
  const pipeline = createTurnPipeline({
    domain,
    state: input.state,
    brain,
    log,
    gate,
    consent: createConsentGate({ domain, log }),
    limits: {
      ratePerMinute: config.RATE_LIMIT_PER_MINUTE,
      linkFailuresPerHour: config.LINK_FAILURES_PER_HOUR,
      maxMessageChars: config.MAX_MESSAGE_CHARS,
      dedupeTtlSeconds: config.DEDUPE_TTL_SECONDS,
    },
  });
  const credentials =
    config.MicrosoftAppId && config.MicrosoftAppPassword
      ? {
          appId: config.MicrosoftAppId,
          appPassword: config.MicrosoftAppPassword,
          tenantId: config.MicrosoftAppType === 'SingleTenant' ? config.MicrosoftAppTenantId : undefined,
          tokenUrl: config.BOT_TOKEN_URL,
        }
      : undefined;
  if (config.MicrosoftAppId && !config.MicrosoftAppPassword) throw new Error('MicrosoftAppPassword must be set when MicrosoftAppId is');
  const refuseUnauthenticated = !credentials && config.NODE_ENV === 'production' && !config.BOT_ALLOW_UNAUTHENTICATED;
  if (refuseUnauthenticated) {
    log.warn('Bot Framework activities are refused (401): set MicrosoftAppId and MicrosoftAppPassword, or BOT_ALLOW_UNAUTHENTICATED=true');
  }
  const botAdapter = new FetchBotAdapter({
    credentials,
    refuseUnauthenticated,
    http: input.http ?? fetchHttpClient(input.fetch),
    log,
    openIdMetadata: { channel: config.BOT_OPENID_METADATA_URL, emulator: config.BOT_EMULATOR_OPENID_METADATA_URL },
  });
  // Bot Framework serves every channel id it relays (emulator, msteams, slack, ...); others register their own.
  const botFramework = new BotFrameworkChannel(botAdapter, {
    perSecond: config.BOTFRAMEWORK_PER_SECOND,
    perConversationPerSecond: config.BOTFRAMEWORK_PER_CONVERSATION_PER_SECOND,
  });
  const outbound = new Outbound(domain, botFramework, { state: input.state }).registerChannel(webchatChannel(new WebchatSender(domain)));
  const channels = createNativeChannels({ config, state: input.state, log, fetch: input.fetch });
  registerNativeChannels(outbound, channels);
  const queue = input.queue ?? new InProcessQueue(log);
  const deps: AppDeps = {
    config,
    store: input.store,
    state: input.state,
    domain,
    brain,
    log,
    pipeline,
    botAdapter,
    outbound,
    channels,
    gate,
    handoff: createHandoffService({ domain, outbound, log }),
    broadcast: createBroadcaster({
      ctx: domain,
      outbound,
      log,
      state: input.state,
      options: dispatchOptionsFromConfig(config),
      kicks: config.BROADCAST_TICK_MS > 0,
    }),
    queue,
    adminToken,
    orderWebhookSecret,
    webchat: {
      secret: webchatSecret,
      demoPicker: config.WEBCHAT_DEMO_PICKER ?? config.NODE_ENV !== 'production',
      demoMemberIds: input.demoMemberIds ?? [],
    },
    generated,
  };
  if (queue instanceof InProcessQueue) queue.attach((message) => dispatchMessage(deps, message));
  return deps;
}

/**
 * The state port configuration asks for: Upstash Redis when its REST URL and token are set (shared by every
 * process and isolate) behind a circuit breaker with a bounded in-memory fallback (src/state/resilient.ts),
 * else memory (right for one Node process; the Worker refuses it in production), bounded to STATE_MAX_KEYS.
 */
export function createState(config: AppConfig, log: Logger = createLogger(config.LOG_LEVEL)): StatePort {
  if (config.UPSTASH_REDIS_REST_URL && config.UPSTASH_REDIS_REST_TOKEN) {
    // One quick retry, then the breaker: a member should not wait on a store that is down.
    const upstash = new UpstashState({
      url: config.UPSTASH_REDIS_REST_URL,
      token: config.UPSTASH_REDIS_REST_TOKEN,
      prefix: config.STATE_PREFIX,
      retries: 1,
    });
    return new ResilientState(upstash, { log, cooldownMs: config.STATE_RETRY_AFTER_MS, fallbackMaxKeys: config.STATE_MAX_KEYS });
  }
  if (config.UPSTASH_REDIS_REST_URL || config.UPSTASH_REDIS_REST_TOKEN) {
    throw new Error('UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set together');
  }
  return new MemoryState(Date.now, { maxKeys: config.STATE_MAX_KEYS });
}
