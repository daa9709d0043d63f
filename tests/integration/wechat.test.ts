// WeChat Official Account over real HTTP: signed (and encrypted) pushes in, passive replies and API sends to a local WeChat API.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handoffs, messages } from '../../db/schema/index.js';
import { OfflineBrain } from '../../src/assistant/offline/brain.js';
import type { Brain } from '../../src/assistant/types.js';
import { getPointsSummary } from '../../src/domain/loyalty/index.js';
import { formatPoints } from '../../src/lib/money.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { addMember, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';
import { type LocalWechat, postPush, pushXml, readPassive, startLocalWechat, verifyUrl, type WechatAccount } from '../support/wechat.js';

const CREDS = { appId: 'wx2c2769f8efd9abc2', appSecret: 'test-app-secret' };
const SAFE: WechatAccount = {
  token: 'wechat-token',
  appId: CREDS.appId,
  aesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  account: 'gh_test',
};
const PLAIN: WechatAccount = { token: 'wechat-token', appId: CREDS.appId, account: 'gh_test' };
const env = (wx: LocalWechat, acct: WechatAccount, extra: Record<string, string> = {}) => ({
  WECHAT_APP_ID: CREDS.appId,
  WECHAT_APP_SECRET: CREDS.appSecret,
  WECHAT_TOKEN: acct.token,
  WECHAT_API_BASE: wx.url,
  ...(acct.aesKey ? { WECHAT_ENCODING_AES_KEY: acct.aesKey } : {}),
  ...extra,
});

const clock = fixedClock('2026-06-01T08:00:00Z');
let wx: LocalWechat;
let t: TestApp;
let server: RunningServer;
let msgSeq = 6054768590064713728n;

const balanceOf = async (app: TestApp, memberId: string) => (await getPointsSummary({ ctx: app.deps.domain, input: { memberId } })).balance;
const text = (content: string, openid = 'o-wang', msgId = String(++msgSeq)) =>
  pushXml(SAFE.account, openid, { MsgType: 'text', Content: content, MsgId: msgId });
let eventSeq = 0;
/** An event push; events have no MsgId, so each gets its own CreateTime (WeChat dedupes them by sender + time). */
const event = (openid: string, name: string, key?: string) =>
  pushXml(SAFE.account, openid, {
    MsgType: 'event',
    Event: name,
    CreateTime: Math.floor(Date.now() / 1000) + ++eventSeq,
    ...(key ? { EventKey: key } : {}),
  });

/** Pushes a text message and returns the passive reply's content (null for "success"). */
async function say(content: string, openid = 'o-wang', acct = SAFE, base = server.url) {
  const res = await postPush(base, acct, text(content, openid));
  expect(res.status).toBe(200);
  return (await readPassive(res, acct))?.content ?? null;
}

/** The text of a customer-service message (plain text, or the head of a menu message). */
const csText = (body: Record<string, unknown>) =>
  body.msgtype === 'msgmenu' ? (body.msgmenu as { head_content: string }).head_content : (body.text as { content: string }).content;

async function until<T>(probe: () => T | undefined | null | false, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = probe();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  wx = await startLocalWechat(CREDS);
  t = await createTestApp({ clock, env: env(wx, SAFE) });
  await seedProgram(t.store);
  await addMember(t.store, clock, {
    id: 'wx-1',
    name: '王芳',
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    identity: { channelId: 'wechat', channelUserId: 'o-wang' },
  });
  await addMember(t.store, clock, { id: 'wx-2', name: '李雷', locale: 'zh-CN' });
  await paidOrder(t.deps.domain, 'wx-1', 'W1', '1200', '2026-03-01T00:00:00Z');
  await paidOrder(t.deps.domain, 'wx-2', 'W2', '88', '2026-03-01T00:00:00Z');
  server = await startServer(t.app.fetch);
});
afterAll(async () => {
  await server.close();
  await wx.close();
  t.close();
});

