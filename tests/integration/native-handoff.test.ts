// Human handoff and CSAT on WeChat, LINE and Telegram: queue, agent joins and replies, resolve, rating by native buttons.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { feedback, handoffs } from '../../db/schema/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, openSupportAllDay, fixedClock, seedProgram } from '../support/fixtures.js';
import { type LocalLine, lineEvent, postLine } from '../support/line.js';
import { LINE_SECRET, type NativeChannels, startNativeChannels, TG_SECRET, wechatAccount } from '../support/native-channels.js';
import { startServer, type RunningServer } from '../support/server.js';
import { addStaff, type TestStaff } from '../support/staff.js';
import { type LocalTelegram, postUpdate, tgCallback, tgMessage } from '../support/telegram.js';
import { type LocalWechat, postPush, pushXml, readPassive } from '../support/wechat.js';

const START = '2026-06-01T08:00:00Z';
const clock = fixedClock(START);
const WX = wechatAccount('gh_h');

let t: TestApp;
let server: RunningServer;
let natives: NativeChannels;
let wx: LocalWechat;
let line: LocalLine;
let tg: LocalTelegram;
let amy: TestStaff;
let msgId = 9_000_000;

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const handoffOf = async (memberId: string) => (await t.store.db.select().from(handoffs).where(eq(handoffs.memberId, memberId))).at(-1)!;
const csatOf = (handoffId: string) =>
  t.store.db
    .select()
    .from(feedback)
    .where(and(eq(feedback.handoffId, handoffId), eq(feedback.kind, 'csat')));

/** One member per channel: how they write, and what reached them (replies and proactive messages). */
interface Rig {
  memberId: string;
  say(text: string): Promise<string[]>;
  /** Everything sent to the member so far: text and button values. */
  received(): { text: string; buttons: string[] }[];
  /** Taps the button with this value on the latest message that has it. */
  tap(value: string): Promise<string[]>;
}

function wechatRig(memberId: string, openid: string): Rig {
  const received = () =>
    wx.customTo(openid).map((c) =>
      c.body.msgtype === 'msgmenu'
        ? {
            text: (c.body.msgmenu as { head_content: string }).head_content,
            buttons: (c.body.msgmenu as { list: { id: string; content: string }[] }).list.map((i) => i.id),
          }
        : { text: (c.body.text as { content: string }).content, buttons: [] },
    );
  const push = async (fields: Record<string, string | number>) => {
    const res = await postPush(server.url, WX, pushXml(WX.account, openid, { MsgType: 'text', MsgId: String(++msgId), ...fields }));
    expect(res.status).toBe(200);
    const passive = await readPassive(res, WX);
    return passive ? [passive.content] : [];
  };
  return {
    memberId,
    received,
    say: (text) => push({ Content: text }),
    async tap(value) {
      // Menu items come back as text with the item's id; the channel maps the id to its value.
      const menu = [...wx.customTo(openid)].reverse().find((c) => c.body.msgtype === 'msgmenu')!;
      const items = (menu.body.msgmenu as { list: { id: string; content: string }[] }).list;
      const index = ['1', '2', '3', '4', '5'].indexOf(value);
      return push({ Content: items[index].content, bizmsgmenuid: items[index].id });
    },
  };
}

function lineRig(memberId: string, userId: string): Rig {
  const received = () =>
    line.to(userId).flatMap((c) => c.messages.map((m) => ({ text: m.text, buttons: m.quickReply?.items.map((i) => i.action.text) ?? [] })));
  const say = async (text: string) => {
    const token = line.issueReplyToken(userId);
    expect(
      (await postLine(server.url, LINE_SECRET, [lineEvent(userId, { type: 'message', message: { type: 'text', id: '1', text } }, token)]))
        .status,
    ).toBe(200);
    return line.calls.filter((c) => c.replyToken === token).flatMap((c) => c.messages.map((m) => m.text));
  };
  // A quick-reply tap sends the item's text as a message.
  return { memberId, received, say, tap: (value) => say(value) };
}

