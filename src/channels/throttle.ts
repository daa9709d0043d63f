// Per-second send limits shared by every process through the state port (fixed one-second buckets).
import type { StatePort } from '../state/port.js';

export interface ThrottleOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Give up (and let the caller retry later) rather than wait longer than this. */
  maxWaitMs?: number;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Waits for a slot in the current second under each `[key, limit]`, and honours a cool-down a platform
 * asked for (429 `retry_after`). Counters live in the state port, so several processes or isolates
 * share one budget. Returns the milliseconds still to wait when that exceeds `maxWaitMs` (0 = go).
 */
export class SendThrottle {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxWaitMs: number;

  constructor(
    private readonly state: StatePort,
    options: ThrottleOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
    this.maxWaitMs = options.maxWaitMs ?? 10_000;
  }

  /** Records that the platform asked us to pause this scope (a channel) until `untilMs`. */
  async coolDown(scope: string, untilMs: number): Promise<void> {
    const ttl = Math.max(1, Math.ceil((untilMs - this.now()) / 1000) + 1);
    await this.state.set(`throttle:${scope}:cooldown`, String(untilMs), { ttlSeconds: ttl });
  }

  /** Takes one slot under every limit; resolves 0 when sent may proceed, else the wait still needed. */
  async acquire(scope: string, limits: Array<[key: string, perSecond: number | undefined]>): Promise<number> {
    const started = this.now();
    for (;;) {
      const cooldown = Number((await this.state.get(`throttle:${scope}:cooldown`)) ?? 0);
      let wait = cooldown > this.now() ? cooldown - this.now() : 0;
      if (wait === 0) {
        const t = this.now();
        const second = Math.floor(t / 1000);
        for (const [key, limit] of limits) {
          if (!limit) continue;
          const n = await this.state.incr(`throttle:${key}:${second}`, 2);
          if (n > limit) {
            wait = (second + 1) * 1000 - t + 5;
            break;
          }
        }
        if (wait === 0) return 0;
      }
      if (this.now() + wait - started > this.maxWaitMs) return wait;
      await this.sleep(wait);
    }
  }
}
