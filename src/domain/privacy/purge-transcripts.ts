// Retention: transcripts older than the configured number of days are deleted in small batches.
import { and, inArray, lt, notInArray, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { handoffDeliveries, handoffs, messages, webchatOutbox } from '../../../db/schema/index.js';
import { DAY_MS } from '../../lib/time.js';
import type { DomainCtx, Verb } from '../context.js';

/** Rows per write transaction: each batch holds the write lock for milliseconds, so chat turns never queue behind it. */
export const PURGE_BATCH = 500;

export interface PurgeResult {
  /** 0 when retention is off (TRANSCRIPT_RETENTION_DAYS=0). */
  retentionDays: number;
  /** ISO time: everything older went (except what open handoffs still need). */
  before: string | null;
  messages: number;
  webchatOutbox: number;
  handoffDeliveries: number;
  batches: number;
}

const OPEN = ['pending', 'assigned'] as const;

/** Deletes up to `batch` rows of `table` matching `where`, oldest first; returns how many went. */
async function purgeBatch(ctx: DomainCtx, table: SQLiteTable, id: SQLiteColumn, createdAt: SQLiteColumn, where: () => SQL, batch: number) {
  return ctx.store.write(async (tx) => {
    const rows = await tx.select({ id }).from(table).where(where()).orderBy(createdAt).limit(batch);
    if (!rows.length) return 0;
    await tx.delete(table).where(
      inArray(
        id,
        rows.map((r) => r.id),
      ),
    );
    return rows.length;
  });
}

/**
 * Deletes messages, web chat outbox rows and handoff deliveries (agent replies) older than `retentionDays`.
 * A conversation with an open handoff keeps its whole transcript until the handoff closes: the agent reads it
 * to answer (the next run after that purges it). Idempotent; an interrupted run simply leaves more for the next.
 */
export const purgeTranscripts: Verb<{ retentionDays: number; batchSize?: number }, PurgeResult> = async ({ ctx, input }) => {
  const result: PurgeResult = {
    retentionDays: input.retentionDays,
    before: null,
    messages: 0,
    webchatOutbox: 0,
    handoffDeliveries: 0,
    batches: 0,
  };
  if (input.retentionDays <= 0) return result;
  const before = new Date(ctx.clock().getTime() - input.retentionDays * DAY_MS);
  result.before = before.toISOString();
  const batch = Math.max(1, input.batchSize ?? PURGE_BATCH);
  // Re-evaluated per batch: a handoff opened meanwhile protects its conversation from the next batch on.
  const openConversations = () => ctx.store.db.select({ id: handoffs.conversationId }).from(handoffs).where(inArray(handoffs.status, OPEN));
  const openHandoffs = () => ctx.store.db.select({ id: handoffs.id }).from(handoffs).where(inArray(handoffs.status, OPEN));
  const plan = [
    {
      key: 'messages' as const,
      table: messages,
      id: messages.id,
      createdAt: messages.createdAt,
      where: () => and(lt(messages.createdAt, before), notInArray(messages.conversationId, openConversations())) as SQL,
    },
    {
      key: 'webchatOutbox' as const,
      table: webchatOutbox,
      id: webchatOutbox.id,
      createdAt: webchatOutbox.createdAt,
      where: () => and(lt(webchatOutbox.createdAt, before), notInArray(webchatOutbox.conversationId, openConversations())) as SQL,
    },
    {
      key: 'handoffDeliveries' as const,
      table: handoffDeliveries,
      id: handoffDeliveries.id,
      createdAt: handoffDeliveries.createdAt,
      where: () => and(lt(handoffDeliveries.createdAt, before), notInArray(handoffDeliveries.handoffId, openHandoffs())) as SQL,
    },
  ];
  for (const step of plan) {
    for (;;) {
      const n = await purgeBatch(ctx, step.table, step.id, step.createdAt, step.where, batch);
      if (n) result.batches++;
      result[step.key] += n;
      if (n < batch) break;
    }
  }
  return result;
};
