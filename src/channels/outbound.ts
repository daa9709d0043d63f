// Proactive delivery: send replies to a member's conversation later (agent replies, broadcasts, async LLM answers).
import { eq } from 'drizzle-orm';
import { conversationReferences } from '../../db/schema/index.js';
import { saveConversationReference } from '../domain/conversations/index.js';
import type { OutboundReply } from '../assistant/types.js';
import type { DomainCtx } from '../domain/context.js';
import type { StatePort } from '../state/port.js';
import { type Channel, type DeliveryState, fitReplies, openWindow, type SendOptions, type SkipReason } from './contract.js';
import { SendThrottle } from './throttle.js';

/** What one proactive send did. `retryable` failures (429, 5xx, network) may be tried again later. */
export type SendResult =
  | { status: 'sent'; ids: string[] }
  | { status: 'failed'; retryable: boolean; httpStatus?: number; retryAfterMs?: number; error: string; reason?: SkipReason };

/** A send the channel's rules refused (outside the messaging window, unsubscribed...): final, with its reason. */
export function skipped(reason: SkipReason, error: string = reason): SendResult {
  return { status: 'failed', retryable: false, reason, error };
}

function isChannel(sender: ChannelSender | undefined): sender is Channel {
  return !!sender && 'capabilities' in sender && 'rules' in sender;
}

/** A stored way to reach a conversation, as saved by the channel when the member last wrote. */
export interface StoredReference {
  conversationId: string;
  channelId: string;
  memberId: string | null;
  reference: Record<string, unknown>;
}

/** One channel's proactive sender. Channels register one per channel id they serve. */
export interface ChannelSender {
  send(ref: StoredReference, replies: OutboundReply[], options?: SendOptions): Promise<SendResult>;
}

export interface OutboundOptions {
  /** Shared counters for messaging-window quotas and per-second limits (without it, neither is counted). */
  state?: StatePort;
  throttle?: SendThrottle;
}

/**
 * Routes a proactive send to the sender of the conversation's channel. Bot Framework channel ids
 * (emulator, msteams, slack, ...) share one sender; others (webchat, and later native channels) register
 * their own. A conversation without a stored reference, or on a channel nobody serves, fails as not retryable.
 */
export class Outbound {
  private readonly senders = new Map<string, ChannelSender>();
  private readonly channels = new Map<string, Channel>();
  private readonly throttle: SendThrottle | null;

  constructor(
    private readonly ctx: DomainCtx,
    private readonly fallback?: ChannelSender,
    private readonly options: OutboundOptions = {},
  ) {
    this.throttle = options.throttle ?? (options.state ? new SendThrottle(options.state) : null);
  }

  /** Registers the sender for one channel id (overrides the fallback for it). */
  register(channelId: string, sender: ChannelSender): this {
    this.senders.set(channelId, sender);
    return this;
  }

  /** Registers a channel of the contract: its sender, and the capabilities and rules every send to it obeys. */
  registerChannel(channel: Channel): this {
    this.channels.set(channel.id, channel);
    return this.register(channel.id, channel);
  }

  /** The registered channel for a channel id (undefined for Bot Framework ids served by the fallback). */
  channel(channelId: string): Channel | undefined {
    return this.channels.get(channelId);
  }

  /** The stored reference of a conversation, or null if the member never wrote there. */
  async reference(conversationId: string): Promise<StoredReference | null> {
    const [row] = await this.ctx.store.db
      .select()
      .from(conversationReferences)
      .where(eq(conversationReferences.conversationId, conversationId))
      .limit(1);
    return row ? { conversationId: row.conversationId, channelId: row.channelId, memberId: row.memberId, reference: row.reference } : null;
  }

  /**
   * Sends replies to a conversation through its channel, within the channel's rules (see `sendTo`).
   * Never throws for channel failures. `options.purpose` defaults to `conversation`.
   */
  async send(conversationId: string, replies: OutboundReply[], options: SendOptions = {}): Promise<SendResult> {
    const ref = await this.reference(conversationId);
    if (!ref) return skipped('no_reference', 'no conversation reference');
    return this.sendTo(ref, replies, options);
  }

