// In-process scheduler for Node: runs the job registry on each job's interval (Workers uses cron triggers instead).
import type { AppDeps } from '../deps.js';
import type { Job } from './job.js';
import { JOBS } from './registry.js';
import { runJob } from './run.js';

/**
 * Runs each job once soon after start, then every `everyMs`. A run still going when its next tick
 * comes is not doubled (the tick is skipped); failures are logged by runJob and retried next tick.
 */
export function startScheduler(deps: AppDeps, jobs: readonly Job[] = JOBS, firstRunAfterMs = 5_000): () => void {
  const timers: ReturnType<typeof setTimeout>[] = [];
  for (const job of jobs) {
    let running = false;
    const tick = async () => {
      if (running) return;
      running = true;
      try {
        await runJob(deps, job);
      } finally {
        running = false;
      }
    };
    timers.push(setTimeout(tick, firstRunAfterMs).unref());
    timers.push(setInterval(tick, job.everyMs).unref());
  }
  return () => {
    for (const t of timers) clearInterval(t);
  };
}
