// One catalog product as a member sees it: price, whether it is in stock, whether their tier may buy it, what a coupon
// their points buy takes off it, and the shop's page for it when PRODUCT_URL_TEMPLATE is set.
import { eq } from 'drizzle-orm';
import { members, products, tiers } from '../../../db/schema/index.js';
import type { DomainCtx, Verb } from '../context.js';
import { bestPointsCoupon, listRedeemableCoupons, type PointsOff } from '../loyalty/coupons.js';

export interface ProductForMember {
  id: string;
  name: string;
  nameZh: string | null;
  category: string;
  priceCents: number;
  inStock: boolean;
  /** The member's tier may buy it (members-only products name a lowest tier). */
  allowed: boolean;
  /** The tier a members-only product needs, when the member's is below it. */
  needsTier: { code: string; nameZh: string; nameEn: string } | null;
  /** The coupon the member's points buy that takes most off it; null when none fits (see bestPointsCoupon). */
  pointsOff: PointsOff | null;
  url: string | null;
}

/** The shop's page of a product, from PRODUCT_URL_TEMPLATE (`{id}` replaced); null when none is configured. */
export function productUrl(ctx: Pick<DomainCtx, 'shop'>, productId: string): string | null {
  const template = ctx.shop?.productUrlTemplate;
  return template ? template.replaceAll('{id}', encodeURIComponent(productId)) : null;
}

/** Null when there is no such product (or no such member). */
export const getProductForMember: Verb<{ memberId: string; productId: string }, ProductForMember | null> = async ({ ctx, input }) => {
  const [[p], [m], all, redeemable] = await Promise.all([
    ctx.store.db.select().from(products).where(eq(products.id, input.productId)).limit(1),
    ctx.store.db
      .select({ tierCode: members.tierCode, pointsBalance: members.pointsBalance })
      .from(members)
      .where(eq(members.id, input.memberId))
      .limit(1),
    ctx.store.db.select({ code: tiers.code, rank: tiers.rank, nameZh: tiers.nameZh, nameEn: tiers.nameEn }).from(tiers),
    listRedeemableCoupons({ ctx, input: {} }),
  ]);
  if (!p || !m) return null;
  const rank = (code: string | null) => all.find((t) => t.code === code)?.rank ?? 0;
  const allowed = p.minTierCode === null || rank(m.tierCode) >= rank(p.minTierCode);
  const needs = allowed ? undefined : all.find((t) => t.code === p.minTierCode);
  return {
    id: p.id,
    name: p.name,
    nameZh: p.nameZh,
    category: p.category,
    priceCents: p.priceCents,
    inStock: p.stock > 0,
    allowed,
    needsTier: needs ? { code: needs.code, nameZh: needs.nameZh, nameEn: needs.nameEn } : null,
    pointsOff: bestPointsCoupon(redeemable, m.pointsBalance, p.priceCents),
    url: productUrl(ctx, p.id),
  };
};
