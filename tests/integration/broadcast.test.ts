// Broadcasts end to end over real HTTP: the marketing API, the dispatcher and a local Bot Framework connector.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignDeliveries, conversationReferences, members } from '../../db/schema/index.js';
import { bucketOf, campaignSeed, parseQuietHours, quietUntil } from '../../src/domain/campaigns/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { emulatorReferenceRow, type LocalConnector, startLocalConnector } from '../support/connector.js';
import { fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';
import { addStaff, type TestStaff } from '../support/staff.js';

const clock = fixedClock('2026-07-01T12:00:00Z');
let t: TestApp;
let server: RunningServer;
let connector: LocalConnector;
let marketer: TestStaff;
let agent: TestStaff;

/** Twenty consenting members tagged `main` (en and zh-CN), two who opted out, one without a conversation. */
const MAIN = Array.from({ length: 20 }, (_, i) => `mm${String(i).padStart(2, '0')}`);

async function member(
  id: string,
  o: { consent?: boolean; tags?: string[]; locale?: 'en' | 'zh-CN'; timeZone?: string; ref?: boolean } = {},
) {
  await t.store.write(async (tx) => {
    await tx.insert(members).values({
      id,
      name: `N-${id}`,
      locale: o.locale ?? 'en',
      timeZone: o.timeZone ?? 'UTC',
      marketingConsent: o.consent ?? true,
      tags: o.tags ?? [],
      pointsBalance: 120,
      createdAt: clock(),
    });
    if (o.ref ?? true) {
      await tx.insert(conversationReferences).values(emulatorReferenceRow(connector.url, id, clock()));
    }
  });
}

async function api(method: string, path: string, body?: unknown, who: TestStaff | null = marketer) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(who ? { authorization: `Bearer ${who.token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below
  return { status: res.status, json: (await res.json()) as any };
}

const received = (id: string) => connector.repliesTo(`conv-${id}`);

function campaignBody(name: string, tag: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    segment: { op: 'and', rules: [{ field: 'tags', any: [tag] }] },
    variants: [
      {
        key: 'A',
        split: 40,
        templates: { en: 'Hi {{name}}, you have {{points}} points (A)', 'zh-CN': '{{name}}您好，您有 {{points}} 积分（A）' },
      },
      { key: 'B', split: 40, templates: { en: 'Hello {{name}}: {{points}} points (B)', 'zh-CN': '{{name}}，{{points}} 积分（B）' } },
    ],
    holdoutPct: 20,
    costPerMessageCents: 5,
    ...extra,
  };
}

/** A campaign with one variant for everyone (no holdout). */
const oneVariant = (name: string, tag: string, en: string, zh: string) =>
  campaignBody(name, tag, { holdoutPct: 0, variants: [{ key: 'A', split: 100, templates: { en, 'zh-CN': zh } }] });

beforeAll(async () => {
  connector = await startLocalConnector();
  t = await createTestApp({ clock, env: { BROADCAST_RETRY_BASE_MS: '1000', BROADCAST_TICK_MS: '0' } });
  await seedProgram(t.store);
  server = await startServer(t.app.fetch);
  marketer = await addStaff(t.deps, 'marketer');
  agent = await addStaff(t.deps, 'agent');
  for (const [i, id] of MAIN.entries()) await member(id, { tags: ['main'], locale: i % 2 ? 'zh-CN' : 'en' });
  await member('optout1', { tags: ['main'], consent: false });
  await member('optout2', { tags: ['main'], consent: false, locale: 'zh-CN' });
  await member('noref', { tags: ['main'], ref: false });
  await member('night', { tags: ['night'], timeZone: 'Asia/Shanghai' });
  await member('flaky', { tags: ['flaky'] });
});
afterAll(async () => {
  await server?.close();
  await connector?.close();
  t?.close();
});

describe('access', () => {
  it('needs a marketer or admin', async () => {
    expect((await api('POST', '/api/marketing/segments/preview', { definition: { op: 'and', rules: [] } }, null)).status).toBe(401);
    const r = await api('POST', '/api/marketing/segments/preview', { definition: { op: 'and', rules: [] } }, agent);
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('forbidden');
  });
});

describe('segments over HTTP', () => {
  it('previews a count with sample members, and refuses bad definitions with 400', async () => {
    const r = await api('POST', '/api/marketing/segments/preview', {
      definition: {
        op: 'and',
        rules: [
          { field: 'tags', any: ['main'] },
          { field: 'marketing_consent', value: true },
        ],
      },
      sample: 3,
    });
    expect(r.status).toBe(200);
    expect(r.json.count).toBe(21);
    expect(r.json.sample).toHaveLength(3);
    const bad = await api('POST', '/api/marketing/segments/preview', { definition: { op: 'and', rules: [{ field: 'nope' }] } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('bad_request');
  });

  it('saves and lists segments', async () => {
    const s = await api('POST', '/api/marketing/segments', {
      name: 'Main',
      definition: { op: 'and', rules: [{ field: 'tags', any: ['main'] }] },
    });
    expect(s.status).toBe(200);
    const l = await api('GET', '/api/marketing/segments');
    expect(l.json.segments.map((x: { id: string }) => x.id)).toContain(s.json.segment.id);
  });
});

describe('campaign drafts', () => {
  it('refuses unknown variables and splits that do not add up', async () => {
    const typo = campaignBody('typo', 'main', {
      variants: [{ key: 'A', split: 100, templates: { en: 'Hi {{nmae}}', 'zh-CN': '你好 {{name}}' } }],
      holdoutPct: 0,
    });
    const r = await api('POST', '/api/marketing/campaigns', typo);
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain('{{nmae}}');
    const split = await api('POST', '/api/marketing/campaigns', campaignBody('split', 'main', { holdoutPct: 30 }));
    expect(split.status).toBe(400);
    expect(split.json.error.message).toContain('add up to 100');
  });

  it('refuses {{recommendation_url}} while the shop has no product pages configured: nobody could get that link', async () => {
    const c = await api(
      'POST',
      '/api/marketing/campaigns',
      oneVariant('link', 'main', 'See {{recommendation_url}}', '看看 {{recommendation_url}}'),
    );
    expect(c.status).toBe(400);
    expect(c.json.error.message).toContain('{{recommendation_url}} needs PRODUCT_URL_TEMPLATE');
  });

  it('refuses to launch when a locale of the audience has no template', async () => {
    const c = await api(
      'POST',
      '/api/marketing/campaigns',
      campaignBody('en only', 'main', { variants: [{ key: 'A', split: 80, templates: { en: 'Hi {{name}}' } }] }),
    );
    expect(c.status).toBe(200);
    const l = await api('POST', `/api/marketing/campaigns/${c.json.campaign.id}/launch`, {});
    expect(l.status).toBe(400);
    expect(l.json.error.message).toContain('no zh-CN template');
    // Fix the draft, then it launches.
    const p = await api('PATCH', `/api/marketing/campaigns/${c.json.campaign.id}`, {
      variants: [{ key: 'A', split: 80, templates: { en: 'Hi {{name}}', 'zh-CN': '你好 {{name}}' } }],
    });
    expect(p.status).toBe(200);
    expect(p.json.campaign.variants[0].templates['zh-CN']).toBe('你好 {{name}}');
    const cancel = await api('POST', `/api/marketing/campaigns/${c.json.campaign.id}/cancel`);
    expect(cancel.json.campaign.status).toBe('cancelled');
    expect((await api('POST', `/api/marketing/campaigns/${c.json.campaign.id}/launch`, {})).status).toBe(409);
  });

  it('previews the message for any member, with the opt-out hint in their language', async () => {
    const c = await api('POST', '/api/marketing/campaigns', campaignBody('preview', 'main'));
    const en = await api('POST', `/api/marketing/campaigns/${c.json.campaign.id}/preview`, { memberId: 'mm00', variant: 'A' });
    expect(en.status).toBe(200);
    expect(en.json.text).toBe('Hi N-mm00, you have 120 points (A)\n\nReply STOP to unsubscribe.');
    expect(en.json.inSegment).toBe(true);
    const zh = await api('POST', `/api/marketing/campaigns/${c.json.campaign.id}/preview`, { memberId: 'mm01', variant: 'B' });
    expect(zh.json.text).toBe('N-mm01，120 积分（B）\n\n回复 退订 取消订阅');
    const other = await api('POST', `/api/marketing/campaigns/${c.json.campaign.id}/preview`, { memberId: 'night' });
    expect(other.json.inSegment).toBe(false);
    expect((await api('POST', `/api/marketing/campaigns/${c.json.campaign.id}/preview`, { memberId: 'ghost' })).status).toBe(404);
    await api('POST', `/api/marketing/campaigns/${c.json.campaign.id}/cancel`);
  });
});

describe('launch and dispatch', () => {
  let id: string;
  it('launching twice plans once; opted-out, holdout and unreachable members get nothing; everyone else exactly one', async () => {
    const before = connector.captured.length;
    const c = await api('POST', '/api/marketing/campaigns', campaignBody('summer', 'main'));
    id = c.json.campaign.id;
    const [l1, l2] = await Promise.all([
      api('POST', `/api/marketing/campaigns/${id}/launch`, {}),
      api('POST', `/api/marketing/campaigns/${id}/launch`, {}),
    ]);
    expect([l1.status, l2.status]).toEqual([200, 200]);
    expect(l1.json.campaign.status).toBe('running');
    await t.deps.broadcast.dispatch();
    await t.deps.broadcast.dispatch();
    expect((await api('POST', `/api/marketing/campaigns/${id}/launch`, {})).json.campaign.status).toBe('completed');
    await t.deps.broadcast.dispatch();

    const rows = await t.store.db.select().from(campaignDeliveries).where(eq(campaignDeliveries.campaignId, id));
    expect(rows).toHaveLength(23);
    const holdout = rows.filter((r) => r.variant === 'holdout').map((r) => r.memberId);
    expect(holdout.length).toBeGreaterThan(0);
    expect(holdout.length).toBeLessThan(23);
    for (const r of rows) {
      const got = received(r.memberId).filter((a) => /points|积分/.test(a.activity.text ?? ''));
      if (holdout.includes(r.memberId) || r.memberId.startsWith('optout') || r.memberId === 'noref')
        expect(got, r.memberId).toHaveLength(0);
      else {
        expect(got, r.memberId).toHaveLength(1);
        expect(got[0].activity.text).toContain(`N-${r.memberId}`);
        expect(got[0].activity.text).toMatch(r.variant === 'A' ? /\(A\)|（A）/ : /\(B\)|（B）/);
        expect(got[0].activity.text).toMatch(/Reply STOP to unsubscribe\.$|回复 退订 取消订阅$/);
      }
    }
    const eligible = rows.filter((r) => r.variant !== 'holdout' && r.memberId.startsWith('mm')).length;
    expect(connector.captured.length - before).toBe(eligible);

    const view = await api('GET', `/api/marketing/campaigns/${id}`);
    expect(view.status).toBe(200);
    expect(view.json.campaign.status).toBe('completed');
    expect(view.json.counts.total).toBe(23);
    expect(view.json.counts.byStatus.sent).toBe(eligible);
    expect(view.json.counts.bySkipReason.holdout).toBe(holdout.length);
    const optedOutNotHeld = rows.filter((r) => r.variant !== 'holdout' && r.memberId.startsWith('optout')).length;
    expect(view.json.counts.bySkipReason.no_consent ?? 0).toBe(optedOutNotHeld);
    const norefNotHeld = rows.some((r) => r.variant !== 'holdout' && r.memberId === 'noref') ? 1 : 0;
    expect(view.json.counts.bySkipReason.no_channel ?? 0).toBe(norefNotHeld);
    const perVariant = Object.fromEntries(view.json.counts.variants.map((v: { variant: string; total: number }) => [v.variant, v.total]));
    expect(perVariant.A + perVariant.B + perVariant.holdout).toBe(23);
    // The progress view the console polls: the same counts and campaign, without the attribution report.
    const progress = await api('GET', `/api/marketing/campaigns/${id}/progress`);
    expect(progress.status).toBe(200);
    expect(progress.json).toEqual({ campaign: view.json.campaign, counts: view.json.counts });
    expect((await api('GET', '/api/marketing/campaigns/nope/progress')).status).toBe(404);
  });

  it('assigns variants deterministically from the campaign and the member', async () => {
    const ids = await t.store.client.execute({
      sql: 'select d.variant, m.rowid as rowid from campaign_deliveries d join members m on m.id = d.member_id where d.campaign_id = ?',
      args: [id],
    });
    for (const r of ids.rows) {
      const b = bucketOf(Number(r.rowid), campaignSeed(id));
      expect(r.variant).toBe(b < 20 ? 'holdout' : b < 60 ? 'A' : 'B');
    }
  });

  it('attributes orders within the window to variants and holdout, with uplift and ROI', async () => {
    const rows = await t.store.db.select().from(campaignDeliveries).where(eq(campaignDeliveries.campaignId, id));
    const sentA = rows.find((r) => r.variant === 'A' && r.status === 'sent')!;
    const held = rows.find((r) => r.variant === 'holdout')!;
    clock.set('2026-07-03T12:00:00Z');
    await paidOrder(t.deps.domain, sentA.memberId, 'ord-a1', '300', '2026-07-03T12:00:00Z');
    await paidOrder(t.deps.domain, held.memberId, 'ord-h1', '50', '2026-07-03T12:00:00Z');
    // Outside the 7-day window: not attributed.
    await paidOrder(t.deps.domain, sentA.memberId, 'ord-a2', '999', '2026-07-09T12:00:01Z');
    clock.set('2026-07-01T12:00:00Z');
    const view = await api('GET', `/api/marketing/campaigns/${id}`);
    const a = view.json.report.variants.find((v: { variant: string }) => v.variant === 'A');
    const h = view.json.report.holdout;
    expect(a.converted).toBe(1);
    expect(a.revenueCents).toBe(30_000);
    expect(a.pointsEarned).toBe(300);
    expect(h.converted).toBe(1);
    expect(h.revenueCents).toBe(5_000);
    expect(a.upliftPts).toBeCloseTo((1 / a.recipients - 1 / h.recipients) * 100, 6);
    const incremental = Math.round(30_000 - (5_000 / h.recipients) * a.recipients);
    expect(a.incrementalRevenueCents).toBe(incremental);
    expect(a.costCents).toBe(a.recipients * 5);
    expect(a.roi).toBeCloseTo((incremental - a.costCents) / a.costCents, 6);
  });

  it('the frequency cap holds: at most two marketing messages in seven days', async () => {
    clock.set('2026-07-02T12:00:00Z');
    const second = await api('POST', '/api/marketing/campaigns', oneVariant('second', 'main', 'Second {{name}}', '第二 {{name}}'));
    await api('POST', `/api/marketing/campaigns/${second.json.campaign.id}/launch`, {});
    await t.deps.broadcast.dispatch();
    const third = await api('POST', '/api/marketing/campaigns', oneVariant('third', 'main', 'Third {{name}}', '第三 {{name}}'));
    await api('POST', `/api/marketing/campaigns/${third.json.campaign.id}/launch`, {});
    await t.deps.broadcast.dispatch();
    for (const m of MAIN) {
      const marketing = received(m).filter((a) => /points|积分|Second|第二|Third|第三/.test(a.activity.text ?? ''));
      expect(marketing.length, m).toBeLessThanOrEqual(2);
    }
    const view = await api('GET', `/api/marketing/campaigns/${third.json.campaign.id}`);
    // Members who got the first and the second are capped; holdout members of the first got only one so far.
    const firstRows = await t.store.db.select().from(campaignDeliveries).where(eq(campaignDeliveries.campaignId, id));
    const gotFirst = firstRows.filter((r) => r.status === 'sent').length;
    expect(view.json.counts.bySkipReason.cap).toBe(gotFirst);
    expect(view.json.counts.byStatus.sent).toBe(MAIN.length - gotFirst);
    // A week later the cap has room again.
    clock.set('2026-07-10T12:00:00Z');
  });
});

describe('quiet hours', () => {
  it('holds a message during the night in the member time zone and sends it when the window opens', async () => {
    // 14:00 UTC is 22:00 in Shanghai.
    clock.set('2026-07-10T14:00:00Z');
    const c = await api('POST', '/api/marketing/campaigns', oneVariant('night', 'night', 'Night {{name}}', '夜 {{name}}'));
    await api('POST', `/api/marketing/campaigns/${c.json.campaign.id}/launch`, {});
    await t.deps.broadcast.dispatch();
    expect(received('night')).toHaveLength(0);
    const [row] = await t.store.db.select().from(campaignDeliveries).where(eq(campaignDeliveries.campaignId, c.json.campaign.id));
    expect(row.status).toBe('held');
    expect(row.skipReason).toBe('quiet_hours');
    // 09:00 in Shanghai is 01:00 UTC.
    expect(new Date(row.nextAttemptAt).toISOString()).toBe('2026-07-11T01:00:00.000Z');
    clock.set('2026-07-11T00:59:00Z');
    await t.deps.broadcast.dispatch();
    expect(received('night')).toHaveLength(0);
    clock.set('2026-07-11T01:00:00Z');
    await t.deps.broadcast.dispatch();
    expect(received('night')).toHaveLength(1);
    expect((await api('GET', `/api/marketing/campaigns/${c.json.campaign.id}`)).json.campaign.status).toBe('completed');
  });

  it('quietUntil handles windows across midnight and zones', () => {
    const q = parseQuietHours('21-9');
    expect(quietUntil(new Date('2026-07-10T12:00:00Z'), 'UTC', q)).toBeNull();
    expect(quietUntil(new Date('2026-07-10T21:30:00Z'), 'UTC', q)?.toISOString()).toBe('2026-07-11T09:00:00.000Z');
    expect(quietUntil(new Date('2026-07-10T03:15:20Z'), 'UTC', q)?.toISOString()).toBe('2026-07-10T09:00:00.000Z');
    expect(quietUntil(new Date('2026-07-10T20:59:59Z'), 'UTC', q)).toBeNull();
    expect(parseQuietHours('')).toBeNull();
  });
});

describe('failures and control', () => {
  it('retries 5xx with backoff and sends once', async () => {
    clock.set('2026-07-12T10:00:00Z');
    const c = await api('POST', '/api/marketing/campaigns', oneVariant('flaky', 'flaky', 'Flaky {{name}}', '抖 {{name}}'));
    await api('POST', `/api/marketing/campaigns/${c.json.campaign.id}/launch`, {});
    connector.failNext(3, 503); // the adapter's own three attempts all fail
    await t.deps.broadcast.dispatch();
    const [row] = await t.store.db.select().from(campaignDeliveries).where(eq(campaignDeliveries.campaignId, c.json.campaign.id));
    expect(row.status).toBe('planned');
    expect(row.attempts).toBe(1);
    expect(row.nextAttemptAt).toBeGreaterThan(clock().getTime());
    expect(received('flaky')).toHaveLength(0);
    clock.set('2026-07-12T10:00:02Z');
    await t.deps.broadcast.dispatch();
    expect(received('flaky')).toHaveLength(1);
    const [done] = await t.store.db.select().from(campaignDeliveries).where(eq(campaignDeliveries.campaignId, c.json.campaign.id));
    expect(done.status).toBe('sent');
    expect(done.attempts).toBe(2);
  });

  it('pause stops sending, resume continues, cancel skips the rest', async () => {
    clock.set('2026-07-20T10:00:00Z');
    const c = await api('POST', '/api/marketing/campaigns', oneVariant('pausable', 'main', 'P {{name}}', 'P {{name}}'));
    const cid = c.json.campaign.id;
    await api('POST', `/api/marketing/campaigns/${cid}/launch`, {});
    expect((await api('POST', `/api/marketing/campaigns/${cid}/pause`)).json.campaign.status).toBe('paused');
    await t.deps.broadcast.dispatch();
    let view = await api('GET', `/api/marketing/campaigns/${cid}`);
    expect(view.json.counts.byStatus.sent ?? 0).toBe(0);
    expect((await api('POST', `/api/marketing/campaigns/${cid}/resume`)).json.campaign.status).toBe('running');
    // Plan (and maybe send) a little, then cancel: nothing planned is sent afterwards.
    await t.deps.broadcast.dispatch({ maxBatches: 0 });
    view = await api('GET', `/api/marketing/campaigns/${cid}`);
    expect(view.json.counts.byStatus.planned).toBeGreaterThan(0);
    expect((await api('POST', `/api/marketing/campaigns/${cid}/cancel`)).json.campaign.status).toBe('cancelled');
    await t.deps.broadcast.dispatch();
    view = await api('GET', `/api/marketing/campaigns/${cid}`);
    expect(view.json.counts.byStatus.sent ?? 0).toBe(0);
    expect(view.json.counts.bySkipReason.cancelled).toBe(view.json.counts.total);
    const rows = await t.store.db
      .select()
      .from(campaignDeliveries)
      .where(and(eq(campaignDeliveries.campaignId, cid), eq(campaignDeliveries.status, 'sent')));
    expect(rows).toHaveLength(0);
  });

  it('schedules a launch for later', async () => {
    const c = await api('POST', '/api/marketing/campaigns', oneVariant('later', 'flaky', 'Later {{name}}', '稍后 {{name}}'));
    const cid = c.json.campaign.id;
    const l = await api('POST', `/api/marketing/campaigns/${cid}/launch`, { scheduleAt: '2026-07-21T10:00:00Z' });
    expect(l.json.campaign.status).toBe('scheduled');
    await t.deps.broadcast.dispatch();
    expect(received('flaky').filter((a) => a.activity.text?.startsWith('Later'))).toHaveLength(0);
    clock.set('2026-07-21T10:00:00Z');
    await t.deps.broadcast.dispatch();
    expect(received('flaky').filter((a) => a.activity.text?.startsWith('Later'))).toHaveLength(1);
  });

  it('documents the marketing API in openapi.json', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(doc.paths['/api/marketing/segments/preview'].post).toBeDefined();
    expect(doc.paths['/api/marketing/campaigns'].post).toBeDefined();
    expect(doc.paths['/api/marketing/campaigns/{id}/launch'].post).toBeDefined();
    expect(doc.paths['/api/marketing/campaigns/{id}'].get).toBeDefined();
    expect(doc.paths['/api/marketing/campaigns/{id}'].patch).toBeDefined();
  });
});
