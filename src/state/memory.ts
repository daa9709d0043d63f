// In-memory state port: the embedded default for one Node process, and the fallback while a shared store is down.
import type { SetOptions, StatePort } from './port.js';

interface Entry {
  value: string;
  expiresAt: number | null;
}

export interface MemoryStateOptions {
  /**
   * Most keys held; past it the least recently used key goes first (expired ones before that). Dedupe keys
   * live for a day, so without a bound a busy process would hold one per activity of the last 24 hours.
   */
  maxKeys?: number;
}

/** Default bound: about 100k dedupe keys with their cached replies stay well under 100 MB of heap. */
export const DEFAULT_MAX_KEYS = 100_000;

/** Map-backed state with lazy expiry, a periodic sweep, and a key bound with least-recently-used eviction. */
export class MemoryState implements StatePort {
  // A Map iterates in insertion order: re-inserting a key on use keeps the least recently used first.
  private readonly map = new Map<string, Entry>();
  private lastSweep = 0;
  /** No entry expires before this (a lower bound, recomputed by each sweep): at the bound, sweep only once one has. */
  private nextExpiry = Number.POSITIVE_INFINITY;
  private readonly maxKeys: number;
  /** Keys dropped to stay under `maxKeys` (not counting expiry). */
  evicted = 0;

  constructor(
    private readonly now: () => number = Date.now,
    options: MemoryStateOptions = {},
  ) {
    this.maxKeys = Math.max(1, options.maxKeys ?? DEFAULT_MAX_KEYS);
  }

  /** Keys held, expired ones not yet swept included. */
  get size(): number {
    return this.map.size;
  }

  private live(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    if (e.expiresAt !== null && e.expiresAt <= this.now()) {
      this.map.delete(key);
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, e);
    return e;
  }

  private sweep(force = false): void {
    const t = this.now();
    if (!force && t - this.lastSweep < 60_000) return;
    this.lastSweep = t;
    let next = Number.POSITIVE_INFINITY;
    for (const [k, e] of this.map) {
      if (e.expiresAt === null) continue;
      if (e.expiresAt <= t) this.map.delete(k);
      else if (e.expiresAt < next) next = e.expiresAt;
    }
    this.nextExpiry = next;
  }

  /** Stores a new entry (or replaces one), making room first when the bound is reached. */
  private put(key: string, entry: Entry): void {
    this.map.delete(key);
    if (this.map.size >= this.maxKeys) {
      // Expired keys go first, but the whole map is walked only once one has expired (and at most once a
      // second): at the bound with live keys, a sweep per insert would walk every key on every write.
      const t = this.now();
      if (t >= this.nextExpiry && t - this.lastSweep >= 1_000) this.sweep(true);
      for (const k of this.map.keys()) {
        if (this.map.size < this.maxKeys) break;
        this.map.delete(k);
        this.evicted += 1;
      }
    }
    this.map.set(key, entry);
    if (entry.expiresAt !== null && entry.expiresAt < this.nextExpiry) this.nextExpiry = entry.expiresAt;
  }

  async get(key: string): Promise<string | null> {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, options: SetOptions = {}): Promise<boolean> {
    this.sweep();
    if (options.onlyIfAbsent && this.live(key)) return false;
    this.put(key, { value, expiresAt: options.ttlSeconds ? this.now() + options.ttlSeconds * 1000 : null });
    return true;
  }

  async del(key: string): Promise<void> {
    this.map.delete(key);
  }

  async incr(key: string, ttlSeconds: number): Promise<number> {
    const e = this.live(key);
    if (!e) {
      this.sweep();
      this.put(key, { value: '1', expiresAt: this.now() + ttlSeconds * 1000 });
      return 1;
    }
    const n = Number(e.value) + 1;
    e.value = String(n);
    return n;
  }
}