function telegramRig(memberId: string, chatId: number): Rig {
  const received = () =>
    tg.messagesTo(chatId).map((m) => ({ text: m.text, buttons: m.reply_markup?.inline_keyboard.flat().map((b) => b.callback_data) ?? [] }));
  const post = async (update: unknown) => {
    const before = tg.messagesTo(chatId).length;
    expect((await postUpdate(server.url, TG_SECRET, update)).status).toBe(200);
    return tg
      .messagesTo(chatId)
      .slice(before)
      .map((m) => m.text);
  };
  return { memberId, received, say: (text) => post(tgMessage(chatId, text)), tap: (value) => post(tgCallback(chatId, value)) };
}

beforeAll(async () => {
  natives = await startNativeChannels(WX);
  ({ wx, line, tg } = natives);
  t = await createTestApp({
    clock,
    env: {
      ...natives.env,
    },
  });
  await seedProgram(t.store);
  for (const [id, channelId, channelUserId] of [
    ['h-wx', 'wechat', 'o-h'],
    ['h-line', 'line', 'U-h'],
    ['h-tg', 'telegram', '777'],
  ]) {
    await addMember(t.store, clock, {
      id,
      name: `会员${id}`,
      locale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
      identity: { channelId, channelUserId },
    });
  }
  server = await startServer(t.app.fetch);
  amy = await addStaff(t.deps, 'agent', 'Amy Agent');
});
afterAll(async () => {
  await server.close();
  await natives.close();
  t.close();
});
beforeEach(async () => {
  await openSupportAllDay(t.deps.domain);
});

describe.each([
  ['WeChat', () => wechatRig('h-wx', 'o-h')],
  ['LINE', () => lineRig('h-line', 'U-h')],
  ['Telegram', () => telegramRig('h-tg', 777)],
])('handoff and CSAT on %s', (_name, rig) => {
  it('queues the member, the agent joins and replies (named), the bot stays silent, and a native button rates the help', async () => {
    const m = rig();
    const [queued] = await m.say('转人工');
    expect(queued).toContain('转接人工客服');
    const h = await handoffOf(m.memberId);
    expect(h.status).toBe('pending');

    const claim = await api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/claim`);
    expect(claim.body.notice.status).toBe('sent');
    expect(m.received().at(-1)?.text).toContain('Amy Agent');

    // While the agent owns the conversation the assistant says nothing.
    expect(await m.say('我有多少积分')).toEqual([]);

    const reply = await api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/messages`, {
      text: '您好，我来帮您。',
      clientMessageId: `amy-${h.id}`,
    });
    expect(reply.body.delivery).toMatchObject({ status: 'sent', kind: 'agent' });
    const delivered = m.received().at(-1)!;
    expect(delivered.text).toContain('您好，我来帮您。');

    const resolved = await api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/resolve`, {});
    expect(resolved.body.csat.status).toBe('sent');
    const prompt = m.received().at(-1)!;
    expect(prompt.buttons).toHaveLength(5);

    const [thanks] = await m.tap('5');
    expect(thanks).toContain('5');
    expect(await csatOf(h.id)).toMatchObject([{ score: 5, memberId: m.memberId, agentId: amy.id }]);
  });
});

describe('channel rules in a handoff', () => {
  it('LINE shows the agent as the sender; WeChat and Telegram name the agent in the text', async () => {
    const lineReply = line.calls.flatMap((c) => c.messages).find((msg) => msg.text === '您好，我来帮您。') as
      | { sender?: { name: string } }
      | undefined;
    expect(lineReply?.sender).toEqual({ name: 'Amy Agent' });
    expect(tg.messagesTo(777).some((msg) => msg.text === 'Amy Agent: 您好，我来帮您。')).toBe(true);
    expect(
      wx.customTo('o-h').some((c) => (c.body.text as { content?: string } | undefined)?.content === 'Amy Agent: 您好，我来帮您。'),
    ).toBe(true);
  });

  it('an agent reply on WeChat outside the 48-hour window is refused with its reason, and the agent sees it', async () => {
    const m = wechatRig('h-wx', 'o-h');
    await m.say('转人工');
    const h = await handoffOf('h-wx');
    await api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/claim`);
    clock.set('2026-06-04T09:00:00Z');
    try {
      const before = wx.customTo('o-h').length;
      const reply = await api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/messages`, { text: '还在吗？' });
      expect(reply.body.delivery).toMatchObject({ status: 'failed', retryable: false });
      expect(reply.body.delivery.error).toMatch(/messaging window/);
      expect(wx.customTo('o-h').length).toBe(before);
      await api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/resolve`, {});
    } finally {
      clock.set(START);
    }
  });
});
