// The domain's public face: verbs grouped by area.
export * from './context.js';
export * as loyalty from './loyalty/index.js';
export * as orders from './orders/index.js';
export * as members from './members/index.js';
export * as products from './products/index.js';
export * as feedback from './feedback/index.js';
export * as conversations from './conversations/index.js';
export * as handoffs from './handoffs/index.js';
export * as staff from './staff/index.js';
export * as audit from './audit/index.js';
export * as privacy from './privacy/index.js';
