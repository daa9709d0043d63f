// One broadcast to members on WeChat, LINE and Telegram, over real HTTP to the local platform servers: each channel's rules hold.
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignDeliveries, channelIdentities, members } from '../../db/schema/index.js';
import { retryKeyFor } from '../../src/channels/line/channel.js';
import type { Outbound } from '../../src/channels/outbound.js';
import { deliveryKey, dispatchOnce } from '../../src/domain/campaigns/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { fixedClock, seedProgram } from '../support/fixtures.js';
import { type LocalLine, lineEvent, postLine } from '../support/line.js';
import { LINE_SECRET, type NativeChannels, startNativeChannels, TG_SECRET, wechatAccount } from '../support/native-channels.js';
import { startServer, type RunningServer } from '../support/server.js';
import { addStaff, type TestStaff } from '../support/staff.js';
import { type LocalTelegram, postUpdate, tgMessage } from '../support/telegram.js';
import { type LocalWechat, postPush, pushXml } from '../support/wechat.js';

// 12:00 UTC: outside the default quiet hours (21-9) of the members' zone (UTC).
const START = '2026-09-10T12:00:00Z';
const clock = fixedClock(START);
const WX = wechatAccount('gh_nb');

let t: TestApp;
let server: RunningServer;
let natives: NativeChannels;
let wx: LocalWechat;
let line: LocalLine;
let tg: LocalTelegram;
let marketer: TestStaff;
let msgId = 7_000_000;

/** A consenting member with 120 points, tagged for the campaigns, linked to one chat identity. */
async function member(id: string, tags: string[], identity: { channelId: string; channelUserId: string }) {
  await t.store.write(async (tx) => {
    await tx.insert(members).values({
      id,
      name: `会员${id}`,
      locale: 'zh-CN',
      timeZone: 'UTC',
      marketingConsent: true,
      tags,
      pointsBalance: 120,
      createdAt: clock(),
    });
    await tx.insert(channelIdentities).values({ ...identity, memberId: id, verifiedAt: clock() });
  });
}

/** The member writes on WeChat (a signed, encrypted push), which opens the 48-hour window. */
async function wechatSays(openid: string, text: string) {
  const res = await postPush(server.url, WX, pushXml(WX.account, openid, { MsgType: 'text', Content: text, MsgId: String(++msgId) }));
  expect(res.status).toBe(200);
  await res.text();
}

async function wechatEvent(openid: string, event: string) {
  const res = await postPush(server.url, WX, pushXml(WX.account, openid, { MsgType: 'event', Event: event }));
  expect(res.status).toBe(200);
  await res.text();
}

async function lineSays(userId: string, text: string) {
  const token = line.issueReplyToken(userId);
  const res = await postLine(server.url, LINE_SECRET, [
    lineEvent(userId, { type: 'message', message: { type: 'text', id: '1', text } }, token),
  ]);
  expect(res.status).toBe(200);
}

async function telegramSays(chatId: number, text: string) {
  expect((await postUpdate(server.url, TG_SECRET, tgMessage(chatId, text))).status).toBe(200);
}

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${marketer.token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below
  return { status: res.status, json: (await res.json()) as any };
}

/** Creates and launches a one-variant campaign to members with `tag`; returns its id. */
async function launch(name: string, tag: string): Promise<string> {
  const c = await api('POST', '/api/marketing/campaigns', {
    name,
    segment: { op: 'and', rules: [{ field: 'tags', any: [tag] }] },
    variants: [
      {
        key: 'A',
        split: 100,
        templates: { 'zh-CN': `{{name}}您好，您有 {{points}} 积分（${name}）`, en: `Hi {{name}}: {{points}} points (${name})` },
      },
    ],
    holdoutPct: 0,
  });
  expect(c.status).toBe(200);
  const l = await api('POST', `/api/marketing/campaigns/${c.json.campaign.id}/launch`, {});
  expect(l.status).toBe(200);
  return c.json.campaign.id;
}

const deliveries = async (campaignId: string) =>
  Object.fromEntries(
    (await t.store.db.select().from(campaignDeliveries).where(eq(campaignDeliveries.campaignId, campaignId))).map((r) => [r.memberId, r]),
  );

