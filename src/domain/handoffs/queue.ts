// Queue position and expected wait of a live handoff, and the lookups the turn gate needs.
import { and, count, eq, inArray, lte } from 'drizzle-orm';
import { handoffs, type Handoff } from '../../../db/schema/index.js';
import type { Db, Tx } from '../../db/client.js';
import { executeSql, wholeRows } from '../../db/prepared.js';
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

const HANDOFF = wholeRows(handoffs);
const LATEST_OF_CONVERSATION = `select ${HANDOFF.select} from "handoffs" where "handoffs"."conversation_id" = ?
  order by "handoffs"."requested_at" desc limit 1`;
const ASSIGNED_IN_CONVERSATION = `select "id" from "handoffs" where "conversation_id" = ? and "status" = 'assigned' limit 1`;

/** The newest handoff of a conversation (any status). Every chat turn asks this (the handoff gate): fixed SQL. */
export const latestHandoffOfConversation: Verb<{ conversationId: string }, Handoff | null> = async ({ ctx, input }) => {
  const { rows } = await executeSql(ctx.store.db, { sql: LATEST_OF_CONVERSATION, args: [input.conversationId] });
  return rows[0] ? HANDOFF.decode(rows[0]) : null;
};

/** True while an agent holds the conversation: the assistant must send nothing then. Checked right before every send. */
export const agentOwnsConversation: Verb<{ conversationId: string }, boolean> = async ({ ctx, input }) => {
  const { rows } = await executeSql(ctx.store.db, { sql: ASSIGNED_IN_CONVERSATION, args: [input.conversationId] });
  return rows.length > 0;
};
