// Tool: prepare a points-for-coupon redemption; it only asks the member to confirm (see confirmations.ts).
import * as z from 'zod/v4';
import { listRedeemableCoupons, spendableBalance } from '../../domain/loyalty/index.js';
import { requestConfirmation } from '../confirmations.js';
import { pick } from './format.js';
import { defineTool } from './tool.js';

export const redeemPointsTool = defineTool({
  name: 'redeem_points',
  description:
    'Start redeeming points for a coupon (couponId from list_coupons.redeemable). Nothing is deducted now: the member must confirm in their next message, which the system checks.',
  input: z.object({ couponId: z.string().min(1).max(64) }).strict(),
  sideEffect: true,
  async run({ ctx, input }) {
    const coupons = await listRedeemableCoupons({ ctx: ctx.domain, input: {} });
    const coupon = coupons.find((c) => c.id === input.couponId);
    if (!coupon || coupon.pointsCost === null) return { status: 'unknown_coupon' as const, couponId: input.couponId };
    const balance = await spendableBalance(ctx.domain.store.db, ctx.member.id, ctx.domain.clock());
    const name = pick(ctx.lang, coupon.nameZh, coupon.nameEn);
    const summary = { couponId: coupon.id, name, pointsCost: coupon.pointsCost, balance };
    if (balance < coupon.pointsCost) return { status: 'insufficient_points' as const, ...summary };
    await requestConfirmation(ctx, { action: 'redeem', couponId: coupon.id, couponName: name, cost: coupon.pointsCost });
    return { status: 'confirmation_required' as const, ...summary, balanceAfter: balance - coupon.pointsCost };
  },
});
