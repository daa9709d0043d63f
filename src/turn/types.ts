// The channel-neutral turn: what every channel adapter hands the pipeline and gets back.
import type { OutboundReply } from '../assistant/types.js';

export interface InboundActivity {
  channelId: string;
  /** The channel's id for the user; with channelId, the identity we verify. */
  channelUserId: string;
  channelConversationId: string;
  /** The channel's id for this delivery; retries carry the same id and are answered once. */
  activityId?: string;
  type: 'message' | 'conversationUpdate' | 'other';
  text?: string;
  /** The message carried attachments (images, files). */
  hasAttachments?: boolean;
  /** conversationUpdate: the user (not the bot) joined, so greet them. */
  userJoined?: boolean;
  /** The channel's locale hint (e.g. "zh-CN", "en-US"). */
  locale?: string;
}

export interface TurnResult {
  replies: OutboundReply[];
  /** This activity was seen before; `replies` are the ones sent then (web chat shows them again, Bot Framework sends nothing). */
  duplicate: boolean;
  memberId: string | null;
  intent?: string;
}