const wxTexts = (openid: string) => wx.customTo(openid).map((c) => (c.body.text as { content?: string } | undefined)?.content ?? '');
const lineTexts = (userId: string) => line.to(userId).flatMap((c) => (c.kind === 'push' ? c.messages.map((m) => m.text) : []));
const tgTexts = (chatId: number) => tg.messagesTo(chatId).map((m) => m.text);

beforeAll(async () => {
  natives = await startNativeChannels(WX);
  ({ wx, line, tg } = natives);
  t = await createTestApp({
    clock,
    env: {
      BROADCAST_TICK_MS: '0',
      ...natives.env,
    },
  });
  await seedProgram(t.store);
  server = await startServer(t.app.fetch);
  marketer = await addStaff(t.deps, 'marketer');

  await member('wx-in', ['nb'], { channelId: 'wechat', channelUserId: 'o-in' });
  await member('wx-old', ['nb'], { channelId: 'wechat', channelUserId: 'o-old' });
  await member('wx-gone', ['nb'], { channelId: 'wechat', channelUserId: 'o-gone' });
  await member('line-1', ['nb', 'line-crash'], { channelId: 'line', channelUserId: 'U-nb1' });
  await member('line-gone', ['nb'], { channelId: 'line', channelUserId: 'U-nb2' });
  await member('tg-1', ['nb'], { channelId: 'telegram', channelUserId: '801' });
  await member('tg-blocked', ['nb', 'tg-later'], { channelId: 'telegram', channelUserId: '802' });
  // One person on two channels: the WeChat conversation is the more recent one, but its window has closed.
  await member('both', ['nb'], { channelId: 'telegram', channelUserId: '803' });
  await t.store.write((tx) =>
    tx.insert(channelIdentities).values({ channelId: 'wechat', channelUserId: 'o-both', memberId: 'both', verifiedAt: clock() }),
  );

  clock.set('2026-09-05T12:00:00Z');
  await telegramSays(803, '你好');
  clock.set('2026-09-07T11:00:00Z');
  await wechatSays('o-old', '你好');
  await wechatSays('o-both', '你好');
  clock.set('2026-09-10T10:00:00Z');
  await wechatSays('o-in', '你好');
  await wechatSays('o-gone', '你好');
  await wechatEvent('o-gone', 'unsubscribe');
  await lineSays('U-nb1', '你好');
  await lineSays('U-nb2', '你好');
  expect((await postLine(server.url, LINE_SECRET, [lineEvent('U-nb2', { type: 'unfollow' })])).status).toBe(200);
  await telegramSays(801, '你好');
  await telegramSays(802, '你好');
  // Blocked on Telegram without us hearing of it: only the 403 of a send will tell.
  tg.block(802);
  clock.set(START);
});
afterAll(async () => {
  await server?.close();
  await natives?.close();
  t?.close();
});

