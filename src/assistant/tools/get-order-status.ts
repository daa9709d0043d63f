// Tool: the status of one of the member's orders, or of their latest orders.
import * as z from 'zod/v4';
import { getOrders } from '../../domain/orders/index.js';
import { day, pick, yuan } from './format.js';
import { defineTool } from './tool.js';

export const getOrderStatusTool = defineTool({
  name: 'get_order_status',
  description: "Status, carrier, tracking number and points earned of the member's order with the given id, or of their 3 latest orders.",
  input: z.object({ orderId: z.string().max(64).optional() }).strict(),
  sideEffect: false,
  async run({ ctx, input }) {
    const rows = await getOrders({ ctx: ctx.domain, input: { memberId: ctx.member.id, orderId: input.orderId, limit: 3 } });
    return {
      requestedOrderId: input.orderId ?? null,
      orders: rows.map((o) => ({
        id: o.id,
        status: o.status,
        orderedOn: day(o.orderedAt, ctx.member.timeZone),
        total: yuan(o.totalCents),
        items: o.itemCount,
        products: o.productNames.map((p) => pick(ctx.lang, p.nameZh, p.name)),
        /** How many different products the order has (`products` names the first three). */
        productCount: o.lineCount,
        carrier: o.carrier,
        trackingNo: o.trackingNo,
        /** Points the order earned when it was paid (taken back again if it was refunded). */
        pointsEarned: o.pointsEarned,
      })),
    };
  },
});
