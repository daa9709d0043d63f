// Ledger internals: append entries, draw earn lots down oldest-first, keep the cached balance in step.
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { members, pointLots, pointsLedger, type LedgerKind } from '../../../db/schema/index.js';
import type { Db, Tx } from '../../db/client.js';

export interface AppendInput {
  memberId: string;
  kind: LedgerKind;
  points: number;
  sourceType: string;
  sourceRef: string;
  idempotencyKey: string;
  note?: string;
  createdAt: Date;
  /** Earn entries: opens a lot that expires then. */
  expiresAt?: Date;
}

/** Returns the existing entry for an idempotency key, if that write already happened. */
export async function findEntry(db: Db | Tx, idempotencyKey: string) {
  const [row] = await db.select().from(pointsLedger).where(eq(pointsLedger.idempotencyKey, idempotencyKey));
  return row ?? null;
}

/** Appends one entry and moves the cached balance by the same amount, inside the caller's transaction. */
export async function appendEntry(tx: Tx, input: AppendInput) {
  const [entry] = await tx
    .insert(pointsLedger)
    .values({
      memberId: input.memberId,
      kind: input.kind,
      points: input.points,
      sourceType: input.sourceType,
      sourceRef: input.sourceRef,
      idempotencyKey: input.idempotencyKey,
      note: input.note,
      createdAt: input.createdAt,
      expiresAt: input.expiresAt,
    })
    .returning();
  if (input.kind === 'earn' && input.points > 0 && input.expiresAt) {
    await tx.insert(pointLots).values({
      ledgerId: entry.id,
      memberId: input.memberId,
      remaining: input.points,
      earnedAt: input.createdAt,
      expiresAt: input.expiresAt,
    });
  }
  if (input.points !== 0) {
    await tx
      .update(members)
      .set({ pointsBalance: sql`${members.pointsBalance} + ${input.points}` })
      .where(eq(members.id, input.memberId));
  }
  return entry;
}

/** Points a member can spend now: what is left of lots that have not expired. */
export async function spendableBalance(db: Db | Tx, memberId: string, now: Date): Promise<number> {
  const [row] = await db
    .select({ total: sql<number>`coalesce(sum(${pointLots.remaining}), 0)` })
    .from(pointLots)
    .where(and(eq(pointLots.memberId, memberId), gt(pointLots.remaining, 0), gt(pointLots.expiresAt, now)));
  return Number(row?.total ?? 0);
}

/**
 * Takes up to `points` from the member's live lots, oldest expiry first (optionally one lot first,
 * as a refund takes back its own order's points). Returns how many points were taken.
 */
export async function drawLots(tx: Tx, memberId: string, points: number, now: Date, preferLedgerId?: number): Promise<number> {
  let left = points;
  const lots = await tx
    .select()
    .from(pointLots)
    .where(and(eq(pointLots.memberId, memberId), gt(pointLots.remaining, 0), gt(pointLots.expiresAt, now)))
    .orderBy(asc(pointLots.expiresAt), asc(pointLots.ledgerId));
  if (preferLedgerId !== undefined) {
    const i = lots.findIndex((l) => l.ledgerId === preferLedgerId);
    if (i > 0) lots.unshift(...lots.splice(i, 1));
  }
  for (const lot of lots) {
    if (left <= 0) break;
    const take = Math.min(lot.remaining, left);
    await tx
      .update(pointLots)
      .set({ remaining: lot.remaining - take })
      .where(eq(pointLots.ledgerId, lot.ledgerId));
    left -= take;
  }
  return points - left;
}
