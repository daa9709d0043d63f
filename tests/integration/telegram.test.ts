// Telegram over real HTTP: secret-token webhooks in, Bot API calls (grammY's client) to a local Bot API server.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../db/schema/index.js';
import { SendThrottle } from '../../src/channels/throttle.js';
import { getPointsSummary } from '../../src/domain/loyalty/index.js';
import { formatPoints } from '../../src/lib/money.js';
import { MemoryState } from '../../src/state/memory.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { addMember, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';
import { type LocalTelegram, postUpdate, startLocalTelegram, tgCallback, tgMessage, tgMyChatMember } from '../support/telegram.js';

const TOKEN = '123456:test-bot-token';
const SECRET = 'tg-webhook-secret';
const clock = fixedClock('2026-06-01T08:00:00Z');
let tg: LocalTelegram;
let t: TestApp;
let server: RunningServer;

const balanceOf = async (memberId: string) => (await getPointsSummary({ ctx: t.deps.domain, input: { memberId } })).balance;

/** Posts an update and returns the messages the bot sent to that chat because of it. */
async function send(chatId: number, update: unknown) {
  const before = tg.messagesTo(chatId).length;
  const res = await postUpdate(server.url, SECRET, update);
  expect(res.status).toBe(200);
  return tg.messagesTo(chatId).slice(before);
}
const say = (chatId: number, text: string, lang?: string) => send(chatId, tgMessage(chatId, text, lang));

beforeAll(async () => {
  tg = await startLocalTelegram(TOKEN);
  t = await createTestApp({ clock, env: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: tg.url } });
  await seedProgram(t.store);
  await addMember(t.store, clock, {
    id: 'tg-1',
    name: '王芳',
    locale: 'zh-CN',
    identity: { channelId: 'telegram', channelUserId: '1001' },
  });
  await addMember(t.store, clock, { id: 'tg-2', name: 'Emma Clark', locale: 'en' });
  await paidOrder(t.deps.domain, 'tg-1', 'T1', '3210', '2026-03-01T00:00:00Z');
  await paidOrder(t.deps.domain, 'tg-2', 'T2', '77', '2026-03-01T00:00:00Z');
  server = await startServer(t.app.fetch);
});
afterAll(async () => {
  await server.close();
  await tg.close();
  t.close();
});

