// Marketing consent over real HTTP: chat keywords on Bot Framework, web chat and Telegram, its history, the admin API, the seed.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentHistory, handoffs, members } from '../../db/schema/index.js';
import { seedDemo } from '../../db/seed/demo.js';
import { getAgentMemberCard } from '../../src/domain/handoffs/index.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { emulatorActivity, postActivity, startLocalConnector, type LocalConnector } from '../support/connector.js';
import { addMember, openSupportAllDay, domainCtx, fixedClock, seedProgram } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';
import { addStaff, login, type TestStaff } from '../support/staff.js';
import { createTestStore } from '../support/store.js';
import { type LocalTelegram, postUpdate, startLocalTelegram, tgMessage } from '../support/telegram.js';

const TG_TOKEN = '123456:consent-bot-token';
const TG_SECRET = 'tg-consent-secret';
const clock = fixedClock('2026-06-01T08:00:00Z');
let t: TestApp;
let server: RunningServer;
let connector: LocalConnector;
let tg: LocalTelegram;
let agent: TestStaff;

async function bf(userId: string, text: string, extra: Record<string, unknown> = {}) {
  const activity = emulatorActivity(connector.url, userId, text, extra);
  const { status, replies } = await postActivity(server.url, connector, activity);
  expect(status).toBe(200);
  return { activity, replies };
}

async function tgSay(chatId: number, text: string) {
  const before = tg.messagesTo(chatId).length;
  const res = await postUpdate(server.url, TG_SECRET, tgMessage(chatId, text));
  expect(res.status).toBe(200);
  return tg.messagesTo(chatId).slice(before);
}

let seq = 0;
async function webchat(token: string, text: string) {
  seq += 1;
  const res = await fetch(`${server.url}/api/webchat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ text, clientMessageId: `c-${seq}` }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: { text: string }[] }).replies;
}

async function startChat(memberId: string) {
  const res = await fetch(`${server.url}/api/webchat/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ demoMemberId: memberId }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { sessionToken: string }).sessionToken;
}

