// Handoff lists for the inbox and the API: pending and assigned with wait times, or history by status.
import { and, asc, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { handoffs, members, staff, type Handoff, type HandoffStatus } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';

export interface HandoffRow extends Handoff {
  memberName: string;
  agentName: string | null;
  /** The member's latest words in the conversation (first 120 characters), for the inbox. */
  lastMemberText: string | null;
}

export interface ListHandoffsInput {
  /** `open` = pending and assigned. */
  status?: HandoffStatus | 'open';
  agentId?: string;
  memberId?: string;
  /** Paging for history: rows requested before this instant. */
  before?: Date;
  limit?: number;
}

/** Open lists are oldest first (the longest wait on top); history newest first. */
export const listHandoffs: Verb<ListHandoffsInput, HandoffRow[]> = async ({ ctx, input }) => {
  const where: SQL[] = [];
  const status = input.status ?? 'open';
  where.push(status === 'open' ? inArray(handoffs.status, ['pending', 'assigned']) : eq(handoffs.status, status));
  if (input.agentId) where.push(eq(handoffs.agentId, input.agentId));
  if (input.memberId) where.push(eq(handoffs.memberId, input.memberId));
  if (input.before) where.push(lt(handoffs.requestedAt, input.before));
  const lastText = sql<
    string | null
  >`(select substr(m.text, 1, 120) from messages m where m.conversation_id = ${handoffs.conversationId} and m.author = 'member' order by m.id desc limit 1)`;
  const rows = await ctx.store.db
    .select({ h: handoffs, memberName: members.name, agentName: staff.name, lastMemberText: lastText })
    .from(handoffs)
    .innerJoin(members, eq(members.id, handoffs.memberId))
    .leftJoin(staff, eq(staff.id, handoffs.agentId))
    .where(and(...where))
    .orderBy(status === 'open' || status === 'pending' ? asc(handoffs.requestedAt) : desc(handoffs.requestedAt))
    .limit(Math.min(input.limit ?? 100, 500));
  return rows.map((r) => ({ ...r.h, memberName: r.memberName, agentName: r.agentName, lastMemberText: r.lastMemberText }));
};

export const getHandoff: Verb<{ handoffId: string }, HandoffRow | null> = async ({ ctx, input }) => {
  const lastText = sql<
    string | null
  >`(select substr(m.text, 1, 120) from messages m where m.conversation_id = ${handoffs.conversationId} and m.author = 'member' order by m.id desc limit 1)`;
  const [r] = await ctx.store.db
    .select({ h: handoffs, memberName: members.name, agentName: staff.name, lastMemberText: lastText })
    .from(handoffs)
    .innerJoin(members, eq(members.id, handoffs.memberId))
    .leftJoin(staff, eq(staff.id, handoffs.agentId))
    .where(eq(handoffs.id, input.handoffId))
    .limit(1);
  return r ? { ...r.h, memberName: r.memberName, agentName: r.agentName, lastMemberText: r.lastMemberText } : null;
};

/** Open handoffs waiting for an agent, for the navigation badge. */
export async function countPending(ctx: { store: { db: import('../../db/client.js').Db } }): Promise<number> {
  const [row] = await ctx.store.db.select({ n: sql<number>`count(*)` }).from(handoffs).where(eq(handoffs.status, 'pending'));
  return Number(row?.n ?? 0);
}
