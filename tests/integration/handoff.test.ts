// Human handoff over real HTTP with the local Bot Framework connector: queue, claim, silence, replies, resolve, CSAT.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { feedback, handoffs } from '../../db/schema/index.js';
import { OfflineBrain } from '../../src/assistant/offline/brain.js';
import type { Brain, BrainReply, TurnCtx } from '../../src/assistant/types.js';
import { getPointsSummary } from '../../src/domain/loyalty/index.js';
import { updateHandoffSettings, type HandoffSettings } from '../../src/domain/handoffs/index.js';
import { formatPoints } from '../../src/lib/money.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { emulatorActivity, postActivity, startLocalConnector, type LocalConnector } from '../support/connector.js';
import { addMember, alwaysOpen, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';
import { openEventStream } from '../support/sse.js';
import { addStaff, login, type TestStaff } from '../support/staff.js';
import { updateStaff } from '../../src/domain/staff/index.js';

/** Monday 08:00 UTC: 16:00 in Shanghai, 09:00 in London. */
const START = '2026-06-01T08:00:00Z';
const clock = fixedClock(START);

/** The offline brain, but a turn whose text is "slow question" waits until the test lets it go. */
class LatchBrain implements Brain {
  // Named like the offline brain so the route answers in-line (no typing indicator, no early acknowledgement).
  readonly name = 'offline';
  private readonly inner = new OfflineBrain();
  entered?: () => void;
  private gate?: Promise<void>;
  private open?: () => void;
  arm(): Promise<void> {
    this.gate = new Promise((r) => (this.open = r));
    return new Promise((r) => (this.entered = r));
  }
  release() {
    this.open?.();
  }
  async respond(ctx: TurnCtx, text: string): Promise<BrainReply> {
    if (text === 'slow question' && this.gate) {
      this.entered?.();
      await this.gate;
    }
    return this.inner.respond(ctx, text);
  }
}

const brain = new LatchBrain();
let t: TestApp;
let server: RunningServer;
let connector: LocalConnector;
let amy: TestStaff;
let bob: TestStaff;

const ALWAYS_OPEN: HandoffSettings = { ...alwaysOpen(), queueTimeoutMinutes: 15, minutesPerWaitingMember: 3 };

let nextMember = 0;
/** A fresh member linked to an Emulator user id (one open handoff per member, so tests do not collide). */
async function member(locale: 'en' | 'zh-CN' = 'en') {
  nextMember += 1;
  const id = `H${nextMember}`;
  const userId = `user-${id}`;
  await addMember(t.store, clock, {
    id,
    name: locale === 'en' ? `Member ${id}` : `会员${id}`,
    locale,
    timeZone: locale === 'en' ? 'Europe/London' : 'Asia/Shanghai',
    identity: { channelId: 'emulator', channelUserId: userId },
  });
  await paidOrder(t.deps.domain, id, `O-${id}`, '1234', '2026-05-01T00:00:00Z');
  return { id, userId, conversationId: `emulator:conv-${userId}`, channelConversation: `conv-${userId}` };
}

/** Sends one activity; returns the replies the connector got for it (threaded replies only). */
async function say(userId: string, text: string) {
  const activity = emulatorActivity(connector.url, userId, text);
  const { status, replies } = await postActivity(server.url, connector, activity);
  expect(status).toBe(200);
  return replies;
}

/** Proactive messages (not replies to an activity) the connector got for a conversation, in order. */
const proactive = (channelConversation: string) =>
  connector.captured.filter((c) => c.conversationId === channelConversation && c.replyToId === undefined).map((c) => c.activity);

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const handoffOf = async (memberId: string) =>
  (await t.store.db.select().from(handoffs).where(eq(handoffs.memberId, memberId))).sort((a, b) => +a.requestedAt - +b.requestedAt).at(-1)!;

beforeAll(async () => {
  connector = await startLocalConnector();
  t = await createTestApp({ clock, brain });
  await seedProgram(t.store);
  server = await startServer(t.app.fetch);
  amy = await addStaff(t.deps, 'agent', 'Amy Agent');
  bob = await addStaff(t.deps, 'agent', 'Bob Agent');
});
afterAll(async () => {
  await server.close();
  await connector.close();
  t.close();
});
beforeEach(async () => {
  clock.set(START);
  await updateHandoffSettings({ ctx: t.deps.domain, input: { settings: ALWAYS_OPEN } });
});

describe('handoff end to end (Bot Framework, local connector)', () => {
  it('request -> pending -> claim -> member reaches the agent while the bot stays silent -> reply -> resolve -> CSAT stored', async () => {
    const m = await member('en');
    const stream = await openEventStream(`${server.url}/api/agent/events`, { authorization: `Bearer ${amy.token}` });
    try {
      // The member asks for a person and is told the queue position and expected wait.
      const [queued] = await say(m.userId, 'I want to talk to a human');
      expect(queued.text).toContain("You're number 1 in the queue");
      expect(queued.text).toContain('about 3 minutes');
      expect(queued.suggestedActions?.actions.map((a) => a.value)).toEqual(['cancel']);

      const pending = await api(amy.token, 'GET', '/api/agent/handoffs?status=pending');
      const listed = pending.body.handoffs.find((h: { member: { id: string } }) => h.member.id === m.id);
      expect(listed).toMatchObject({ status: 'pending', mode: 'live', reason: 'member_request', locale: 'en', channelId: 'emulator' });
      await stream.waitFor(
        (e) => e.event === 'handoff' && JSON.parse(e.data).handoffId === listed.id && JSON.parse(e.data).type === 'created',
      );

      // Claim: the member is told who joined.
      const claim = await api(amy.token, 'POST', `/api/agent/handoffs/${listed.id}/claim`);
      expect(claim.status).toBe(200);
      expect(claim.body.handoff).toMatchObject({ status: 'assigned', agent: { id: amy.id, name: 'Amy Agent' } });
      expect(claim.body.notice.status).toBe('sent');
      expect(proactive(m.channelConversation).at(-1)?.text).toBe('Amy Agent from our support team has joined the chat.');

      // The member writes: nothing comes back from the bot, the agent gets it (transcript and event).
      const beforeSilent = connector.captured.length;
      const silent = await say(m.userId, 'what is my points balance');
      expect(silent).toEqual([]);
      expect(connector.captured.length).toBe(beforeSilent);
      const messageEvent = await stream.waitFor((e) => e.event === 'handoff' && JSON.parse(e.data).type === 'message');
      expect(JSON.parse(messageEvent.data).handoffId).toBe(listed.id);
      const detail = await api(amy.token, 'GET', `/api/agent/handoffs/${listed.id}`);
      const last = detail.body.transcript.at(-1);
      expect(last).toMatchObject({ author: 'member', text: 'what is my points balance' });
      expect(detail.body.member.points.balance).toBe((await getPointsSummary({ ctx: t.deps.domain, input: { memberId: m.id } })).balance);
      expect(detail.body.summary[0]).toBe('The member asked for a person.');

      // The agent's reply reaches the member's conversation through the connector.
      const reply = await api(amy.token, 'POST', `/api/agent/handoffs/${listed.id}/messages`, {
        text: 'Hi! You have 1,234 points. Anything else?',
        clientMessageId: 'amy-1',
      });
      expect(reply.status).toBe(200);
      expect(reply.body.delivery).toMatchObject({ status: 'sent', attempts: 1, kind: 'agent' });
      expect(proactive(m.channelConversation).at(-1)?.text).toBe('Hi! You have 1,234 points. Anything else?');
      // The same clientMessageId again sends nothing more.
      const sentBefore = proactive(m.channelConversation).length;
      const again = await api(amy.token, 'POST', `/api/agent/handoffs/${listed.id}/messages`, {
        text: 'Hi! You have 1,234 points. Anything else?',
        clientMessageId: 'amy-1',
      });
      expect(again.body.delivery.id).toBe(reply.body.delivery.id);
      expect(proactive(m.channelConversation).length).toBe(sentBefore);

      // Bob cannot reply on Amy's conversation or resolve it.
      expect((await api(bob.token, 'POST', `/api/agent/handoffs/${listed.id}/messages`, { text: 'me too' })).status).toBe(403);
      expect((await api(bob.token, 'POST', `/api/agent/handoffs/${listed.id}/resolve`, {})).status).toBe(403);

      // Resolve: the bot is back and asks for a rating with 1-5 buttons.
      const resolved = await api(amy.token, 'POST', `/api/agent/handoffs/${listed.id}/resolve`, { note: 'answered the balance' });
      expect(resolved.status).toBe(200);
      expect(resolved.body.handoff.status).toBe('resolved');
      expect(resolved.body.csat.status).toBe('sent');
      const prompt = proactive(m.channelConversation).at(-1)!;
      expect(prompt.text).toContain('How satisfied are you');
      expect(prompt.suggestedActions?.actions.map((a) => a.value)).toEqual(['1', '2', '3', '4', '5']);

      // A typed rating is stored once; the same rating again changes nothing.
      const [thanks] = await say(m.userId, '5');
      expect(thanks.text).toContain('Thank you for rating us 5/5');
      const csatRows = () =>
        t.store.db
          .select()
          .from(feedback)
          .where(and(eq(feedback.handoffId, listed.id), eq(feedback.kind, 'csat')));
      expect(await csatRows()).toMatchObject([{ score: 5, agentId: amy.id, memberId: m.id, sentiment: 'positive' }]);
      const [already] = await say(m.userId, '5');
      expect(already.text).toContain("You've already rated this conversation 5/5");
      const rows = await csatRows();
      expect(rows).toHaveLength(1);
      expect(rows[0].updatedAt).toBeNull();

      // The assistant answers again, with the store's number.
      const [answer] = await say(m.userId, 'how many points do I have');
      const balance = (await getPointsSummary({ ctx: t.deps.domain, input: { memberId: m.id } })).balance;
      expect(answer.text).toContain(`You have ${formatPoints(balance)} points`);

      // A reconnecting stream replays what it missed from its last event id.
      const firstId = stream.events.find((e) => e.event === 'handoff')!.id!;
      const replay = await openEventStream(`${server.url}/api/agent/events`, {
        authorization: `Bearer ${amy.token}`,
        'last-event-id': firstId,
      });
      try {
        const resolvedEvent = await replay.waitFor((e) => e.event === 'handoff' && JSON.parse(e.data).type === 'resolved');
        expect(Number(resolvedEvent.id)).toBeGreaterThan(Number(firstId));
        expect(replay.events.some((e) => e.id === firstId)).toBe(false);
      } finally {
        replay.close();
      }
    } finally {
      stream.close();
    }
  });

  it('lets exactly one of two agents claiming at once win', async () => {
    const m = await member('zh-CN');
    const [queued] = await say(m.userId, '转人工');
    expect(queued.text).toContain('排在第 1 位');
    const h = await handoffOf(m.id);
    const noticesBefore = proactive(m.channelConversation).length;
    const results = await Promise.all([
      api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/claim`),
      api(bob.token, 'POST', `/api/agent/handoffs/${h.id}/claim`),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!;
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.error.message).toMatch(/Already claimed by (Amy|Bob) Agent/);
    const row = await handoffOf(m.id);
    expect(row.agentId).toBe(winner.body.handoff.agent.id);
    expect(proactive(m.channelConversation).length - noticesBefore).toBe(1);
    // A third attempt afterwards is refused as well.
    expect((await api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/claim`)).status).toBe(409);
  });

  it('lets the member cancel while waiting, and the assistant answers again', async () => {
    const m = await member('en');
    await say(m.userId, 'human please');
    expect((await handoffOf(m.id)).status).toBe('pending');
    const [cancelled] = await say(m.userId, 'cancel');
    expect(cancelled.text).toContain("I've cancelled your request for a person");
    const h = await handoffOf(m.id);
    expect(h.status).toBe('cancelled');
    expect((await api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/claim`)).status).toBe(409);
    const [answer] = await say(m.userId, 'how many points do I have');
    expect(answer.text).toContain('You have 1,234 points');
  });

  it('times out an unclaimed request: apology, the assistant resumes, the ticket stays open', async () => {
    const m = await member('en');
    await say(m.userId, 'I need a person');
    // While waiting, the member is reassured once and the assistant answers nothing else.
    const [ack] = await say(m.userId, 'hello? how many points do I have');
    expect(ack.text).toContain("You're number 1 in the queue");
    expect(await say(m.userId, 'still there?')).toEqual([]);

    clock.set('2026-06-01T08:14:00Z');
    let sweep = await api(TEST_ADMIN_TOKEN, 'POST', '/api/admin/jobs/handoff-sweep');
    expect(sweep.body.result.timedOut).toBe(0);
    clock.set('2026-06-01T08:16:00Z');
    sweep = await api(TEST_ADMIN_TOKEN, 'POST', '/api/admin/jobs/handoff-sweep');
    expect(sweep.body.result.timedOut).toBe(1);

    expect(proactive(m.channelConversation).at(-1)?.text).toContain('nobody from our support team could take your chat in time');
    const h = await handoffOf(m.id);
    expect(h).toMatchObject({ status: 'pending', mode: 'ticket' });
    expect(h.timedOutAt?.toISOString()).toBe('2026-06-01T08:16:00.000Z');
    const [answer] = await say(m.userId, 'how many points do I have');
    expect(answer.text).toContain('You have 1,234 points');
    // Still in the agents' queue for follow-up; claiming it later reaches the member proactively.
    const open = await api(amy.token, 'GET', '/api/agent/handoffs?status=pending');
    expect(open.body.handoffs.some((x: { id: string; mode: string }) => x.id === h.id && x.mode === 'ticket')).toBe(true);
    expect((await api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/claim`)).status).toBe(200);
    expect(
      (await api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/messages`, { text: 'Sorry for the wait!' })).body.delivery.status,
    ).toBe('sent');
    expect(proactive(m.channelConversation).at(-1)?.text).toBe('Sorry for the wait!');
  });

  it('outside business hours leaves a ticket, says when to expect an answer, and keeps the assistant answering', async () => {
    await updateHandoffSettings({
      ctx: t.deps.domain,
      input: {
        settings: {
          ...ALWAYS_OPEN,
          hours: {
            ...ALWAYS_OPEN.hours,
            en: { timeZone: 'Europe/London', days: [1, 2, 3, 4, 5], open: '10:00', close: '18:00', closedDates: [] },
          },
        },
      },
    });
    const m = await member('en');
    // 09:00 in London on a Monday: the English team starts at 10:00 (09:00 UTC).
    const [reply] = await say(m.userId, 'human');
    expect(reply.text).toContain('Our support team is offline right now (hours: Mon–Fri 10:00–18:00 (Europe/London))');
    expect(reply.text).toContain('after Mon 1 Jun, 10:00');
    const h = await handoffOf(m.id);
    expect(h).toMatchObject({ status: 'pending', mode: 'ticket' });
    expect(h.replyBy?.toISOString()).toBe('2026-06-01T09:00:00.000Z');
    const [answer] = await say(m.userId, 'how many points do I have');
    expect(answer.text).toContain('You have 1,234 points');
    // The agent reads that promise in their own time zone; another on the default reads it in UTC.
    await updateStaff({ ctx: t.deps.domain, input: { staffId: amy.id, timeZone: 'Asia/Shanghai' } });
    const amyView = await api(amy.token, 'GET', `/api/agent/handoffs/${h.id}`);
    expect(amyView.body.summary).toContain('The member was told to expect an answer after 2026-06-01 17:00 (Asia/Shanghai).');
    expect((await api(bob.token, 'GET', `/api/agent/handoffs/${h.id}`)).body.summary).toContain(
      'The member was told to expect an answer after 2026-06-01 09:00 (UTC).',
    );
    // The loyalty card names the day the member's points expire, in the member's time zone, as the member is told.
    await say(m.userId, 'photo: https://img.test/p?id=1 <script>alert(1)</script>');
    const session = await login(server.url, amy.email, amy.password);
    const html = await (await fetch(`${server.url}/console/handoffs/${h.id}`, { headers: { cookie: session.cookie } })).text();
    expect(html).toContain('data-testid="card-expiring">none soon (next: 1,234 on 2027-05-01)<');
    // Links in the transcript open in a new tab; everything else stays escaped text.
    expect(html).toContain('<a href="https://img.test/p?id=1" target="_blank" rel="noopener noreferrer">https://img.test/p?id=1</a>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('The member was told to expect an answer after 2026-06-01 17:00 (Asia/Shanghai).');
    await updateStaff({ ctx: t.deps.domain, input: { staffId: amy.id, timeZone: null } });

    // On Saturday the next opening is Monday.
    const s = await member('en');
    clock.set('2026-06-06T12:00:00Z');
    const [weekend] = await say(s.userId, 'human');
    expect(weekend.text).toContain('after Mon 8 Jun, 10:00');
  });

  it('re-checks ownership at send time: an agent claiming during a slow turn is not talked over', async () => {
    await updateHandoffSettings({
      ctx: t.deps.domain,
      input: {
        settings: {
          ...ALWAYS_OPEN,
          hours: { ...ALWAYS_OPEN.hours, en: { timeZone: 'Europe/London', days: [7], open: '10:00', close: '11:00', closedDates: [] } },
        },
      },
    });
    const m = await member('en');
    await say(m.userId, 'human'); // after hours: a ticket, the assistant keeps answering
    const h = await handoffOf(m.id);
    expect(h.mode).toBe('ticket');

    const entered = brain.arm();
    const activity = emulatorActivity(connector.url, m.userId, 'slow question');
    const turn = fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    await entered; // the assistant is thinking...
    expect((await api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/claim`)).status).toBe(200);
    brain.release();
    expect((await turn).status).toBe(200);
    expect(connector.captured.filter((c) => c.replyToId === activity.id)).toEqual([]);
  });

  it('shows delivery failures to the agent and retries them', async () => {
    const m = await member('en');
    await say(m.userId, 'human');
    const h = await handoffOf(m.id);
    await api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/claim`);

    connector.failNext(3, 503);
    const failed = await api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/messages`, { text: 'Are you still there?' });
    expect(failed.body.delivery).toMatchObject({ status: 'failed', retryable: true, httpStatus: 503, attempts: 1 });
    const view = await api(amy.token, 'GET', `/api/agent/handoffs/${h.id}`);
    expect(view.body.transcript.at(-1).delivery).toMatchObject({ status: 'failed', httpStatus: 503 });

    // The sweep retries it once it is due.
    clock.set('2026-06-01T08:01:00Z');
    const sweep = await api(TEST_ADMIN_TOKEN, 'POST', '/api/admin/jobs/handoff-sweep');
    expect(sweep.body.result).toMatchObject({ retried: 1, delivered: 1 });
    expect(proactive(m.channelConversation).at(-1)?.text).toBe('Are you still there?');

    // A permanent failure is not retried automatically, but the agent can retry it by hand.
    connector.failNext(1, 403);
    const denied = await api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/messages`, { text: 'Second try' });
    expect(denied.body.delivery).toMatchObject({ status: 'failed', retryable: false, httpStatus: 403 });
    const retried = await api(amy.token, 'POST', `/api/agent/handoffs/${h.id}/messages/${denied.body.delivery.id}/retry`);
    expect(retried.body.delivery).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('hands over after two answers in a row the assistant could not give', async () => {
    const m = await member('en');
    const [first] = await say(m.userId, 'what is the weather in Paris');
    expect(first.text).toContain('I can only help with your membership');
    expect(await t.store.db.select().from(handoffs).where(eq(handoffs.memberId, m.id))).toHaveLength(0);
    const second = await say(m.userId, 'who won the football game yesterday');
    expect(second.map((r) => r.text).join(' ')).toContain("You're number 1 in the queue");
    expect(await handoffOf(m.id)).toMatchObject({ status: 'pending', reason: 'bot_failure', mode: 'live' });
  });

  it('opens a live handoff for an upset complaint, categorized with sentiment', async () => {
    const m = await member('zh-CN');
    const replies = await say(m.userId, '快递太慢了，我要投诉');
    expect(replies.map((r) => r.text).join('\n')).toContain('您的投诉已记录');
    expect(replies.map((r) => r.text).join('\n')).toContain('排在第');
    const h = await handoffOf(m.id);
    expect(h).toMatchObject({ reason: 'complaint', mode: 'live', status: 'pending' });
    const [row] = await t.store.db.select().from(feedback).where(eq(feedback.id, h.feedbackId!));
    expect(row).toMatchObject({ kind: 'complaint', category: 'delivery', sentiment: 'negative', memberId: m.id });
    const list = await api(amy.token, 'GET', '/api/agent/feedback?kind=complaint');
    expect(list.body.feedback.find((f: { id: number }) => f.id === row.id)).toMatchObject({ ticketId: h.id, ticketStatus: 'pending' });
  });

  it('keeps at most one open handoff per member', async () => {
    const m = await member('en');
    await say(m.userId, 'human');
    await say(m.userId, 'cancel');
    await say(m.userId, 'human');
    const [again] = await say(m.userId, 'human');
    // Asking again while waiting reaches the agents as a message; the member hears their place in the queue.
    const waitingLive = (await t.store.db.select().from(handoffs)).filter(
      (h) => h.status === 'pending' && h.mode === 'live' && h.locale === 'en',
    );
    expect(again.text).toContain(`You're number ${waitingLive.length} in the queue`);
    const open = (await t.store.db.select().from(handoffs).where(eq(handoffs.memberId, m.id))).filter((h) => h.status === 'pending');
    expect(open).toHaveLength(1);
  });

  it('guards the agent API: no token 401, marketers 403', async () => {
    const marketer = await addStaff(t.deps, 'marketer');
    expect((await fetch(`${server.url}/api/agent/handoffs`)).status).toBe(401);
    expect((await api(marketer.token, 'GET', '/api/agent/handoffs')).status).toBe(403);
    expect((await api(TEST_ADMIN_TOKEN, 'GET', '/api/agent/handoffs')).status).toBe(200);
    const bad = await api(amy.token, 'POST', '/api/agent/handoffs/nope/messages', { text: '' });
    expect(bad.status).toBe(400);
    expect((await api(amy.token, 'POST', '/api/agent/handoffs/nope/claim')).status).toBe(404);
  });
});
