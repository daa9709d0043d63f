// A shared state store with a way out: while it is unreachable, a bounded in-memory fallback answers instead.
import { CircuitBreaker, type BreakerState } from '../lib/breaker.js';
import type { Logger } from '../lib/log.js';
import { MemoryState } from './memory.js';
import type { SetOptions, StatePort } from './port.js';

/** Marks, in the fallback, a key deleted while the store was unreachable (the store may still hold it). */
const TOMBSTONE = '\u0000deleted';

export interface ResilientStateOptions {
  log: Logger;
  /** How long to stay on the fallback before trying the store again (one probe call). */
  cooldownMs?: number;
  /** Bound of the fallback's keys. */
  fallbackMaxKeys?: number;
  now?: () => number;
}

/**
 * Wraps the shared store (Upstash) behind a circuit breaker. When a call fails the circuit opens, a warning
 * is logged once, and calls go to an in-memory fallback: turns keep being answered, with dedupe, rate limits
 * and confirmations degraded to this process. After the cooldown one call probes the store; its success
 * closes the circuit (logged) and the store is used again, by itself, with nobody restarting anything.
 *
 * What was written to the fallback during an outage is newer than the store's copy, so until the key is
 * written again a read prefers it, and set-if-absent sees it: an activity first seen during the outage and
 * retried by the channel after recovery is still a duplicate.
 */
export class ResilientState implements StatePort {
  readonly fallback: MemoryState;
  readonly breaker: CircuitBreaker;

  constructor(
    private readonly primary: StatePort,
    private readonly options: ResilientStateOptions,
  ) {
    this.fallback = new MemoryState(options.now, { maxKeys: options.fallbackMaxKeys ?? 10_000 });
    this.breaker = new CircuitBreaker({
      failureThreshold: 1,
      cooldownMs: options.cooldownMs ?? 5_000,
      now: options.now,
      onChange: (to: BreakerState, from: BreakerState) => {
        if (to === 'open' && from === 'closed')
          options.log.warn('state store unreachable: using the in-memory fallback (degraded dedupe and limits)');
        if (to === 'closed') options.log.info('state store reachable again', { fallbackKeys: this.fallback.size });
      },
    });
  }

  /** Runs `op` on the store if the circuit allows, else (or when it fails) `degraded` on the fallback. */
  private async run<T>(op: (s: StatePort) => Promise<T>, degraded: (s: MemoryState) => Promise<T>): Promise<T> {
    if (!this.breaker.allow()) return degraded(this.fallback);
    try {
      const out = await op(this.primary);
      this.breaker.success();
      return out;
    } catch (err) {
      this.breaker.failure();
      this.options.log.debug('state call failed', { err });
      return degraded(this.fallback);
    }
  }

  async get(key: string): Promise<string | null> {
    const local = this.fallback.size ? await this.fallback.get(key) : null;
    if (local !== null) return local === TOMBSTONE ? null : local;
    return this.run(
      (s) => s.get(key),
      (f) => f.get(key),
    );
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    if (options.onlyIfAbsent && this.fallback.size) {
      const local = await this.fallback.get(key);
      if (local !== null && local !== TOMBSTONE) return false;
    }
    return this.run(
      async (s) => {
        const ok = await s.set(key, value, options);
        if (ok) await this.fallback.del(key);
        return ok;
      },
      async (f) => {
        if (options.onlyIfAbsent && (await f.get(key)) === TOMBSTONE) await f.del(key);
        return f.set(key, value, options);
      },
    );
  }

  async del(key: string): Promise<void> {
    await this.run(
      async (s) => {
        await s.del(key);
        await this.fallback.del(key);
      },
      // The store may still hold the key: remember the delete until the store can be told.
      (f) => f.set(key, TOMBSTONE, { ttlSeconds: 86_400 }).then(() => undefined),
    );
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    return this.run(
      async (s) => {
        const n = await s.incr(key, ttlSeconds);
        await this.fallback.del(key);
        return n;
      },
      async (f) => {
        if ((await f.get(key)) === TOMBSTONE) await f.del(key);
        return f.incr(key, ttlSeconds);
      },
    );
  }
}
