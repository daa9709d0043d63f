// The channel contract: what every channel declares (capabilities, sending rules) and does (inbound, replies, proactive sends).
import type { OutboundReply, Suggestion } from '../assistant/types.js';
import type { InboundActivity } from '../turn/types.js';
import type { SendResult, StoredReference } from './outbound.js';

/** What a channel can show. Replies are written channel-neutrally; `fitReplies` shapes them to this. */
export interface ChannelCapabilities {
  /**
   * Tappable quick replies (Bot Framework suggested actions, LINE quick reply, Telegram inline keyboard,
   * WeChat menu message): at most `max` per message, titles cut to `titleChars`. `inReplies: false` means
   * only proactive messages can carry them (WeChat passive replies are plain text). null: never.
   */
  quickReplies: { max: number; titleChars: number; inReplies: boolean } | null;
  /** Rich cards (Bot Framework hero/adaptive cards, LINE Flex, WeChat news). */
  cards: boolean;
  /** Longest text of one message, in characters. */
  maxTextChars: number;
  /** Longest text of one message in UTF-8 bytes, where the platform counts bytes (WeChat). */
  maxTextBytes?: number;
  /** Messages in one reply or send call (LINE: 5); more are sent in further calls. */
  maxMessagesPerSend: number;
  /** The channel can reach a member later, without a message to answer. */
  proactive: boolean;
  /**
   * How an agent's name reaches the member: `native` (LINE's sender name, the web chat's label), `prefix`
   * ("Amy: ..." before the text: WeChat, Telegram), or not at all (Bot Framework: the join notice names the agent).
   */
  senderNames?: 'native' | 'prefix';
}

/** A period after a member's own action during which free-form messages may be sent to them. */
export interface MessagingWindow {
  /** What opens it: the member writing, or another interaction (menu click, follow, QR scan). */
  openedBy: 'message' | 'event';
  seconds: number;
  /** Proactive messages allowed in it; a new action resets the count (WeChat: not cumulative). */
  maxMessages: number;
}

/** What the platform allows us to send, enforced by `Outbound` before any proactive send. */
export interface SendingRules {
  /** Proactive messages only inside one of these windows; none means no window (Bot Framework, LINE, Telegram). */
  windows: MessagingWindow[];
  /** Service notices may go out as platform templates outside the window (WeChat template messages); marketing never. */
  serviceTemplates: boolean;
  /** Proactive messages per second across the channel, and per conversation (Telegram: 30 and 1). */
  perSecond?: number;
  perConversationPerSecond?: number;
  /**
   * Whether the platform drops a second send with the same idempotency key (LINE: X-Line-Retry-Key).
   * false: a resend may show the member the message twice (WeChat, Telegram have no such key), so a
   * broadcast delivery whose first attempt had an unknown outcome is not resent. Unset: not documented
   * (Bot Framework relays; see BROADCAST_RECOVERY).
   */
  deduplicates?: boolean;
}

/**
 * Why a proactive message is sent; the rules differ. `conversation`: answers, agent replies, CSAT prompts
 * (inside the window). `notice`: a service notice about the member's account or order (inside the window,
 * or as a template where the channel has them). `marketing`: broadcasts (inside the window only, never as
 * a template, and only to members who have not opted out).
 */
export type SendPurpose = 'conversation' | 'notice' | 'marketing';

/** A platform template for a service notice (WeChat: template_id and its keyword data). */
export interface NoticeTemplate {
  templateId: string;
  data: Record<string, string>;
  url?: string;
}

export interface SendOptions {
  purpose?: SendPurpose;
  /** Same key, same delivery: a retried send is not delivered twice (LINE X-Line-Retry-Key; dedupe elsewhere). */
  idempotencyKey?: string;
  /** Only for `notice`: what to send outside the messaging window where the channel has templates. */
  template?: NoticeTemplate;
}

/** Why a send was refused by the rules rather than failed by the platform. Never retryable. */
export type SkipReason = 'outside_window' | 'window_limit' | 'unsubscribed' | 'not_allowed' | 'no_reference' | 'no_sender';

/** The delivery state a channel keeps in a conversation's stored reference (`reference.delivery`). */
export interface DeliveryState {
  /** Last time the member wrote (ms), and last other interaction (menu click, follow). */
  lastMessageAt?: number;
  lastEventAt?: number;
  /** The member unfollowed or blocked us: nothing is sent until they come back. */
  unsubscribedAt?: number;
}

/** Every channel: its id (the prefix of its conversation ids), what it can show, what it may send. */
export interface Channel {
  readonly id: string;
  readonly capabilities: ChannelCapabilities;
  readonly rules: SendingRules;
  /** Proactive send to a stored conversation; rules are checked by `Outbound` before this is called. */
  send(ref: StoredReference, replies: OutboundReply[], options: SendOptions): Promise<SendResult>;
}

/** One verified inbound event in the pipeline's shape, with what the channel needs to answer and reach it later. */
export interface ChannelEvent<Handle = unknown> {
  activity: InboundActivity;
  /** How to reach this conversation later (stored as the conversation reference). */
  reference: Record<string, unknown>;
  /** The member's action for messaging windows; omitted for events that open none. */
  interaction?: 'message' | 'event';
  /** The member followed or unfollowed/blocked us. */
  subscription?: 'subscribed' | 'unsubscribed';
  /** Channel-specific reply handle (LINE reply token, Telegram callback query id, WeChat passive reply). */
  handle: Handle;
}

