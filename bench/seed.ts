// Bench data: the test program plus a few hundred linked members with order histories, built through the domain.
import type { DomainCtx } from '../src/domain/context.js';
import { expirePoints, redeemCoupon, reviewAllTiers } from '../src/domain/loyalty/index.js';
import { DAY_MS } from '../src/lib/time.js';
import { addMember, paidOrder, seedProgram } from '../tests/support/fixtures.js';
import { mulberry32 } from '../db/seed/random.js';

export const BENCH_CHANNEL = 'emulator';

export interface SeededMembers {
  users: string[];
  orders: number;
  coupons: number;
}

/**
 * `count` members, half zh-CN and half en, each linked to an Emulator user and holding 2-8 paid
 * orders over the last 14 months (so some points have expired, some expire soon, tiers differ);
 * every third member has redeemed a coupon. Orders go through recordOrder like the webhook does.
 */
export async function seedBenchMembers(ctx: DomainCtx, count: number): Promise<SeededMembers> {
  await seedProgram(ctx.store);
  const rand = mulberry32(20_260_601);
  const now = ctx.clock().getTime();
  const users: string[] = [];
  let orders = 0;
  let coupons = 0;
  for (let i = 0; i < count; i++) {
    const id = `bm-${String(i).padStart(4, '0')}`;
    const zh = i % 2 === 0;
    const channelUserId = `bench-user-${i}`;
    await addMember(ctx.store, ctx.clock, {
      id,
      name: zh ? `会员${i}` : `Member ${i}`,
      locale: zh ? 'zh-CN' : 'en',
      timeZone: zh ? 'Asia/Shanghai' : 'Europe/London',
      identity: { channelId: BENCH_CHANNEL, channelUserId },
    });
    users.push(channelUserId);
    const n = 2 + Math.floor(rand() * 7);
    // Oldest first: tier multipliers apply to later orders as a member's spend grows.
    const paidAts = Array.from({ length: n }, () => now - Math.floor(rand() * 425) * DAY_MS - Math.floor(rand() * DAY_MS)).sort(
      (a, b) => a - b,
    );
    for (let j = 0; j < n; j++) {
      const amount = (20 + rand() * 1_500).toFixed(2);
      await paidOrder(ctx, id, `BO-${id}-${j}`, amount, new Date(paidAts[j]).toISOString());
      orders += 1;
    }
    if (i % 3 === 0) {
      try {
        await redeemCoupon({ ctx, input: { memberId: id, couponId: 'C5', idempotencyKey: `bench-${id}` } });
        coupons += 1;
      } catch {
        // Not enough points: this member simply holds no coupon.
      }
    }
  }
  // What the scheduler does soon after `npm start`; run here so it does not land inside a measurement.
  await expirePoints({ ctx, input: {} });
  await reviewAllTiers({ ctx, input: {} });
  return { users, orders, coupons };
}
