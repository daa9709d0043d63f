// /api/messages over real HTTP: botbuilder's replies land on a local connector; numbers come from the store.
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../../db/schema/index.js';
import { getPointsSummary } from '../../src/domain/loyalty/index.js';
import { formatPoints } from '../../src/lib/money.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { emulatorActivity, startLocalConnector, type LocalConnector } from '../support/connector.js';
import { addMember, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
let t: TestApp;
let server: RunningServer;
let connector: LocalConnector;

async function post(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Sends one activity and returns the replies the connector received for it. */
async function say(userId: string, text: string | undefined, extra: Record<string, unknown> = {}) {
  const activity = emulatorActivity(connector.url, userId, text, extra);
  const res = await post(activity);
  expect(res.status).toBe(200);
  return connector.captured.filter((c) => c.replyToId === activity.id).map((c) => c.activity);
}

const balanceOf = async (memberId: string) => (await getPointsSummary({ ctx: t.deps.domain, input: { memberId } })).balance;

beforeAll(async () => {
  connector = await startLocalConnector();
  t = await createTestApp({ clock });
  await seedProgram(t.store);
  await addMember(t.store, clock, {
    id: 'zh-1',
    name: '王芳',
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    identity: { channelId: 'emulator', channelUserId: 'demo-zh' },
  });
  await addMember(t.store, clock, {
    id: 'en-1',
    name: 'Emma Clark',
    locale: 'en',
    timeZone: 'Europe/London',
    identity: { channelId: 'emulator', channelUserId: 'demo-en' },
  });
  await addMember(t.store, clock, { id: 'link-1', name: 'Li Lei', locale: 'zh-CN' });
  await paidOrder(t.deps.domain, 'zh-1', 'Z1', '5321.50', '2026-03-01T00:00:00Z');
  await paidOrder(t.deps.domain, 'zh-1', 'Z2', '42', '2026-05-20T00:00:00Z');
  await paidOrder(t.deps.domain, 'en-1', 'N1', '2345.67', '2026-04-02T00:00:00Z');
  await paidOrder(t.deps.domain, 'link-1', 'L1', '88', '2026-04-02T00:00:00Z');
  server = await startServer(t.app.fetch);
});
afterAll(async () => {
  await server.close();
  await connector.close();
  t.close();
});

describe('POST /api/messages', () => {
  it('answers the Chinese demo member with the balance from the store, in Chinese', async () => {
    const balance = await balanceOf('zh-1');
    expect(balance).toBe(5321 + 63); // ¥5,321.50 at 1x, then ¥42 at gold 1.5x
    const replies = await say('demo-zh', '我有多少积分？');
    expect(replies).toHaveLength(1);
    expect(replies[0].text).toContain(`${formatPoints(balance)} 积分`);
    expect(replies[0].text).toMatch(/您当前有/);
  });

  it('answers the English demo member with the balance from the store, in English', async () => {
    const balance = await balanceOf('en-1');
    expect(balance).toBe(2345);
    const replies = await say('demo-en', 'How many points do I have?');
    expect(replies).toHaveLength(1);
    expect(replies[0].text).toContain(`You have ${formatPoints(balance)} points`);
  });

  it('follows the language of the message, not only the profile', async () => {
    const replies = await say('demo-en', '我的积分余额');
    expect(replies[0].text).toContain('积分');
  });

  it('processes a retried activity once, with one reply', async () => {
    const activity = emulatorActivity(connector.url, 'demo-en', 'what is my points balance');
    const before = connector.captured.length;
    const [a, b] = await Promise.all([post(activity), post(activity)]);
    const c = await post(activity);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(connector.captured.length - before).toBe(1);
  });

  it('rejects malformed bodies with a 400 JSON error and keeps serving', async () => {
    for (const body of [
      '{',
      '[]',
      '{}',
      JSON.stringify({ type: 'message' }),
      JSON.stringify({ type: 'message', channelId: 'x', serviceUrl: 'not a url', from: { id: 'u' }, conversation: { id: 'c' } }),
    ]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe('bad_request');
    }
    expect((await say('demo-en', 'points balance'))[0].text).toContain('points');
  });

  it('tells an unknown user how to link, shows no account data, and links with a valid code', async () => {
    const [reply] = await say('stranger-1', 'how many points do I have');
    expect(reply.text).toMatch(/link/i);
    expect(reply.text).not.toMatch(/You have/);
    const bad = await say('stranger-1', 'link 000000');
    expect(bad[0].text).toMatch(/invalid or has expired/);
    const res = await fetch(`${server.url}/api/admin/members/link-1/link-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    const { code } = (await res.json()) as { code: string };
    const ok = await say('stranger-1', `绑定 ${code}`);
    expect(ok[0].text).toContain('绑定成功');
    const balance = await say('stranger-1', '我有多少积分');
    expect(balance[0].text).toContain(`${formatPoints(await balanceOf('link-1'))} 积分`);
    // A code works once.
    const reuse = await say('stranger-2', `link ${code}`);
    expect(reuse[0].text).toMatch(/invalid or has expired/);
  });

  it('greets a member who joins, says it is automated and how to reach a person', async () => {
    const replies = await say('demo-zh', undefined, {
      type: 'conversationUpdate',
      membersAdded: [{ id: 'demo-zh' }, { id: 'bot' }],
      text: undefined,
    });
    expect(replies).toHaveLength(1);
    expect(replies[0].text).toContain('自动回复');
    expect(replies[0].text).toContain('转人工');
    // The bot itself joining is not greeted.
    expect(await say('demo-zh', undefined, { type: 'conversationUpdate', membersAdded: [{ id: 'bot' }] })).toHaveLength(0);
  });

  it('handles typing, invoke, events, attachments, empty and oversized messages without errors', async () => {
    expect(await say('demo-en', undefined, { type: 'typing' })).toHaveLength(0);
    const invoke = emulatorActivity(connector.url, 'demo-en', undefined, { type: 'invoke', name: 'adaptiveCard/action' });
    const res = await post(invoke);
    expect(res.status).toBe(200);
    expect(await say('demo-en', undefined, { type: 'event', name: 'webchat/join' })).toHaveLength(0);
    expect(
      (await say('demo-en', undefined, { attachments: [{ contentType: 'image/png', contentUrl: 'http://x/y.png' }] }))[0].text,
    ).toMatch(/only read text/);
    expect(await say('demo-en', '   ')).toHaveLength(0);
    expect((await say('demo-en', 'x'.repeat(2001)))[0].text).toMatch(/longer than 2000 characters/);
  });

  it('redeems through chat only after the member confirms, and the balance moves by the coupon cost', async () => {
    const before = await balanceOf('en-1');
    const [ask] = await say('demo-en', 'redeem 1');
    expect(ask.text).toContain('Reply "yes"');
    expect(ask.suggestedActions?.actions.map((a) => a.value)).toEqual(['yes', 'no']);
    expect(await balanceOf('en-1')).toBe(before);
    const [done] = await say('demo-en', 'yes');
    expect(await balanceOf('en-1')).toBe(before - 500);
    expect(done.text).toContain(`balance is now ${formatPoints(before - 500)} points`);
    // A second "yes" has nothing pending and redeems nothing.
    await say('demo-en', 'yes');
    expect(await balanceOf('en-1')).toBe(before - 500);
  });

  it('cancels a pending redemption on "取消"', async () => {
    const before = await balanceOf('zh-1');
    const [ask] = await say('demo-zh', '兑换 1');
    expect(ask.text).toContain('回复「确认」');
    const [cancel] = await say('demo-zh', '取消');
    expect(cancel.text).toContain('已取消');
    expect(await balanceOf('zh-1')).toBe(before);
  });

  it('requires a valid token when MicrosoftAppId is configured', async () => {
    const secured = await createTestApp({ env: { MicrosoftAppId: 'app-id', MicrosoftAppPassword: 'secret' } });
    const s = await startServer(secured.app.fetch);
    try {
      for (const auth of [undefined, 'Bearer not-a-jwt']) {
        const res = await fetch(`${s.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
          body: JSON.stringify(emulatorActivity(connector.url, 'demo-en', 'hi', { channelId: 'msteams' })),
        });
        expect(res.status).toBe(401);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
      }
    } finally {
      await s.close();
      secured.close();
    }
  });
});