/** A verified, parsed webhook request. `response` answers the platform when there is nothing more to do. */
export interface Received<Handle = unknown> {
  events: ChannelEvent<Handle>[];
  response?: Response;
}

/**
 * A channel that receives webhooks: verify and parse a request into pipeline activities, and answer an
 * event with the turn's replies. Verification failures throw `DomainError('unauthorized'|'forbidden')`.
 */
export interface WebhookChannel<Handle = unknown> extends Channel {
  receive(req: Request): Promise<Received<Handle>>;
  /** Called once per event before its turn runs (Telegram: answer the button tap so it stops spinning). */
  acknowledge?(event: ChannelEvent<Handle>): Promise<void>;
  reply(event: ChannelEvent<Handle>, replies: OutboundReply[]): Promise<SendResult>;
}

const utf8 = new TextEncoder();

/** Splits text into pieces within the limits, preferring paragraph, then line, then word breaks. */
export function splitText(text: string, maxChars: number, maxBytes = Number.POSITIVE_INFINITY): string[] {
  const fits = (s: string) => s.length <= maxChars && (maxBytes === Number.POSITIVE_INFINITY || utf8.encode(s).length <= maxBytes);
  const out: string[] = [];
  let rest = text;
  while (!fits(rest)) {
    // Largest prefix that fits (binary search on characters, so multi-byte text is handled).
    let lo = 1;
    let hi = Math.min(rest.length, maxChars);
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (fits(rest.slice(0, mid))) lo = mid;
      else hi = mid - 1;
    }
    let cut = lo;
    const head = rest.slice(0, lo);
    for (const sep of ['\n\n', '\n', ' ', '，', '。']) {
      const at = head.lastIndexOf(sep);
      if (at > lo / 2) {
        cut = at + sep.length;
        break;
      }
    }
    // Never split a surrogate pair (emoji).
    const code = rest.charCodeAt(cut - 1);
    if (cut > 1 && code >= 0xd800 && code <= 0xdbff) cut -= 1;
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

/** Option titles as a text line, for channels (or contexts) without buttons; skipped when the text already names them. */
export function suggestionsAsText(text: string, suggestions: Suggestion[]): string {
  const lower = text.toLowerCase();
  if (suggestions.every((s) => lower.includes(s.value.toLowerCase()))) return text;
  return `${text}\n\n${suggestions.map((s) => `[${s.title}]`).join(' ')}`;
}

/**
 * Shapes channel-neutral replies to a channel: long texts split at natural breaks, quick replies
 * trimmed to the channel's count and title length (on the last piece), or written into the text where the
 * channel cannot show them in this context (`proactive: false` is a reply to the member's message).
 */
export function fitReplies(capabilities: ChannelCapabilities, replies: OutboundReply[], context: { proactive: boolean }): OutboundReply[] {
  const qr = capabilities.quickReplies;
  const buttons = qr && (context.proactive || qr.inReplies) ? qr : null;
  const out: OutboundReply[] = [];
  for (const r of replies) {
    // Other fields (who is speaking, for instance) travel with every piece.
    const { text: body, suggestions: given, ...rest } = r;
    // A person's words say who wrote them where the channel cannot show a sender name.
    const original = r.author === 'agent' && r.authorName && capabilities.senderNames === 'prefix' ? `${r.authorName}: ${body}` : body;
    const suggestions = given?.length ? given : undefined;
    const text = suggestions && !buttons ? suggestionsAsText(original, suggestions) : original;
    const pieces = splitText(text, capabilities.maxTextChars, capabilities.maxTextBytes);
    pieces.forEach((piece, i) => {
      const last = i === pieces.length - 1;
      out.push(
        last && suggestions && buttons
          ? {
              ...rest,
              text: piece,
              suggestions: suggestions
                .slice(0, buttons.max)
                .map((s) => ({ title: [...s.title].slice(0, buttons.titleChars).join(''), value: s.value })),
            }
          : { ...rest, text: piece },
      );
    });
  }
  return out;
}

/** Splits messages into the batches a channel accepts per call. */
export function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += Math.max(1, size)) out.push(items.slice(i, i + Math.max(1, size)));
  return out;
}

/** Which messaging window is open now, if any: the one with the latest end among those still open. */
export function openWindow(
  rules: SendingRules,
  delivery: DeliveryState | undefined,
  now: number,
): { openedAt: number; closesAt: number; maxMessages: number } | null {
  let best: { openedAt: number; closesAt: number; maxMessages: number } | null = null;
  for (const w of rules.windows) {
    const at = w.openedBy === 'message' ? delivery?.lastMessageAt : delivery?.lastEventAt;
    if (at === undefined) continue;
    const closesAt = at + w.seconds * 1000;
    if (closesAt <= now) continue;
    if (!best || closesAt > best.closesAt) best = { openedAt: at, closesAt, maxMessages: w.maxMessages };
  }
  return best;
}
