// A short, deterministic summary of a handoff for the agent: why, what the member asked about, mood, history.
import type { Handoff, Message } from '../../../db/schema/index.js';
import { formatInstant } from '../../lib/time.js';
import { sentimentOf } from '../feedback/categorize.js';

const TOPICS: Record<string, string> = {
  points_balance: 'points balance',
  points_history: 'points history',
  earn_redeem_points: 'earning or redeeming points',
  redeem_confirm: 'a redemption',
  redeem_cancel: 'a redemption',
  tier_benefits: 'tier benefits',
  next_tier: 'next tier',
  coupons: 'coupons',
  order_status: 'orders',
  order_change: 'changing an order (cancel, return, refund, address or invoice)',
  spend_summary: 'their spending',
  member_number: 'their member number',
  shipping: 'shipping costs',
  support_hours: "the support team's hours",
  profile_change: 'changing their details (phone, email, birthday, name)',
  account_close: 'closing their membership or deleting their data',
  language: 'the language they are written to in',
  login_help: 'signing in to the shop (password or login)',
  recommend_products: 'recommendations',
  feedback_complaint: 'feedback or a complaint',
  out_of_scope: 'something the assistant could not answer',
  error: 'something that failed',
};

const REASONS: Record<Handoff['reason'], string> = {
  member_request: 'The member asked for a person.',
  complaint: 'The member filed a complaint.',
  bot_failure: 'The assistant could not answer twice in a row.',
  assistant: 'The assistant handed over (language model).',
};

export interface HandoffSummary {
  reason: string;
  topics: string[];
  mood: 'positive' | 'neutral' | 'negative';
  /** The member's own words that led here (the last few before the request), newest last. */
  lastWords: string[];
  messagesSinceRequest: number;
  lines: string[];
}

/**
 * Built from the transcript only (no model): the same facts every time, nothing invented. Times are written in
 * `timeZone`, the reading staff member's.
 */
export function summarizeHandoff(
  h: Handoff,
  transcript: Pick<Message, 'author' | 'intent' | 'text' | 'createdAt'>[],
  previous: number,
  timeZone = 'UTC',
): HandoffSummary {
  const before = transcript.filter((m) => m.createdAt.getTime() <= h.requestedAt.getTime());
  const memberBefore = before.filter((m) => m.author === 'member');
  const since = transcript.filter((m) => m.author === 'member' && m.createdAt.getTime() > h.requestedAt.getTime());
  const counts = new Map<string, number>();
  for (const m of memberBefore.slice(-20)) {
    const topic = m.intent ? TOPICS[m.intent] : undefined;
    if (topic) counts.set(topic, (counts.get(topic) ?? 0) + 1);
  }
  const topics = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([t]) => t);
  const recent = [...memberBefore.slice(-5), ...since.slice(-5)].map((m) => m.text);
  const moods = recent.map(sentimentOf);
  const mood = moods.includes('negative')
    ? 'negative'
    : moods.filter((m) => m === 'positive').length > moods.length / 2
      ? 'positive'
      : 'neutral';
  const lastWords = memberBefore.slice(-3).map((m) => (m.text.length > 200 ? `${m.text.slice(0, 200)}…` : m.text));
  const lines = [
    REASONS[h.reason],
    topics.length ? `Asked about: ${topics.slice(0, 4).join(', ')}.` : 'No earlier questions in this conversation.',
    `Mood: ${mood}.`,
    since.length ? `${since.length} message${since.length === 1 ? '' : 's'} since the request.` : 'No messages since the request.',
    previous ? `${previous} earlier handoff${previous === 1 ? '' : 's'} for this member.` : 'First handoff for this member.',
  ];
  if (h.timedOutAt) lines.push('Nobody claimed it in time: the member was told someone will follow up here.');
  if (h.mode === 'ticket' && h.replyBy)
    lines.push(`The member was told to expect an answer after ${formatInstant(h.replyBy, timeZone)} (${timeZone}).`);
  return { reason: REASONS[h.reason], topics, mood, lastWords, messagesSinceRequest: since.length, lines };
}
