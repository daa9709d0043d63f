// The broadcaster: one dispatcher per process, run on a timer (Node), by the every-minute job (Workers cron) or kicked after a launch.
import type { AppConfig } from '../../env.js';
import { type DispatchDeps, type DispatchOptions, type DispatchSummary, dispatchOnce } from './dispatch.js';
import { parseQuietHours } from './quiet-hours.js';

export interface Broadcaster {
  /** One pass (start due campaigns, plan, send what is due); concurrent calls share the pass in flight. */
  dispatch(limits?: { maxBatches?: number }): Promise<DispatchSummary>;
  /** Starts a pass soon without waiting for it (after a launch or resume). */
  kick(): void;
  /** Runs a pass every `everyMs` until the returned stop function is called. */
  start(everyMs: number): () => void;
  readonly options: Partial<DispatchOptions>;
}

/** Dispatcher options from configuration. */
export function dispatchOptionsFromConfig(config: AppConfig): Partial<DispatchOptions> {
  return {
    batchSize: Math.max(1, config.BROADCAST_BATCH),
    concurrency: Math.max(1, config.BROADCAST_CONCURRENCY),
    leaseMs: Math.max(1_000, config.BROADCAST_LEASE_MS),
    maxAttempts: Math.max(1, config.BROADCAST_MAX_ATTEMPTS),
    retryBaseMs: config.BROADCAST_RETRY_BASE_MS,
    cap: { messages: config.BROADCAST_CAP_MESSAGES, days: Math.max(1, config.BROADCAST_CAP_DAYS) },
    quietHours: parseQuietHours(config.BROADCAST_QUIET_HOURS),
    recovery: config.BROADCAST_RECOVERY,
  };
}

/** `kicks: false` makes `kick()` a no-op (no in-process timer either: the every-minute job sends). */
export function createBroadcaster(deps: DispatchDeps & { kicks?: boolean }): Broadcaster {
  let running: Promise<DispatchSummary> | null = null;
  const dispatch = (limits?: { maxBatches?: number }) => {
    running ??= dispatchOnce(deps, limits).finally(() => {
      running = null;
    });
    return running;
  };
  return {
    options: deps.options ?? {},
    dispatch,
    kick() {
      if (deps.kicks === false) return;
      setTimeout(() => {
        dispatch().catch((err) => deps.log?.error('broadcast dispatch failed', { err }));
      }, 0);
    },
    start(everyMs) {
      const timer = setInterval(() => {
        dispatch().catch((err) => deps.log?.error('broadcast dispatch failed', { err }));
      }, everyMs);
      (timer as { unref?: () => void }).unref?.();
      return () => clearInterval(timer);
    },
  };
}
