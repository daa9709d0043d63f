// NPS surveys, free-text feedback, reports, settings and canned replies over real HTTP (web chat channel).
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedback } from '../../db/schema/index.js';
import { DEFAULT_HANDOFF_SETTINGS } from '../../src/domain/handoffs/index.js';
import { updateStaff } from '../../src/domain/staff/index.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { addMember, fixedClock, seedProgram } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';
import { addStaff, login, type TestStaff } from '../support/staff.js';

const clock = fixedClock('2026-06-03T08:00:00Z');
let t: TestApp;
let server: RunningServer;
let agent: TestStaff;
let marketer: TestStaff;

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
  return { status: res.status, body: (await res.json()) as any };
}

async function chat(memberId: string) {
  const res = await fetch(`${server.url}/api/webchat/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ demoMemberId: memberId }),
  });
  const { sessionToken } = (await res.json()) as { sessionToken: string };
  let n = 0;
  return {
    token: sessionToken,
    async say(text: string) {
      n += 1;
      const r = await fetch(`${server.url}/api/webchat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${sessionToken}` },
        body: JSON.stringify({ text, clientMessageId: `${memberId}-${n}` }),
      });
      return ((await r.json()) as { replies: { text: string }[] }).replies.map((x) => x.text);
    },
    async live() {
      const r = await fetch(`${server.url}/api/webchat/events?after=0&wait=0`, { headers: { authorization: `Bearer ${sessionToken}` } });
      return ((await r.json()) as { events: { text: string; suggestions: { value: string }[] | null }[] }).events;
    },
  };
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  await seedProgram(t.store);
  await addMember(t.store, clock, { id: 'n-1', name: 'Nora Lee', locale: 'en' });
  await addMember(t.store, clock, { id: 'n-2', name: '赵敏', locale: 'zh-CN' });
  server = await startServer(t.app.fetch);
  agent = await addStaff(t.deps, 'agent', 'Ann');
  marketer = await addStaff(t.deps, 'marketer', 'Mia');
});
afterAll(async () => {
  await server.close();
  t.close();
});

describe('NPS survey', () => {
  it('asks the member in their latest conversation, takes the score once, and reports it', async () => {
    const c = await chat('n-1');
    const sent = await api(marketer.token, 'POST', '/api/agent/members/n-1/nps', { idempotencyKey: 'campaign-7:n-1' });
    expect(sent.body).toMatchObject({ status: 'sent', conversationId: expect.stringMatching(/^web:/) });
    const [prompt] = await c.live();
    expect(prompt.text).toContain('How likely are you to recommend us');
    expect(prompt.suggestions?.map((s) => s.value)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    // The same key again sends nothing more.
    expect((await api(marketer.token, 'POST', '/api/agent/members/n-1/nps', { idempotencyKey: 'campaign-7:n-1' })).body.status).toBe(
      'duplicate',
    );
    expect(await c.live()).toHaveLength(1);

    expect(await c.say('9')).toEqual(["Thank you for your score of 9! Anything you'd like to tell us? Just type it now."]);
    // A real question in the comment window is answered, not filed as the comment.
    const [answer] = await c.say('how many points do I have');
    expect(answer).toMatch(/^You have \d+ points/);
    // So is one the intent model has no label for but the assistant's text rules answer.
    const [spend] = await c.say('how much have I spent?');
    expect(spend).toMatch(/^In the last 12 months you spent ¥/);
    expect(await c.say('Fast delivery and friendly service')).toEqual(["Thank you, I've passed your comment on to the team."]);
    expect(await c.say('9')).toEqual(["You've already given us 9. Thank you!"]);
    const rows = await t.store.db.select().from(feedback).where(eq(feedback.memberId, 'n-1'));
    expect(rows).toMatchObject([
      { kind: 'nps', score: 9, text: 'Fast delivery and friendly service', sentiment: 'positive', category: 'delivery' },
    ]);

    const report = await api(agent.token, 'GET', '/api/agent/reports?weeks=4');
    expect(report.body.nps).toMatchObject({ count: 1, score: 100, promoters: 1 });
    expect(report.body.nps.distribution[9]).toBe(1);
    expect(report.body.perWeek).toHaveLength(4);
    // Weeks start on Monday in the reader's zone: UTC for this agent, Shanghai once they choose it.
    expect(report.body.perWeek.map((w: { week: string }) => w.week)).toEqual(['2026-05-11', '2026-05-18', '2026-05-25', '2026-06-01']);
    expect(report.body.from).toBe('2026-05-11T00:00:00.000Z');
    await updateStaff({ ctx: t.deps.domain, input: { staffId: agent.id, timeZone: 'Asia/Shanghai' } });
    const local = await api(agent.token, 'GET', '/api/agent/reports?weeks=4');
    expect(local.body.from).toBe('2026-05-10T16:00:00.000Z');
    expect(local.body.nps).toMatchObject({ count: 1 });
    await updateStaff({ ctx: t.deps.domain, input: { staffId: agent.id, timeZone: null } });
  });

  it('reports a member who never chatted, and refuses unknown members', async () => {
    await addMember(t.store, clock, { id: 'n-3', name: 'Quiet', locale: 'en' });
    expect((await api(agent.token, 'POST', '/api/agent/members/n-3/nps', {})).body.status).toBe('no_conversation');
    expect((await api(agent.token, 'POST', '/api/agent/members/nobody/nps', {})).status).toBe(404);
  });
});

describe('free-text feedback', () => {
  it('stores praise and suggestions with category and sentiment, and lists them for staff', async () => {
    const c = await chat('n-2');
    const [reply] = await c.say('我想提个建议：小程序的积分页面加载太慢了');
    expect(reply).toBeTruthy();
    const list = await api(marketer.token, 'GET', '/api/agent/feedback?memberId=n-2');
    expect(list.status).toBe(200);
    const row = list.body.feedback[0];
    expect(row.memberName).toBe('赵敏');
    expect(['app', 'points']).toContain(row.category);
    expect(row.kind === 'text' || row.kind === 'complaint').toBe(true);
  });
});

describe('settings and canned replies', () => {
  it('lets admins change hours (validated) and agents read canned replies', async () => {
    const bad = await api(TEST_ADMIN_TOKEN, 'PUT', '/api/admin/handoff-settings', {
      ...DEFAULT_HANDOFF_SETTINGS,
      hours: { ...DEFAULT_HANDOFF_SETTINGS.hours, en: { ...DEFAULT_HANDOFF_SETTINGS.hours.en, timeZone: 'Mars/Olympus' } },
    });
    expect(bad.status).toBe(400);
    const ok = await api(TEST_ADMIN_TOKEN, 'PUT', '/api/admin/handoff-settings', { ...DEFAULT_HANDOFF_SETTINGS, queueTimeoutMinutes: 7 });
    expect(ok.body.queueTimeoutMinutes).toBe(7);
    expect((await api(TEST_ADMIN_TOKEN, 'GET', '/api/admin/handoff-settings')).body.queueTimeoutMinutes).toBe(7);
    expect((await api(agent.token, 'PUT', '/api/admin/handoff-settings', DEFAULT_HANDOFF_SETTINGS)).status).toBe(403);

    const defaults = await api(agent.token, 'GET', '/api/agent/canned-replies?locale=en');
    expect(defaults.body.cannedReplies.length).toBeGreaterThan(0);
    const added = await api(TEST_ADMIN_TOKEN, 'POST', '/api/admin/canned-replies', {
      locale: 'en',
      title: 'Refund',
      text: 'Your refund is on its way, {{name}}.',
    });
    const after = await api(agent.token, 'GET', '/api/agent/canned-replies?locale=en');
    // The first custom reply keeps the built-in ones (copied in) and adds its own.
    expect(after.body.cannedReplies.length).toBe(defaults.body.cannedReplies.length + 1);
    expect(after.body.cannedReplies.some((r: { id: string }) => r.id === added.body.id)).toBe(true);
    expect((await api(TEST_ADMIN_TOKEN, 'DELETE', `/api/admin/canned-replies/${added.body.id}`)).body.deleted).toBe(true);
  });

  it('saves business hours from the settings page form (with CSRF) and shows errors on the page', async () => {
    const admin = await addStaff(t.deps, 'admin');
    const s = await login(server.url, admin.email, admin.password);
    const form = (over: Record<string, string>) => {
      const p = new URLSearchParams({
        _csrf: s.csrf,
        'zh-CN.timeZone': 'Asia/Shanghai',
        'zh-CN.open': '09:00',
        'zh-CN.close': '22:00',
        'en.timeZone': 'America/New_York',
        'en.open': '08:00',
        'en.close': '17:00',
        'en.closedDates': '2026-07-04\n2026-12-25',
        queueTimeoutMinutes: '20',
        minutesPerWaitingMember: '4',
        csatWindowHours: '48',
        ...over,
      });
      for (const d of ['1', '2', '3', '4', '5', '6', '7']) p.append('zh-CN.days', d);
      for (const d of ['1', '2', '3', '4', '5']) p.append('en.days', d);
      return fetch(`${server.url}/console/settings/handoff`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookie },
        body: p.toString(),
      });
    };
    const saved = await form({});
    expect(saved.status).toBe(303);
    const settings = (await api(TEST_ADMIN_TOKEN, 'GET', '/api/admin/handoff-settings')).body;
    expect(settings.hours.en).toEqual({
      timeZone: 'America/New_York',
      days: [1, 2, 3, 4, 5],
      open: '08:00',
      close: '17:00',
      closedDates: ['2026-07-04', '2026-12-25'],
    });
    expect(settings.hours['zh-CN'].close).toBe('22:00');
    expect(settings).toMatchObject({ queueTimeoutMinutes: 20, minutesPerWaitingMember: 4, csatWindowHours: 48 });
    const bad = await form({ 'en.close': '07:00' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('close must be after open');
  });
});

describe('OpenAPI', () => {
  it('documents the agent API', async () => {
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, method] of [
      ['/api/agent/handoffs', 'get'],
      ['/api/agent/handoffs/{id}/claim', 'post'],
      ['/api/agent/handoffs/{id}/messages', 'post'],
      ['/api/agent/handoffs/{id}/resolve', 'post'],
      ['/api/agent/events', 'get'],
      ['/api/admin/staff', 'post'],
      ['/api/webchat/events', 'get'],
    ]) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeTruthy();
    }
  });
});
