// The built-in web chat's live delivery over real HTTP: agent replies and ratings reach the page by cursor, once each.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedback, handoffs } from '../../db/schema/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, openSupportAllDay, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';
import { addStaff, type TestStaff } from '../support/staff.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
let t: TestApp;
let server: RunningServer;
let agent: TestStaff;

interface LiveEvent {
  id: number;
  author: 'bot' | 'agent';
  authorName: string | null;
  text: string;
  suggestions: { title: string; value: string }[] | null;
}

async function startChat(memberId: string) {
  const res = await fetch(`${server.url}/api/webchat/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ demoMemberId: memberId }),
  });
  const body = (await res.json()) as { sessionToken: string; cursor: number };
  return body;
}

let seq = 0;
async function send(token: string, text: string) {
  seq += 1;
  const res = await fetch(`${server.url}/api/webchat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ text, clientMessageId: `m-${seq}` }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: { text: string }[] }).replies;
}

async function events(token: string, after: number, wait = 0) {
  const res = await fetch(`${server.url}/api/webchat/events?after=${after}&wait=${wait}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { events: LiveEvent[]; cursor: number };
}

async function agentApi(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  await seedProgram(t.store);
  await addMember(t.store, clock, { id: 'w-1', name: '王伟', locale: 'zh-CN', timeZone: 'Asia/Shanghai' });
  await paidOrder(t.deps.domain, 'w-1', 'W1', '520', '2026-05-01T00:00:00Z');
  await openSupportAllDay(t.deps.domain, ['zh-CN']);
  server = await startServer(t.app.fetch);
  agent = await addStaff(t.deps, 'agent', '李娜');
});
afterAll(async () => {
  await server.close();
  t.close();
});

describe('web chat live delivery', () => {
  it('delivers the agent joining, replies and the rating prompt by cursor, never twice, and takes the rating', async () => {
    const chat = await startChat('w-1');
    expect(chat.cursor).toBe(0);
    const [queued] = await send(chat.sessionToken, '转人工');
    expect(queued.text).toContain('排在第 1 位');
    const [h] = await t.store.db.select().from(handoffs).where(eq(handoffs.memberId, 'w-1'));

    // A long-poll that is already waiting is answered as soon as the agent joins.
    const waiting = events(chat.sessionToken, 0, 20);
    await agentApi('POST', `/api/agent/handoffs/${h.id}/claim`);
    const joined = await waiting;
    expect(joined.events.map((e) => e.text)).toEqual(['客服李娜已加入对话。']);
    let cursor = joined.cursor;

    // The member writes: no assistant answer comes back; the agent sees it.
    expect(await send(chat.sessionToken, '我的订单到哪了')).toEqual([]);
    const view = (await agentApi('GET', `/api/agent/handoffs/${h.id}`)) as { transcript: { author: string; text: string }[] };
    expect(view.transcript.at(-1)).toMatchObject({ author: 'member', text: '我的订单到哪了' });

    await agentApi('POST', `/api/agent/handoffs/${h.id}/messages`, { text: '您好，订单已发货，预计明天送达。' });
    const next = await events(chat.sessionToken, cursor);
    expect(next.events).toHaveLength(1);
    expect(next.events[0]).toMatchObject({ author: 'agent', authorName: '李娜', text: '您好，订单已发货，预计明天送达。' });
    cursor = next.cursor;
    // Asking again from the same cursor returns nothing: a reconnect shows nothing twice.
    expect((await events(chat.sessionToken, cursor)).events).toEqual([]);
    // A page that lost its cursor (0) gets everything again, with the same ids, so it can drop what it has.
    const all = await events(chat.sessionToken, 0);
    expect(all.events.map((e) => e.id)).toEqual([...joined.events, ...next.events].map((e) => e.id));

    await agentApi('POST', `/api/agent/handoffs/${h.id}/resolve`, {});
    const prompt = await events(chat.sessionToken, cursor);
    expect(prompt.events).toHaveLength(1);
    expect(prompt.events[0].author).toBe('bot');
    expect(prompt.events[0].suggestions?.map((s) => s.value)).toEqual(['1', '2', '3', '4', '5']);

    // Tapping the button sends its value; "4 分" with a comment is taken as well.
    const [thanks] = await send(chat.sessionToken, '4');
    expect(thanks.text).toContain('4/5');
    const [updated] = await send(chat.sessionToken, '5分 客服很耐心');
    expect(updated.text).toContain('5/5');
    const rows = await t.store.db.select().from(feedback).where(eq(feedback.handoffId, h.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'csat', score: 5, text: '客服很耐心', agentId: agent.id, sentiment: 'positive' });
  });

  it('follows a member into a new chat session: earlier agent replies are shown again and new ones arrive there', async () => {
    await addMember(t.store, clock, { id: 'w-2', name: 'Wu Lan', locale: 'zh-CN', timeZone: 'Asia/Shanghai' });
    const first = await startChat('w-2');
    await send(first.sessionToken, '转人工');
    const [h] = await t.store.db.select().from(handoffs).where(eq(handoffs.memberId, 'w-2'));
    await agentApi('POST', `/api/agent/handoffs/${h.id}/claim`);
    await agentApi('POST', `/api/agent/handoffs/${h.id}/messages`, { text: '请问是哪一笔订单？' });

    // The member closes the tab and opens the chat again later: a new session, a new conversation.
    const second = await startChat('w-2');
    const carried = await events(second.sessionToken, 0);
    expect(carried.events.map((e) => e.text)).toEqual(['客服李娜已加入对话。', '请问是哪一笔订单？']);
    expect(await send(second.sessionToken, '订单 W1')).toEqual([]);
    await agentApi('POST', `/api/agent/handoffs/${h.id}/messages`, { text: '好的，马上为您查询。' });
    const next = await events(second.sessionToken, carried.cursor);
    expect(next.events.map((e) => e.text)).toEqual(['好的，马上为您查询。']);
    expect((await events(first.sessionToken, 0)).events.map((e) => e.text)).not.toContain('好的，马上为您查询。');

    // The agent sees both chats in one transcript.
    const view = (await agentApi('GET', `/api/agent/handoffs/${h.id}`)) as {
      transcript: { author: string; text: string; conversationId: string }[];
    };
    const texts = view.transcript.map((m) => m.text);
    expect(texts).toContain('转人工');
    expect(texts).toContain('订单 W1');
    expect(new Set(view.transcript.map((m) => m.conversationId)).size).toBe(2);
  });

  it('refuses the event stream without a session', async () => {
    const res = await fetch(`${server.url}/api/webchat/events?after=0&wait=0`);
    expect(res.status).toBe(401);
  });
});
