// Broadcast dispatch in bounded passes chained through the job queue (Cloudflare Queues on Workers, in-process on Node).
import type { AppDeps } from '../deps.js';
import { DEFAULT_DISPATCH } from '../domain/campaigns/index.js';

/**
 * Batches one pass claims before it hands the rest on. A pass is one cron tick or one queue message, so it must
 * stay well inside a Worker invocation's limits: 10 batches of BROADCAST_BATCH (200) is 2,000 messages.
 */
export const PASS_BATCHES = 10;

/**
 * One bounded dispatcher pass. When it used its whole allowance there may be more due, so it enqueues a
 * `broadcast-dispatch` message for the next pass instead of waiting for the next minute's cron: a campaign
 * drains batch after batch through the queue, each message retried by the platform if its pass fails.
 * Passes never overlap in one process (the broadcaster shares the pass in flight), and across processes the
 * claim leases keep two passes from sending the same row.
 */
export async function broadcastPass(deps: AppDeps, hop = 0): Promise<Record<string, unknown>> {
  const summary = await deps.broadcast.dispatch({ maxBatches: PASS_BATCHES });
  const batchSize = deps.broadcast.options.batchSize ?? DEFAULT_DISPATCH.batchSize;
  const more = summary.claimed >= PASS_BATCHES * batchSize;
  if (more) await deps.queue.enqueue({ type: 'broadcast-dispatch', hop: hop + 1 });
  return { ...summary, continued: more, hop };
}
