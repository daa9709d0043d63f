// What a background job is, and the cadences jobs run on (one cron expression for Workers, one interval for Node).
import type { AppDeps } from '../deps.js';

/** How often a job runs: a Workers cron expression and the matching Node interval, kept side by side. */
export interface Cadence {
  /** Cron expression as Cloudflare cron triggers write it (UTC); must be listed in wrangler.toml `[triggers] crons`. */
  cron: string;
  /** Interval of the Node in-process scheduler. */
  everyMs: number;
}

/**
 * The cadences wrangler.toml triggers. A job picks one of these, so adding a job never needs a new cron
 * trigger (Workers bills and limits triggers per Worker); a test checks wrangler.toml lists every one in use.
 */
export const CADENCE = {
  everyMinute: { cron: '* * * * *', everyMs: 60_000 },
  hourly: { cron: '0 * * * *', everyMs: 3_600_000 },
  /** 19:00 UTC is 03:00 in China, the quietest hour for the members this program serves. */
  daily: { cron: '0 19 * * *', everyMs: 86_400_000 },
} as const satisfies Record<string, Cadence>;

/** A background job: idempotent (a rerun or an overlapping run on another isolate does no harm). */
export interface Job extends Cadence {
  /** Kebab-case, unique; also the name of `POST /api/admin/jobs/{name}`. */
  name: string;
  /** Returns a small JSON summary (counts) that is logged and returned by the admin route. */
  run(deps: AppDeps): Promise<Record<string, unknown>>;
}
