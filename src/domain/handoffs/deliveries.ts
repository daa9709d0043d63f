// Messages sent to a member on a handoff's behalf, with their delivery state, retries and backoff.
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import { conversations, handoffDeliveries, messages, type HandoffDelivery } from '../../../db/schema/index.js';
import type { Tx } from '../../db/client.js';
import type { DomainCtx, Verb } from '../context.js';
import { appendHandoffEvent, notifyHandoffEvents } from './events.js';

/** After this many failed attempts a retryable failure is given up (the agent can still retry by hand). */
export const MAX_DELIVERY_ATTEMPTS = 6;
/** Waits before automatic retries 1, 2, 3...: quick at first (a connector hiccup), then backing off. */
const BACKOFF_MS = [15_000, 60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];

export interface NewDelivery {
  handoffId: string;
  conversationId: string;
  kind: HandoffDelivery['kind'];
  staffId?: string | null;
  text: string;
  suggestions?: { title: string; value: string }[];
  clientMessageId?: string;
  /** Transcript author: the agent's words, or the assistant's (notices, surveys). */
  author: 'agent' | 'bot';
}

/**
 * Records a delivery and its transcript line in the caller's transaction. With a clientMessageId already used on
 * this handoff, returns that delivery instead (a retried request sends once).
 */
export async function insertDelivery(tx: Tx, ctx: DomainCtx, d: NewDelivery): Promise<{ delivery: HandoffDelivery; created: boolean }> {
  if (d.clientMessageId) {
    const [existing] = await tx
      .select()
      .from(handoffDeliveries)
      .where(and(eq(handoffDeliveries.handoffId, d.handoffId), eq(handoffDeliveries.clientMessageId, d.clientMessageId)))
      .limit(1);
    if (existing) return { delivery: existing, created: false };
  }
  const now = ctx.clock();
  await tx.update(conversations).set({ lastActivityAt: now }).where(eq(conversations.id, d.conversationId));
  const [m] = await tx
    .insert(messages)
    .values({
      conversationId: d.conversationId,
      direction: 'out',
      author: d.author,
      text: d.text,
      intent: `handoff_${d.kind}`,
      createdAt: now,
    })
    .returning({ id: messages.id });
  const [delivery] = await tx
    .insert(handoffDeliveries)
    .values({
      id: crypto.randomUUID(),
      handoffId: d.handoffId,
      conversationId: d.conversationId,
      kind: d.kind,
      staffId: d.staffId ?? null,
      text: d.text,
      suggestions: d.suggestions ?? null,
      clientMessageId: d.clientMessageId ?? null,
      messageId: m.id,
      status: 'pending',
      createdAt: now,
    })
    .returning();
  await appendHandoffEvent(tx, ctx, d.handoffId, 'reply', { deliveryId: delivery.id, kind: d.kind, messageId: m.id });
  return { delivery, created: true };
}

export type DeliveryOutcome =
  | { status: 'sent' }
  | { status: 'failed'; retryable: boolean; httpStatus?: number; retryAfterMs?: number; error: string };

/** Stores the result of one attempt; retryable failures get their next attempt time (honouring Retry-After). */
export const recordDeliveryResult: Verb<{ deliveryId: string; outcome: DeliveryOutcome }, HandoffDelivery> = async ({ ctx, input }) => {
  const now = ctx.clock();
  const d = await ctx.store.write(async (tx) => {
    const [current] = await tx.select().from(handoffDeliveries).where(eq(handoffDeliveries.id, input.deliveryId)).limit(1);
    const attempts = (current?.attempts ?? 0) + 1;
    const o = input.outcome;
    const set =
      o.status === 'sent'
        ? { status: 'sent' as const, attempts, sentAt: now, lastError: null, httpStatus: null, nextAttemptAt: null, retryable: false }
        : (() => {
            const retryable = o.retryable && attempts < MAX_DELIVERY_ATTEMPTS;
            const wait = Math.max(BACKOFF_MS[Math.min(attempts - 1, BACKOFF_MS.length - 1)], o.retryAfterMs ?? 0);
            return {
              status: 'failed' as const,
              attempts,
              retryable,
              lastError: o.error.slice(0, 500),
              httpStatus: o.httpStatus ?? null,
              nextAttemptAt: retryable ? new Date(now.getTime() + wait) : null,
            };
          })();
    const [row] = await tx.update(handoffDeliveries).set(set).where(eq(handoffDeliveries.id, input.deliveryId)).returning();
    await appendHandoffEvent(tx, ctx, row.handoffId, 'delivery', { deliveryId: row.id, status: row.status });
    return row;
  });
  notifyHandoffEvents(ctx);
  return d;
};

/** Failed deliveries whose next automatic attempt is due. */
export const dueDeliveries: Verb<{ limit?: number }, HandoffDelivery[]> = async ({ ctx, input }) =>
  ctx.store.db
    .select()
    .from(handoffDeliveries)
    .where(
      and(eq(handoffDeliveries.status, 'failed'), eq(handoffDeliveries.retryable, true), lte(handoffDeliveries.nextAttemptAt, ctx.clock())),
    )
    .orderBy(asc(handoffDeliveries.nextAttemptAt))
    .limit(input.limit ?? 50);

export const getDelivery: Verb<{ deliveryId: string }, HandoffDelivery | null> = async ({ ctx, input }) => {
  const [row] = await ctx.store.db.select().from(handoffDeliveries).where(eq(handoffDeliveries.id, input.deliveryId)).limit(1);
  return row ?? null;
};

export const listDeliveries: Verb<{ handoffId?: string; conversationId?: string }, HandoffDelivery[]> = async ({ ctx, input }) =>
  ctx.store.db
    .select()
    .from(handoffDeliveries)
    .where(
      input.handoffId
        ? eq(handoffDeliveries.handoffId, input.handoffId)
        : input.conversationId
          ? eq(handoffDeliveries.conversationId, input.conversationId)
          : sql`0`,
    )
    .orderBy(asc(handoffDeliveries.createdAt));

/** Inserts a delivery in its own transaction and wakes the streams (for callers outside a transaction). */
export const createDelivery: Verb<NewDelivery, { delivery: HandoffDelivery; created: boolean }> = async ({ ctx, input }) => {
  const r = await ctx.store.write((tx) => insertDelivery(tx, ctx, input));
  notifyHandoffEvents(ctx);
  return r;
};
