// Tier rules: which tier a spend earns, what a tier multiplies, and how far the next one is.
import { eq } from 'drizzle-orm';
import { tiers, type Tier } from '../../../db/schema/index.js';
import type { Db, Tx } from '../../db/client.js';
import { executeSql, wholeRows } from '../../db/prepared.js';
import { DomainError } from '../../lib/errors.js';

const TIER = wholeRows(tiers);
const LIST_TIERS = `select ${TIER.select} from "tiers" order by "tiers"."rank" asc`;

/** All tiers, lowest first. The table is tiny; reading it per call keeps rule edits live. Tier answers read it: fixed SQL. */
export async function listTiers(db: Db | Tx): Promise<Tier[]> {
  const { rows } = await executeSql(db, { sql: LIST_TIERS });
  return rows.map((r) => TIER.decode(r));
}

/** The highest tier whose threshold the spend reaches. */
export function tierForSpend(all: Tier[], spendCents: number): Tier {
  let best = all[0];
  if (!best) throw new DomainError('unavailable', 'No tiers are configured');
  for (const t of all) if (spendCents >= t.thresholdCents && t.rank >= best.rank) best = t;
  return best;
}

/** The tier ranked just above `code`, or null at the top. */
export function nextTierAfter(all: Tier[], code: string): Tier | null {
  const current = all.find((t) => t.code === code);
  if (!current) return all[1] ?? null;
  return all.find((t) => t.rank > current.rank) ?? null;
}

/** Points for a paid amount: 1 point per yuan times the tier multiplier, rounded down. */
export function pointsForAmount(amountCents: number, multiplierPct: number): number {
  if (amountCents <= 0) return 0;
  return Math.floor((amountCents * multiplierPct) / 10_000);
}

export async function getTier(db: Db | Tx, code: string): Promise<Tier> {
  const [t] = await db.select().from(tiers).where(eq(tiers.code, code));
  if (!t) throw new DomainError('not_found', `Unknown tier ${code}`);
  return t;
}