describe('a broadcast to members on native channels', () => {
  let id: string;
  let rows: Awaited<ReturnType<typeof deliveries>>;
  const before = { wxCustom: 0, wxTemplates: 0, wxTokens: 0, tg802: 0 };

  it('dispatches the campaign', async () => {
    before.wxCustom = wx.custom.length;
    before.wxTemplates = wx.templates.length;
    before.tg802 = tg.requestsTo(802);
    id = await launch('秋季', 'nb');
    await t.deps.broadcast.dispatch();
    rows = await deliveries(id);
    expect(Object.keys(rows).sort()).toEqual(['both', 'line-1', 'line-gone', 'tg-1', 'tg-blocked', 'wx-gone', 'wx-in', 'wx-old']);
  });

  it('WeChat inside the 48-hour window: one customer-service message with the name, the points and the opt-out line', async () => {
    expect(rows['wx-in']).toMatchObject({ status: 'sent', channelId: 'wechat', conversationId: 'wechat:o-in' });
    const got = wxTexts('o-in').filter((text) => text.includes('秋季'));
    expect(got).toEqual(['会员wx-in您好，您有 120 积分（秋季）\n\n回复 退订 取消订阅']);
    expect(wx.custom.length - before.wxCustom).toBe(1);
  });

  it('WeChat outside the window is skipped with no call at the WeChat API, and never as a template', async () => {
    expect(rows['wx-old']).toMatchObject({ status: 'skipped', skipReason: 'outside_window' });
    expect(wxTexts('o-old').filter((text) => text.includes('秋季'))).toEqual([]);
    expect(wx.templates.length).toBe(before.wxTemplates);
  });

  it('a WeChat member who unsubscribed is skipped as unsubscribed', async () => {
    expect(rows['wx-gone']).toMatchObject({ status: 'skipped', skipReason: 'unsubscribed' });
    expect(wxTexts('o-gone').filter((text) => text.includes('秋季'))).toEqual([]);
  });

  it('LINE: a push whose X-Line-Retry-Key is derived from the delivery; an unfollowed member is skipped', async () => {
    expect(rows['line-1']).toMatchObject({ status: 'sent', channelId: 'line' });
    const pushes = line.to('U-nb1').filter((c) => c.kind === 'push');
    expect(pushes).toHaveLength(1);
    expect(pushes[0].messages.map((m) => m.text)).toEqual(['会员line-1您好，您有 120 积分（秋季）\n\n回复 退订 取消订阅']);
    expect(pushes[0].retryKey).toBe(await retryKeyFor(`${deliveryKey(rows['line-1'].id)}:0`));
    expect(rows['line-gone']).toMatchObject({ status: 'skipped', skipReason: 'unsubscribed' });
    expect(line.to('U-nb2').filter((c) => c.kind === 'push')).toEqual([]);
  });

  it('Telegram: sendMessage; a member who blocked the bot (403) is skipped as unsubscribed and remembered', async () => {
    expect(rows['tg-1']).toMatchObject({ status: 'sent', channelId: 'telegram' });
    expect(tgTexts(801).filter((text) => text.includes('秋季'))).toEqual(['会员tg-1您好，您有 120 积分（秋季）\n\n回复 退订 取消订阅']);
    expect(rows['tg-blocked']).toMatchObject({ status: 'skipped', skipReason: 'unsubscribed' });
    expect(tg.requestsTo(802) - before.tg802).toBe(1);
    expect(tgTexts(802).filter((text) => text.includes('秋季'))).toEqual([]);
    expect((await t.deps.outbound.reference('telegram:802'))?.reference.delivery).toMatchObject({ unsubscribedAt: clock().getTime() });
  });

  it('a member with a closed WeChat window and a Telegram chat gets it once, on Telegram', async () => {
    expect(rows.both).toMatchObject({ status: 'sent', channelId: 'telegram', conversationId: 'telegram:803' });
    expect(tgTexts(803).filter((text) => text.includes('秋季'))).toHaveLength(1);
    expect(wxTexts('o-both').filter((text) => text.includes('秋季'))).toEqual([]);
  });

  it('the report counts match: by status and by skip reason', async () => {
    const view = await api('GET', `/api/marketing/campaigns/${id}`);
    expect(view.status).toBe(200);
    expect(view.json.campaign.status).toBe('completed');
    expect(view.json.counts.total).toBe(8);
    expect(view.json.counts.byStatus).toMatchObject({ sent: 4, skipped: 4 });
    expect(view.json.counts.bySkipReason).toEqual({ outside_window: 1, unsubscribed: 3 });
  });

  it('a later campaign does not even try the member who blocked the bot', async () => {
    const calls = tg.requestsTo(802);
    const later = await launch('冬季', 'tg-later');
    await t.deps.broadcast.dispatch();
    expect((await deliveries(later))['tg-blocked']).toMatchObject({ status: 'skipped', skipReason: 'unsubscribed' });
    expect(tg.requestsTo(802)).toBe(calls);
  });
});

/**
 * A dispatcher whose sends reach the platform and which then stops (killed, or stuck) before recording
 * them: `reached` resolves after `n` sends, `release()` lets it finish late.
 */
function stallingOutbound(n: number) {
  const real = t.deps.outbound;
  let count = 0;
  let reachedAll!: () => void;
  const reached = new Promise<void>((r) => (reachedAll = r));
  let release!: () => void;
  const stalled = new Promise<void>((r) => (release = r));
  const outbound = {
    check: real.check.bind(real),
    sendTo: async (...args: Parameters<Outbound['sendTo']>) => {
      const r = await real.sendTo(...args);
      if (++count === n) reachedAll();
      await stalled;
      return r;
    },
  } as unknown as Outbound;
  return { outbound, reached, release };
}

