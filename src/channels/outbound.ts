// Proactive delivery: send replies to a member's conversation later (agent replies, broadcasts, async LLM answers).
import { eq } from 'drizzle-orm';
import { conversationReferences } from '../../db/schema/index.js';
import type { OutboundReply } from '../assistant/types.js';
import type { DomainCtx } from '../domain/context.js';

/** What one proactive send did. `retryable` failures (429, 5xx, network) may be tried again later. */
export type SendResult =
  | { status: 'sent'; ids: string[] }
  | { status: 'failed'; retryable: boolean; httpStatus?: number; retryAfterMs?: number; error: string };

/** A stored way to reach a conversation, as saved by the channel when the member last wrote. */
export interface StoredReference {
  conversationId: string;
  channelId: string;
  memberId: string | null;
  reference: Record<string, unknown>;
}

/** One channel's proactive sender. Channels register one per channel id they serve. */
export interface ChannelSender {
  send(ref: StoredReference, replies: OutboundReply[]): Promise<SendResult>;
}

/**
 * Routes a proactive send to the sender of the conversation's channel. Bot Framework channel ids
 * (emulator, msteams, slack, ...) share one sender; others (webchat, and later native channels) register
 * their own. A conversation without a stored reference, or on a channel nobody serves, fails as not retryable.
 */
export class Outbound {
  private readonly senders = new Map<string, ChannelSender>();

  constructor(
    private readonly ctx: DomainCtx,
    private readonly fallback?: ChannelSender,
  ) {}

  /** Registers the sender for one channel id (overrides the fallback for it). */
  register(channelId: string, sender: ChannelSender): this {
    this.senders.set(channelId, sender);
    return this;
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

  /** Sends replies to a conversation through its channel. Never throws for channel failures. */
  async send(conversationId: string, replies: OutboundReply[]): Promise<SendResult> {
    const ref = await this.reference(conversationId);
    if (!ref) return { status: 'failed', retryable: false, error: 'no conversation reference' };
    return this.sendTo(ref, replies);
  }

  /** Sends to an already loaded reference (a dispatcher that loaded references in bulk). */
  async sendTo(ref: StoredReference, replies: OutboundReply[]): Promise<SendResult> {
    const sender = this.senders.get(ref.channelId) ?? this.fallback;
    if (!sender) return { status: 'failed', retryable: false, error: `no sender for channel ${ref.channelId}` };
    try {
      return await sender.send(ref, replies);
    } catch (err) {
      return { status: 'failed', retryable: true, error: err instanceof Error ? err.message : String(err) };
    }
  }
}
