// Data-subject export and erasure over real HTTP: one JSON document out; after erasure no trace in any table.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLog,
  consentHistory,
  handoffs,
  memberAnalytics,
  members,
  pointsLedger,
  recMemberCategories,
  recMemberProducts,
  recMemberProfiles,
} from '../../db/schema/index.js';
import { ConversationMemory } from '../../src/assistant/memory.js';
import { signMemberToken } from '../../src/channels/webchat/session.js';
import { computeMemberAnalytics } from '../../src/domain/analytics/index.js';
import { submitFeedback } from '../../src/domain/feedback/index.js';
import { addHandoffNote } from '../../src/domain/handoffs/index.js';
import { redeemCoupon } from '../../src/domain/loyalty/index.js';
import { orderEventSchema, recordOrder } from '../../src/domain/orders/index.js';
import { ERASED_NAME } from '../../src/domain/privacy/index.js';
import { rebuildRecommendationStats } from '../../src/domain/products/index.js';
import { createTestApp, TEST_ADMIN_TOKEN, TEST_WEBCHAT_SECRET, type TestApp } from '../support/app.js';
import { emulatorActivity, startLocalConnector, type LocalConnector } from '../support/connector.js';
import { addMember, openSupportAllDay, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';
import { addStaff, type TestStaff } from '../support/staff.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
let t: TestApp;
let server: RunningServer;
let connector: LocalConnector;
let admin: TestStaff;
let agent: TestStaff;

/** What the erased member told us or we stored about them: none of it may survive erasure. */
const A = {
  id: 'priv-a',
  user: 'user-priv-a',
  name: 'Xiaoming Quokkason',
  email: 'xiaoming.quokka@example.com',
  phone: '+86 139 1234 5678',
  birthday: '1991-07-14',
  message: 'My parcel quokka-marmalade-42 never arrived',
  tracking: 'SF7788990011QK',
  note: 'Member sounds upset about the quokka parcel',
  reply: 'Sorry, checking the quokka parcel now',
  feedback: 'The courier walrus-jumpsuit was rude',
  memory: 'memory-secret-quokka',
};
/** Another member whose data must stay exactly as it was. */
const B = { id: 'priv-b', user: 'user-priv-b', name: 'Beatrix Otterly', message: 'Otterly asks about pelican-sandwich-9' };

async function say(userId: string, text: string) {
  const res = await fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(emulatorActivity(connector.url, userId, text)),
  });
  expect(res.status).toBe(200);
}

