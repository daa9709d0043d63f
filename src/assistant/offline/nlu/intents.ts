// The intent label set and shared NLU types, kept apart from index.ts so training modules can import them without a cycle.

/** Every label the classifier can return, in a stable order. */
export const INTENTS = [
  'points_balance',
  'points_history',
  'earn_redeem_points',
  'tier_benefits',
  'next_tier',
  'coupons',
  'order_status',
  'recommend_products',
  'feedback_complaint',
  'human_agent',
  'greeting_chitchat',
  'out_of_scope',
] as const;

export type Intent = (typeof INTENTS)[number];
export type Lang = 'zh-CN' | 'en';

export interface Classification {
  intent: Intent;
  confidence: number;
  lang: Lang;
}

/** Training examples for one language: per intent, lines in the small template syntax of expand.ts. */
export type TrainingSet = Record<Intent, readonly string[]>;
