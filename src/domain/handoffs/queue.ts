// Queue position and expected wait of a live handoff, and the lookups the turn gate needs.
import { and, count, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { handoffs, type Handoff } from '../../../db/schema/index.js';
import type { Db, Tx } from '../../db/client.js';
import { runPrepared } from '../../db/prepared.js';
import type { Verb } from '../context.js';

export const OPEN_STATUSES = ['pending', 'assigned'] as const;

/** 1-based place among live requests of the same team, oldest first. */
export async function queuePosition(db: Db | Tx, h: Handoff): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(handoffs)
    .where(
      and(
        eq(handoffs.status, 'pending'),
        eq(handoffs.mode, 'live'),
        eq(handoffs.locale, h.locale),
        lte(handoffs.requestedAt, h.requestedAt),
      ),
    );
  return Math.max(1, Number(row?.n ?? 1));
}

/** Expected minutes: position × the configured minutes per waiting member ("from queue length"). */
export function expectedWaitMinutes(position: number, minutesPerWaitingMember: number): number {
  return Math.max(1, position * minutesPerWaitingMember);
}

/** The member's open handoff, if any (there is at most one). */
export async function openHandoffOfMember(db: Db | Tx, memberId: string): Promise<Handoff | null> {
  const [row] = await db
    .select()
    .from(handoffs)
    .where(and(eq(handoffs.memberId, memberId), inArray(handoffs.status, OPEN_STATUSES)))
    .limit(1);
  return row ?? null;
}

/** The newest handoff of a conversation (any status). */
export const latestHandoffOfConversation: Verb<{ conversationId: string }, Handoff | null> = async ({ ctx, input }) => {
  // Every chat turn asks this (the handoff gate): prepared once.
  const [row] = await runPrepared(
    ctx.store.db,
    'latestHandoffOfConversation',
    (db) =>
      db
        .select()
        .from(handoffs)
        .where(eq(handoffs.conversationId, sql.placeholder('conversationId')))
        .orderBy(desc(handoffs.requestedAt))
        .limit(1)
        .prepare(),
    { conversationId: input.conversationId },
  );
  return row ?? null;
};

/** True while an agent holds the conversation: the assistant must send nothing then. */
export const agentOwnsConversation: Verb<{ conversationId: string }, boolean> = async ({ ctx, input }) => {
  // Checked right before every send: prepared once.
  const [row] = await runPrepared(
    ctx.store.db,
    'agentOwnsConversation',
    (db) =>
      db
        .select({ id: handoffs.id })
        .from(handoffs)
        .where(and(eq(handoffs.conversationId, sql.placeholder('conversationId')), eq(handoffs.status, 'assigned')))
        .limit(1)
        .prepare(),
    { conversationId: input.conversationId },
  );
  return !!row;
};
