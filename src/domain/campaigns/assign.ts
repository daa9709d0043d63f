// Deterministic variant assignment in SQL: a hash of the campaign (a seed) and the member, split into percent buckets.
import { type SQL, sql } from 'drizzle-orm';
import type { CampaignVariant } from '../../../db/schema/index.js';

/** FNV-1a of the campaign id, cut to 31 bits: the campaign's seed. */
export function campaignSeed(campaignId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < campaignId.length; i++) {
    h ^= campaignId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7fffffff;
}

/**
 * The member's bucket 0..99 for this campaign. SQLite has no hash function, so the member side is its
 * rowid (stable for a member row; the assignment is stored on the delivery row at planning, so a later
 * VACUUM renumbering cannot move anyone): `(rowid xor seed)`, 31 bits, through Fibonacci hashing (x 2654435761
 * mod 2^32, top 16 bits), which spreads consecutive rowids evenly. The same expression in JS is
 * `bucketOf` (tests check they agree).
 */
export function bucketSql(seed: number): SQL {
  // Cut to 31 bits so the product stays inside SQLite's 64-bit integers (an overflow would turn it into a float).
  const x = sql`(((m.rowid | ${seed}) - (m.rowid & ${seed})) & 2147483647)`;
  return sql`((((${x} * 2654435761) % 4294967296) / 65536) * 100 / 65536)`;
}

/** The JS twin of `bucketSql`, for tests and previews. */
export function bucketOf(rowid: number, seed: number): number {
  const x = (BigInt(rowid) ^ BigInt(seed)) & 0x7fffffffn;
  const h = (x * 2654435761n) % 4294967296n;
  return Number(((h / 65536n) * 100n) / 65536n);
}

/** The variant a bucket falls in: the first `holdoutPct` buckets are the holdout, then each variant's split in order. */
export function variantForBucket(bucket: number, variants: Pick<CampaignVariant, 'key' | 'split'>[], holdoutPct: number): string {
  if (bucket < holdoutPct) return 'holdout';
  let edge = holdoutPct;
  for (const v of variants) {
    edge += v.split;
    if (bucket < edge) return v.key;
  }
  return variants[variants.length - 1].key;
}

/** `variantForBucket` as a SQL CASE over `bucketSql`. */
export function variantSql(seed: number, variants: Pick<CampaignVariant, 'key' | 'split'>[], holdoutPct: number): SQL {
  const b = bucketSql(seed);
  const arms: SQL[] = [];
  if (holdoutPct > 0) arms.push(sql`when ${b} < ${holdoutPct} then 'holdout'`);
  let edge = holdoutPct;
  for (const v of variants.slice(0, -1)) {
    edge += v.split;
    arms.push(sql`when ${b} < ${edge} then ${v.key}`);
  }
  const last = variants[variants.length - 1].key;
  return arms.length ? sql`case ${sql.join(arms, sql` `)} else ${last} end` : sql`${last}`;
}
