// The job registry: every background job, run by Node's scheduler and by the Worker's cron handler alike.
import { computeMemberAnalytics } from '../domain/analytics/index.js';
import { expirePoints, reviewAllTiers } from '../domain/loyalty/index.js';
import { purgeTranscripts } from '../domain/privacy/index.js';
import { broadcastPass } from './broadcast.js';
import { CADENCE, type Job } from './job.js';

/**
 * Adding a job is one entry here (plus the import of its domain verb): pick a CADENCE, give it a
 * kebab-case name and a `run(deps)` calling one verb. Node runs it on `everyMs`, the Worker on `cron`,
 * and `POST /api/admin/jobs/{name}` runs it on demand.
 */
export const JOBS: readonly Job[] = [
  { name: 'expire-points', ...CADENCE.hourly, run: (d) => expirePoints({ ctx: d.domain, input: {} }) },
  { name: 'review-tiers', ...CADENCE.daily, run: (d) => reviewAllTiers({ ctx: d.domain, input: {} }) },
  { name: 'member-analytics', ...CADENCE.daily, run: (d) => computeMemberAnalytics({ ctx: d.domain, input: {} }) },
  { name: 'broadcast-dispatch', ...CADENCE.everyMinute, run: (d) => broadcastPass(d) },
  { name: 'handoff-sweep', ...CADENCE.everyMinute, run: (d) => d.handoff.sweep() },
  {
    name: 'purge-transcripts',
    ...CADENCE.daily,
    run: async (d) => ({ ...(await purgeTranscripts({ ctx: d.domain, input: { retentionDays: d.config.TRANSCRIPT_RETENTION_DAYS } })) }),
  },
];

/** The job with this name, if any. */
export function findJob(name: string, jobs: readonly Job[] = JOBS): Job | undefined {
  return jobs.find((j) => j.name === name);
}

/** The jobs a Workers cron trigger runs: those whose cadence has exactly this expression. */
export function jobsForCron(cron: string, jobs: readonly Job[] = JOBS): Job[] {
  return jobs.filter((j) => j.cron === cron);
}
