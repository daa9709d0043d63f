// POST /api/orders: the shop's signed order events (paid, shipped, delivered, refunded...).
import { Hono } from 'hono';
import * as z from 'zod/v4';
import { orderEventSchema, recordOrder } from '../../domain/orders/index.js';
import { verifyHmacHex } from '../../lib/crypto.js';
import { DomainError } from '../../lib/errors.js';
import type { AppEnv } from '../app-env.js';
import { parseWith, requireJsonContentType } from '../middleware.js';
import type { RouteDoc } from '../openapi.js';

/** Signed timestamps older or newer than this are replays or clock trouble. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const resultSchema = z.object({
  orderId: z.string(),
  status: z.string(),
  outcome: z.enum(['created', 'updated', 'unchanged']),
  pointsEarned: z.number().int(),
  pointsReversed: z.number().int(),
  tier: z.object({ from: z.string(), to: z.string() }),
  couponsUsed: z.array(z.string()).describe('coupons this event marked used (payment)'),
  couponsReturned: z.array(z.string()).describe('coupons given back (refund or cancellation of the order that used them)'),
  couponsRefused: z.array(z.string()).describe("named coupons not used: another member's, already used or expired"),
});

export const orderDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/orders',
    summary: 'Record an order event. Replaying the same order id and status is a no-op; refunds reverse the points earned.',
    tag: 'orders',
    security: 'orderSignature',
    headers: {
      'X-Timestamp': 'unix seconds when the request was signed',
      'X-Signature': 'sha256=<hex HMAC-SHA256 over "<X-Timestamp>.<raw body>">',
    },
    body: orderEventSchema,
    response: resultSchema,
    errors: { 401: 'Missing, wrong or stale signature', 404: 'Unknown member', 409: 'Order belongs to another member' },
  },
];

export function orderRoutes() {
  const app = new Hono<AppEnv>();
  app.post('/api/orders', async (c) => {
    const deps = c.get('deps');
    const raw = await c.req.text();
    const ts = c.req.header('x-timestamp') ?? '';
    const sig = (c.req.header('x-signature') ?? '').replace(/^sha256=/, '');
    const now = Math.floor(Date.now() / 1000);
    if (!/^\d{1,12}$/.test(ts) || Math.abs(now - Number(ts)) > SIGNATURE_TOLERANCE_SECONDS) {
      throw new DomainError('unauthorized', 'X-Timestamp missing or outside the allowed window');
    }
    if (!sig || !(await verifyHmacHex(deps.orderWebhookSecret, `${ts}.${raw}`, sig))) {
      throw new DomainError('unauthorized', 'Invalid signature');
    }
    requireJsonContentType(c);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new DomainError('bad_request', 'Body must be valid JSON');
    }
    const event = parseWith(orderEventSchema, body);
    const result = await recordOrder({ ctx: deps.domain, input: event });
    deps.log.info('order recorded', { orderId: result.orderId, status: result.status, outcome: result.outcome });
    return c.json(result);
  });
  return app;
}
