// The loyalty card agents see next to a conversation: tier, points, expiring points, orders, coupons, consent, ratings.
import { and, desc, eq, inArray } from 'drizzle-orm';
import { type ConsentChange, feedback, type Feedback } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';
import { listMemberCoupons } from '../loyalty/index.js';
import { getConsentHistory, getMember, getMemberCard, type MemberCard } from '../members/index.js';
import { getOrders, type OrderView } from '../orders/index.js';
import { describeReason, productUrl, rankForMember } from '../products/index.js';

export interface CardRecommendation {
  productId: string;
  name: string;
  nameZh: string | null;
  priceCents: number;
  reason: string;
  /** The shop page (PRODUCT_URL_TEMPLATE), for the agent to send; null when none is configured. */
  url: string | null;
}

export interface AgentMemberCard {
  card: MemberCard;
  email: string | null;
  phone: string | null;
  recentOrders: OrderView[];
  coupons: { name: string; nameZh: string; expiresAt: Date }[];
  ratings: Pick<Feedback, 'kind' | 'score' | 'text' | 'createdAt' | 'handoffId'>[];
  recommendations: CardRecommendation[];
  /** The latest changes to marketing consent, newest first. */
  consentHistory: ConsentChange[];
}

/** What the recommender would suggest to this member now, with its reason as the console shows it (English). */
export async function cardRecommendations(
  ctx: Parameters<typeof rankForMember>[0]['ctx'],
  memberId: string,
  limit = 3,
): Promise<CardRecommendation[]> {
  const items = await rankForMember({ ctx, input: { memberId, k: limit } });
  return items.map((i) => ({
    productId: i.productId,
    name: i.name,
    nameZh: i.nameZh,
    priceCents: i.priceCents,
    reason: describeReason('en', i.reason),
    url: productUrl(ctx, i.productId),
  }));
}

export const getAgentMemberCard: Verb<{ memberId: string }, AgentMemberCard> = async ({ ctx, input }) => {
  const [card, member, orders, coupons, ratings, consent] = await Promise.all([
    getMemberCard({ ctx, input }),
    getMember({ ctx, input }),
    getOrders({ ctx, input: { memberId: input.memberId, limit: 5 } }),
    listMemberCoupons({ ctx, input }),
    ctx.store.db
      .select({
        kind: feedback.kind,
        score: feedback.score,
        text: feedback.text,
        createdAt: feedback.createdAt,
        handoffId: feedback.handoffId,
      })
      .from(feedback)
      .where(and(eq(feedback.memberId, input.memberId), inArray(feedback.kind, ['csat', 'nps'])))
      .orderBy(desc(feedback.createdAt))
      .limit(10),
    getConsentHistory({ ctx, input: { memberId: input.memberId, limit: 5 } }),
  ]);
  return {
    card,
    email: member?.email ?? null,
    phone: member?.phone ?? null,
    recentOrders: orders,
    coupons: coupons.map((c) => ({ name: c.coupon.nameEn, nameZh: c.coupon.nameZh, expiresAt: c.expiresAt })),
    ratings,
    recommendations: await cardRecommendations(ctx, input.memberId),
    consentHistory: consent.history,
  };
};