  /**
   * Sends to an already loaded reference (a dispatcher that loaded references in bulk). The rules come
   * first and refuse with a reason, not an error: an unsubscribed member gets nothing; on a channel with
   * messaging windows a message goes out only inside the window and within its quota, except a service
   * notice with a template where the channel has them; marketing never goes out as a template. Then the
   * per-second limits: the call waits for a slot (or fails retryable with the wait, for a dispatcher).
   */
  async sendTo(ref: StoredReference, replies: OutboundReply[], options: SendOptions = {}): Promise<SendResult> {
    const sender = this.senders.get(ref.channelId) ?? this.fallback;
    if (!sender) return skipped('no_sender', `no sender for channel ${ref.channelId}`);
    const channel = this.channels.get(ref.channelId) ?? (sender === this.fallback && isChannel(this.fallback) ? this.fallback : undefined);
    const purpose = options.purpose ?? 'conversation';
    const delivery = ref.reference.delivery as DeliveryState | undefined;
    if (delivery?.unsubscribedAt) return skipped('unsubscribed', 'the member unsubscribed from this channel');
    let messages = replies;
    let sendOptions: SendOptions = { ...options, purpose };
    if (channel) {
      messages = fitReplies(channel.capabilities, replies, { proactive: true });
      if (channel.rules.windows.length) {
        const open = openWindow(channel.rules, delivery, this.ctx.clock().getTime());
        if (!open) {
          const template = purpose === 'notice' && channel.rules.serviceTemplates ? options.template : undefined;
          if (!template) return skipped('outside_window', 'outside the messaging window of this channel');
          sendOptions = { ...sendOptions, template };
        } else {
          // Inside the window free-form messages go out; a template is for outside it only.
          sendOptions = { ...sendOptions, template: undefined };
          if (!(await this.takeWindowQuota(ref.conversationId, open, messages.length))) {
            return skipped('window_limit', 'the messaging window allows no more messages until the member writes again');
          }
        }
      }
    } else if (purpose === 'marketing' && options.template) {
      return skipped('not_allowed', 'templates are never used for marketing');
    }
    const limited = channel && this.throttle && (channel.rules.perSecond || channel.rules.perConversationPerSecond);
    // With a per-conversation limit each message waits for its own slot; otherwise one slot per call.
    const calls = limited && channel.rules.perConversationPerSecond && !sendOptions.template ? messages.map((m) => [m]) : [messages];
    const ids: string[] = [];
    let result: SendResult = { status: 'sent', ids };
    for (const call of calls) {
      if (limited) {
        const wait = await this.throttle!.acquire(channel.id, [
          [channel.id, channel.rules.perSecond],
          [`${channel.id}:${ref.conversationId}`, channel.rules.perConversationPerSecond],
        ]);
        if (wait > 0) {
          result = { status: 'failed', retryable: true, retryAfterMs: wait, error: 'channel rate limit' };
          break;
        }
      }
      try {
        const r = await sender.send(ref, call, sendOptions);
        if (r.status === 'failed') {
          result = r;
          break;
        }
        ids.push(...r.ids);
      } catch (err) {
        result = { status: 'failed', retryable: true, error: err instanceof Error ? err.message : String(err) };
        break;
      }
    }
    if (result.status === 'failed' && result.reason === 'unsubscribed') await this.markUnsubscribed(ref);
    return result;
  }

  /** The platform says the member blocked or unfollowed us: remember it so nothing more is attempted. */
  private async markUnsubscribed(ref: StoredReference): Promise<void> {
    const delivery: DeliveryState = { ...((ref.reference.delivery as DeliveryState | undefined) ?? {}) };
    if (delivery.unsubscribedAt) return;
    delivery.unsubscribedAt = this.ctx.clock().getTime();
    await saveConversationReference({
      ctx: this.ctx,
      input: {
        conversationId: ref.conversationId,
        channelId: ref.channelId,
        memberId: ref.memberId,
        reference: { ...ref.reference, delivery },
      },
    });
  }

  /**
   * Whether a send to this conversation would pass the channel's rules now, without sending or counting
   * anything: null if it would, else the reason it would be refused. A dispatcher uses it to pick, among a
   * member's conversations, one that can be reached (a Telegram chat rather than a WeChat one outside its window).
   */
  async check(ref: StoredReference, options: SendOptions = {}, messages = 1): Promise<SkipReason | null> {
    const sender = this.senders.get(ref.channelId) ?? this.fallback;
    if (!sender) return 'no_sender';
    const channel = this.channels.get(ref.channelId) ?? (sender === this.fallback && isChannel(this.fallback) ? this.fallback : undefined);
    const purpose = options.purpose ?? 'conversation';
    const delivery = ref.reference.delivery as DeliveryState | undefined;
    if (delivery?.unsubscribedAt) return 'unsubscribed';
    if (!channel) return purpose === 'marketing' && options.template ? 'not_allowed' : null;
    if (!channel.rules.windows.length) return null;
    const open = openWindow(channel.rules, delivery, this.ctx.clock().getTime());
    if (!open) return purpose === 'notice' && channel.rules.serviceTemplates && options.template ? null : 'outside_window';
    const used = Number((await this.options.state?.get(`outbound:window:${ref.conversationId}:${open.openedAt}`)) ?? 0);
    return used + messages > open.maxMessages ? 'window_limit' : null;
  }

  /** Counts `n` messages against the open window's quota; false (and nothing counted) when they do not fit. */
  private async takeWindowQuota(conversationId: string, open: { openedAt: number; closesAt: number; maxMessages: number }, n: number) {
    const state = this.options.state;
    if (!state) return n <= open.maxMessages;
    const key = `outbound:window:${conversationId}:${open.openedAt}`;
    const used = Number((await state.get(key)) ?? 0);
    if (used + n > open.maxMessages) return false;
    const ttl = Math.max(1, Math.ceil((open.closesAt - this.ctx.clock().getTime()) / 1000));
    for (let i = 0; i < n; i++) await state.incr(key, ttl);
    return true;
  }
}
