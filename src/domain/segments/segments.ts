// Segment verbs: count and preview a definition, save and list named segments.
import { desc, eq, sql } from 'drizzle-orm';
import { segments, type Segment } from '../../../db/schema/index.js';
import { randomSecret } from '../../lib/crypto.js';
import { DomainError, validate } from '../../lib/errors.js';
import type { Verb } from '../context.js';
import { compileSegment } from './compile.js';
import { segmentDefinitionSchema, type SegmentDefinition } from './definition.js';

export interface SegmentSample {
  id: string;
  name: string;
  tierCode: string;
  locale: string;
  pointsBalance: number;
}

/** How many members match a definition now. */
export const countSegment: Verb<{ definition: unknown }, { count: number }> = async ({ ctx, input }) => {
  const def = validate(segmentDefinitionSchema, input.definition);
  const c = compileSegment(def, ctx.clock());
  const rows = await ctx.store.db.all<{ n: number }>(sql`select count(*) as n from ${c.from} where ${c.where}`);
  return { count: Number(rows[0]?.n ?? 0) };
};

/** The count plus the first few matching members (by id), for the segment builder's live preview. */
export const previewSegment: Verb<{ definition: unknown; sample?: number }, { count: number; sample: SegmentSample[] }> = async ({
  ctx,
  input,
}) => {
  const def = validate(segmentDefinitionSchema, input.definition);
  const c = compileSegment(def, ctx.clock());
  const limit = Math.min(Math.max(input.sample ?? 5, 0), 50);
  const [{ count }, sample] = await Promise.all([
    ctx.store.db
      .all<{ n: number }>(sql`select count(*) as n from ${c.from} where ${c.where}`)
      .then((r) => ({ count: Number(r[0]?.n ?? 0) })),
    ctx.store.db.all<{ id: string; name: string; tier_code: string; locale: string; points_balance: number }>(
      sql`select m.id, m.name, m.tier_code, m.locale, m.points_balance from ${c.from} where ${c.where} order by m.id limit ${limit}`,
    ),
  ]);
  return {
    count,
    sample: sample.map((r) => ({
      id: r.id,
      name: r.name,
      tierCode: r.tier_code,
      locale: r.locale,
      pointsBalance: Number(r.points_balance),
    })),
  };
};

/** Saves a named segment (validated). */
export const saveSegment: Verb<{ name: string; definition: unknown; createdBy?: string | null }, Segment> = async ({ ctx, input }) => {
  const def: SegmentDefinition = validate(segmentDefinitionSchema, input.definition);
  const name = input.name.trim();
  if (!name || name.length > 120) throw new DomainError('bad_request', 'A segment needs a name of at most 120 characters');
  const now = ctx.clock();
  const row = { id: `seg_${randomSecret(9)}`, name, definition: def, createdBy: input.createdBy ?? null, createdAt: now, updatedAt: now };
  await ctx.store.write((tx) => tx.insert(segments).values(row));
  return row;
};

export const listSegments: Verb<{ limit?: number }, Segment[]> = async ({ ctx, input }) =>
  ctx.store.db
    .select()
    .from(segments)
    .orderBy(desc(segments.createdAt))
    .limit(Math.min(input.limit ?? 100, 500));

export const getSegment: Verb<{ id: string }, Segment> = async ({ ctx, input }) => {
  const [row] = await ctx.store.db.select().from(segments).where(eq(segments.id, input.id)).limit(1);
  if (!row) throw new DomainError('not_found', 'No such segment');
  return row;
};
