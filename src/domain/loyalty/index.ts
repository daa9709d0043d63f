// Loyalty: points, tiers, coupons and the jobs that keep them right.
export { getPointsSummary, type PointsSummary } from './get-points-summary.js';
export { getPointsHistory } from './get-points-history.js';
export { getUpcomingExpiries, type UpcomingExpiry } from './get-upcoming-expiries.js';
export { getSpendSummary, type SpendSummary } from './get-spend-summary.js';
export { getTierStatus, type TierStatus } from './get-tier-status.js';
export { redeemCoupon, type RedeemInput, type RedeemResult } from './redeem-coupon.js';
export {
  bestPointsCoupon,
  EXPIRED_COUPON_DAYS,
  listExpiredCoupons,
  listMemberCoupons,
  listRedeemableCoupons,
  type HeldCoupon,
  type PointsOff,
} from './coupons.js';
export { expirePoints } from './expire-points.js';
export { reviewAllTiers, reviewMemberTier } from './review-tier.js';
export { listTiers, tierForSpend, nextTierAfter, pointsForAmount } from './tiers.js';
export { appendEntry, drawLots, spendableBalance, findEntry } from './ledger.js';
export { spendSince, SPEND_STATUSES } from './rolling-spend.js';
