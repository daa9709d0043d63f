// The tool set shared by the offline brain and the language-model brain.
import { getOrderStatusTool } from './get-order-status.js';
import { getProductTool } from './get-product.js';
import { getPointsBalanceTool } from './get-points-balance.js';
import { getPointsExpiryTool } from './get-points-expiry.js';
import { getPointsHistoryTool } from './get-points-history.js';
import { getProgramRulesTool } from './get-program-rules.js';
import { getTierBenefitsTool } from './get-tier-benefits.js';
import { getSpendSummaryTool } from './get-spend-summary.js';
import { getSupportHoursTool } from './get-support-hours.js';
import { getTierStatusTool } from './get-tier-status.js';
import { listCouponsTool } from './list-coupons.js';
import { recommendProductsTool } from './recommend-products.js';
import { redeemPointsTool } from './redeem-points.js';
import { requestHumanTool } from './request-human.js';
import { setLanguageTool } from './set-language.js';
import { submitFeedbackTool } from './submit-feedback.js';

export const tools = {
  get_points_balance: getPointsBalanceTool,
  get_points_history: getPointsHistoryTool,
  get_points_expiry: getPointsExpiryTool,
  get_tier_status: getTierStatusTool,
  get_tier_benefits: getTierBenefitsTool,
  get_spend_summary: getSpendSummaryTool,
  list_coupons: listCouponsTool,
  get_order_status: getOrderStatusTool,
  recommend_products: recommendProductsTool,
  get_product: getProductTool,
  redeem_points: redeemPointsTool,
  submit_feedback: submitFeedbackTool,
  request_human: requestHumanTool,
  get_support_hours: getSupportHoursTool,
  get_program_rules: getProgramRulesTool,
  set_language: setLanguageTool,
} as const;

export type ToolName = keyof typeof tools;
export type { Tool } from './tool.js';
export { defineTool } from './tool.js';
