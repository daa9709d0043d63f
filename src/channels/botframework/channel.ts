// Bot Framework on the channel contract: what Azure Bot Service channels can show, and proactive sends through the connector.
import type { ChannelCapabilities, SendingRules, Channel } from '../contract.js';
import type { FetchBotAdapter } from './adapter.js';
import { BotFrameworkSender } from './sender.js';

/** The id Bot Framework is known by in the contract; its conversations keep their own channel ids (msteams, emulator...). */
export const BOT_FRAMEWORK_CHANNEL_ID = 'botframework';

/** Suggested actions (an NPS question has 11); Teams' 28 KB message limit, with room for the envelope. */
export const BOT_FRAMEWORK_CAPABILITIES: ChannelCapabilities = {
  quickReplies: { max: 20, titleChars: 50, inReplies: true },
  cards: true,
  maxTextChars: 20_000,
  maxMessagesPerSend: 50,
  proactive: true,
};

/** No messaging window; the connector throttles with 429 + Retry-After, which the adapter honours. */
export const BOT_FRAMEWORK_RULES: SendingRules = { windows: [], serviceTemplates: false };

/** The Bot Framework sender with its declared capabilities and rules (the Outbound fallback for every relayed channel id). */
export class BotFrameworkChannel extends BotFrameworkSender implements Channel {
  readonly id = BOT_FRAMEWORK_CHANNEL_ID;
  readonly capabilities = BOT_FRAMEWORK_CAPABILITIES;
  readonly rules: SendingRules;

  /** `limits`: per-second send limits (Teams: about 30-50 per app, 7 per conversation), enforced by Outbound's throttle. */
  constructor(adapter: FetchBotAdapter, limits: Pick<SendingRules, 'perSecond' | 'perConversationPerSecond'> = {}) {
    super(adapter);
    this.rules = {
      ...BOT_FRAMEWORK_RULES,
      ...(limits.perSecond ? { perSecond: limits.perSecond } : {}),
      ...(limits.perConversationPerSecond ? { perConversationPerSecond: limits.perConversationPerSecond } : {}),
    };
  }
}
