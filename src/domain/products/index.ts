// Products: catalog lookups and recommendations.
export { getBestSellers, type BestSeller } from './best-sellers.js';
export {
  rankForMember,
  recommendForMember,
  recommendForNewcomer,
  type RankedRecommendation,
  DEFAULT_PRIOR_STRENGTH,
  estimatePriorStrength,
  MAX_K,
  type Recommendation,
  type RecommendationReason,
  type RecommendInput,
  type ReasonKind,
} from './recommend.js';
export { listCategories } from './categories.js';
export { getProductForMember, productUrl, type ProductForMember } from './product-for-member.js';
export { describeReason } from './describe-reason.js';
export { recommendationLine, recommendationText } from './recommendation-text.js';
export {
  applyPurchaseStats,
  rebuildRecommendationStats,
  ensureRecommendationStats,
  MEMBER_HALF_LIFE_DAYS,
  POPULARITY_HALF_LIFE_DAYS,
  type RebuildResult,
} from './rec-stats.js';
