// The order webhook under attack, over real HTTP: forged, missing, stale, future and replayed signatures; a replay
// inside the window is idempotent (never double points), and an old "paid" replayed after a refund earns nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPointsSummary } from '../../src/domain/loyalty/index.js';
import { SIGNATURE_TOLERANCE_SECONDS } from '../../src/http/routes/orders.js';
import { hmacHex } from '../../src/lib/crypto.js';
import { createTestApp, TEST_ORDER_SECRET, type TestApp } from '../support/app.js';
import { addMember, fixedClock, seedProgram } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
let t: TestApp;
let server: RunningServer;
let seq = 0;

const nowS = () => Math.floor(Date.now() / 1000);
const order = (status = 'paid', orderId = `SEC-${++seq}`) => ({
  orderId,
  memberId: 'W1',
  status,
  orderedAt: '2026-05-30T10:00:00Z',
  lines: [{ productId: 'P1', quantity: 1, amount: '100.00' }],
});

interface Signed {
  raw: string;
  headers: Record<string, string>;
}
async function sign(body: unknown, opts: { ts?: number; secret?: string } = {}): Promise<Signed> {
  const raw = JSON.stringify(body);
  const ts = String(opts.ts ?? nowS());
  const sig = await hmacHex(opts.secret ?? TEST_ORDER_SECRET, `${ts}.${raw}`);
  return { raw, headers: { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': `sha256=${sig}` } };
}
const post = (raw: string, headers: Record<string, string>) => fetch(`${server.url}/api/orders`, { method: 'POST', headers, body: raw });
const balance = async () => (await getPointsSummary({ ctx: t.deps.domain, input: { memberId: 'W1' } })).balance;
const ledgerRows = async () =>
  Number((await t.store.client.execute("select count(*) as n from points_ledger where member_id = 'W1'")).rows[0].n);

beforeAll(async () => {
  t = await createTestApp({ clock });
  await seedProgram(t.store);
  await addMember(t.store, clock, { id: 'W1', name: 'Webhook Member' });
  server = await startServer(t.app.fetch);
});
afterAll(async () => {
  await server.close();
  t.close();
});

async function expectRefused(res: Response, why: string) {
  expect(res.status, why).toBe(401);
  expect(res.headers.get('content-type'), why).toContain('application/json');
  expect(((await res.json()) as { error: { code: string } }).error.code, why).toBe('unauthorized');
}

describe('order webhook signatures', () => {
  it('refuses missing, malformed, forged and mismatched signatures, and writes nothing', async () => {
    const body = order();
    const good = await sign(body);
    const other = await sign(order());
    const cases: [string, string, Record<string, string>][] = [
      ['no headers', good.raw, { 'content-type': 'application/json' }],
      ['no signature', good.raw, { ...good.headers, 'x-signature': '' }],
      ['no timestamp', good.raw, { 'content-type': 'application/json', 'x-signature': good.headers['x-signature'] }],
      ['signature not hex', good.raw, { ...good.headers, 'x-signature': 'sha256=not-hex!' }],
      ['truncated signature', good.raw, { ...good.headers, 'x-signature': good.headers['x-signature'].slice(0, 40) }],
      ['wrong secret', good.raw, (await sign(body, { secret: 'guessed-secret' })).headers],
      ["another body's signature", good.raw, { ...good.headers, 'x-signature': other.headers['x-signature'] }],
      ['body changed after signing', good.raw.replace('100.00', '9999.00'), good.headers],
      ['timestamp changed after signing', good.raw, { ...good.headers, 'x-timestamp': String(nowS() - 1) }],
      ['timestamp not a number', good.raw, { ...good.headers, 'x-timestamp': 'yesterday' }],
    ];
    const before = { balance: await balance(), rows: await ledgerRows() };
    for (const [why, raw, headers] of cases) await expectRefused(await post(raw, headers), why);
    expect(await balance()).toBe(before.balance);
    expect(await ledgerRows()).toBe(before.rows);
    const orders = await t.store.client.execute({ sql: 'select count(*) as n from orders where id = ?', args: [body.orderId] });
    expect(Number(orders.rows[0].n)).toBe(0);
  });

  it(`refuses correctly signed requests stamped more than ${SIGNATURE_TOLERANCE_SECONDS} s in the past or the future`, async () => {
    const before = await balance();
    for (const [why, ts] of [
      ['replayed an hour later', nowS() - 3600],
      ['just outside the window', nowS() - SIGNATURE_TOLERANCE_SECONDS - 5],
      ['from the future', nowS() + SIGNATURE_TOLERANCE_SECONDS + 5],
      ['far future', nowS() + 10 * 365 * 86_400],
      ['epoch', 0],
    ] as const) {
      const s = await sign(order(), { ts });
      await expectRefused(await post(s.raw, s.headers), why);
    }
    expect(await balance()).toBe(before);
    // Inside the window it is accepted (the clocks of the shop and this service may differ a little).
    const ok = await sign(order(), { ts: nowS() - SIGNATURE_TOLERANCE_SECONDS + 30 });
    expect((await post(ok.raw, ok.headers)).status).toBe(200);
  });

  it('the same signed request replayed inside the window is idempotent: points are earned once', async () => {
    const s = await sign(order('paid', 'SEC-REPLAY'));
    const before = { balance: await balance(), rows: await ledgerRows() };
    const first = await post(s.raw, s.headers);
    expect(first.status).toBe(200);
    const earned = ((await first.json()) as { pointsEarned: number }).pointsEarned;
    expect(earned).toBeGreaterThan(0);
    // Ten replays, five of them at once.
    const replays = await Promise.all(Array.from({ length: 5 }, () => post(s.raw, s.headers)));
    for (let i = 0; i < 5; i++) replays.push(await post(s.raw, s.headers));
    for (const r of replays) {
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({ outcome: 'unchanged', pointsEarned: 0 });
    }
    expect(await balance()).toBe(before.balance + earned);
    expect(await ledgerRows()).toBe(before.rows + 1);
  });

  it('an old "paid" request replayed after the refund earns nothing back', async () => {
    const paid = await sign(order('paid', 'SEC-REFUND'));
    const start = await balance();
    expect((await post(paid.raw, paid.headers)).status).toBe(200);
    const refund = await sign(order('refunded', 'SEC-REFUND'));
    expect((await post(refund.raw, refund.headers)).status).toBe(200);
    expect(await balance()).toBe(start);
    const replay = await post(paid.raw, paid.headers);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ outcome: 'unchanged', status: 'refunded', pointsEarned: 0 });
    expect(await balance()).toBe(start);
  });

  it('a signed body that is not JSON is a 415 or 400, after the signature check', async () => {
    const s = await sign(order());
    const asText = await post(s.raw, { ...s.headers, 'content-type': 'text/plain' });
    expect(asText.status).toBe(415);
    const ts = String(nowS());
    const broken = '{"orderId":';
    const res = await post(broken, {
      'content-type': 'application/json',
      'x-timestamp': ts,
      'x-signature': `sha256=${await hmacHex(TEST_ORDER_SECRET, `${ts}.${broken}`)}`,
    });
    expect(res.status).toBe(400);
  });
});
