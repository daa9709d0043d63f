// A lean Bot Framework adapter: replies over a narrow HttpClient (fetch on Workers, node:http on Node).
import { fullJitter } from '../../lib/backoff.js';
import {
  BotAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
  type Middleware,
  type MiddlewareHandler,
  type ResourceResponse,
} from 'botbuilder-core';
import { fetchHttpClient, type HttpClient } from '../../lib/http.js';
import { BotJwtValidator } from './jwt.js';
import type { Logger } from '../../lib/log.js';
import { BotTokenProvider, type BotCredentials } from './token-provider.js';
import { parseRetryAfter } from '../../lib/http.js';

export { parseRetryAfter };

export interface FetchBotAdapterOptions {
  credentials?: BotCredentials;
  /** OpenID configuration URLs of inbound tokens (sovereign clouds, tests); Microsoft's public cloud by default. */
  openIdMetadata?: { channel?: string; emulator?: string };
  /** Outbound HTTP to the connector, the token endpoint and the OpenID key endpoints (defaults to fetch). */
  http?: HttpClient;
  log: Logger;
  /** Attempts per outbound call on 429/5xx (with backoff honouring Retry-After). */
  maxAttempts?: number;
  /**
   * Without credentials, refuse every inbound activity instead of accepting it unauthenticated (production: an
   * unauthenticated bot lets anyone speak as any channel user and choose where the reply is posted).
   */
  refuseUnauthenticated?: boolean;
  /** Backoff of the retries (see `retryDelay`); injectable clock, sleep and jitter for tests. */
  retry?: Partial<RetryPolicy>;
}

/** How a connector call waits between attempts. */
export interface RetryPolicy {
  /** First backoff ceiling; it doubles per attempt up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Longest wait this call will sit through, Retry-After included; a connector asking for longer gets a
   * retryable failure carrying its Retry-After instead, for a dispatcher to reschedule (broadcasts slow down).
   */
  maxWaitMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
}

const DEFAULT_RETRY: RetryPolicy = {
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxWaitMs: 10_000,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  random: Math.random,
  now: Date.now,
};

/**
 * The wait before attempt `attempt + 1`: the server's Retry-After when it gave one, else exponential backoff
 * with full jitter (uniform in [0, min(max, base * 2^(attempt-1))]), which spreads retries of many senders
 * hit by the same outage instead of having them return in lockstep.
 */
export function retryDelay(attempt: number, retryAfterMs: number | undefined, policy: RetryPolicy): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  return Math.floor(fullJitter(attempt, policy.baseDelayMs, policy.maxDelayMs, policy.random));
}

/** Thrown when the inbound request's JWT does not validate; the route answers 401. */
export class BotAuthError extends Error {}

/** A connector call that failed after its retries; carries what a dispatcher needs to decide when to retry. */
export class ConnectorError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }

  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

const INVOKE_RESPONSE = Symbol('invokeResponse');

/** What turn logic may use of a turn: botbuilder's TurnContext satisfies it, and so does the lean turn below. */
export interface BotTurn {
  readonly activity: Activity;
  sendActivity(activity: Partial<Activity>): Promise<ResourceResponse | undefined>;
  sendActivities(activities: Partial<Activity>[]): Promise<ResourceResponse[]>;
}

/** botbuilder's `shallowCopy` (arrays sliced, objects copied one level, anything else as is). */
function shallowCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.slice(0) as T;
  if (typeof value === 'object') return Object.assign({}, value);
  return value;
}

/**
 * A reply addressed to the activity it answers, exactly as `TurnContext.sendActivities` addresses it (botbuilder's
 * `getConversationReference` + `applyConversationReference`, default type message, no client id; a test holds the
 * two equal), built as one object: writing those fields one by one onto a copy of each reply sent V8 down its
 * megamorphic slow paths on every turn.
 */
export function addressReply(reply: Partial<Activity>, incoming: Activity): Partial<Activity> {
  const { id: _clientId, ...rest } = reply;
  const replyToId =
    incoming.type !== 'conversationUpdate' || (incoming.channelId !== 'directline' && incoming.channelId !== 'webchat')
      ? incoming.id
      : undefined;
  const out: Partial<Activity> = {
    ...rest,
    type: reply.type || 'message',
    channelId: incoming.channelId,
    locale: reply.locale ?? incoming.locale,
    serviceUrl: incoming.serviceUrl,
    conversation: shallowCopy(incoming.conversation),
    from: shallowCopy(incoming.recipient),
    recipient: shallowCopy(incoming.from),
  };
  if (replyToId) out.replyToId = replyToId;
  return out;
}

