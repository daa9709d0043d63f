// Proactive Bot Framework messages: a continuation turn on the stored ConversationReference.
import type { ConversationReference } from 'botbuilder-core';
import type { OutboundReply } from '../../assistant/types.js';
import type { SendOptions } from '../contract.js';
import type { ChannelSender, SendResult, StoredReference } from '../outbound.js';
import { ConnectorError, type FetchBotAdapter } from './adapter.js';
import { toActivity } from './route.js';

/** Sends through the connector at the reference's serviceUrl; failures come back as results, not throws. */
export class BotFrameworkSender implements ChannelSender {
  constructor(private readonly adapter: FetchBotAdapter) {}

  /**
   * With `options.idempotencyKey` each activity carries a stable id derived from it (`key`, or `key:i` for
   * the i-th of several) in `id` and `channelData.idempotencyKey`: a retried send of the same delivery
   * posts the same ids, so a connector (or a relay in front of it) that drops repeated ids delivers it once.
   */
  async send(ref: StoredReference, replies: OutboundReply[], options: SendOptions = {}): Promise<SendResult> {
    // Without activityId the send is a new message in the conversation (POST .../activities), not a
    // threaded reply to whatever the member wrote last.
    const { activityId: _last, ...reference } = ref.reference as Partial<ConversationReference>;
    const userId = reference.user?.id ?? '';
    try {
      let ids: string[] = [];
      await this.adapter.continueConversation(reference, async (context) => {
        const key = options.idempotencyKey;
        const activities = replies.map((r, i) => {
          const a = toActivity(r, userId);
          if (!key) return a;
          const id = replies.length === 1 ? key : `${key}:${i}`;
          return { ...a, id, channelData: { ...(a.channelData ?? {}), idempotencyKey: id } };
        });
        const res = await context.sendActivities(activities);
        ids = res.map((r) => r.id ?? '');
      });
      return { status: 'sent', ids };
    } catch (err) {
      if (err instanceof ConnectorError) {
        return { status: 'failed', retryable: err.retryable, httpStatus: err.status, retryAfterMs: err.retryAfterMs, error: err.message };
      }
      return { status: 'failed', retryable: true, error: err instanceof Error ? err.message : String(err) };
    }
  }
}
