// In-process scheduler for Node: points expiry and the daily tier review (Workers uses cron triggers instead).
import type { DomainCtx } from '../domain/context.js';
import { expirePoints, reviewAllTiers } from '../domain/loyalty/index.js';
import type { Logger } from '../lib/log.js';

export interface Job {
  name: string;
  everyMs: number;
  run(ctx: DomainCtx): Promise<unknown>;
}

export const JOBS: Job[] = [
  { name: 'expire-points', everyMs: 3_600_000, run: (ctx) => expirePoints({ ctx, input: {} }) },
  { name: 'review-tiers', everyMs: 86_400_000, run: (ctx) => reviewAllTiers({ ctx, input: {} }) },
];

/** Runs each job once soon after start, then on its interval; a failing run is logged and retried next time. */
export function startScheduler(ctx: DomainCtx, log: Logger, jobs: Job[] = JOBS): () => void {
  const timers: ReturnType<typeof setTimeout>[] = [];
  for (const job of jobs) {
    const tick = async () => {
      try {
        const result = await job.run(ctx);
        log.info('job done', { job: job.name, result });
      } catch (err) {
        log.error('job failed', { job: job.name, err });
      }
    };
    timers.push(setTimeout(tick, 5_000).unref());
    timers.push(setInterval(tick, job.everyMs).unref());
  }
  return () => {
    for (const t of timers) clearInterval(t);
  };
}
