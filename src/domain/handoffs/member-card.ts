// The loyalty card agents see next to a conversation: tier, points, expiring points, orders, coupons, consent, ratings.
import { and, desc, eq, inArray } from 'drizzle-orm';
import { feedback, type Feedback } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';
import { listMemberCoupons, listTiers } from '../loyalty/index.js';
import { getMember, getMemberCard, type MemberCard } from '../members/index.js';
import { getOrders, type OrderView } from '../orders/index.js';
import { getBestSellers } from '../products/index.js';

export interface CardRecommendation {
  productId: string;
  name: string;
  nameZh: string | null;
  priceCents: number;
  reason: string;
}

export interface AgentMemberCard {
  card: MemberCard;
  email: string | null;
  phone: string | null;
  recentOrders: OrderView[];
  coupons: { name: string; nameZh: string; expiresAt: Date }[];
  ratings: Pick<Feedback, 'kind' | 'score' | 'text' | 'createdAt' | 'handoffId'>[];
  recommendations: CardRecommendation[];
}

/**
 * Seam for recommendations on the card: best sellers the member's tier may buy, until `recommendForMember`
 * (src/domain/products, built on another branch) lands on main and replaces this body.
 */
export async function cardRecommendations(
  ctx: Parameters<typeof getBestSellers>[0]['ctx'],
  tierCode: string,
  limit = 3,
): Promise<CardRecommendation[]> {
  const tiers = await listTiers(ctx.store.db);
  const rank = tiers.find((t) => t.code === tierCode)?.rank ?? 0;
  const allowed = tiers.filter((t) => t.rank <= rank).map((t) => t.code);
  const items = await getBestSellers({ ctx, input: { allowedTierCodes: allowed, limit } });
  return items.map((i) => ({
    productId: i.product.id,
    name: i.product.name,
    nameZh: i.product.nameZh,
    priceCents: i.product.priceCents,
    reason: `best seller (${i.unitsSold} sold in 90 days)`,
  }));
}

export const getAgentMemberCard: Verb<{ memberId: string }, AgentMemberCard> = async ({ ctx, input }) => {
  const [card, member, orders, coupons, ratings] = await Promise.all([
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
  ]);
  return {
    card,
    email: member?.email ?? null,
    phone: member?.phone ?? null,
    recentOrders: orders,
    coupons: coupons.map((c) => ({ name: c.coupon.nameEn, nameZh: c.coupon.nameZh, expiresAt: c.expiresAt })),
    ratings,
    recommendations: await cardRecommendations(ctx, card.tier.code),
  };
};
