// Shared inbound path of webhook channels: pipeline turn, delivery state and reference, reply, background work.
import { refreshedRefKey } from '../state/keys.js';
import { type Context, Hono } from 'hono';
import { saveConversationReference } from '../domain/conversations/index.js';
import type { AppDeps } from '../deps.js';
import type { AppEnv } from '../http/app-env.js';
import { DomainError } from '../lib/errors.js';
import type { TurnResult } from '../turn/types.js';
import type { ChannelEvent, DeliveryState, WebhookChannel } from './contract.js';
import { fitReplies } from './contract.js';

/** Keeps `work` alive after the response: `waitUntil` on Workers; on Node the promise simply runs on. */
export function runInBackground(c: Context<AppEnv>, work: Promise<unknown>): void {
  const guarded = work.catch((err) => c.get('deps').log.error('background channel work failed', { err }));
  try {
    c.executionCtx.waitUntil(guarded);
  } catch {
    // Node has no execution context.
  }
}

/**
 * Runs one verified event through the pipeline and records how to reach the conversation later: the
 * channel reference, when the member last wrote or interacted (messaging windows), and whether they
 * unfollowed. Duplicates (platform retries) change nothing.
 */
export async function runChannelTurn(deps: AppDeps, channel: WebhookChannel, event: ChannelEvent): Promise<TurnResult> {
  const result = await deps.pipeline(event.activity);
  if (!result.duplicate) {
    try {
      await rememberConversation(deps, channel, event, result.memberId);
    } catch (err) {
      // The member still gets the answer; a stale reference only affects later proactive sends.
      deps.log.error('conversation reference write failed', { channelId: channel.id, err });
    }
  }
  return result;
}

/** Runs the turn and answers the event through the channel (reply token, API call). */
export async function answerChannelEvent(deps: AppDeps, channel: WebhookChannel, event: ChannelEvent): Promise<TurnResult> {
  await channel.acknowledge?.(event);
  const result = await runChannelTurn(deps, channel, event);
  if (!result.duplicate && result.replies.length) {
    const a = event.activity;
    // Checked right before sending: an agent who took the conversation while the turn ran is not talked over.
    const replies = await deps.gate.release(`${a.channelId}:${a.channelConversationId}`, result.replies);
    if (!replies.length) return result;
    const sent = await channel.reply(event, fitReplies(channel.capabilities, replies, { proactive: false }));
    if (sent.status === 'failed') {
      deps.log.warn('channel reply failed', { channelId: channel.id, httpStatus: sent.httpStatus, reason: sent.reason, error: sent.error });
    }
  }
  return result;
}

async function rememberConversation(deps: AppDeps, channel: WebhookChannel, event: ChannelEvent, memberId: string | null) {
  const a = event.activity;
  const conversationId = `${a.channelId}:${a.channelConversationId}`;
  const windows = channel.rules.windows.length > 0;
  // Without windows or a subscription change the reference rarely changes: refresh it at most hourly.
  if (!windows && !event.subscription) {
    if (!memberId) return;
    if (!(await deps.state.set(refreshedRefKey(conversationId), '1', { ttlSeconds: 3600, onlyIfAbsent: true }))) return;
  }
  const existing = await deps.outbound.reference(conversationId);
  // Strangers get no proactive messages, so only members (or a reference we already hold) are stored.
  const owner = memberId ?? existing?.memberId ?? null;
  if (!owner) return;
  const now = deps.domain.clock().getTime();
  const delivery: DeliveryState = { ...((existing?.reference.delivery as DeliveryState | undefined) ?? {}) };
  if (event.interaction === 'message') delivery.lastMessageAt = now;
  if (event.interaction === 'event') delivery.lastEventAt = now;
  if (event.subscription === 'unsubscribed') delivery.unsubscribedAt = now;
  if (event.subscription === 'subscribed' || (event.interaction && event.subscription !== 'unsubscribed')) delete delivery.unsubscribedAt;
  await saveConversationReference({
    ctx: deps.domain,
    input: { conversationId, channelId: a.channelId, memberId: owner, reference: { ...event.reference, delivery } },
  });
}

/**
 * A webhook route for channels that answer through their API (LINE, Telegram): verify, then run each
 * event. An offline turn is answered before the 200; a language-model turn that is still thinking after
 * BOT_ACK_AFTER_MS is acknowledged and finishes in the background (platforms retry slow webhooks, and a
 * retry is a duplicate to the pipeline).
 */
export function webhookRoute(path: string, label: string, pick: (deps: AppDeps) => WebhookChannel | undefined) {
  const app = new Hono<AppEnv>();
  app.post(path, async (c) => {
    const deps = c.get('deps');
    const channel = pick(deps);
    if (!channel) throw new DomainError('not_found', `The ${label} channel is not configured`);
    const received = await channel.receive(c.req.raw);
    if (received.response) return received.response;
    const work = (async () => {
      for (const event of received.events) {
        try {
          await answerChannelEvent(deps, channel, event);
        } catch (err) {
          deps.log.error('channel event failed', { channelId: channel.id, err });
        }
      }
    })();
    if (deps.brain.name === 'offline') {
      await work;
    } else {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const ack = new Promise<'ack'>((r) => {
        timer = setTimeout(() => r('ack'), deps.config.BOT_ACK_AFTER_MS);
      });
      const first = await Promise.race([work.then(() => 'done' as const), ack]);
      clearTimeout(timer);
      if (first === 'ack') runInBackground(c, work);
    }
    return c.json({ ok: true });
  });
  return app;
}
