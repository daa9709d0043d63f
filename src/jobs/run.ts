// Running one job: a shared lock in the state port so two isolates or processes never run it at once, plus logging.
import type { AppDeps } from '../deps.js';
import type { Job } from './job.js';
import { jobsForCron } from './registry.js';

export type JobOutcome =
  | { job: string; status: 'done'; result: Record<string, unknown>; ms: number }
  | { job: string; status: 'skipped'; reason: 'already running' }
  | { job: string; status: 'failed'; error: string; ms: number };

/** The lock outlives any sane run but not a crashed one: a run that died frees the job within this time. */
const LOCK_TTL_SECONDS = 15 * 60;

/**
 * Runs a job unless another run of it holds the lock (cron triggers can overlap on Workers; several Node
 * processes may share Upstash state). Failures are returned, not thrown, so one job cannot stop the others.
 */
export async function runJob(deps: AppDeps, job: Job): Promise<JobOutcome> {
  const lockKey = `job:lock:${job.name}`;
  const token = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  if (!(await deps.state.set(lockKey, token, { ttlSeconds: LOCK_TTL_SECONDS, onlyIfAbsent: true }))) {
    deps.log.info('job skipped: already running', { job: job.name });
    return { job: job.name, status: 'skipped', reason: 'already running' };
  }
  const started = Date.now();
  try {
    const result = await job.run(deps);
    const ms = Date.now() - started;
    deps.log.info('job done', { job: job.name, ms, result });
    await deps.state.set(`job:last:${job.name}`, JSON.stringify({ at: new Date().toISOString(), ms, result }));
    return { job: job.name, status: 'done', result, ms };
  } catch (err) {
    deps.log.error('job failed', { job: job.name, err });
    return { job: job.name, status: 'failed', error: err instanceof Error ? err.message : String(err), ms: Date.now() - started };
  } finally {
    // Only the holder frees the lock; a run that outlived its TTL must not free a newer run's lock.
    if ((await deps.state.get(lockKey).catch(() => null)) === token) await deps.state.del(lockKey).catch(() => undefined);
  }
}

/** Runs every job of one cron expression (the Worker's `scheduled` handler), one after another. */
export async function runCron(deps: AppDeps, cron: string, jobs?: readonly Job[]): Promise<JobOutcome[]> {
  const due = jobsForCron(cron, jobs);
  if (!due.length) deps.log.warn('cron trigger has no jobs', { cron });
  const outcomes: JobOutcome[] = [];
  for (const job of due) outcomes.push(await runJob(deps, job));
  return outcomes;
}
