// The language-model brain opening handoffs through its tools (local OpenAI-compatible server): fixed wording, real tickets.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedback, handoffs } from '../../db/schema/index.js';
import type { InboundActivity } from '../../src/turn/types.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, openSupportAllDay, fixedClock, seedProgram } from '../support/fixtures.js';
import { lastToolResult, startLocalOpenAI, type LocalOpenAI } from '../support/openai-server.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
let t: TestApp;
let llm: LocalOpenAI;
let seq = 0;

const turn = (text: string, user: string): InboundActivity => ({
  channelId: 'emulator',
  channelUserId: user,
  channelConversationId: `conv-${user}`,
  activityId: `a-${++seq}`,
  type: 'message',
  text,
});

beforeAll(async () => {
  llm = await startLocalOpenAI();
  t = await createTestApp({ clock, env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: llm.baseURL, OPENAI_MODEL: 'test-model' } });
  await seedProgram(t.store);
  await addMember(t.store, clock, { id: 'G1', name: 'Grace Hall', locale: 'en', identity: { channelId: 'emulator', channelUserId: 'g1' } });
  await addMember(t.store, clock, { id: 'G2', name: 'Henry Ford', locale: 'en', identity: { channelId: 'emulator', channelUserId: 'g2' } });
  await openSupportAllDay(t.deps.domain, ['en']);
});
afterAll(async () => {
  await llm.close();
  t.close();
});

describe('language model handoffs', () => {
  it('request_human opens a real handoff and the member gets the fixed queue wording, not the model’s', async () => {
    llm.script([
      { toolCalls: [{ name: 'request_human', arguments: '{"reason":null}' }] },
      (req) => ({ content: `Done: ${JSON.stringify(lastToolResult(req))}. Someone will be with you in 2 minutes!` }),
    ]);
    const r = await t.deps.pipeline(turn('please get me a real person', 'g1'));
    expect(r.replies).toHaveLength(1);
    expect(r.replies[0].text).toContain("You're number 1 in the queue; the expected wait is about 3 minutes");
    expect(r.replies[0].text).not.toContain('2 minutes');
    const [h] = await t.store.db.select().from(handoffs).where(eq(handoffs.memberId, 'G1'));
    expect(h).toMatchObject({ status: 'pending', mode: 'live', conversationId: 'emulator:conv-g1' });
    // Next message: the model is not consulted while the member waits.
    const calls = llm.requests.length;
    const waiting = await t.deps.pipeline(turn('are you there?', 'g1'));
    expect(waiting.intent).toBe('handoff_message');
    expect(llm.requests.length).toBe(calls);
  });

  it('a complaint through submit_feedback opens a ticket and the member hears about it', async () => {
    llm.script([
      {
        toolCalls: [
          {
            name: 'submit_feedback',
            arguments:
              '{"kind":"complaint","text":"The courier threw my parcel","sentiment":"negative","category":"delivery","score":null}',
          },
        ],
      },
      { content: 'I am sorry, I have recorded your complaint.' },
    ]);
    const r = await t.deps.pipeline(turn('the courier threw my parcel over the fence, unacceptable', 'g2'));
    const text = r.replies.map((x) => x.text).join('\n');
    expect(text).toContain('I am sorry, I have recorded your complaint.');
    expect(text).toContain("You're number");
    const [h] = await t.store.db.select().from(handoffs).where(eq(handoffs.memberId, 'G2'));
    expect(h).toMatchObject({ reason: 'complaint', mode: 'live' });
    const [f] = await t.store.db.select().from(feedback).where(eq(feedback.id, h.feedbackId!));
    expect(f).toMatchObject({ kind: 'complaint', category: 'delivery', sentiment: 'negative' });
  });
});
