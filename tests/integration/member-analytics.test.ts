// Member analytics on real orders: RFM quintiles, segments, lifecycle, CLV, reruns, and the refresh after an import.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberAnalytics } from '../../db/schema/index.js';
import { computeMemberAnalytics } from '../../src/domain/analytics/index.js';
import { importOrders } from '../../src/domain/orders/import-orders.js';
import { findJob } from '../../src/jobs/registry.js';
import { addMember, domainCtx, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { createTestStore, type TestStore } from '../support/store.js';

let store: TestStore;
const clock = fixedClock('2026-01-01T00:00:00Z');
let ctx: ReturnType<typeof domainCtx>;

const day = (n: number) => new Date(Date.parse('2026-06-01T00:00:00Z') - n * 86_400_000).toISOString();

beforeAll(async () => {
  store = await createTestStore();
  ctx = domainCtx(store, clock);
  await seedProgram(store);
  // Ten buyers: member bN ordered N times, last order N*20 days before June 1st, each order 100 yuan x N.
  for (let n = 1; n <= 10; n++) {
    await addMember(store, clock, { id: `b${String(n).padStart(2, '0')}` });
    for (let k = 0; k < n; k++) {
      clock.set(day(n * 20 + k * 3));
      await paidOrder(ctx, `b${String(n).padStart(2, '0')}`, `o${n}-${k}`, String(100 * n), day(n * 20 + k * 3));
    }
  }
  await addMember(store, clock, { id: 'never' });
  // A refunded order is not spend.
  clock.set(day(5));
  await addMember(store, clock, { id: 'refunder' });
  await paidOrder(ctx, 'refunder', 'r1', '500', day(5));
  await paidOrder(ctx, 'refunder', 'r1', '500', day(5), 'refunded');
  clock.set('2026-06-01T00:00:00Z');
});
afterAll(() => store.dispose());

async function row(id: string) {
  const [r] = await store.db.select().from(memberAnalytics).where(eq(memberAnalytics.memberId, id));
  return r;
}

describe('computeMemberAnalytics', () => {
  it('scores quintiles among buyers and zero for the others', async () => {
    const r = await computeMemberAnalytics({ ctx, input: {} });
    expect(r.members).toBe(12);
    // b01: most recent (r=5), fewest orders (f=1), least spend (m=1); b10 the opposite.
    expect(await row('b01')).toMatchObject({ rScore: 5, fScore: 1, mScore: 1, frequency: 1, monetaryCents: 10_000, recencyDays: 20 });
    expect(await row('b10')).toMatchObject({ rScore: 1, fScore: 5, mScore: 5, frequency: 10, monetaryCents: 10 * 100_000 });
    expect(await row('never')).toMatchObject({
      rScore: 0,
      fScore: 0,
      mScore: 0,
      rfmSegment: 'none',
      lifecycle: 'new',
      clvCents: 0,
      recencyDays: null,
    });
    expect(await row('refunder')).toMatchObject({ frequency: 0, monetaryCents: 0, rfmSegment: 'none' });
    // Quintiles split 10 buyers two by two.
    const all = await store.db.select().from(memberAnalytics);
    const counts = [1, 2, 3, 4, 5].map((s) => all.filter((a) => a.rScore === s).length);
    expect(counts).toEqual([2, 2, 2, 2, 2]);
  });

  it('derives segments and lifecycle stages from the scores and dates', async () => {
    expect((await row('b01')).rfmSegment).toBe('new'); // recent, one order
    expect((await row('b10')).rfmSegment).toBe('cant_lose'); // long ago, many, big
    expect((await row('b05')).rfmSegment).toBe('loyal'); // r=3, f=3
    expect((await row('b04')).rfmSegment).toBe('potential'); // r=4, f=2
    expect((await row('b09')).rfmSegment).toBe('cant_lose'); // r=1, f=5, m=5
  });

  it('lifecycle: active within 90 days, at risk within 180, churned after; new for recent first orders', async () => {
    expect((await row('b02')).lifecycle).toBe('active'); // last 40 days ago, first 43
    expect((await row('b05')).lifecycle).toBe('at_risk'); // last 100 days ago
    expect((await row('b10')).lifecycle).toBe('churned'); // last 200 days ago
  });

  it('CLV: average order x yearly frequency x 3 years, damped when churned', async () => {
    const b10 = await row('b10');
    // avg 1000 yuan, 10 orders over 227 days -> 10*365/227 per year, x3 years, x0.1 churned.
    const expected = Math.trunc(100_000 * ((10 * 365) / 227) * 3 * 0.1);
    expect(b10.clvCents).toBe(expected);
  });

  it('a rerun changes nothing but the timestamp', async () => {
    const before = await store.db.select().from(memberAnalytics).orderBy(memberAnalytics.memberId);
    await computeMemberAnalytics({ ctx, input: {} });
    const after = await store.db.select().from(memberAnalytics).orderBy(memberAnalytics.memberId);
    expect(after).toEqual(before);
  });

  it('is a daily job', () => {
    expect(findJob('member-analytics')?.cron).toBe('0 19 * * *');
  });

  it('an order import refreshes analytics', async () => {
    const report = await importOrders({
      ctx,
      input: { orders: ['member_id,order_id,ordered_at,product_id,quantity,amount', 'never,imp-1,2026-05-31T10:00:00Z,P1,1,88'] },
    });
    expect(report.orders.created).toBe(1);
    expect(report.analytics.members).toBe(12);
    expect(await row('never')).toMatchObject({ frequency: 1, monetaryCents: 8_800, lifecycle: 'new' });
  });
});
