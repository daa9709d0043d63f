// Surveys: CSAT after a handoff and NPS on demand; a member's typed or tapped number answers the open one.
import { and, eq } from 'drizzle-orm';
import { feedback, surveys, type Survey } from '../../../db/schema/index.js';
import { executeSql, wholeRows } from '../../db/prepared.js';
import type { Verb } from '../context.js';
import { appendHandoffEvent, notifyHandoffEvents } from '../handoffs/events.js';
import { categorizeFeedback, sentimentOf, sentimentOfScore } from './categorize.js';

/** How long after a rating the member's next words count as its comment. */
export const COMMENT_WINDOW_MS = 10 * 60_000;

const ZH_DIGITS: Record<string, number> = { 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };

/**
 * A rating at the start of a message: "5", "５", "4分", "3 stars", "4/5", "★★★★", "⭐⭐⭐⭐⭐", "五星", "十分";
 * anything after it ("4 - quick and kind") is the comment. Null when the message does not start with one.
 */
export function parseRating(text: string): { score: number; comment?: string } | null {
  const t = text.normalize('NFKC').trim();
  const stars = /^([★⭐]\uFE0F?){1,10}/u.exec(t);
  let score: number | undefined;
  let rest = '';
  if (stars) {
    score = [...stars[0].replace(/\uFE0F/g, '')].length;
    rest = t.slice(stars[0].length);
  } else {
    const m =
      /^(10|[0-9]|[零一二两三四五六七八九十])(?:\s*(?:\/\s*(?:5|10)|分|星|颗星|stars?|points?|pts)(?![a-z]))?(?=$|[\s,，.。!！:：;；\-–—~])/iu.exec(
        t,
      );
    if (!m) return null;
    score = m[1] in ZH_DIGITS ? ZH_DIGITS[m[1]] : Number(m[1]);
    rest = t.slice(m[0].length);
  }
  const comment = rest.replace(/^[\s,，.。!！:：;；\-–—~]+/u, '').trim();
  return comment ? { score, comment: comment.slice(0, 2000) } : { score };
}

const RANGE = { csat: [1, 5], nps: [0, 10] } as const;

export interface NewSurvey {
  kind: 'csat' | 'nps';
  memberId: string;
  conversationId: string;
  handoffId?: string;
  agentId?: string | null;
  source: 'handoff' | 'agent' | 'broadcast' | 'api';
  idempotencyKey?: string;
  ttlHours: number;
}

/** Creates a survey; with an idempotency key (or a handoff) already used, returns the existing one. */
export const createSurvey: Verb<NewSurvey, { survey: Survey; created: boolean }> = async ({ ctx, input }) => {
  const now = ctx.clock();
  return ctx.store.write(async (tx) => {
    const existing = input.idempotencyKey
      ? await tx.select().from(surveys).where(eq(surveys.idempotencyKey, input.idempotencyKey)).limit(1)
      : input.handoffId
        ? await tx.select().from(surveys).where(eq(surveys.handoffId, input.handoffId)).limit(1)
        : [];
    if (existing[0]) return { survey: existing[0], created: false };
    const [survey] = await tx
      .insert(surveys)
      .values({
        id: crypto.randomUUID(),
        kind: input.kind,
        memberId: input.memberId,
        conversationId: input.conversationId,
        handoffId: input.handoffId ?? null,
        agentId: input.agentId ?? null,
        source: input.source,
        idempotencyKey: input.idempotencyKey ?? null,
        sentAt: now,
        expiresAt: new Date(now.getTime() + input.ttlHours * 3_600_000),
      })
      .returning();
    return { survey, created: true };
  });
};

/** Removes a survey whose question never reached the member (so asking again is possible). */
export const withdrawSurvey: Verb<{ surveyId: string }, void> = async ({ ctx, input }) => {
  await ctx.store.write(async (tx) => {
    await tx.delete(surveys).where(and(eq(surveys.id, input.surveyId)));
  });
};

const SURVEY = wholeRows(surveys);
const OPEN_SURVEY = `select ${SURVEY.select} from "surveys"
  where "surveys"."conversation_id" = ? and "surveys"."member_id" = ? and "surveys"."expires_at" > ?
  order by "surveys"."sent_at" desc limit 1`;

