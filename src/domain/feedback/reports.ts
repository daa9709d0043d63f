// Support reports: CSAT and NPS (overall, per agent, per week), handoff volume and wait times, feedback by category.
import { and, gte, inArray, lte } from 'drizzle-orm';
import { FEEDBACK_CATEGORIES, feedback, handoffs, staff, type FeedbackCategory } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';
import { localParts, zonedTimeToUtc } from '../handoffs/business-hours.js';

export interface WaitStats {
  count: number;
  avgMs: number | null;
  medianMs: number | null;
  p90Ms: number | null;
}

export interface FeedbackReport {
  from: string;
  to: string;
  csat: { count: number; average: number | null; distribution: number[] };
  nps: { count: number; score: number | null; promoters: number; passives: number; detractors: number; distribution: number[] };
  handoffs: {
    total: number;
    byStatus: Record<string, number>;
    byReason: Record<string, number>;
    tickets: number;
    timedOut: number;
    wait: WaitStats;
    handleTime: WaitStats;
  };
  perAgent: {
    agentId: string;
    name: string;
    claimed: number;
    resolved: number;
    csatCount: number;
    csatAverage: number | null;
    wait: WaitStats;
    handleTime: WaitStats;
  }[];
  perWeek: {
    week: string;
    handoffs: number;
    csatCount: number;
    csatAverage: number | null;
    npsCount: number;
    npsScore: number | null;
    medianWaitMs: number | null;
  }[];
  categories: { category: FeedbackCategory; positive: number; neutral: number; negative: number; total: number }[];
}

const WEEK_MS = 7 * 86_400_000;

/** Monday 00:00 of an instant's week, as the clock reads in `timeZone` (UTC by default). */
export function weekStart(d: Date, timeZone = 'UTC'): Date {
  const l = localParts(d, timeZone);
  const monday = new Date(Date.UTC(l.year, l.month - 1, l.day - (l.weekday - 1)));
  return zonedTimeToUtc(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate(), 0, 0, timeZone);
}

/** The Monday 00:00 after a week's start in `timeZone` (a week across a DST change is 167 or 169 hours). */
function nextWeekStart(start: Date, timeZone: string): Date {
  const l = localParts(start, timeZone);
  const next = new Date(Date.UTC(l.year, l.month - 1, l.day + 7));
  return zonedTimeToUtc(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, timeZone);
}

function stats(values: number[]): WaitStats {
  if (!values.length) return { count: 0, avgMs: null, medianMs: null, p90Ms: null };
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number) => v[Math.min(v.length - 1, Math.floor(q * (v.length - 1) + 0.5))];
  return { count: v.length, avgMs: Math.round(v.reduce((s, x) => s + x, 0) / v.length), medianMs: at(0.5), p90Ms: at(0.9) };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const avg = (xs: number[]) => (xs.length ? round2(xs.reduce((s, x) => s + x, 0) / xs.length) : null);

/** NPS = % promoters (9-10) − % detractors (0-6), rounded; null without answers. */
export function npsScore(scores: number[]): number | null {
  if (!scores.length) return null;
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  return Math.round(((promoters - detractors) / scores.length) * 100);
}

/**
 * The report from the Monday `weeks − 1` weeks ago up to now (inclusive), in weeks starting on Monday 00:00 in
 * `timeZone` (the reader's; UTC by default).
 */
