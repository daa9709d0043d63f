// The audit log: every staff action appended with who did it, on what, and how they were authenticated.
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { auditLog as auditTable, type AuditEntry } from '../../../db/schema/index.js';
import type { Tx } from '../../db/client.js';
import type { DomainCtx, Verb } from '../context.js';

export type AuditVia = 'session' | 'api_token' | 'admin_token' | 'cli' | 'system';

export interface AuditInput {
  staffId: string | null;
  action: string;
  target?: string | null;
  /** Small facts about the action (ids, counts, changed fields); never message bodies or passwords. */
  details?: Record<string, unknown>;
  via?: AuditVia;
  requestId?: string;
}

/** Appends one entry inside the caller's transaction (an action and its audit entry commit together). */
export async function appendAuditEntry(tx: Tx, ctx: DomainCtx, input: AuditInput): Promise<{ id: number }> {
  const [row] = await tx
    .insert(auditTable)
    .values({
      staffId: input.staffId,
      action: input.action,
      target: input.target ?? null,
      details: input.details ?? null,
      via: input.via ?? null,
      requestId: input.requestId ?? null,
      createdAt: ctx.clock(),
    })
    .returning({ id: auditTable.id });
  return { id: row.id };
}

/** Appends one entry. Callers write it after the action succeeded (or for a refused attempt, with its reason). */
export const auditLog: Verb<AuditInput, { id: number }> = async ({ ctx, input }) =>
  ctx.store.write((tx) => appendAuditEntry(tx, ctx, input));

/** Newest first; `before` is an entry id for paging. */
export const listAuditLog: Verb<{ staffId?: string; action?: string; before?: number; limit?: number }, AuditEntry[]> = async ({
  ctx,
  input,
}) => {
  const where: SQL[] = [];
  if (input.staffId) where.push(eq(auditTable.staffId, input.staffId));
  if (input.action) where.push(eq(auditTable.action, input.action));
  if (input.before) where.push(lt(auditTable.id, input.before));
  return ctx.store.db
    .select()
    .from(auditTable)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditTable.id))
    .limit(Math.min(input.limit ?? 100, 500));
};
