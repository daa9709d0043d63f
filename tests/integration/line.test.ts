// LINE over real HTTP: signed webhooks in, reply-token and push calls (with X-Line-Retry-Key) to a local Messaging API.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../db/schema/index.js';
import { OfflineBrain } from '../../src/assistant/offline/brain.js';
import type { Brain } from '../../src/assistant/types.js';
import { getPointsSummary } from '../../src/domain/loyalty/index.js';
import { formatPoints } from '../../src/lib/money.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { addMember, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { type LocalLine, lineEvent, postLine, startLocalLine } from '../support/line.js';
import { startServer, type RunningServer } from '../support/server.js';

const SECRET = 'line-channel-secret';
const ACCESS = 'line-access-token';
const clock = fixedClock('2026-06-01T08:00:00Z');
let line: LocalLine;
let t: TestApp;
let server: RunningServer;

const balanceOf = async (memberId: string) => (await getPointsSummary({ ctx: t.deps.domain, input: { memberId } })).balance;

/** A text message from `userId`; returns the messages LINE received for its reply token. */
async function say(userId: string, text: string) {
  const token = line.issueReplyToken(userId);
  const res = await postLine(server.url, SECRET, [lineEvent(userId, { type: 'message', message: { type: 'text', id: '1', text } }, token)]);
  expect(res.status).toBe(200);
  return line.calls.filter((c) => c.replyToken === token).flatMap((c) => c.messages);
}

beforeAll(async () => {
  line = await startLocalLine(ACCESS);
  t = await createTestApp({ clock, env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: ACCESS, LINE_API_BASE: line.url } });
  await seedProgram(t.store);
  await addMember(t.store, clock, {
    id: 'ln-1',
    name: 'Emma Clark',
    locale: 'en',
    identity: { channelId: 'line', channelUserId: 'U-emma' },
  });
  await addMember(t.store, clock, { id: 'ln-2', name: 'Li Lei', locale: 'zh-CN' });
  await paidOrder(t.deps.domain, 'ln-1', 'L1', '2345.67', '2026-03-01T00:00:00Z');
  await paidOrder(t.deps.domain, 'ln-2', 'L2', '66', '2026-03-01T00:00:00Z');
  server = await startServer(t.app.fetch);
});
afterAll(async () => {
  await server.close();
  await line.close();
  t.close();
});

