// State port on Upstash Redis over its REST API (fetch only: the same client runs on Node and in workerd).
import { Redis } from '@upstash/redis/cloudflare';
import type { SetOptions, StatePort } from './port.js';

export interface UpstashStateOptions {
  /** REST URL of the database (`UPSTASH_REDIS_REST_URL`). */
  url: string;
  /** REST token (`UPSTASH_REDIS_REST_TOKEN`). */
  token: string;
  /** Prepended to every key, so environments (or tests) can share one database without colliding. */
  prefix?: string;
  /** Retries of a request that failed at the network level (not of Redis errors). */
  retries?: number;
}

/**
 * Redis semantics for the port: SET EX/NX for dedupe keys and locks, and for counters a MULTI of
 * `SET key 0 EX ttl NX` + `INCR key`, so a counter's TTL starts on creation, is never extended, and a
 * counter can never exist without one (one round trip, atomic, any Redis version).
 *
 * Why not @upstash/ratelimit: the port's contract is a fixed-window counter whose value the turn pipeline
 * reads (it answers once when the limit is first crossed, then stays silent); `Ratelimit.limit()` returns
 * success/remaining for its own keys and scripts, which would need a second contract and a second round trip.
 */
export class UpstashState implements StatePort {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: UpstashStateOptions) {
    this.prefix = options.prefix ?? '';
    this.redis = new Redis({
      url: options.url,
      token: options.token,
      // Values are opaque strings to the port: never JSON-parse what we read back.
      automaticDeserialization: false,
      enableTelemetry: false,
      retry: { retries: options.retries ?? 2 },
    });
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  async get(key: string): Promise<string | null> {
    return guard(() => this.redis.get<string>(this.k(key)));
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    const ttl = options.ttlSeconds && options.ttlSeconds > 0 ? Math.ceil(options.ttlSeconds) : undefined;
    const opts = ttl
      ? options.onlyIfAbsent
        ? { ex: ttl, nx: true as const }
        : { ex: ttl }
      : options.onlyIfAbsent
        ? { nx: true as const }
        : undefined;
    const r = await guard(() => (opts ? this.redis.set(this.k(key), value, opts) : this.redis.set(this.k(key), value)));
    return r === 'OK';
  }

  async del(key: string): Promise<void> {
    await guard(() => this.redis.del(this.k(key)));
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    const k = this.k(key);
    const [, n] = await guard(() =>
      this.redis
        .multi()
        .set(k, '0', { ex: Math.max(1, Math.ceil(ttlSeconds)), nx: true })
        .incr(k)
        .exec<[unknown, number]>(),
    );
    return Number(n);
  }
}

/**
 * Upstash errors end with ", command was: [...]", which carries keys and values (conversation memory holds
 * message text): strip it so a logged state failure never carries personal data.
 */
async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/, command was: [\s\S]*$/, '') : 'request failed';
    throw new Error(`state store (Upstash) failed: ${message}`);
  }
}
