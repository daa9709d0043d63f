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
 *
 * A delete made during the outage is remembered (a tombstone in the fallback and the key in a bounded list) and
 * sent to the store by the first call that reaches it again, so another process, or this one once the
 * tombstone is gone, never reads the value that was deleted (a released lock, a used confirmation).
 */
export class ResilientState implements StatePort {
  readonly fallback: MemoryState;
  readonly breaker: CircuitBreaker;
  /** Keys deleted while the store was unreachable, still to be deleted there (oldest first, bounded). */
  private readonly pendingDeletes = new Set<string>();
  private flushing: Promise<void> | null = null;
  private readonly maxPendingDeletes: number;

  constructor(
    /** The store itself, without the fallback: for one-shot tools that must know whether a write reached it. */
    readonly primary: StatePort,
    private readonly options: ResilientStateOptions,
  ) {
    this.fallback = new MemoryState(options.now, { maxKeys: options.fallbackMaxKeys ?? 10_000 });
    this.maxPendingDeletes = options.fallbackMaxKeys ?? 10_000;
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
      if (this.pendingDeletes.size && !this.flushing) this.flushing = this.flushDeletes().finally(() => (this.flushing = null));
      return out;
    } catch (err) {
      this.breaker.failure();
      this.options.log.debug('state call failed', { err });
      return degraded(this.fallback);
    }
  }

  /** Deletes in the store what was deleted during the outage; stops (keeping the rest) if it fails again. */
  private async flushDeletes(): Promise<void> {
    for (const key of [...this.pendingDeletes]) {
      // A write since the delete (it took the key out of the list) supersedes it.
      if (!this.pendingDeletes.has(key)) continue;
      try {
        await this.primary.del(key);
      } catch (err) {
        this.breaker.failure();
        this.options.log.debug('state call failed', { err });
        return;
      }
      this.pendingDeletes.delete(key);
      if ((await this.fallback.get(key)) === TOMBSTONE) await this.fallback.del(key);
    }
  }

  /** Resolves once the deletes remembered during an outage have been sent (tests and shutdown). */
  async settled(): Promise<void> {
    await this.flushing;
  }

  /** A key deleted during the outage is deleted in the store before it is written there again (a counter restarts). */
  private async deleteFirstIfPending(s: StatePort, key: string): Promise<void> {
    if (!this.pendingDeletes.has(key)) return;
    await s.del(key);
    this.pendingDeletes.delete(key);
  }

  private rememberDelete(key: string): void {
    this.pendingDeletes.delete(key);
    this.pendingDeletes.add(key);
    // Bounded like the fallback: the oldest deletes are dropped first (their keys' TTLs still end them).
    while (this.pendingDeletes.size > this.maxPendingDeletes) {
      const oldest = this.pendingDeletes.values().next().value as string;
      this.pendingDeletes.delete(oldest);
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
        await this.deleteFirstIfPending(s, key);
        const ok = await s.set(key, value, options);
        if (ok) {
          this.pendingDeletes.delete(key);
          await this.fallback.del(key);
        }
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
        this.pendingDeletes.delete(key);
        await this.fallback.del(key);
      },
      // The store may still hold the key: remember the delete until the store can be told.
      async (f) => {
        this.rememberDelete(key);
        await f.set(key, TOMBSTONE, { ttlSeconds: 86_400 });
      },
    );
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    return this.run(
      async (s) => {
        await this.deleteFirstIfPending(s, key);
        const n = await s.incr(key, ttlSeconds);
        this.pendingDeletes.delete(key);
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