describe('Telegram webhook', () => {
  it('rejects a missing or wrong secret token with 401 and sends nothing', async () => {
    for (const secret of [null, 'wrong']) {
      const res = await postUpdate(server.url, secret, tgMessage(1001, '我有多少积分'));
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    expect(tg.sent).toHaveLength(0);
  });

  it('answers the balance from the store', async () => {
    const balance = await balanceOf('tg-1');
    expect(balance).toBe(3210);
    const [reply] = await say(1001, '我有多少积分');
    expect(reply.text).toContain(`${formatPoints(balance)} 积分`);
  });

  it('redeems after a tap on the inline "确认" button, answering the tap', async () => {
    const before = await balanceOf('tg-1');
    const [ask] = await say(1001, '兑换 1');
    const buttons = ask.reply_markup!.inline_keyboard.flat();
    expect(buttons.map((b) => b.callback_data)).toEqual(['确认', '取消']);
    expect(await balanceOf('tg-1')).toBe(before);
    const tap = tgCallback(1001, buttons[0].callback_data);
    const [done] = await send(1001, tap);
    expect(tg.answered).toContain(tap.callback_query.id);
    expect(await balanceOf('tg-1')).toBe(before - 500);
    expect(done.text).toContain(formatPoints(before - 500));
  });

  it('gets product recommendations from the store', async () => {
    const [reply] = await say(1001, '给我推荐一些商品');
    expect(reply.text).toContain('绿茶');
  });

  it('processes a retried update once', async () => {
    const update = tgMessage(1001, '我的等级');
    expect(await send(1001, update)).toHaveLength(1);
    expect(await send(1001, update)).toHaveLength(0);
    const rows = await t.store.db
      .select()
      .from(messages)
      .where(and(eq(messages.activityId, String(update.update_id)), eq(messages.direction, 'in')));
    expect(rows).toHaveLength(1);
  });

  it('links through a /start deep link with the one-time code; groups get no account data', async () => {
    const [hello] = await say(2002, '/start', 'en');
    expect(hello.text).toMatch(/link/i);
    const res = await fetch(`${server.url}/api/admin/members/tg-2/link-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    const { code } = (await res.json()) as { code: string };
    const [linked] = await say(2002, `/start ${code}`, 'en');
    expect(linked.text).toContain('linked to Emma Clark');
    expect((await say(2002, 'my points', 'en'))[0].text).toContain(`You have ${formatPoints(await balanceOf('tg-2'))} points`);

    const group = tgMessage(2002, 'my points');
    (group.message.chat as { type: string }).type = 'group';
    expect(await send(2002, group)).toHaveLength(0);
  });
});

describe('Telegram proactive sends', () => {
  it('sends rating buttons as an inline keyboard, keeping long values behind short callback data', async () => {
    const long = `feedback ${'x'.repeat(80)}`;
    const sent = await t.deps.outbound.send('telegram:1001', [
      {
        text: '请为本次服务打分',
        suggestions: [
          { title: '满意', value: 'csat 5' },
          { title: '其他', value: long },
        ],
      },
    ]);
    expect(sent.status).toBe('sent');
    const [msg] = tg.messagesTo(1001).slice(-1);
    const [good, other] = msg.reply_markup!.inline_keyboard.flat();
    expect(good.callback_data).toBe('csat 5');
    expect(new TextEncoder().encode(other.callback_data).length).toBeLessThanOrEqual(64);
    const tap = tgCallback(1001, other.callback_data);
    await send(1001, tap);
    const [row] = await t.store.db
      .select()
      .from(messages)
      .where(eq(messages.activityId, String(tap.update_id)));
    expect(row.text).toBe(long);
  });

  it('honours 429 retry_after: waits it out, then delivers once', async () => {
    tg.floodNext(1, 1);
    const floods = tg.floods;
    const sent = await t.deps.outbound.send('telegram:1001', [{ text: 'after the flood' }]);
    expect(sent.status).toBe('sent');
    expect(tg.floods - floods).toBe(1);
    expect(tg.messagesTo(1001).filter((m) => m.text === 'after the flood')).toHaveLength(1);
    // A long retry_after goes back to the caller (a dispatcher) with the wait, instead of blocking.
    tg.floodNext(1, 30);
    const later = await t.deps.outbound.send('telegram:1001', [{ text: 'later' }]);
    expect(later).toMatchObject({ status: 'failed', retryable: true, httpStatus: 429, retryAfterMs: 30_000 });
    // The cool-down is shared: other sends are held back too, and told how long to wait.
    const held = await t.deps.outbound.send('telegram:2002', [{ text: 'held' }]);
    expect(held).toMatchObject({ status: 'failed', retryable: true });
    expect((held as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(10_000);
  });

  it('stops sending to a member who blocked the bot, and resumes when they come back', async () => {
    await t.deps.state.del('throttle:telegram:cooldown'); // the flood of the previous test is over
    await postUpdate(server.url, SECRET, tgMyChatMember(2002, 'kicked'));
    const before = tg.sent.length;
    expect(await t.deps.outbound.send('telegram:2002', [{ text: 'promo' }], { purpose: 'marketing' })).toMatchObject({
      reason: 'unsubscribed',
    });
    expect(tg.sent.length).toBe(before);
    await postUpdate(server.url, SECRET, tgMyChatMember(2002, 'member'));
    expect((await t.deps.outbound.send('telegram:2002', [{ text: 'welcome back' }])).status).toBe('sent');
    tg.block(2002);
    // Blocked without us hearing of it: the 403 marks the conversation unsubscribed.
    expect(await t.deps.outbound.send('telegram:2002', [{ text: 'x' }])).toMatchObject({
      status: 'failed',
      reason: 'unsubscribed',
      httpStatus: 403,
    });
    expect((await t.deps.outbound.reference('telegram:2002'))?.reference.delivery).toMatchObject({ unsubscribedAt: expect.any(Number) });
  });
});

describe('per-second limits', () => {
  it('admits at most N sends per second per key and makes the rest wait for the next second', async () => {
    let now = 10_000_500;
    const waits: number[] = [];
    const throttle = new SendThrottle(new MemoryState(() => now), {
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
    const seconds: number[] = [];
    for (let i = 0; i < 65; i++) {
      expect(
        await throttle.acquire('telegram', [
          ['telegram', 30],
          ['telegram:chat-1', undefined],
        ]),
      ).toBe(0);
      seconds.push(Math.floor(now / 1000));
    }
    const perSecond = new Map<number, number>();
    for (const s of seconds) perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    expect([...perSecond.values()]).toEqual([30, 30, 5]);
    // One per second in one chat.
    const chat: number[] = [];
    for (let i = 0; i < 3; i++) {
      await throttle.acquire('telegram', [['telegram:chat-2', 1]]);
      chat.push(Math.floor(now / 1000));
    }
    expect(new Set(chat).size).toBe(3);
    // A platform cool-down holds everything until it ends; past maxWaitMs the wait is returned instead.
    await throttle.coolDown('telegram', now + 60_000);
    expect(await throttle.acquire('telegram', [['telegram', 30]])).toBeGreaterThan(50_000);
  });
});
