// Log privacy: the real app with its real logger at info level; chat turns, an order, logins and a fault leave no personal data in the logs.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { members } from '../../db/schema/index.js';
import { issueLinkCode } from '../../src/domain/members/index.js';
import { hmacHex } from '../../src/lib/crypto.js';
import { createLogger } from '../../src/lib/log.js';
import { createTestApp, TEST_ADMIN_TOKEN, TEST_ORDER_SECRET, type TestApp } from '../support/app.js';
import { emulatorActivity, startLocalConnector, type LocalConnector } from '../support/connector.js';
import { addMember, fixedClock, seedProgram } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';
import { startLocalOpenAI } from '../support/openai-server.js';
import { addStaff, postLogin } from '../support/staff.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
const lines: string[] = [];
let t: TestApp;
let server: RunningServer;
let connector: LocalConnector;

/** Personal data the turns below carry; none of it may reach a log line. */
const P = {
  name: 'Wilhelmina Tortoiseshell',
  nameZh: '欧阳娜娜',
  phone: '13987654321',
  phoneIntl: '+44 7700 900123',
  email: 'wilhelmina.t@example.org',
  body: 'the zeppelin-pancake incident',
  webBody: 'my hedgehog-lantern order',
  tracking: 'YT4455667788ZZ',
  staffEmail: '',
  staffPassword: '',
};

async function bf(userId: string, text: string, extra: Record<string, unknown> = {}) {
  const res = await fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(emulatorActivity(connector.url, userId, text, extra)),
  });
  return res.status;
}

async function signedOrder(body: unknown) {
  const raw = JSON.stringify(body);
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = await hmacHex(TEST_ORDER_SECRET, `${ts}.${raw}`);
  return fetch(`${server.url}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-timestamp': ts, 'x-signature': `sha256=${sig}` },
    body: raw,
  });
}

beforeAll(async () => {
  // The app's own logger (JSON lines on stderr), captured as written.
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)));
  connector = await startLocalConnector();
  t = await createTestApp({ clock, log: createLogger('info'), env: { WEBCHAT_DEMO_PICKER: 'true' }, demoMemberIds: ['lp-1'] });
  await seedProgram(t.store);
  await addMember(t.store, clock, { id: 'lp-1', name: P.name, locale: 'en', identity: { channelId: 'emulator', channelUserId: 'u-lp-1' } });
  await addMember(t.store, clock, { id: 'lp-2', name: P.nameZh, locale: 'zh-CN' });
  await t.store.write((tx) => tx.update(members).set({ email: P.email, phone: P.phone }).where(eq(members.id, 'lp-1')));
  server = await startServer(t.app.fetch);
  const staff = await addStaff(t.deps, 'agent', P.name);
  P.staffEmail = staff.email;
  P.staffPassword = staff.password;
});
afterAll(async () => {
  await server?.close();
  await connector?.close();
  t?.close();
  vi.restoreAllMocks();
});

describe('info-level logs', () => {
  it('carry no names, phone numbers, e-mails, message bodies, tracking numbers or passwords', async () => {
    // Bot Framework: a linked member, then a stranger linking with a one-time code.
    expect(await bf('u-lp-1', `Hi, I am ${P.name}, call ${P.phone} or ${P.phoneIntl}, mail ${P.email}, about ${P.body}`)).toBe(200);
    expect(await bf('u-lp-1', 'How many points do I have?')).toBe(200);
    const { code } = await issueLinkCode({ ctx: t.deps.domain, input: { memberId: 'lp-2' } });
    expect(await bf('u-lp-2', `link ${code}`)).toBe(200);
    expect(await bf('u-lp-2', `我是${P.nameZh}，电话 ${P.phone}，${P.body}`)).toBe(200);

    // Web chat.
    const session = await (
      await fetch(`${server.url}/api/webchat/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ demoMemberId: 'lp-1' }),
      })
    ).json();
    const web = await fetch(`${server.url}/api/webchat/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.sessionToken}` },
      body: JSON.stringify({ text: `${P.webBody}, reach me on ${P.email}`, clientMessageId: 'w-1' }),
    });
    expect(web.status).toBe(200);

    // The shop's order webhook, with a tracking number.
    const order = {
      orderId: 'LP-ORD-1',
      memberId: 'lp-1',
      status: 'shipped',
      orderedAt: '2026-05-30T00:00:00Z',
      paidAt: '2026-05-30T00:00:00Z',
      lines: [{ productId: 'P1', quantity: 1, amount: '15' }],
      carrier: 'Yun Express',
      trackingNo: P.tracking,
    };
    expect((await signedOrder(order)).status).toBe(200);

    // Staff sign-in: a wrong password, then the right one.
    expect((await postLogin(server.url, P.staffEmail, 'wrong-password-123')).status).not.toBe(303);
    expect((await postLogin(server.url, P.staffEmail, P.staffPassword)).status).toBe(303);

    // Faults (real engine errors): the transcript write fails, then the conversation reference write (a drizzle
    // query, whose error names its parameters: the reference holds the channel's display name of the user).
    await t.store.client.execute(
      "create trigger lp_fail before insert on messages when new.text like '%fault-%' begin select raise(abort, 'disk full'); end",
    );
    await t.store.client.execute(
      "create trigger lp_fail_ref before insert on conversation_references begin select raise(abort, 'disk full'); end",
    );
    try {
      expect(await bf('u-lp-1', `fault-${P.body} from ${P.email}`)).toBe(200);
      await bf('u-lp-1', `Points please, ${P.webBody}`, { conversation: { id: 'conv-lp-teams' }, from: { id: 'u-lp-1', name: P.name } });
    } finally {
      await t.store.client.execute('drop trigger lp_fail');
      await t.store.client.execute('drop trigger lp_fail_ref');
    }

    // Erasure.
    const erased = await fetch(`${server.url}/api/admin/members/lp-2/erase`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      body: JSON.stringify({ confirm: 'lp-2' }),
    });
    expect(erased.status).toBe(200);

    // The capture works: the events above were logged (ids only).
    const all = lines.join('\n');
    const msgs = lines.map((l) => JSON.parse(l).msg);
    expect(msgs).toEqual(expect.arrayContaining(['identity linked', 'order recorded', 'transcript write failed', 'member erased']));
    expect(all).toContain('lp-2');
    expect(all).toContain('LP-ORD-1');

    const secrets = [
      P.name,
      'Wilhelmina',
      'Tortoiseshell',
      P.nameZh,
      P.phone,
      '7700 900123',
      P.email,
      P.body,
      'zeppelin',
      P.webBody,
      'hedgehog',
      P.tracking,
      P.staffEmail,
      P.staffPassword,
      'wrong-password-123',
      code,
    ];
    for (const s of secrets) expect(all.toLowerCase(), s).not.toContain(s.toLowerCase());
  });
});

