// A member's scope: the ids through which the registry reaches their rows (conversations, handoffs, orders).
import { and, eq, inArray, isNotNull, or, type SQL } from 'drizzle-orm';
import { channelIdentities, conversationReferences, conversations, handoffs, orders, surveys } from '../../../db/schema/index.js';
import type { Db, Tx } from '../../db/client.js';
import { ERASED_REF, type MemberLink } from './registry.js';

export interface MemberScope {
  memberId: string;
  conversationIds: string[];
  handoffIds: string[];
  /** Handoffs still pending or assigned (erasure cancels them and tells the inbox). */
  openHandoffIds: string[];
  orderIds: string[];
}

/** Ids per IN list: well under SQLite's bound-parameter limit, whatever the member's history. */
const CHUNK = 500;

/**
 * Collects the scope before anything changes. Conversations count as the member's when they are linked to
 * the member, or were held by one of the member's channel identities before it was linked, or a reference,
 * handoff or survey of the member names them.
 */
export async function memberScope(db: Db | Tx, memberId: string): Promise<MemberScope> {
  const identities = await db
    .select({ channelId: channelIdentities.channelId, channelUserId: channelIdentities.channelUserId })
    .from(channelIdentities)
    .where(eq(channelIdentities.memberId, memberId));
  const byIdentity: SQL[] = identities.map(
    (i) => and(eq(conversations.channelId, i.channelId), eq(conversations.channelUserId, i.channelUserId)) as SQL,
  );
  // One after another: inside a transaction on a remote URL every statement rides the same stream.
  const convs = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(or(eq(conversations.memberId, memberId), ...byIdentity));
  const refs = await db
    .select({ id: conversationReferences.conversationId })
    .from(conversationReferences)
    .where(eq(conversationReferences.memberId, memberId));
  const hs = await db
    .select({ id: handoffs.id, conversationId: handoffs.conversationId, status: handoffs.status })
    .from(handoffs)
    .where(eq(handoffs.memberId, memberId));
  const svs = await db
    .select({ id: surveys.conversationId })
    .from(surveys)
    .where(and(eq(surveys.memberId, memberId), isNotNull(surveys.conversationId)));
  const ords = await db.select({ id: orders.id }).from(orders).where(eq(orders.memberId, memberId));
  const conversationIds = new Set<string>([...convs, ...refs, ...svs].map((r) => r.id));
  // An erased handoff points at `[erased]:<id>`, no conversation.
  for (const h of hs) if (!h.conversationId.startsWith(ERASED_REF)) conversationIds.add(h.conversationId);
  return {
    memberId,
    conversationIds: [...conversationIds].sort(),
    handoffIds: hs.map((h) => h.id),
    openHandoffIds: hs.filter((h) => h.status === 'pending' || h.status === 'assigned').map((h) => h.id),
    orderIds: ords.map((o) => o.id),
  };
}

/** The WHERE clauses selecting a link's rows in a scope, one per chunk of ids (none when the scope is empty). */
export function linkConditions(link: MemberLink, scope: MemberScope): SQL[] {
  if (link.via === 'member') return [eq(link.column, scope.memberId)];
  const ids = link.via === 'conversation' ? scope.conversationIds : link.via === 'handoff' ? scope.handoffIds : scope.orderIds;
  const out: SQL[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) out.push(inArray(link.column, ids.slice(i, i + CHUNK)));
  return out;
}