/** The newest unexpired survey put to this member in this conversation. Every chat turn asks this (a rating may be the answer): fixed SQL. */
export const openSurvey: Verb<{ conversationId: string; memberId: string }, Survey | null> = async ({ ctx, input }) => {
  const { rows } = await executeSql(ctx.store.db, {
    sql: OPEN_SURVEY,
    args: [input.conversationId, input.memberId, ctx.clock().getTime()],
  });
  return rows[0] ? SURVEY.decode(rows[0]) : null;
};

export type AnswerResult =
  | { status: 'recorded' | 'updated'; survey: Survey; score: number; feedbackId: number }
  | { status: 'unchanged'; survey: Survey; score: number };

/**
 * Records a rating for the open survey. The same rating again is a no-op (no new row, nothing changes); a
 * different one replaces it (one answer per survey, enforced by a unique index). Out-of-range numbers are null.
 */
export const answerSurvey: Verb<{ survey: Survey; score: number; comment?: string }, AnswerResult | null> = async ({ ctx, input }) => {
  const { survey } = input;
  const [lo, hi] = RANGE[survey.kind];
  if (!Number.isInteger(input.score) || input.score < lo || input.score > hi) return null;
  if (survey.answeredAt && survey.score === input.score && !input.comment) return { status: 'unchanged', survey, score: input.score };
  const now = ctx.clock();
  const comment = input.comment?.slice(0, 2000);
  const sentiment = comment ? sentimentOf(comment) : sentimentOfScore(survey.kind, input.score);
  const r = await ctx.store.write(async (tx) => {
    const [existing] = await tx.select().from(feedback).where(eq(feedback.surveyId, survey.id)).limit(1);
    let feedbackId: number;
    if (existing) {
      await tx
        .update(feedback)
        .set({
          score: input.score,
          sentiment,
          updatedAt: now,
          ...(comment ? { text: comment, category: categorizeFeedback(comment) } : {}),
        })
        .where(eq(feedback.id, existing.id));
      feedbackId = existing.id;
    } else {
      const [row] = await tx
        .insert(feedback)
        .values({
          memberId: survey.memberId,
          conversationId: survey.conversationId,
          kind: survey.kind,
          score: input.score,
          text: comment ?? null,
          sentiment,
          category: comment ? categorizeFeedback(comment) : survey.kind === 'csat' ? 'service' : null,
          surveyId: survey.id,
          handoffId: survey.handoffId,
          agentId: survey.agentId,
          createdAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: feedback.id });
      feedbackId = row?.id ?? (await tx.select({ id: feedback.id }).from(feedback).where(eq(feedback.surveyId, survey.id)))[0].id;
    }
    const [updated] = await tx
      .update(surveys)
      .set({ answeredAt: now, score: input.score, commentUntil: comment ? null : new Date(now.getTime() + COMMENT_WINDOW_MS) })
      .where(eq(surveys.id, survey.id))
      .returning();
    if (survey.handoffId) await appendHandoffEvent(tx, ctx, survey.handoffId, 'rated', { kind: survey.kind, score: input.score });
    return { status: existing ? ('updated' as const) : ('recorded' as const), survey: updated, score: input.score, feedbackId };
  });
  if (survey.handoffId) notifyHandoffEvents(ctx);
  return r;
};

/** Stores the member's comment on the rating they just gave; the window then closes. */
export const commentOnSurvey: Verb<{ survey: Survey; comment: string }, boolean> = async ({ ctx, input }) => {
  const now = ctx.clock();
  if (!input.survey.commentUntil || input.survey.commentUntil.getTime() <= now.getTime()) return false;
  const comment = input.comment.slice(0, 2000);
  await ctx.store.write(async (tx) => {
    await tx
      .update(feedback)
      .set({ text: comment, category: categorizeFeedback(comment), sentiment: sentimentOf(comment), updatedAt: now })
      .where(eq(feedback.surveyId, input.survey.id));
    await tx.update(surveys).set({ commentUntil: null }).where(eq(surveys.id, input.survey.id));
  });
  return true;
};
