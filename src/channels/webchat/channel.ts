// The built-in web chat on the channel contract: its capabilities and rules, and a Channel around its proactive sender.
import type { OutboundReply } from '../../assistant/types.js';
import type { Channel, ChannelCapabilities, SendingRules, SendOptions } from '../contract.js';
import type { ChannelSender, SendResult, StoredReference } from '../outbound.js';
import { WEB_CHANNEL_ID } from './session.js';

/** Our own page: buttons for every suggestion, long texts scroll. */
export const WEB_CAPABILITIES: ChannelCapabilities = {
  quickReplies: { max: 20, titleChars: 60, inReplies: true },
  cards: false,
  maxTextChars: 20_000,
  maxMessagesPerSend: 50,
  proactive: true,
  senderNames: 'native',
};

/** No window and no platform limits: messages wait in our outbox until the page shows them. */
export const WEB_RULES: SendingRules = { windows: [], serviceTemplates: false };

/** Wraps the web chat's proactive sender (its outbox) as a contract channel. */
export function webchatChannel(sender: ChannelSender): Channel {
  return {
    id: WEB_CHANNEL_ID,
    capabilities: WEB_CAPABILITIES,
    rules: WEB_RULES,
    send: (ref: StoredReference, replies: OutboundReply[], options: SendOptions): Promise<SendResult> => sender.send(ref, replies, options),
  };
}