function api(path: string, init: RequestInit & { token?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (init.token !== '') headers.authorization = `Bearer ${init.token ?? admin.token}`;
  return fetch(`${server.url}${path}`, { ...init, headers });
}

const erase = (id: string, body: unknown = { confirm: id }, token?: string) =>
  api(`/api/admin/members/${id}/erase`, { method: 'POST', body: JSON.stringify(body), token });

/** Every row of every table, as JSON text (the audit log apart: it is checked on its own). */
async function dumpTables(): Promise<Record<string, string[]>> {
  const tables = await t.store.client.execute(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name",
  );
  const out: Record<string, string[]> = {};
  for (const { name } of tables.rows) {
    if (name === 'audit_log') continue;
    const rows = await t.store.client.execute(`select * from "${String(name)}" order by rowid`);
    out[String(name)] = rows.rows.map((r) => JSON.stringify(r));
  }
  return out;
}

function tablesContaining(dump: Record<string, string[]>, needle: string): string[] {
  const n = needle.toLowerCase();
  return Object.entries(dump)
    .filter(([, rows]) => rows.some((r) => r.toLowerCase().includes(n)))
    .map(([name]) => name);
}

/** The rows of every table that mention one of the markers. */
function rowsMentioning(dump: Record<string, string[]>, markers: string[]): Record<string, string[]> {
  return Object.fromEntries(Object.entries(dump).map(([name, rows]) => [name, rows.filter((r) => markers.some((m) => r.includes(m)))]));
}

async function ledgerSums() {
  const [all] = await t.store.db.select({ points: sql<number>`coalesce(sum(${pointsLedger.points}), 0)` }).from(pointsLedger);
  const [a] = await t.store.db
    .select({ points: sql<number>`coalesce(sum(${pointsLedger.points}), 0)` })
    .from(pointsLedger)
    .where(eq(pointsLedger.memberId, A.id));
  const [m] = await t.store.db.select({ balance: members.pointsBalance }).from(members).where(eq(members.id, A.id));
  return { all: all.points, member: a.points, cached: m.balance };
}

beforeAll(async () => {
  connector = await startLocalConnector();
  t = await createTestApp({ clock });
  await seedProgram(t.store);
  await openSupportAllDay(t.deps.domain);
  await addMember(t.store, clock, { id: A.id, name: A.name, locale: 'en', identity: { channelId: 'emulator', channelUserId: A.user } });
  await t.store.write((tx) =>
    tx
      .update(members)
      .set({ email: A.email, phone: A.phone, birthday: A.birthday, marketingConsent: true, marketingConsentAt: clock() })
      .where(eq(members.id, A.id)),
  );
  await addMember(t.store, clock, { id: B.id, name: B.name, locale: 'en', identity: { channelId: 'emulator', channelUserId: B.user } });
  const ctx = t.deps.domain;
  await paidOrder(ctx, A.id, 'A-ORD-1', '800', '2026-05-20T00:00:00Z');
  await recordOrder({
    ctx,
    input: orderEventSchema.parse({
      orderId: 'A-ORD-1',
      memberId: A.id,
      status: 'shipped',
      orderedAt: '2026-05-20T00:00:00Z',
      paidAt: '2026-05-20T00:00:00Z',
      lines: [{ productId: 'P1', quantity: 1, amount: '800' }],
      carrier: 'SF Express',
      trackingNo: A.tracking,
    }),
  });
  await paidOrder(ctx, B.id, 'B-ORD-1', '120', '2026-05-21T00:00:00Z');
  await redeemCoupon({ ctx, input: { memberId: A.id, couponId: 'C5', idempotencyKey: 'priv-a-c5' } });
  server = await startServer(t.app.fetch);
  admin = await addStaff(t.deps, 'admin');
  agent = await addStaff(t.deps, 'agent');

  await say(A.user, `${A.message}, mail me at ${A.email} or call ${A.phone}`);
  await say(A.user, 'How many points do I have?');
  await say(A.user, 'human');
  const [h] = await t.store.db.select().from(handoffs).where(eq(handoffs.memberId, A.id));
  await t.deps.handoff.claim({ id: agent.id, role: 'agent', displayName: 'Agent' }, h.id);
  await t.deps.handoff.reply({ id: agent.id, role: 'agent', displayName: 'Agent' }, h.id, A.reply);
  await addHandoffNote({ ctx, input: { handoffId: h.id, staffId: agent.id, text: A.note } });
  await submitFeedback({ ctx, input: { memberId: A.id, conversationId: h.conversationId, kind: 'text', text: A.feedback } });
  await new ConversationMemory(t.deps.state).append(h.conversationId, { role: 'user', content: A.memory });
  await say(B.user, B.message);
});
afterAll(async () => {
  await server?.close();
  await connector?.close();
  t?.close();
});

describe('GET /api/admin/members/{id}/export', () => {
  it('is for admins only', async () => {
    expect((await api(`/api/admin/members/${A.id}/export`, { token: '' })).status).toBe(401);
    expect((await api(`/api/admin/members/${A.id}/export`, { token: agent.token })).status).toBe(403);
    expect((await api('/api/admin/members/nobody/export')).status).toBe(404);
    expect((await api(`/api/admin/members/${A.id}/export`, { token: TEST_ADMIN_TOKEN })).status).toBe(200);
  });

  it("returns everything about the member in one document, and nobody else's data", async () => {
    const res = await api(`/api/admin/members/${A.id}/export`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const doc = await res.json();
    expect(doc).toMatchObject({ format: 'member-export/1', memberId: A.id, erasedAt: null });
    expect(doc.data.profile).toEqual([expect.objectContaining({ id: A.id, name: A.name, email: A.email, phone: A.phone })]);
    expect(doc.data.identities).toEqual([expect.objectContaining({ channelId: 'emulator', channelUserId: A.user })]);
    expect(doc.data.orders).toEqual([expect.objectContaining({ id: 'A-ORD-1', status: 'shipped', trackingNo: A.tracking })]);
    expect(doc.data.orderLines).toEqual([expect.objectContaining({ orderId: 'A-ORD-1', productId: 'P1' })]);
    expect(doc.data.ledger.map((e: { kind: string }) => e.kind).sort()).toEqual(['earn', 'redeem']);
    expect(doc.data.coupons).toEqual([expect.objectContaining({ couponId: 'C5' })]);
    expect(doc.data.messages.map((m: { text: string }) => m.text)).toContain(`${A.message}, mail me at ${A.email} or call ${A.phone}`);
    expect(doc.data.handoffDeliveries.map((d: { text: string }) => d.text)).toContain(A.reply);
    expect(doc.data.handoffNotes.map((n: { text: string }) => n.text)).toEqual([A.note]);
    expect(doc.data.feedback.map((f: { text: string }) => f.text)).toEqual([A.feedback]);
    expect(doc.data.recProducts).toEqual([expect.objectContaining({ memberId: A.id, productId: 'P1' })]);
    const text = JSON.stringify(doc);
    expect(text).not.toContain(B.name);
    expect(text).not.toContain(B.message);
    expect(text).not.toContain('B-ORD-1');
  });

  it('is audited with the staff member who asked', async () => {
    const rows = await t.store.db.select().from(auditLog).where(eq(auditLog.action, 'member.export'));
    expect(rows.at(-1)).toMatchObject({ staffId: admin.id, target: `member:${A.id}`, via: 'api_token' });
  });
});

describe('POST /api/admin/members/{id}/erase', () => {
  it('refuses without an admin, without the confirmation, and for unknown members', async () => {
    expect((await erase(A.id, { confirm: A.id }, '')).status).toBe(401);
    expect((await erase(A.id, { confirm: A.id }, agent.token)).status).toBe(403);
    expect((await erase(A.id, {})).status).toBe(400);
    const wrong = await erase(A.id, { confirm: B.id });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error.code).toBe('bad_request');
    expect((await erase('nobody')).status).toBe(404);
    const [m] = await t.store.db.select().from(members).where(eq(members.id, A.id));
    expect(m.name).toBe(A.name);
  });

  it('erases nothing when any part of it fails (one transaction)', async () => {
    const before = await dumpTables();
    // A real engine failure half-way: conversations are deleted after messages, identities and handoffs changed.
    await t.store.client.execute("create trigger fail_erase before delete on conversations begin select raise(abort, 'disk on fire'); end");
    try {
      expect((await erase(A.id)).status).toBe(500);
    } finally {
      await t.store.client.execute('drop trigger fail_erase');
    }
    expect(await dumpTables()).toEqual(before);
  });

  it('leaves no name, contact detail, tracking number or message text in any table; the ledger sums stay', async () => {
    const before = await dumpTables();
    const secrets = [A.name, A.email, A.phone, A.birthday, A.message, A.tracking, A.note, A.reply, A.feedback, A.user];
    // The scan finds each of them before: a search that cannot find anything would prove nothing.
    for (const s of secrets) expect(tablesContaining(before, s), s).not.toEqual([]);
    const sums = await ledgerSums();
    const bRows = rowsMentioning(before, [B.id, B.user, B.name, B.message]);

    const res = await erase(A.id);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ memberId: A.id, alreadyErased: false });
    expect(body.counts.messages).toBeGreaterThan(0);
    expect(body.counts.identities).toBe(1);
    expect(body.stateKeysCleared).toBeGreaterThan(0);

    const after = await dumpTables();
    for (const s of [...secrets, A.memory]) expect(tablesContaining(after, s), s).toEqual([]);
    // The other member is untouched, row for row.
    expect(rowsMentioning(after, [B.id, B.user, B.name, B.message])).toEqual(bRows);
    expect(await ledgerSums()).toEqual(sums);

    const [m] = await t.store.db.select().from(members).where(eq(members.id, A.id));
    expect(m).toMatchObject({ name: ERASED_NAME, email: null, phone: null, birthday: null, marketingConsent: false });
    expect(m.erasedAt?.toISOString()).toBe(clock().toISOString());
    const [h] = await t.store.db.select().from(handoffs).where(eq(handoffs.memberId, A.id));
    expect(h.status).toBe('cancelled');
    expect(await new ConversationMemory(t.deps.state).load(`emulator:conv-${A.user}`)).toEqual([]);

    // Consent was withdrawn on record (who and how), and the history is kept.
    const consent = await t.store.db.select().from(consentHistory).where(eq(consentHistory.memberId, A.id));
    expect(consent).toEqual([expect.objectContaining({ granted: false, source: 'api', actor: admin.id })]);

    const [entry] = await t.store.db.select().from(auditLog).where(eq(auditLog.action, 'member.erase'));
    expect(entry).toMatchObject({ staffId: admin.id, target: `member:${A.id}`, via: 'api_token' });
    expect(JSON.stringify(entry.details)).not.toContain(A.name);
  });

  it('is idempotent: erasing again changes nothing and says so', async () => {
    const before = await dumpTables();
    const res = await erase(A.id);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ alreadyErased: true });
    expect(await dumpTables()).toEqual(before);
    expect((await t.store.db.select().from(auditLog).where(eq(auditLog.action, 'member.erase'))).length).toBe(2);
  });

  it('a rebuild of the recommendation statistics gives the erased member no profile again', async () => {
    const r = await rebuildRecommendationStats({ ctx: t.deps.domain, input: {} });
    expect(r.orders).toBe(2);
    const profiles = await t.store.db.select().from(recMemberProfiles);
    expect(profiles.map((p) => p.memberId)).toEqual([B.id]);
    expect((await t.store.db.select().from(recMemberProducts).where(eq(recMemberProducts.memberId, A.id))).length).toBe(0);
    expect((await t.store.db.select().from(recMemberCategories).where(eq(recMemberCategories.memberId, A.id))).length).toBe(0);
  });

  it('the analytics job does not profile the erased member again', async () => {
    await computeMemberAnalytics({ ctx: t.deps.domain, input: {} });
    const rows = await t.store.db.select({ memberId: memberAnalytics.memberId }).from(memberAnalytics);
    expect(rows.map((r) => r.memberId)).toEqual([B.id]);
  });

  it('the tombstone takes no new identity: no link codes, no web chat sessions', async () => {
    const code = await api(`/api/admin/members/${A.id}/link-codes`, { method: 'POST' });
    expect(code.status).toBe(409);
    const memberToken = await signMemberToken(TEST_WEBCHAT_SECRET, A.id);
    const web = await api('/api/webchat/session', { method: 'POST', body: JSON.stringify({ memberToken }), token: '' });
    expect(web.status).toBe(409);
    expect((await api(`/api/admin/members/${B.id}/link-codes`, { method: 'POST' })).status).toBe(200);
  });

  it('the erased member chatting again is a stranger with no history', async () => {
    await say(A.user, 'How many points do I have?');
    const doc = await (await api(`/api/admin/members/${A.id}/export`)).json();
    expect(doc.erasedAt).toBe(clock().toISOString());
    expect(doc.data.messages).toEqual([]);
    expect(doc.data.identities).toEqual([]);
    expect(doc.data.ledger).toHaveLength(2);
  });
});
