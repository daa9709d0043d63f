// Orders: the shop's order events and the member's order lookups.
export { recordOrder, applyOrderEvent, type RecordOrderResult } from './record-order.js';
export { orderEventSchema, orderLineSchema, type OrderEvent, type OrderEventInput } from './order-event.js';
export { getOrders, countOrders, type OrderView } from './get-orders.js';
