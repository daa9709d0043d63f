// The state port: short-lived shared state (dedupe keys, rate limits, conversation memory, locks).

export interface SetOptions {
  /** Seconds until the key disappears. */
  ttlSeconds?: number;
  /** Only set when the key does not exist (SET NX); the call then returns false if it did. */
  onlyIfAbsent?: boolean;
}

/** Implemented in memory (default) and on Redis/Upstash (edge); the same contract tests run on both. */
export interface StatePort {
  get(key: string): Promise<string | null>;
  /** Returns false only when `onlyIfAbsent` was set and the key existed. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  del(key: string): Promise<void>;
  /** Increments a counter, starting its TTL on creation; returns the new value. */
  incr(key: string, ttlSeconds: number): Promise<number>;
}
