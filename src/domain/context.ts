// What every domain verb receives: the store, a clock and the configurable loyalty rules.
import type { Store } from '../db/client.js';
import type { Clock } from '../lib/time.js';

export interface LoyaltyRules {
  /** Points expire this many calendar months after they are earned. */
  expiryMonths: number;
  /** "Expiring soon" looks this many days ahead. */
  expiringSoonDays: number;
  /** "Spend needed to keep your tier" counts spend that still falls in the window this many days ahead. */
  keepTierHorizonDays: number;
  /** The tier window: rolling months of spend. */
  tierWindowMonths: number;
  /** Minutes a one-time link code stays valid. */
  linkCodeTtlMinutes: number;
}

export const DEFAULT_RULES: LoyaltyRules = {
  expiryMonths: 12,
  expiringSoonDays: 30,
  keepTierHorizonDays: 90,
  tierWindowMonths: 12,
  linkCodeTtlMinutes: 15,
};

/** The shop around the program: where its product pages are (PRODUCT_URL_TEMPLATE). */
export interface ShopConfig {
  /** `https://shop.example.com/p/{id}`: a product's page, `{id}` replaced by its id. */
  productUrlTemplate?: string;
}

export interface DomainCtx {
  store: Store;
  clock: Clock;
  rules: LoyaltyRules;
  shop?: ShopConfig;
}

/** The shape of every domain verb: one object in, so call sites read as sentences. */
export type Verb<I, O> = (args: { ctx: DomainCtx; input: I }) => Promise<O>;