describe('LINE webhook', () => {
  it('rejects a bad or missing X-Line-Signature with 401 and sends nothing', async () => {
    const ev = [
      lineEvent('U-emma', { type: 'message', message: { type: 'text', id: '1', text: 'points' } }, line.issueReplyToken('U-emma')),
    ];
    for (const signature of ['AAAA', '']) {
      const res = await postLine(server.url, SECRET, ev, { signature });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    const other = await postLine(server.url, 'another-secret', ev);
    expect(other.status).toBe(401);
    expect(line.calls).toHaveLength(0);
  });

  it('answers the balance from the store through the reply token', async () => {
    const balance = await balanceOf('ln-1');
    expect(balance).toBe(2345);
    const [reply] = await say('U-emma', 'How many points do I have?');
    expect(reply.type).toBe('text');
    expect(reply.text).toContain(`You have ${formatPoints(balance)} points`);
  });

  it('redeems after a tap on the "yes" quick reply, and the balance moves by the coupon cost', async () => {
    const before = await balanceOf('ln-1');
    const [ask] = await say('U-emma', 'redeem 1');
    expect(ask.quickReply?.items.map((i) => i.action)).toEqual([
      { type: 'message', label: 'yes', text: 'yes' },
      { type: 'message', label: 'no', text: 'no' },
    ]);
    expect(await balanceOf('ln-1')).toBe(before);
    // A quick-reply tap sends its text as the member's message.
    const [done] = await say('U-emma', ask.quickReply!.items[0].action.text);
    expect(await balanceOf('ln-1')).toBe(before - 500);
    expect(done.text).toContain(`balance is now ${formatPoints(before - 500)} points`);
  });

  it('gets product recommendations from the store', async () => {
    const [reply] = await say('U-emma', 'recommend something for me');
    expect(reply.text).toContain('Green tea');
  });

  it('processes a redelivered event once', async () => {
    const token = line.issueReplyToken('U-emma');
    const ev = lineEvent('U-emma', { type: 'message', message: { type: 'text', id: '9', text: 'my tier' } }, token);
    await postLine(server.url, SECRET, [ev]);
    const redelivered = { ...ev, deliveryContext: { isRedelivery: true } };
    const before = line.calls.length;
    expect((await postLine(server.url, SECRET, [redelivered])).status).toBe(200);
    expect(line.calls.length).toBe(before);
    const rows = await t.store.db
      .select()
      .from(messages)
      .where(and(eq(messages.activityId, ev.webhookEventId), eq(messages.direction, 'in')));
    expect(rows).toHaveLength(1);
  });

  it('links a follower with the one-time code; group chats get no account data', async () => {
    const greet = line.issueReplyToken('U-li');
    await postLine(server.url, SECRET, [lineEvent('U-li', { type: 'follow', follow: { isUnblocked: false } }, greet)]);
    expect(line.calls.find((c) => c.replyToken === greet)?.messages[0].text).toMatch(/link/i);
    const res = await fetch(`${server.url}/api/admin/members/ln-2/link-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    const { code } = (await res.json()) as { code: string };
    expect((await say('U-li', `绑定 ${code}`))[0].text).toContain('绑定成功');
    expect((await say('U-li', '我有多少积分'))[0].text).toContain(`${formatPoints(await balanceOf('ln-2'))} 积分`);

    const before = line.calls.length;
    const group = {
      ...lineEvent('U-li', { type: 'message', message: { type: 'text', id: '2', text: '我有多少积分' } }),
      source: { type: 'group', groupId: 'G1', userId: 'U-li' },
    };
    expect((await postLine(server.url, SECRET, [group])).status).toBe(200);
    expect(line.calls.length).toBe(before);
  });

  it('falls back to push when the reply token is no longer valid', async () => {
    const res = await postLine(server.url, SECRET, [
      lineEvent('U-emma', { type: 'message', message: { type: 'text', id: '3', text: 'points' } }, 'expired-token'),
    ]);
    expect(res.status).toBe(200);
    const push = line.calls.at(-1)!;
    expect(push).toMatchObject({ kind: 'push', to: 'U-emma' });
    expect(push.retryKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(push.messages[0].text).toContain('points');
  });
});

describe('LINE proactive sends', () => {
  it('pushes with an X-Line-Retry-Key, so a retry after a lost response is not delivered twice', async () => {
    const before = line.to('U-emma').filter((c) => c.kind === 'push').length;
    line.loseNextPushResponses(1);
    const sent = await t.deps.outbound.send('line:U-emma', [{ text: 'An agent will reply here soon.' }], {
      idempotencyKey: 'handoff-1:reply-1',
    });
    expect(sent.status).toBe('sent');
    const pushes = line
      .to('U-emma')
      .filter((c) => c.kind === 'push')
      .slice(before);
    expect(pushes).toHaveLength(1);
    expect(pushes[0].messages[0].text).toBe('An agent will reply here soon.');
    // The same idempotency key later (a dispatcher retrying) is accepted once: LINE answers 409, we report sent.
    const again = await t.deps.outbound.send('line:U-emma', [{ text: 'An agent will reply here soon.' }], {
      idempotencyKey: 'handoff-1:reply-1',
    });
    expect(again.status).toBe('sent');
    expect(
      line
        .to('U-emma')
        .filter((c) => c.kind === 'push')
        .slice(before),
    ).toHaveLength(1);
  });

  it('sends rating buttons as quick replies, and reports platform failures with their status', async () => {
    const sent = await t.deps.outbound.send('line:U-emma', [
      { text: 'How did we do?', suggestions: [1, 2, 3, 4, 5].map((n) => ({ title: '★'.repeat(n), value: `csat ${n}` })) },
    ]);
    expect(sent.status).toBe('sent');
    const msg = line.calls.at(-1)!.messages[0];
    expect(msg.quickReply?.items.map((i) => i.action.text)).toEqual(['csat 1', 'csat 2', 'csat 3', 'csat 4', 'csat 5']);
    line.failNextPushes(3, 500);
    expect(await t.deps.outbound.send('line:U-emma', [{ text: 'x' }])).toMatchObject({
      status: 'failed',
      retryable: true,
      httpStatus: 500,
    });
    line.failNextPushes(1, 400);
    expect(await t.deps.outbound.send('line:U-emma', [{ text: 'x' }])).toMatchObject({
      status: 'failed',
      retryable: false,
      httpStatus: 400,
    });
  });

  it('splits more than five messages into several pushes and long texts at 5000 characters', async () => {
    const before = line.calls.length;
    const long = `${'a'.repeat(4000)}\n\n${'b'.repeat(3000)}`;
    const sent = await t.deps.outbound.send('line:U-emma', [...[1, 2, 3, 4, 5].map((n) => ({ text: `m${n}` })), { text: long }]);
    expect(sent.status).toBe('sent');
    const calls = line.calls.slice(before);
    expect(calls.map((c) => c.messages.length)).toEqual([5, 2]);
    expect(calls[1].messages.map((m) => m.text.length)).toEqual([4000, 3000]);
  });

  it('stops sending after the member unfollows, and resumes when they follow again', async () => {
    await postLine(server.url, SECRET, [lineEvent('U-emma', { type: 'unfollow' })]);
    const before = line.pushRequests;
    expect(await t.deps.outbound.send('line:U-emma', [{ text: 'promo' }], { purpose: 'marketing' })).toMatchObject({
      status: 'failed',
      reason: 'unsubscribed',
    });
    expect(line.pushRequests).toBe(before);
    await postLine(server.url, SECRET, [
      lineEvent('U-emma', { type: 'follow', follow: { isUnblocked: true } }, line.issueReplyToken('U-emma')),
    ]);
    expect((await t.deps.outbound.send('line:U-emma', [{ text: 'welcome back' }])).status).toBe('sent');
  });
});

describe('slow turns', () => {
  it('acknowledges the webhook before a slow (language-model) turn is done, and the answer follows', async () => {
    const offline = new OfflineBrain();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow: Brain = {
      name: 'slow',
      async respond(ctx, text) {
        await gate;
        return offline.respond(ctx, text);
      },
    };
    const app = await createTestApp({
      clock,
      brain: slow,
      env: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: ACCESS, LINE_API_BASE: line.url, BOT_ACK_AFTER_MS: '20' },
    });
    const s = await startServer(app.app.fetch);
    try {
      await addMember(app.store, clock, {
        id: 'slow-1',
        name: 'Sam',
        locale: 'en',
        identity: { channelId: 'line', channelUserId: 'U-slow' },
      });
      const token = line.issueReplyToken('U-slow');
      const res = await postLine(s.url, SECRET, [
        lineEvent('U-slow', { type: 'message', message: { type: 'text', id: '1', text: 'my points' } }, token),
      ]);
      // The turn is still waiting on the brain, yet LINE already has its 200.
      expect(res.status).toBe(200);
      expect(line.calls.some((c) => c.replyToken === token)).toBe(false);
      release();
      for (let i = 0; i < 200 && !line.calls.some((c) => c.replyToken === token); i++) await new Promise((r) => setTimeout(r, 25));
      expect(line.calls.find((c) => c.replyToken === token)?.messages[0].text).toContain('You have 0 points');
    } finally {
      await s.close();
      app.close();
    }
  });
});
