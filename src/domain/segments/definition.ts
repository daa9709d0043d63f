// The declarative segment definition: a validated JSON tree of AND/OR groups over member conditions.
import * as z from 'zod/v4';
import { LIFECYCLE_STAGES, RFM_SEGMENTS } from '../../../db/schema/index.js';

/** min/max bounds (inclusive); checked to be present and ordered by `rangeProblem`. */
const range = { min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() };

const ids = z.array(z.string().min(1).max(64)).min(1).max(200);

/** One condition on a member. Money is in cents, points are points, days are whole days before now. */
export const segmentConditionSchema = z.discriminatedUnion('field', [
  z.object({ field: z.literal('tier'), in: ids }),
  z.object({ field: z.literal('rfm_segment'), in: z.array(z.enum(RFM_SEGMENTS)).min(1) }),
  z.object({ field: z.literal('lifecycle'), in: z.array(z.enum(LIFECYCLE_STAGES)).min(1) }),
  z.object({ field: z.literal('points_balance'), ...range }),
  z.object({
    field: z.literal('points_expiring'),
    withinDays: z.number().int().min(1).max(3660),
    /** Least points expiring in that window (default 1: any). */
    min: z.number().int().min(1).optional(),
  }),
  z.object({ field: z.literal('birthday_month'), in: z.array(z.number().int().min(1).max(12)).min(1).max(12) }),
  /** Members who never ordered have no "days since last order" and never match it. */
  z.object({ field: z.literal('days_since_last_order'), ...range }),
  z.object({ field: z.literal('total_spend'), ...range }),
  z.object({ field: z.literal('locale'), in: z.array(z.enum(['zh-CN', 'en'])).min(1) }),
  /** Members with a stored conversation on one of these channels (msteams, emulator, webchat, wechat, line, telegram). */
  z.object({ field: z.literal('channel'), in: ids }),
  z.object({ field: z.literal('tags'), any: ids.optional(), all: ids.optional() }),
  z.object({ field: z.literal('marketing_consent'), value: z.boolean() }),
]);

export type SegmentCondition = z.infer<typeof segmentConditionSchema>;

/** A group: `and` (every rule) or `or` (any rule); rules are conditions or nested groups. An empty `and` is everyone. */
export interface SegmentGroup {
  op: 'and' | 'or';
  rules: Array<SegmentGroup | SegmentCondition>;
}

const MAX_DEPTH = 5;
const MAX_RULES = 50;

export const segmentGroupSchema: z.ZodType<SegmentGroup> = z.lazy(() =>
  z.object({
    op: z.enum(['and', 'or']),
    rules: z.array(z.union([segmentGroupSchema, segmentConditionSchema])).max(MAX_RULES),
  }),
);

function depth(g: SegmentGroup): number {
  return 1 + Math.max(0, ...g.rules.map((r) => ('op' in r ? depth(r) : 0)));
}

/** What the per-field shapes cannot say: a range needs a bound and min <= max; tags need any or all. */
function rangeProblem(c: SegmentCondition): string | null {
  if (c.field === 'points_balance' || c.field === 'days_since_last_order' || c.field === 'total_spend') {
    if (c.min === undefined && c.max === undefined) return `${c.field}: give min, max or both`;
    if (c.min !== undefined && c.max !== undefined && c.min > c.max) return `${c.field}: min must not exceed max`;
  }
  if (c.field === 'tags' && !c.any && !c.all) return 'tags: give any, all or both';
  return null;
}

function problems(g: SegmentGroup, out: string[]): string[] {
  for (const r of g.rules) {
    if ('op' in r) problems(r, out);
    else {
      const p = rangeProblem(r);
      if (p) out.push(p);
    }
  }
  return out;
}

/** The definition a campaign or a saved segment holds: a root group, at most five levels deep. */
export const segmentDefinitionSchema = segmentGroupSchema.superRefine((g, ctx) => {
  if (depth(g) > MAX_DEPTH) ctx.addIssue({ code: 'custom', message: `groups nest at most ${MAX_DEPTH} levels deep` });
  for (const message of problems(g, [])) ctx.addIssue({ code: 'custom', message });
});

export type SegmentDefinition = SegmentGroup;