async function admin(method: string, path: string, body?: unknown, token = TEST_ADMIN_TOKEN) {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const consentOf = async (id: string) => {
  const [m] = await t.store.db
    .select({ consent: members.marketingConsent, at: members.marketingConsentAt })
    .from(members)
    .where(eq(members.id, id));
  return m;
};
const historyOf = (id: string) =>
  t.store.db.select().from(consentHistory).where(eq(consentHistory.memberId, id)).orderBy(consentHistory.id);

beforeAll(async () => {
  connector = await startLocalConnector();
  tg = await startLocalTelegram(TG_TOKEN);
  t = await createTestApp({
    clock,
    env: { TELEGRAM_BOT_TOKEN: TG_TOKEN, TELEGRAM_WEBHOOK_SECRET: TG_SECRET, TELEGRAM_API_ROOT: tg.url },
  });
  await seedProgram(t.store);
  await addMember(t.store, clock, {
    id: 'en-1',
    name: 'Emma Clark',
    locale: 'en',
    identity: { channelId: 'emulator', channelUserId: 'u-en' },
  });
  await addMember(t.store, clock, {
    id: 'zh-1',
    name: '王芳',
    locale: 'zh-CN',
    identity: { channelId: 'emulator', channelUserId: 'u-zh' },
  });
  await addMember(t.store, clock, {
    id: 'tg-1',
    name: '李雷',
    locale: 'zh-CN',
    identity: { channelId: 'telegram', channelUserId: '3001' },
  });
  await addMember(t.store, clock, { id: 'w-1', name: '王伟', locale: 'zh-CN', timeZone: 'Asia/Shanghai' });
  await addMember(t.store, clock, { id: 'api-1', name: 'Api Member', locale: 'en' });
  // Everyone starts opted in, as members who ticked the box at sign-up.
  await t.store.db.update(members).set({ marketingConsent: true, marketingConsentAt: clock() });
  await openSupportAllDay(t.deps.domain, ['zh-CN']);
  server = await startServer(t.app.fetch);
  agent = await addStaff(t.deps, 'agent', '李娜');
});
afterAll(async () => {
  await server.close();
  await connector.close();
  await tg.close();
  t.close();
});

describe('consent keywords in chat', () => {
  it('Bot Framework: STOP opts out at once, with a confirmation that says how to opt back in, and a history row', async () => {
    clock.set('2026-06-01T09:00:00Z');
    const { replies } = await bf('u-en', 'STOP');
    expect(replies).toHaveLength(1);
    expect(replies[0].text).toContain("won't receive marketing messages");
    expect(replies[0].text).toContain('START');
    expect(await consentOf('en-1')).toEqual({ consent: false, at: new Date('2026-06-01T09:00:00Z') });
    const h = await historyOf('en-1');
    expect(h).toHaveLength(1);
    expect(h[0]).toMatchObject({ granted: false, source: 'chat', channelId: 'emulator', actor: 'en-1' });
  });

  it('a retried activity and a second STOP change nothing and write no second history row', async () => {
    const first = await bf('u-en', 'stop');
    expect(first.replies[0].text).toContain('already unsubscribed');
    // The channel retries the same activity: answered once (dedupe), nothing written.
    const before = connector.captured.length;
    const res = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(first.activity),
    });
    expect(res.status).toBe(200);
    expect(connector.captured.length).toBe(before);
    expect(await historyOf('en-1')).toHaveLength(1);
    expect((await consentOf('en-1')).consent).toBe(false);
  });

  it('START and subscribe opt back in (full-width and any case too), and the message is not sent to the assistant', async () => {
    clock.set('2026-06-01T10:00:00Z');
    const { replies } = await bf('u-en', 'Ｓｔａｒｔ');
    expect(replies[0].text).toContain("you'll receive our member offers again");
    expect(replies[0].text).toContain('STOP');
    expect(await consentOf('en-1')).toEqual({ consent: true, at: new Date('2026-06-01T10:00:00Z') });
    expect((await historyOf('en-1')).map((h) => h.granted)).toEqual([false, true]);
    expect((await bf('u-en', 'subscribe')).replies[0].text).toContain('already subscribed');
  });

  it('STOP is always honoured, but START counts against the rate limit: flipping consent cannot write a row per message', async () => {
    clock.set('2026-06-01T11:00:00Z');
    await addMember(t.store, clock, {
      id: 'flip-1',
      name: 'Flip Flop',
      locale: 'en',
      identity: { channelId: 'emulator', channelUserId: 'u-flip' },
    });
    const limit = t.deps.config.RATE_LIMIT_PER_MINUTE;
    const starts: string[][] = [];
    for (let i = 0; i < limit + 5; i++) {
      const stop = await bf('u-flip', 'STOP');
      expect(stop.replies).toHaveLength(1); // every STOP is answered and leaves the member opted out
      expect((await consentOf('flip-1')).consent).toBe(false);
      starts.push((await bf('u-flip', 'START')).replies.map((r) => r.text ?? ''));
    }
    // The first `limit` STARTs opt back in; the next one is told to slow down; the rest get silence.
    expect(starts.slice(0, limit).every((r) => /receive our member offers again/.test(r[0]))).toBe(true);
    expect(starts[limit]).toEqual([expect.stringMatching(/faster than I can answer/)]);
    expect(starts.slice(limit + 1)).toEqual(Array(4).fill([]));
    const history = await historyOf('flip-1');
    // The member starts opted out, so the first STOP changes nothing: one row per honoured START and per STOP after it.
    expect(history.filter((h) => h.granted)).toHaveLength(limit);
    expect(history.filter((h) => !h.granted)).toHaveLength(limit);
    expect((await consentOf('flip-1')).consent).toBe(false);
  });

  it('a Chinese member gets Chinese for 退订 and for STOP; 取消订阅 works too; unrelated sentences do not opt out', async () => {
    const r1 = await bf('u-zh', '退订');
    expect(r1.replies[0].text).toContain('已为您退订');
    expect(r1.replies[0].text).toContain('订阅');
    expect((await consentOf('zh-1')).consent).toBe(false);
    expect((await bf('u-zh', '订阅！')).replies[0].text).toContain('欢迎回来');
    expect((await bf('u-zh', 'STOP')).replies[0].text).toContain('已为您退订');
    expect((await bf('u-zh', '订阅')).replies[0].text).toContain('欢迎回来');
    expect((await bf('u-zh', ' 取消订阅 ')).replies[0].text).toContain('已为您退订');
    await bf('u-zh', '订阅');
    await bf('u-zh', '我想退订优惠短信可以吗');
    expect((await consentOf('zh-1')).consent).toBe(true);
    expect((await historyOf('zh-1')).map((h) => h.granted)).toEqual([false, true, false, true, false, true]);
  });

  it('an unlinked chat user is told there is nothing to change (or to link first) and nothing is written', async () => {
    const before = await t.store.db.select({ n: sql<number>`count(*)` }).from(consentHistory);
    const out = await bf('stranger', 'unsubscribe');
    expect(out.replies[0].text).toContain("isn't linked to a membership");
    const inn = await bf('stranger', '订阅');
    expect(inn.replies[0].text).toContain('请先将本聊天绑定');
    const after = await t.store.db.select({ n: sql<number>`count(*)` }).from(consentHistory);
    expect(after).toEqual(before);
  });

  it('Telegram: ＳＴＯＰ！ from the linked chat opts the member out, answered in their language', async () => {
    const [reply] = await tgSay(3001, 'ＳＴＯＰ！');
    expect(reply.text).toContain('已为您退订');
    expect((await consentOf('tg-1')).consent).toBe(false);
    expect((await historyOf('tg-1'))[0]).toMatchObject({ granted: false, source: 'chat', channelId: 'telegram', actor: 'tg-1' });
    const [back] = await tgSay(3001, 'START');
    expect(back.text).toContain('欢迎回来');
    expect((await consentOf('tg-1')).consent).toBe(true);
  });

  it('web chat: 退订 opts out even while an agent holds the conversation, and the confirmation still reaches the member', async () => {
    const token = await startChat('w-1');
    await webchat(token, '转人工');
    const [h] = await t.store.db.select().from(handoffs).where(eq(handoffs.memberId, 'w-1'));
    const claim = await fetch(`${server.url}/api/agent/handoffs/${h.id}/claim`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect(claim.status).toBe(200);
    // While the agent holds the conversation the assistant stays quiet...
    expect(await webchat(token, '我的积分')).toEqual([]);
    // ...but an opt-out is confirmed at once.
    const replies = await webchat(token, '退订');
    expect(replies).toHaveLength(1);
    expect(replies[0].text).toContain('已为您退订');
    expect((await consentOf('w-1')).consent).toBe(false);
    expect((await historyOf('w-1'))[0]).toMatchObject({ source: 'chat', channelId: 'web', actor: 'w-1' });
    // The agent sees the keyword and the confirmation in the transcript, and the card shows the change.
    const view = (await (
      await fetch(`${server.url}/api/agent/handoffs/${h.id}`, { headers: { authorization: `Bearer ${agent.token}` } })
    ).json()) as { transcript: { text: string }[] };
    expect(view.transcript.map((l) => l.text)).toEqual(expect.arrayContaining(['退订', replies[0].text]));
    const card = await getAgentMemberCard({ ctx: t.deps.domain, input: { memberId: 'w-1' } });
    expect(card.card.marketingConsent).toBe(false);
    expect(card.consentHistory[0]).toMatchObject({ granted: false, source: 'chat' });
  });
});