describe('verification', () => {
  it('echoes echostr for the console URL check and refuses a bad signature', async () => {
    const ok = await verifyUrl(server.url, SAFE.token, 'echo-123');
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('echo-123');
    const bad = await verifyUrl(server.url, SAFE.token, 'echo-123', true);
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('refuses pushes with a bad signature, bad msg_signature, stale timestamp or no encryption in safe mode', async () => {
    const xml = text('我有多少积分');
    for (const res of [
      await postPush(server.url, SAFE, xml, { tamper: 'signature' }),
      await postPush(server.url, SAFE, xml, { tamper: 'msg_signature' }),
      await postPush(server.url, SAFE, xml, { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
      await postPush(server.url, SAFE, xml, { plainInSafeMode: true }),
    ]) {
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
    // Encrypted for another AppID: signed correctly, but not ours.
    const other = await postPush(server.url, { ...SAFE, appId: 'wx0000000000000000' }, xml);
    expect(other.status).toBe(403);
    expect(wx.custom).toHaveLength(0);
  });

  it('answers 400 to documents that are not WeChat messages, including entity tricks', async () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><Content>&x;</Content></xml>';
    for (const body of [xxe, '<xml><ToUserName>a</ToUserName>', 'not xml', pushXml('gh', '', { MsgType: 'text' })]) {
      const res = await postPush(server.url, SAFE, body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    }
  });
});

describe('a member on WeChat', () => {
  it('asks for the balance and gets the number from the store in an encrypted passive reply', async () => {
    const balance = await balanceOf(t, 'wx-1');
    expect(balance).toBe(1200);
    expect(await say('我有多少积分')).toContain(`${formatPoints(balance)} 积分`);
  });

  it('gets product recommendations from the store', async () => {
    expect(await say('给我推荐一些商品')).toContain('绿茶');
  });

  it('processes a retried MsgId once and answers the retry with the same reply', async () => {
    const xml = text('我的积分余额', 'o-wang', '777000111');
    const first = await readPassive(await postPush(server.url, SAFE, xml), SAFE);
    const again = await readPassive(await postPush(server.url, SAFE, xml), SAFE);
    expect(again?.content).toBe(first?.content);
    const rows = await t.store.db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, 'wechat:o-wang'), eq(messages.activityId, '777000111')));
    expect(rows).toHaveLength(1);
  });

  it('redeems only after the member confirms, and the balance moves by the coupon cost', async () => {
    const before = await balanceOf(t, 'wx-1');
    const ask = await say('兑换 1');
    expect(ask).toContain('回复「确认」');
    expect(await balanceOf(t, 'wx-1')).toBe(before);
    const done = await say('确认');
    expect(await balanceOf(t, 'wx-1')).toBe(before - 500);
    expect(done).toContain(formatPoints(before - 500));
  });

  it('links an unknown follower with the one-time code and then answers from their account', async () => {
    expect(await say('我有多少积分', 'o-li')).toMatch(/绑定/);
    const res = await fetch(`${server.url}/api/admin/members/wx-2/link-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    const { code } = (await res.json()) as { code: string };
    expect(await say(`绑定 ${code}`, 'o-li')).toContain('绑定成功');
    expect(await say('我有多少积分', 'o-li')).toContain(`${formatPoints(await balanceOf(t, 'wx-2'))} 积分`);
  });

  it('greets on subscribe, answers menu clicks by their key, and stops all sends after unsubscribe', async () => {
    const greet = await readPassive(await postPush(server.url, SAFE, event('o-wang', 'subscribe')), SAFE);
    expect(greet?.content).toContain('王芳');
    const click = await readPassive(await postPush(server.url, SAFE, event('o-wang', 'CLICK', '我的积分')), SAFE);
    expect(click?.content).toContain(`${formatPoints(await balanceOf(t, 'wx-1'))} 积分`);

    const gone = await postPush(server.url, SAFE, event('o-wang', 'unsubscribe'));
    expect(await gone.text()).toBe('success');
    const before = wx.custom.length;
    expect(await t.deps.outbound.send('wechat:o-wang', [{ text: '还在吗？' }])).toMatchObject({ status: 'failed', reason: 'unsubscribed' });
    expect(
      await t.deps.outbound.send('wechat:o-wang', [{ text: 'n' }], {
        purpose: 'notice',
        template: { templateId: 'T1', data: { first: 'x' } },
      }),
    ).toMatchObject({ status: 'failed', reason: 'unsubscribed' });
    expect(wx.custom.length).toBe(before);
    expect(wx.templates).toHaveLength(0);

    // Following again opens the channel again.
    await postPush(server.url, SAFE, event('o-wang', 'subscribe'));
    expect(await t.deps.outbound.send('wechat:o-wang', [{ text: '欢迎回来' }])).toMatchObject({ status: 'sent' });
  });
});

describe('duplicate events', () => {
  it('answers a retried MsgId with nothing once an agent holds the conversation (the cached bot reply is not sent)', async () => {
    const xml = text('我的积分余额', 'o-wang', '777000222');
    expect((await readPassive(await postPush(server.url, SAFE, xml), SAFE))?.content).toMatch(/积分/);
    const at = new Date(clock().getTime());
    await t.store.db.insert(handoffs).values({
      id: 'h-wx-retry',
      memberId: 'wx-1',
      conversationId: 'wechat:o-wang',
      channelId: 'wechat',
      locale: 'zh-CN',
      status: 'assigned',
      mode: 'live',
      reason: 'member_request',
      requestedAt: at,
      claimedAt: at,
      updatedAt: at,
    });
    try {
      const retry = await postPush(server.url, SAFE, xml);
      expect(retry.status).toBe(200);
      expect(await readPassive(retry, SAFE)).toBeNull();
    } finally {
      await t.store.db.delete(handoffs).where(eq(handoffs.id, 'h-wx-retry'));
    }
  });

  it('handles a retried subscribe event (same sender and CreateTime) once', async () => {
    const xml = event('o-wang', 'subscribe');
    const outbound = async () =>
      (
        await t.store.db
          .select()
          .from(messages)
          .where(and(eq(messages.conversationId, 'wechat:o-wang'), eq(messages.direction, 'out')))
      ).length;
    const before = await outbound();
    const first = await readPassive(await postPush(server.url, SAFE, xml), SAFE);
    const retry = await readPassive(await postPush(server.url, SAFE, xml), SAFE);
    expect(retry?.content).toBe(first?.content);
    expect((await outbound()) - before).toBe(1);
  });
});

describe('sending rules', () => {
  it('sends customer-service messages inside the 48-hour window, within its quota of 5, and never outside it', async () => {
    clock.set('2026-06-01T09:00:00Z');
    await say('你好');
    const start = wx.customTo('o-wang').length;
    for (let i = 0; i < 5; i++) expect((await t.deps.outbound.send('wechat:o-wang', [{ text: `消息 ${i}` }])).status).toBe('sent');
    const ref = (await t.deps.outbound.reference('wechat:o-wang'))!;
    // A dispatcher can ask first, without sending or counting anything.
    expect(await t.deps.outbound.check(ref)).toBe('window_limit');
    expect(await t.deps.outbound.send('wechat:o-wang', [{ text: '第六条' }])).toMatchObject({ status: 'failed', reason: 'window_limit' });
    expect(wx.customTo('o-wang').length - start).toBe(5);
    expect(wx.customTo('o-wang').at(-1)?.body).toMatchObject({ touser: 'o-wang', msgtype: 'text', text: { content: '消息 4' } });

    // Writing again opens a fresh window (counts do not add up, they reset).
    clock.set('2026-06-01T09:01:00Z');
    await say('还有问题');
    expect(await t.deps.outbound.check((await t.deps.outbound.reference('wechat:o-wang'))!)).toBeNull();
    expect((await t.deps.outbound.send('wechat:o-wang', [{ text: '新窗口' }])).status).toBe('sent');

    clock.set('2026-06-03T09:30:00Z');
    {
      const outside = wx.custom.length;
      const ref = (await t.deps.outbound.reference('wechat:o-wang'))!;
      expect(await t.deps.outbound.check(ref, { purpose: 'marketing' })).toBe('outside_window');
      expect(await t.deps.outbound.check(ref, { purpose: 'notice', template: { templateId: 'T', data: {} } })).toBeNull();
      expect(await t.deps.outbound.send('wechat:o-wang', [{ text: '过期' }])).toMatchObject({ status: 'failed', reason: 'outside_window' });
      // A broadcast is marketing: outside the window it is skipped, and never becomes a template message.
      expect(
        await t.deps.outbound.send('wechat:o-wang', [{ text: '促销' }], {
          purpose: 'marketing',
          template: { templateId: 'T-PROMO', data: { first: '促销' } },
        }),
      ).toMatchObject({ status: 'failed', reason: 'outside_window' });
      expect(wx.templates).toHaveLength(0);
      // A service notice may use its template outside the window.
      const notice = await t.deps.outbound.send('wechat:o-wang', [{ text: '您的积分即将过期' }], {
        purpose: 'notice',
        template: { templateId: 'T-EXPIRY', data: { first: '积分即将过期', keyword1: '500' }, url: 'https://shop.example/points' },
      });
      expect(notice.status).toBe('sent');
      expect(wx.templates.at(-1)?.body).toMatchObject({
        touser: 'o-wang',
        template_id: 'T-EXPIRY',
        data: { first: { value: '积分即将过期' }, keyword1: { value: '500' } },
      });
      expect(wx.custom.length).toBe(outside);
    }
  });

  it('refuses template messages for anything but service notices in the API client itself', async () => {
    const api = t.deps.channels.wechat!.api;
    await expect(api.sendTemplate('o-wang', { templateId: 'T', data: {} }, 'marketing')).rejects.toMatchObject({ reason: 'not_allowed' });
    await expect(api.sendTemplate('o-wang', { templateId: 'T', data: {} }, 'conversation')).rejects.toMatchObject({
      reason: 'not_allowed',
    });
  });

  it("maps WeChat's errcodes: window closed, quota used, unfollowed (which then stops sends)", async () => {
    await say('在吗', 'o-li');
    wx.failNext('o-li', 45015, 'response out of time limit');
    expect(await t.deps.outbound.send('wechat:o-li', [{ text: 'a' }])).toMatchObject({
      status: 'failed',
      retryable: false,
      reason: 'outside_window',
    });
    wx.failNext('o-li', 45047, 'out of response count limit');
    expect(await t.deps.outbound.send('wechat:o-li', [{ text: 'b' }])).toMatchObject({ status: 'failed', reason: 'window_limit' });
    wx.failNext('o-li', -1, 'system error');
    expect(await t.deps.outbound.send('wechat:o-li', [{ text: 'c' }])).toMatchObject({ status: 'failed', retryable: true });
    wx.failNext('o-li', 43004, 'require subscribe');
    expect(await t.deps.outbound.send('wechat:o-li', [{ text: 'd' }])).toMatchObject({ status: 'failed', reason: 'unsubscribed' });
    const sent = wx.customTo('o-li').length;
    expect(await t.deps.outbound.send('wechat:o-li', [{ text: 'e' }])).toMatchObject({ status: 'failed', reason: 'unsubscribed' });
    expect(wx.customTo('o-li').length).toBe(sent);
    await say('我回来了', 'o-li');
  });

  it('sends choices as a menu message whose tap comes back as the choice value', async () => {
    await say('你好');
    const sent = await t.deps.outbound.send('wechat:o-wang', [
      {
        text: '请为本次服务打分',
        suggestions: [
          { title: '满意', value: 'csat 5' },
          { title: '不满意', value: 'csat 1' },
        ],
      },
    ]);
    expect(sent.status).toBe('sent');
    const body = wx.customTo('o-wang').at(-1)!.body as {
      msgtype: string;
      msgmenu: { head_content: string; list: { id: string; content: string }[] };
    };
    expect(body.msgtype).toBe('msgmenu');
    expect(body.msgmenu.head_content).toBe('请为本次服务打分');
    expect(body.msgmenu.list.map((i) => i.content)).toEqual(['满意', '不满意']);
    const msgId = String(++msgSeq);
    await postPush(
      server.url,
      SAFE,
      pushXml(SAFE.account, 'o-wang', { MsgType: 'text', Content: '满意', MsgId: msgId, bizmsgmenuid: body.msgmenu.list[0].id }),
    );
    const [row] = await t.store.db.select().from(messages).where(eq(messages.activityId, msgId));
    expect(row.text).toBe('csat 5');
  });
});

describe('access token', () => {
  it('is fetched once, cached in the state port, refreshed once when WeChat says it expired', async () => {
    const fresh = await createTestApp({ clock, env: env(wx, SAFE) });
    try {
      await addMember(fresh.store, clock, { id: 'tk-1', locale: 'zh-CN', identity: { channelId: 'wechat', channelUserId: 'o-tk' } });
      const s = await startServer(fresh.app.fetch);
      try {
        await say('你好', 'o-tk', SAFE, s.url);
        const before = wx.tokenRequests;
        wx.tokenDelayMs = 150;
        // Five sends at once while no token is cached: one refresh, the others wait for it.
        const results = await Promise.all([1, 2, 3].map((i) => fresh.deps.outbound.send('wechat:o-tk', [{ text: `并发 ${i}` }])));
        expect(results.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
        expect(wx.tokenRequests - before).toBe(1);
        wx.tokenDelayMs = 0;
        await fresh.deps.outbound.send('wechat:o-tk', [{ text: '缓存' }]);
        expect(wx.tokenRequests - before).toBe(1);
        wx.expireTokens();
        expect((await fresh.deps.outbound.send('wechat:o-tk', [{ text: '刷新后' }])).status).toBe('sent');
        expect(wx.tokenRequests - before).toBe(2);
      } finally {
        await s.close();
      }
    } finally {
      fresh.close();
    }
  });
});

describe('the 5-second window', () => {
  it('answers "success" at once when the turn is slow, then sends the answer by the customer-service API', async () => {
    const offline = new OfflineBrain();
    const slow: Brain = {
      name: 'slow',
      async respond(ctx, msg) {
        await new Promise((r) => setTimeout(r, 400));
        return offline.respond(ctx, msg);
      },
    };
    const app = await createTestApp({ clock, env: env(wx, PLAIN, { WECHAT_REPLY_DEADLINE_MS: '30' }), brain: slow });
    const s = await startServer(app.app.fetch);
    try {
      await seedProgram(app.store);
      await addMember(app.store, clock, { id: 'slow-1', locale: 'zh-CN', identity: { channelId: 'wechat', channelUserId: 'o-slow' } });
      await paidOrder(app.deps.domain, 'slow-1', 'S1', '321', '2026-03-01T00:00:00Z');
      const xml = pushXml(PLAIN.account, 'o-slow', { MsgType: 'text', Content: '我有多少积分', MsgId: '99887766' });
      const res = await postPush(s.url, PLAIN, xml);
      expect(await res.text()).toBe('success');
      const late = await until(() => wx.customTo('o-slow')[0], 'the customer-service answer');
      expect(csText(late.body)).toContain('321 积分');
      // WeChat's retry of the same MsgId gets "success" and nothing is sent twice.
      const retry = await postPush(s.url, PLAIN, xml);
      expect(await retry.text()).toBe('success');
      await new Promise((r) => setTimeout(r, 500));
      expect(wx.customTo('o-slow')).toHaveLength(1);
    } finally {
      await s.close();
      app.close();
    }
  });

  it('answers plaintext pushes with plaintext passive XML', async () => {
    const app = await createTestApp({ clock, env: env(wx, PLAIN) });
    const s = await startServer(app.app.fetch);
    try {
      await addMember(app.store, clock, {
        id: 'p-1',
        name: 'Emma',
        locale: 'en',
        identity: { channelId: 'wechat', channelUserId: 'o-plain' },
      });
      const res = await postPush(
        s.url,
        PLAIN,
        pushXml(PLAIN.account, 'o-plain', { MsgType: 'text', Content: 'my points balance', MsgId: '1' }),
      );
      expect(res.headers.get('content-type')).toContain('xml');
      const reply = await readPassive(res, PLAIN);
      expect(reply?.toUser).toBe('o-plain');
      expect(reply?.content).toContain('You have 0 points');
      // Safe-mode pushes are refused when no EncodingAESKey is configured.
      const enc = await postPush(s.url, SAFE, pushXml(PLAIN.account, 'o-plain', { MsgType: 'text', Content: 'x', MsgId: '2' }));
      expect(enc.status).toBe(400);
    } finally {
      await s.close();
      app.close();
    }
  });
});
