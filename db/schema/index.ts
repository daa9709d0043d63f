// The member store's schema: one file per aggregate, re-exported here.
export * from './members.js';
export * from './channel-identities.js';
export * from './tiers.js';
export * from './points-ledger.js';
export * from './coupons.js';
export * from './products.js';
export * from './orders.js';
export * from './conversations.js';
export * from './feedback.js';
export * from './llm-turns.js';
export * from './staff.js';
export * from './audit-log.js';
export * from './handoffs.js';
export * from './settings.js';
export * from './webchat.js';
export * from './recommendations.js';
export * from './consent-history.js';