describe('consent on the agent loyalty card', () => {
  it('an agent records a member’s spoken request from the handoff page (source console, CSRF required)', async () => {
    const [h] = await t.store.db.select().from(handoffs).where(eq(handoffs.memberId, 'w-1'));
    const s = await login(server.url, agent.email, agent.password);
    const html = await (await fetch(`${server.url}/console/handoffs/${h.id}`, { headers: { cookie: s.cookie } })).text();
    expect(html).toContain('data-testid="consent-history"');
    expect(html).toContain('Opt in (member asked)');
    const post = (fields: Record<string, string>) =>
      fetch(`${server.url}/console/handoffs/${h.id}/consent`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    expect((await post({ granted: 'true' })).status).toBe(403);
    expect((await post({ _csrf: s.csrf, granted: 'maybe' })).status).toBe(400);
    expect((await consentOf('w-1')).consent).toBe(false);
    const ok = await post({ _csrf: s.csrf, granted: 'true' });
    expect(ok.status).toBe(303);
    expect((await consentOf('w-1')).consent).toBe(true);
    expect((await historyOf('w-1')).at(-1)).toMatchObject({ granted: true, source: 'console', actor: agent.id, channelId: null });
    const after = await (await fetch(`${server.url}/console/handoffs/${h.id}`, { headers: { cookie: s.cookie } })).text();
    expect(after).toContain('Opt out (member asked)');
  });
});

describe('GET/PUT /api/admin/members/{id}/consent', () => {
  it('returns the consent and its history, newest first', async () => {
    const res = await admin('GET', '/api/admin/members/en-1/consent');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { marketingConsent: boolean; history: { granted: boolean; source: string; channelId: string }[] };
    expect(body.marketingConsent).toBe(true);
    expect(body.history.map((h) => h.granted)).toEqual([true, false]);
    expect(body.history[0]).toMatchObject({ source: 'chat', channelId: 'emulator', actor: 'en-1', createdAt: '2026-06-01T10:00:00.000Z' });
  });

  it('PUT sets consent with source api and the caller as actor; a repeat writes nothing', async () => {
    const res = await admin('PUT', '/api/admin/members/api-1/consent', { granted: false });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { marketingConsent: boolean; history: { source: string; actor: string | null }[] };
    expect(body.marketingConsent).toBe(false);
    expect(body.history).toHaveLength(1);
    expect(body.history[0].source).toBe('api');
    expect(body.history[0].actor).toBeTruthy();
    const again = await admin('PUT', '/api/admin/members/api-1/consent', { granted: false });
    expect(((await again.json()) as { history: unknown[] }).history).toHaveLength(1);
  });

  it('refuses bad input, unknown members and callers without the admin role, writing nothing', async () => {
    for (const body of ['{', { granted: 'no' }, {}, { granted: true, extra: 1 }]) {
      const res = await admin('PUT', '/api/admin/members/api-1/consent', body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    }
    expect((await admin('GET', '/api/admin/members/nobody/consent')).status).toBe(404);
    expect((await admin('PUT', '/api/admin/members/nobody/consent', { granted: true })).status).toBe(404);
    expect((await admin('GET', '/api/admin/members/api-1/consent', undefined, 'wrong')).status).toBe(401);
    expect((await admin('PUT', '/api/admin/members/api-1/consent', { granted: true }, agent.token)).status).toBe(403);
    expect(await historyOf('api-1')).toHaveLength(1);
    expect((await consentOf('api-1')).consent).toBe(false);
  });
});

describe('demo seed', () => {
  it('records the consent every seeded member starts with as an import', async () => {
    const store = await createTestStore();
    try {
      await seedDemo(domainCtx(store, fixedClock('2026-06-01T08:00:00Z')));
      const [consented] = await store.db.select({ n: sql<number>`count(*)` }).from(members).where(eq(members.marketingConsent, true));
      const rows = await store.db.select().from(consentHistory);
      expect(Number(consented.n)).toBeGreaterThan(0);
      expect(rows).toHaveLength(Number(consented.n));
      expect(rows.every((r) => r.granted && r.source === 'import' && r.actor === null)).toBe(true);
    } finally {
      store.dispose();
    }
  });
});
