// The handoff sweep as a scheduled job: queue timeouts, delivery retries, pruning (Node in-process; cron elsewhere).
import type { Job } from '../jobs/scheduler.js';
import type { HandoffService } from './service.js';

/** Every minute: the queue timeout is minutes long and the first delivery retry waits 15 seconds. */
export function handoffSweepJob(service: HandoffService): Job {
  return { name: 'handoff-sweep', everyMs: 60_000, run: () => service.sweep() };
}