/**
 * A message or conversationUpdate turn without TurnContext: replies are addressed as botbuilder's
 * `TurnContext.sendActivities` addresses them (`addressReply`) and posted by the adapter. What it leaves out is what no such turn of ours
 * uses: middleware (the adapter registers none; with any registered every turn takes TurnContext), send/update/
 * delete hooks, `expectReplies` buffering (those activities take TurnContext), and the revocable proxy
 * `runMiddleware` wraps every context in, which made TurnContext a measurable share of a chat turn.
 */
class LeanTurn implements BotTurn {
  invokeResponse: Partial<Activity> | undefined;

  constructor(
    private readonly adapter: FetchBotAdapter,
    readonly activity: Activity,
  ) {}

  async sendActivity(activity: Partial<Activity>): Promise<ResourceResponse | undefined> {
    return (await this.sendActivities([activity]))[0];
  }

  sendActivities(activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const output = activities.map((a) => addressReply(a, this.activity));
    return this.adapter.post(output, (invoke) => {
      this.invokeResponse = invoke;
    });
  }
}

/**
 * Why not CloudAdapter: it builds an Azure ServiceClient per turn and its MSAL client hangs in workerd.
 * This adapter keeps botbuilder's TurnContext, validates inbound JWTs with WebCrypto (jwt.ts: the checks
 * botframework-connector makes, without the ~1 MB of MSAL and Azure clients it bundles), and talks to the connector REST API
 * (POST {serviceUrl}/v3/conversations/{id}/activities/{replyToId}) over the injected HttpClient.
 * Without credentials it behaves like the Emulator expects: no inbound auth, no outbound token.
 */
export class FetchBotAdapter extends BotAdapter {
  private readonly auth: BotJwtValidator | null;
  private readonly tokens: BotTokenProvider | null;
  private readonly http: HttpClient;
  private readonly retry: RetryPolicy;

  constructor(private readonly options: FetchBotAdapterOptions) {
    super();
    this.http = options.http ?? fetchHttpClient();
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    const c = options.credentials;
    if (c) {
      this.auth = new BotJwtValidator({
        appId: c.appId,
        tenantId: c.tenantId,
        channelMetadataUrl: options.openIdMetadata?.channel,
        emulatorMetadataUrl: options.openIdMetadata?.emulator,
        http: this.http,
      });
      this.tokens = new BotTokenProvider(c, this.http);
    } else {
      this.auth = null;
      this.tokens = null;
    }
  }

  /** Authenticates (when configured) and runs `logic` for one activity; returns the invoke response if any. */
  async processActivity(
    activity: Activity,
    authHeader: string,
    logic: (turn: BotTurn) => Promise<void>,
  ): Promise<{ status: number; body?: unknown } | null> {
    await this.authenticate(activity, authHeader);
    return this.processAuthenticatedActivity(activity, logic);
  }

  /** Validates the inbound JWT when credentials are configured; throws BotAuthError otherwise. */
  async authenticate(activity: Activity, authHeader: string): Promise<void> {
    if (!this.auth) {
      if (this.options.refuseUnauthenticated) throw new BotAuthError('Bot Framework credentials are not configured');
      return;
    }
    try {
      await this.auth.validate(authHeader, activity);
    } catch (err) {
      throw new BotAuthError(err instanceof Error ? err.message : 'unauthorized');
    }
  }

  /**
   * Runs `logic` for an activity whose request was authenticated earlier (a queued turn on Workers:
   * the JWT was checked when the activity arrived and the queue is ours alone).
   */
  async processAuthenticatedActivity(
    activity: Activity,
    logic: (turn: BotTurn) => Promise<void>,
  ): Promise<{ status: number; body?: unknown } | null> {
    let invoke: Partial<Activity> | undefined;
    if (this.lean(activity)) {
      // The hot path (every chat message): see LeanTurn.
      const turn = new LeanTurn(this, activity);
      await logic(turn);
      invoke = turn.invokeResponse;
    } else {
      const context = new TurnContext(this, activity);
      await this.runMiddleware(context, logic);
      invoke = context.turnState.get(INVOKE_RESPONSE) as Partial<Activity> | undefined;
    }
    if (invoke?.value) return invoke.value as { status: number; body?: unknown };
    return activity.type === 'invoke' ? { status: 200 } : null;
  }