describe('info-level logs with the language-model brain', () => {
  it('carry none of what the member wrote when the model fails and echoes it in its error', async () => {
    const llm = await startLocalOpenAI();
    const app = await createTestApp({
      clock,
      log: createLogger('info'),
      env: { WEBCHAT_DEMO_PICKER: 'true', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: llm.baseURL, OPENAI_MODEL: 'test-model' },
      demoMemberIds: ['llm-1'],
    });
    const web = await startServer(app.app.fetch);
    try {
      await seedProgram(app.store);
      await addMember(app.store, clock, { id: 'llm-1', name: P.name, locale: 'en' });
      // Some providers quote the offending input in a 400; this one quotes the member's last message.
      llm.script([
        (req) => ({
          status: 400,
          body: { error: { message: `Invalid content: ${req.messages.at(-1)?.content}`, type: 'invalid_request_error', code: 'bad' } },
        }),
      ]);
      const from = lines.length;
      const session = await (
        await fetch(`${web.url}/api/webchat/session`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ demoMemberId: 'llm-1' }),
        })
      ).json();
      const res = await fetch(`${web.url}/api/webchat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.sessionToken}` },
        body: JSON.stringify({ text: `I am ${P.name}, ${P.body}, how many points do I have?`, clientMessageId: 'llm-w-1' }),
      });
      expect(res.status).toBe(200);
      expect(llm.requests.length).toBeGreaterThan(0);
      const logged = lines.slice(from);
      expect(logged.map((l) => JSON.parse(l).msg)).toContain('language model turn fell back');
      const all = logged.join('\n').toLowerCase();
      for (const s of [P.name, 'Wilhelmina', P.body, 'zeppelin']) expect(all, s).not.toContain(s.toLowerCase());
    } finally {
      await web.close();
      await llm.close();
      app.close();
    }
  });
});