describe('proactive sends (agent replies, broadcasts)', () => {
  it('posts a new message to the stored conversation and reports failures with their status', async () => {
    await say('demo-en', 'hello');
    const conversationId = 'emulator:conv-demo-en';
    const before = connector.captured.length;
    const sent = await t.deps.outbound.send(conversationId, [{ text: 'A person will reply here soon.' }]);
    expect(sent.status).toBe('sent');
    const [delivered] = connector.captured.slice(before);
    expect(delivered).toMatchObject({ conversationId: 'conv-demo-en', replyToId: undefined });
    expect(delivered.activity.text).toBe('A person will reply here soon.');

    connector.failNext(3, 503);
    expect(await t.deps.outbound.send(conversationId, [{ text: 'x' }])).toMatchObject({
      status: 'failed',
      retryable: true,
      httpStatus: 503,
    });
    connector.failNext(1, 403);
    expect(await t.deps.outbound.send(conversationId, [{ text: 'x' }])).toMatchObject({
      status: 'failed',
      retryable: false,
      httpStatus: 403,
    });
    expect(await t.deps.outbound.send('emulator:never-seen', [{ text: 'x' }])).toMatchObject({ status: 'failed', retryable: false });
  });
});

describe('transcript', () => {
  it('stores each turn: the member message with its activity id and intent, then the replies', async () => {
    const activity = emulatorActivity(connector.url, 'demo-zh', '我有多少积分');
    expect((await post(activity)).status).toBe(200);
    const rows = await t.store.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, 'emulator:conv-demo-zh'))
      .orderBy(desc(messages.id))
      .limit(2);
    const [reply, inbound] = rows;
    expect(inbound).toMatchObject({
      direction: 'in',
      author: 'member',
      activityId: activity.id,
      text: '我有多少积分',
      intent: 'points_balance',
    });
    expect(reply).toMatchObject({ direction: 'out', author: 'bot', activityId: null });
    expect(reply.text).toContain(formatPoints(await balanceOf('zh-1')));
    const [conversation] = await t.store.db.select().from(conversations).where(eq(conversations.id, 'emulator:conv-demo-zh'));
    expect(conversation).toMatchObject({ memberId: 'zh-1', channelUserId: 'demo-zh', owner: 'bot' });
  });
});