  private hasMiddleware = false;

  override use(...middlewares: (MiddlewareHandler | Middleware)[]): this {
    this.hasMiddleware = true;
    return super.use(...middlewares);
  }

  /** Whether a turn can skip TurnContext (LeanTurn): messages and conversation updates, nothing buffered, no middleware. */
  private lean(activity: Activity): boolean {
    return (
      !this.hasMiddleware &&
      (activity.type === 'message' || activity.type === 'conversationUpdate') &&
      activity.deliveryMode !== 'expectReplies'
    );
  }

  override sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    return this.post(activities, (invoke) => context.turnState.set(INVOKE_RESPONSE, invoke));
  }

  /** Posts addressed activities to the connector in order; an invokeResponse is handed to `onInvoke` instead. */
  async post(activities: Partial<Activity>[], onInvoke: (activity: Partial<Activity>) => void): Promise<ResourceResponse[]> {
    const out: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'invokeResponse') {
        onInvoke(activity);
        out.push({ id: '' });
        continue;
      }
      if (activity.type === 'delay' || (activity.type === 'trace' && activity.channelId !== 'emulator')) {
        out.push({ id: '' });
        continue;
      }
      const conv = encodeURIComponent(activity.conversation?.id ?? '');
      const path = activity.replyToId
        ? `/v3/conversations/${conv}/activities/${encodeURIComponent(activity.replyToId)}`
        : `/v3/conversations/${conv}/activities`;
      // TurnContext drops client activity ids; a send's idempotency key (see BotFrameworkSender) goes back in as the id.
      // The key is ours: it travels as the id, not as an unknown channelData field on the platform's side.
      const { idempotencyKey: key, ...channelData } = (activity.channelData ?? {}) as { idempotencyKey?: unknown };
      const body =
        typeof key === 'string' && key
          ? { ...activity, id: key, channelData: Object.keys(channelData).length ? channelData : undefined }
          : activity;
      const res = await this.call('POST', activity.serviceUrl ?? '', path, body);
      out.push((res as ResourceResponse | null) ?? { id: '' });
    }
    return out;
  }

  override async updateActivity(_context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | undefined> {
    const path = `/v3/conversations/${encodeURIComponent(activity.conversation?.id ?? '')}/activities/${encodeURIComponent(activity.id ?? '')}`;
    return (await this.call('PUT', activity.serviceUrl ?? '', path, activity)) as ResourceResponse;
  }

  override async deleteActivity(_context: TurnContext, reference: Partial<ConversationReference>): Promise<void> {
    const path = `/v3/conversations/${encodeURIComponent(reference.conversation?.id ?? '')}/activities/${encodeURIComponent(reference.activityId ?? '')}`;
    await this.call('DELETE', reference.serviceUrl ?? '', path);
  }

  /** Proactive messages (agent replies, broadcasts): a continuation turn on a stored reference. */
  override async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: 'event', name: 'continueConversation' }, reference, true) as Activity;
    const context = new TurnContext(this, activity);
    await this.runMiddleware(context, logic);
  }

  private async call(method: string, serviceUrl: string, path: string, body?: unknown): Promise<unknown> {
    if (!/^https?:\/\//i.test(serviceUrl)) throw new Error('activity has no valid serviceUrl');
    const url = serviceUrl.replace(/\/+$/, '') + path;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.tokens) headers.authorization = `Bearer ${await this.tokens.getToken()}`;
    const attempts = this.options.maxAttempts ?? 3;
    const policy = this.retry;
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      const res = await this.http({ method, url, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      if (res.status >= 200 && res.status < 300) return res.body ? JSON.parse(res.body) : null;
      // Only answers that say "not now" are retried; a 4xx other than 429 will not get better.
      const retryable = res.status === 429 || res.status >= 500;
      const retryAfterMs = parseRetryAfter(res.headers['retry-after'], policy.now());
      const fail = () => new ConnectorError(`connector ${method} failed: ${res.status}`, res.status, retryAfterMs);
      if (!retryable || attempt >= attempts) throw fail();
      const delay = retryDelay(attempt, retryAfterMs, policy);
      if (waited + delay > policy.maxWaitMs) throw fail();
      this.options.log.warn('connector call retried', { status: res.status, attempt, delayMs: delay });
      waited += delay;
      await policy.sleep(delay);
    }
  }
}