export const feedbackReport: Verb<{ weeks?: number; timeZone?: string }, FeedbackReport> = async ({ ctx, input }) => {
  const now = ctx.clock();
  const timeZone = input.timeZone ?? 'UTC';
  const weeks = Math.min(Math.max(input.weeks ?? 8, 1), 104);
  const from = weekStart(new Date(now.getTime() - (weeks - 1) * WEEK_MS), timeZone);
  const [hs, fs] = await Promise.all([
    ctx.store.db
      .select({
        status: handoffs.status,
        reason: handoffs.reason,
        mode: handoffs.mode,
        agentId: handoffs.agentId,
        requestedAt: handoffs.requestedAt,
        claimedAt: handoffs.claimedAt,
        resolvedAt: handoffs.resolvedAt,
        timedOutAt: handoffs.timedOutAt,
      })
      .from(handoffs)
      .where(and(gte(handoffs.requestedAt, from), lte(handoffs.requestedAt, now))),
    ctx.store.db
      .select({
        kind: feedback.kind,
        score: feedback.score,
        agentId: feedback.agentId,
        category: feedback.category,
        sentiment: feedback.sentiment,
        createdAt: feedback.createdAt,
      })
      .from(feedback)
      .where(and(gte(feedback.createdAt, from), lte(feedback.createdAt, now))),
  ]);

  const csat = fs.filter((f) => f.kind === 'csat' && f.score !== null).map((f) => ({ ...f, score: f.score as number }));
  const nps = fs.filter((f) => f.kind === 'nps' && f.score !== null).map((f) => ({ ...f, score: f.score as number }));
  const claimWait = (h: (typeof hs)[number]) => (h.claimedAt ? h.claimedAt.getTime() - h.requestedAt.getTime() : null);
  const handle = (h: (typeof hs)[number]) => (h.claimedAt && h.resolvedAt ? h.resolvedAt.getTime() - h.claimedAt.getTime() : null);
  const live = hs.filter((h) => !h.timedOutAt && h.mode === 'live');
  const nums = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null);
  const count = (xs: string[]) => {
    const acc: Record<string, number> = {};
    for (const k of xs) acc[k] = (acc[k] ?? 0) + 1;
    return acc;
  };

  const agentIds = [...new Set([...hs.map((h) => h.agentId), ...csat.map((f) => f.agentId)].filter((x): x is string => !!x))];
  const names = agentIds.length
    ? new Map(
        (await ctx.store.db.select({ id: staff.id, name: staff.name }).from(staff).where(inArray(staff.id, agentIds))).map((s) => [
          s.id,
          s.name,
        ]),
      )
    : new Map<string, string>();

  const perWeek: FeedbackReport['perWeek'] = [];
  for (
    let start = from, next = nextWeekStart(from, timeZone);
    start.getTime() <= now.getTime();
    start = next, next = nextWeekStart(next, timeZone)
  ) {
    const w = start.getTime();
    const end = next.getTime();
    const inWeek = (d: Date) => d.getTime() >= w && d.getTime() < end;
    const wc = csat.filter((f) => inWeek(f.createdAt)).map((f) => f.score);
    const wn = nps.filter((f) => inWeek(f.createdAt)).map((f) => f.score);
    const wh = hs.filter((h) => inWeek(h.requestedAt));
    perWeek.push({
      week: localParts(start, timeZone).date,
      handoffs: wh.length,
      csatCount: wc.length,
      csatAverage: avg(wc),
      npsCount: wn.length,
      npsScore: npsScore(wn),
      medianWaitMs: stats(nums(wh.map(claimWait))).medianMs,
    });
  }

  return {
    from: from.toISOString(),
    to: now.toISOString(),
    csat: {
      count: csat.length,
      average: avg(csat.map((f) => f.score)),
      distribution: [1, 2, 3, 4, 5].map((s) => csat.filter((f) => f.score === s).length),
    },
    nps: {
      count: nps.length,
      score: npsScore(nps.map((f) => f.score)),
      promoters: nps.filter((f) => f.score >= 9).length,
      passives: nps.filter((f) => f.score >= 7 && f.score <= 8).length,
      detractors: nps.filter((f) => f.score <= 6).length,
      distribution: Array.from({ length: 11 }, (_, s) => nps.filter((f) => f.score === s).length),
    },
    handoffs: {
      total: hs.length,
      byStatus: count(hs.map((h) => h.status)),
      byReason: count(hs.map((h) => h.reason)),
      tickets: hs.filter((h) => h.mode === 'ticket').length,
      timedOut: hs.filter((h) => h.timedOutAt).length,
      // Live waits only: a ticket left overnight is not a queue wait.
      wait: stats(nums(live.map(claimWait))),
      handleTime: stats(nums(hs.map(handle))),
    },
    perAgent: agentIds
      .map((id) => {
        const mine = hs.filter((h) => h.agentId === id);
        const ratings = csat.filter((f) => f.agentId === id).map((f) => f.score);
        return {
          agentId: id,
          name: names.get(id) ?? id,
          claimed: mine.filter((h) => h.claimedAt).length,
          resolved: mine.filter((h) => h.status === 'resolved').length,
          csatCount: ratings.length,
          csatAverage: avg(ratings),
          wait: stats(nums(mine.filter((h) => h.mode === 'live' && !h.timedOutAt).map(claimWait))),
          handleTime: stats(nums(mine.map(handle))),
        };
      })
      .sort((a, b) => b.resolved - a.resolved || a.name.localeCompare(b.name)),
    perWeek,
    categories: FEEDBACK_CATEGORIES.map((category) => {
      const rows = fs.filter((f) => f.category === category && (f.kind === 'text' || f.kind === 'complaint'));
      return {
        category,
        positive: rows.filter((r) => r.sentiment === 'positive').length,
        neutral: rows.filter((r) => r.sentiment === 'neutral' || r.sentiment === null).length,
        negative: rows.filter((r) => r.sentiment === 'negative').length,
        total: rows.length,
      };
    }),
  };
};
