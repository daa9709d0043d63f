// The queue's message types and their consumers: the one file to edit when adding a kind of background message.
import { answerQueuedActivity } from '../channels/botframework/route.js';
import { broadcastPass } from './broadcast.js';
import type { QueueHandlers } from './queue.js';

/**
 * Payload of each message type (the queue adds `type`). Adding one: a line here and its handler below.
 * Payloads are JSON and at most ~120 KB (Cloudflare Queues' limit), so pass ids, not rows.
 */
export interface QueueMessages {
  /** A Bot Framework message activity, already authenticated, that the language-model brain answers. */
  'llm-reply': { activity: Record<string, unknown> };
  /** Another bounded broadcast dispatcher pass (the previous one had more due than it may send); `hop` counts the chain. */
  'broadcast-dispatch': { hop: number };
}

export const QUEUE_HANDLERS: QueueHandlers = {
  'llm-reply': (deps, m) => answerQueuedActivity(deps, m.activity),
  'broadcast-dispatch': async (deps, m) => {
    const summary = await broadcastPass(deps, m.hop);
    deps.log.info('broadcast pass done', summary);
  },
};
