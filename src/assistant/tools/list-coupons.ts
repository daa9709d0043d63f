// Tool: coupons the member holds, and coupons they can buy with points.
import * as z from 'zod/v4';
import { listExpiredCoupons, listMemberCoupons, listRedeemableCoupons } from '../../domain/loyalty/index.js';
import { day, pick, yuan } from './format.js';
import { defineTool } from './tool.js';

export const listCouponsTool = defineTool({
  name: 'list_coupons',
  description:
    "The member's usable coupons (with expiry) and the coupons that can be redeemed with points (with their points cost); with recentlyExpired, also those that expired unused lately (expiredOn).",
  input: z
    .object({
      recentlyExpired: z.boolean().optional().describe('also list coupons that expired unused lately (the member cannot find a coupon)'),
    })
    .strict(),
  sideEffect: false,
  async run({ ctx, input }) {
    // The expired list is a query of its own: only when asked for, since most coupon answers never show it.
    const [held, redeemable, expired] = await Promise.all([
      listMemberCoupons({ ctx: ctx.domain, input: { memberId: ctx.member.id } }),
      listRedeemableCoupons({ ctx: ctx.domain, input: {} }),
      input.recentlyExpired ? listExpiredCoupons({ ctx: ctx.domain, input: { memberId: ctx.member.id } }) : null,
    ]);
    return {
      coupons: held.map((h) => ({
        id: h.id,
        name: pick(ctx.lang, h.coupon.nameZh, h.coupon.nameEn),
        value: yuan(h.coupon.valueCents),
        minSpend: yuan(h.coupon.minSpendCents),
        expiresOn: day(h.expiresAt, ctx.member.timeZone),
      })),
      ...(expired
        ? {
            recentlyExpired: expired.map((h) => ({
              name: pick(ctx.lang, h.coupon.nameZh, h.coupon.nameEn),
              expiredOn: day(h.expiresAt, ctx.member.timeZone),
            })),
          }
        : {}),
      redeemable: redeemable.map((c, i) => ({
        option: i + 1,
        couponId: c.id,
        name: pick(ctx.lang, c.nameZh, c.nameEn),
        pointsCost: c.pointsCost ?? 0,
        value: yuan(c.valueCents),
        minSpend: yuan(c.minSpendCents),
      })),
    };
  },
});