/** Moves the clock past the dispatcher lease, as if the stalled process held its rows until they expired. */
const pastLease = () => clock.set(new Date(clock().getTime() + (t.deps.broadcast.options.leaseMs ?? 120_000) + 1_000).toISOString());

describe('deliveries left mid-send by a stalled dispatcher', () => {
  it('LINE: sent again with the same retry key, and LINE shows it once', async () => {
    const stall = stallingOutbound(1);
    const id = await launch('补发', 'line-crash');
    const first = dispatchOnce({ ctx: t.deps.domain, outbound: stall.outbound, options: t.deps.broadcast.options });
    await stall.reached;
    const [row] = await t.store.db.select().from(campaignDeliveries).where(eq(campaignDeliveries.campaignId, id));
    expect(row.status).toBe('sending');

    // The lease runs out; another pass claims the row and resends with the same key.
    pastLease();
    const second = await dispatchOnce({ ctx: t.deps.domain, outbound: t.deps.outbound, options: t.deps.broadcast.options });
    expect(second.sent).toBe(1);
    const key = await retryKeyFor(`${deliveryKey(row.id)}:0`);
    expect(line.pushAttempts.filter((a) => a.retryKey === key).map((a) => a.status)).toEqual([200, 409]);
    expect(lineTexts('U-nb1').filter((text) => text.includes('补发'))).toHaveLength(1);

    // The stalled dispatcher's late answer no longer holds the claim and changes nothing.
    stall.release();
    await first;
    const [done] = await t.store.db.select().from(campaignDeliveries).where(eq(campaignDeliveries.campaignId, id));
    expect(done).toMatchObject({ status: 'sent', attempts: 2, channelId: 'line' });
    const view = await api('GET', `/api/marketing/campaigns/${id}`);
    expect(view.json.counts).toMatchObject({ total: 1, byStatus: { sent: 1 } });
  });

  it('WeChat and Telegram, which cannot drop a repeated send: failed as outcome unknown, never sent twice', async () => {
    await t.store.write((tx) =>
      tx
        .update(members)
        .set({ tags: ['nb', 'stall'] })
        .where(inArray(members.id, ['wx-in', 'tg-1'])),
    );
    const stall = stallingOutbound(2);
    const id = await launch('再发', 'stall');
    const first = dispatchOnce({ ctx: t.deps.domain, outbound: stall.outbound, options: t.deps.broadcast.options });
    await stall.reached;
    pastLease();
    await dispatchOnce({ ctx: t.deps.domain, outbound: t.deps.outbound, options: t.deps.broadcast.options });
    stall.release();
    await first;
    expect(wxTexts('o-in').filter((text) => text.includes('再发'))).toHaveLength(1);
    expect(tgTexts(801).filter((text) => text.includes('再发'))).toHaveLength(1);
    const rows = await deliveries(id);
    for (const m of ['wx-in', 'tg-1']) {
      expect(rows[m], m).toMatchObject({ status: 'failed' });
      expect(rows[m].error, m).toMatch(/outcome unknown/);
    }
  });
});

describe("the platform's own refusal", () => {
  it('WeChat answering 45015 (its window closed) makes the delivery skipped as outside_window, not retried', async () => {
    await t.store.write((tx) =>
      tx
        .update(members)
        .set({ tags: ['nb', 'wx-late'] })
        .where(eq(members.id, 'wx-in')),
    );
    const before = wxTexts('o-in').length;
    wx.failNext('o-in', 45015, 'response out of time limit or subscription is canceled');
    const id = await launch('迟到', 'wx-late');
    await t.deps.broadcast.dispatch();
    expect((await deliveries(id))['wx-in']).toMatchObject({ status: 'skipped', skipReason: 'outside_window', attempts: 1 });
    expect(wxTexts('o-in').length).toBe(before);
    expect((await api('GET', `/api/marketing/campaigns/${id}`)).json.campaign.status).toBe('completed');
  });
});
