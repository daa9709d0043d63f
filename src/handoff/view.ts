// Everything an agent sees for one handoff: the handoff, transcript with delivery state, notes, summary, loyalty card.
import { and, eq, ne, sql } from 'drizzle-orm';
import { feedback, handoffs } from '../../db/schema/index.js';
import type { DomainCtx } from '../domain/context.js';
import {
  getAgentMemberCard,
  getHandoff,
  getTranscript,
  listCannedReplies,
  listHandoffNotes,
  summarizeHandoff,
  type HandoffRow,
} from '../domain/handoffs/index.js';
import { DomainError } from '../lib/errors.js';

/** How far before the request the member's other conversations are shown (context for the agent). */
const TRANSCRIPT_CONTEXT_MS = 24 * 3_600_000;

/** Loads the conversation view of a handoff (404 when it does not exist); the summary's times are in `timeZone`. */
export async function loadHandoffView(ctx: DomainCtx, handoffId: string, timeZone: string) {
  const h = await getHandoff({ ctx, input: { handoffId } });
  if (!h) throw new DomainError('not_found', 'No such handoff');
  const [transcript, notes, card, previousRow, rating, canned] = await Promise.all([
    getTranscript({
      ctx,
      input: {
        conversationId: h.conversationId,
        member: { memberId: h.memberId, since: new Date(h.requestedAt.getTime() - TRANSCRIPT_CONTEXT_MS) },
        limit: 300,
      },
    }),
    listHandoffNotes({ ctx, input: { handoffId } }),
    getAgentMemberCard({ ctx, input: { memberId: h.memberId } }),
    ctx.store.db
      .select({ n: sql<number>`count(*)` })
      .from(handoffs)
      .where(and(eq(handoffs.memberId, h.memberId), ne(handoffs.id, h.id))),
    ctx.store.db
      .select()
      .from(feedback)
      .where(and(eq(feedback.handoffId, h.id), eq(feedback.kind, 'csat')))
      .limit(1),
    listCannedReplies({ ctx, input: { locale: h.locale } }),
  ]);
  const previous = Number(previousRow[0]?.n ?? 0);
  return {
    handoff: h,
    transcript,
    notes,
    card,
    summary: summarizeHandoff(h, transcript, previous, timeZone),
    previous,
    csat: rating[0] ?? null,
    canned,
  };
}

export type HandoffView = Awaited<ReturnType<typeof loadHandoffView>>;

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

/** The API shape of a handoff row; `waitMs` is the queue wait (so far, while pending). */
export function handoffJson(h: HandoffRow, now: Date) {
  const end = h.claimedAt ?? (h.status === 'pending' ? now : (h.cancelledAt ?? h.resolvedAt ?? now));
  return {
    id: h.id,
    status: h.status,
    mode: h.mode,
    reason: h.reason,
    locale: h.locale,
    channelId: h.channelId,
    conversationId: h.conversationId,
    member: { id: h.memberId, name: h.memberName },
    agent: h.agentId ? { id: h.agentId, name: h.agentName } : null,
    requestedAt: h.requestedAt.toISOString(),
    claimedAt: iso(h.claimedAt),
    resolvedAt: iso(h.resolvedAt),
    cancelledAt: iso(h.cancelledAt),
    timedOutAt: iso(h.timedOutAt),
    replyBy: iso(h.replyBy),
    lastMemberMessageAt: iso(h.lastMemberMessageAt),
    lastMemberText: h.lastMemberText,
    waitMs: Math.max(0, end.getTime() - h.requestedAt.getTime()),
  };
}

export function deliveryJson(d: {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  retryable: boolean;
  lastError: string | null;
  httpStatus: number | null;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  createdAt: Date;
  text: string;
}) {
  return {
    id: d.id,
    kind: d.kind,
    status: d.status,
    attempts: d.attempts,
    retryable: d.retryable,
    error: d.lastError,
    httpStatus: d.httpStatus,
    nextAttemptAt: iso(d.nextAttemptAt),
    sentAt: iso(d.sentAt),
    createdAt: d.createdAt.toISOString(),
    text: d.text,
  };
}

/** The API shape of the full view. */
export function handoffViewJson(v: HandoffView, now: Date) {
  const c = v.card;
  return {
    handoff: handoffJson(v.handoff, now),
    summary: v.summary.lines,
    transcript: v.transcript.map((m) => ({
      id: m.id,
      conversationId: m.conversationId,
      author: m.author,
      direction: m.direction,
      text: m.text,
      intent: m.intent,
      createdAt: m.createdAt.toISOString(),
      delivery: m.delivery ? deliveryJson(m.delivery) : null,
    })),
    notes: v.notes.map((n) => ({
      id: n.id,
      staffId: n.staffId,
      staffName: n.staffName,
      text: n.text,
      createdAt: n.createdAt.toISOString(),
    })),
    member: {
      ...c.card,
      email: c.email,
      phone: c.phone,
      recentOrders: c.recentOrders.map((o) => ({
        id: o.id,
        status: o.status,
        total: o.totalCents / 100,
        orderedAt: o.orderedAt.toISOString(),
        items: o.itemCount,
        trackingNo: o.trackingNo,
        carrier: o.carrier,
      })),
      coupons: c.coupons.map((x) => ({ name: x.name, nameZh: x.nameZh, expiresAt: x.expiresAt.toISOString() })),
      ratings: c.ratings.map((r) => ({
        kind: r.kind,
        score: r.score,
        comment: r.text,
        createdAt: r.createdAt.toISOString(),
        handoffId: r.handoffId,
      })),
      recommendations: c.recommendations.map((r) => ({
        productId: r.productId,
        name: r.name,
        nameZh: r.nameZh,
        price: r.priceCents / 100,
        reason: r.reason,
      })),
      previousHandoffs: v.previous,
    },
    csat: v.csat ? { score: v.csat.score, comment: v.csat.text } : null,
    cannedReplies: v.canned,
  };
}
