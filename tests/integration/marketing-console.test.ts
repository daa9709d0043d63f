// Marketer console pages over real HTTP with a console session: roles, CSRF, segments, the campaign editor, preview and controls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { campaigns, segments } from '../../db/schema/index.js';
import { setMarketingConsent } from '../../src/domain/members/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { emulatorActivity, type LocalConnector, startLocalConnector } from '../support/connector.js';
import { addMember, fixedClock, seedProgram } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';
import { addStaff, type ConsoleSession, login, type TestStaff } from '../support/staff.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
let t: TestApp;
let server: RunningServer;
let marketer: TestStaff;
let agent: TestStaff;
let session: ConsoleSession;
let connector: LocalConnector;

async function page(path: string, s: ConsoleSession | null = session) {
  return fetch(`${server.url}${path}`, { redirect: 'manual', headers: s ? { cookie: s.cookie } : {} });
}

async function postForm(path: string, fields: Record<string, string>, s: ConsoleSession = session, csrf: string | null = s.csrf) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(csrf === null ? fields : { _csrf: csrf, ...fields }).toString(),
  });
}

beforeAll(async () => {
  connector = await startLocalConnector();
  t = await createTestApp({ clock });
  await seedProgram(t.store);
  await addMember(t.store, clock, { id: 'm-1', name: 'Emma Clark', locale: 'en' });
  server = await startServer(t.app.fetch);
  marketer = await addStaff(t.deps, 'marketer', 'Mia Marketer');
  agent = await addStaff(t.deps, 'agent', 'Andy Agent');
  session = await login(server.url, marketer.email, marketer.password);
});
afterAll(async () => {
  await server.close();
  await connector.close();
  t.close();
});

describe('marketer console', () => {
  it('sends visitors to sign in, refuses agents, and shows marketers the nav entry', async () => {
    const anon = await page('/console/marketing/segments', null);
    expect(anon.status).toBe(302);
    expect(anon.headers.get('location')).toContain('/console/login?next=');
    const agentSession = await login(server.url, agent.email, agent.password);
    expect((await page('/console/marketing/segments', agentSession)).status).toBe(403);
    const home = await (await page('/console')).text();
    expect(home).toContain('href="/console/marketing"');
    expect((await page('/console/marketing')).headers.get('location')).toBe('/console/marketing/campaigns');
  });

  it('renders the segment builder with every condition, the session CSRF token for the live count, and its script', async () => {
    const res = await page('/console/marketing/segments');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain(`data-csrf="${session.csrf}"`);
    for (const name of [
      'tier',
      'lifecycle',
      'rfm_segment',
      'points_min',
      'expiring_days',
      'birthday_month',
      'recency_max',
      'spend_min',
      'locale',
      'channel',
      'tags',
    ]) {
      expect(html, name).toContain(`name="${name}"`);
    }
    expect(html).toContain('value="gold"');
    const src = /src="(\/console\/marketing\/assets\/marketing\.js\?v=[^"]+)"/.exec(html)?.[1];
    expect(src).toBeTruthy();
    const js = await fetch(`${server.url}${src}`);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).toContain('/api/marketing/segments/preview');
  });

  it('saves a valid segment (CSRF required) and lists it; an invalid definition is shown back and nothing is saved', async () => {
    const definition = JSON.stringify({ op: 'and', rules: [{ field: 'tier', in: ['gold'] }] });
    expect((await postForm('/console/marketing/segments', { name: 'Gold', definition }, session, null)).status).toBe(403);
    expect(await t.store.db.select().from(segments)).toHaveLength(0);

    const ok = await postForm('/console/marketing/segments', { name: 'Gold members', definition });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/console/marketing/segments?notice=segment_saved');
    const rows = await t.store.db.select().from(segments);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'Gold members', createdBy: marketer.id, definition: JSON.parse(definition) });
    const list = await (await page('/console/marketing/segments?notice=segment_saved')).text();
    expect(list).toContain('Segment saved.');
    expect(list).toContain('Gold members');
    // Only the fixed notices: a key the notices object inherits shows nothing.
    for (const key of ['constructor', '__proto__', 'toString']) {
      const other = await page(`/console/marketing/segments?notice=${key}`);
      expect(other.status).toBe(200);
      expect(await other.text()).not.toMatch(/class="notice|undefined|function/);
    }

    for (const [bad, message] of [
      ['{not json', 'not valid JSON'],
      [JSON.stringify({ op: 'and', rules: [{ field: 'points_balance', min: 9, max: 1 }] }), 'min must not exceed max'],
      [JSON.stringify({ op: 'xor', rules: [] }), ''],
    ] as const) {
      const res = await postForm('/console/marketing/segments', { name: 'Bad', definition: bad });
      expect(res.status, bad).toBe(400);
      const html = await res.text();
      if (message) expect(html).toContain(message);
      // What was typed comes back to be fixed.
      expect(html).toContain('value="Bad"');
      expect(html).toContain(bad.replaceAll('"', '&quot;'));
    }
    expect(await t.store.db.select().from(segments)).toHaveLength(1);
  });
});

const campaignForm = (over: Record<string, string> = {}) => ({
  name: 'June offer',
  segmentId: '',
  definition: JSON.stringify({ op: 'and', rules: [{ field: 'locale', in: ['en'] }] }),
  'A.split': '60',
  'A.en': 'Hi {{name}}, you have {{points}} points.',
  'B.split': '30',
  'B.en': 'Hello {{name}}! {{points}} points are waiting.',
  holdoutPct: '10',
  cost: '0.05',
  attributionDays: '7',
  scheduleAt: '',
  ...over,
});

describe('campaign pages', () => {
  let id = '';

  it('refuses a campaign whose splits do not add up or whose template names an unknown variable, keeping what was typed', async () => {
    for (const [over, message] of [
      [{ 'B.split': '20' }, 'add up to 100'],
      [{ 'A.en': 'Hi {{nam}}' }, 'unknown variable {{nam}}'],
      [{ definition: '{oops' }, 'not valid JSON'],
      [{ cost: '-1' }, 'Cost per message'],
    ] as const) {
      const res = await postForm('/console/marketing/campaigns', campaignForm(over));
      expect(res.status, message).toBe(400);
      const html = await res.text();
      expect(html).toContain(message);
      expect(html).toContain('value="June offer"');
    }
    expect(await t.store.db.select().from(campaigns)).toHaveLength(0);
  });

  it('creates a draft with variants, split, holdout and cost, and lists it', async () => {
    const res = await postForm('/console/marketing/campaigns', campaignForm());
    expect(res.status).toBe(303);
    const loc = res.headers.get('location') ?? '';
    expect(loc).toMatch(/^\/console\/marketing\/campaigns\/cmp_[\w-]+\?notice=created$/);
    id = loc.split('/').pop()?.split('?')[0] ?? '';
    const [row] = await t.store.db.select().from(campaigns).where(eq(campaigns.id, id));
    expect(row).toMatchObject({ name: 'June offer', status: 'draft', holdoutPct: 10, costPerMessageCents: 5, createdBy: marketer.id });
    expect(row.variants.map((v) => [v.key, v.split])).toEqual([
      ['A', 60],
      ['B', 30],
    ]);
    const list = await (await page('/console/marketing/campaigns')).text();
    expect(list).toContain(`/console/marketing/campaigns/${id}`);
    const detail = await (await page(`/console/marketing/campaigns/${id}?notice=created`)).text();
    expect(detail).toContain('data-testid="launch-ready"');
    expect(detail).toContain(`data-campaign-progress="/api/marketing/campaigns/${id}/progress"`);
  });

  it('previews the message for a chosen member, with the opt-out line; an unknown member is a readable error', async () => {
    const res = await postForm(`/console/marketing/campaigns/${id}/preview`, { memberId: 'm-1', variant: 'B' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Hello Emma Clark! 0 points are waiting.');
    expect(html).toContain('STOP');
    const missing = await postForm(`/console/marketing/campaigns/${id}/preview`, { memberId: 'nobody', variant: '' });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Member not found');
  });

  it('a Chinese-speaking audience without a Chinese template cannot launch: the page says why and the button is disabled', async () => {
    await addMember(t.store, clock, { id: 'z-1', name: '王芳', locale: 'zh-CN' });
    const res = await postForm('/console/marketing/campaigns', campaignForm({ name: 'Everyone', definition: '{"op":"and","rules":[]}' }));
    const other = (res.headers.get('location') ?? '').split('/').pop()?.split('?')[0] ?? '';
    const html = await (await page(`/console/marketing/campaigns/${other}`)).text();
    expect(html).toContain('data-testid="launch-problems"');
    expect(html).toContain('no zh-CN template');
    expect(html).toMatch(
      /<button type="submit" class="btn primary" disabled="" data-testid="cmp-launch"|data-testid="cmp-launch"[^>]*disabled/,
    );
    const launch = await postForm(`/console/marketing/campaigns/${other}/launch`, {});
    expect(launch.status).toBe(400);
    const [row] = await t.store.db.select().from(campaigns).where(eq(campaigns.id, other));
    expect(row.status).toBe('draft');
  });

  it('schedules, pauses, resumes and cancels through the buttons (CSRF required), each once', async () => {
    expect((await postForm(`/console/marketing/campaigns/${id}/launch`, { scheduleAt: '2026-06-02T09:30' }, session, null)).status).toBe(
      403,
    );
    const status = async () => (await t.store.db.select().from(campaigns).where(eq(campaigns.id, id)))[0];
    const sched = await postForm(`/console/marketing/campaigns/${id}/launch`, { scheduleAt: '2026-06-02T09:30' });
    expect(sched.headers.get('location')).toContain('notice=scheduled');
    expect(await status()).toMatchObject({ status: 'scheduled', scheduleAt: new Date('2026-06-02T09:30:00Z') });
    // Launching again changes nothing.
    await postForm(`/console/marketing/campaigns/${id}/launch`, {});
    expect((await status()).status).toBe('scheduled');
    expect((await postForm(`/console/marketing/campaigns/${id}/pause`, {})).headers.get('location')).toContain('notice=paused');
    expect((await status()).status).toBe('paused');
    expect((await postForm(`/console/marketing/campaigns/${id}/resume`, {})).headers.get('location')).toContain('notice=resumed');
    expect((await status()).status).toBe('scheduled');
    expect((await postForm(`/console/marketing/campaigns/${id}/cancel`, {})).headers.get('location')).toContain('notice=cancelled');
    expect((await status()).status).toBe('cancelled');
    const again = await postForm(`/console/marketing/campaigns/${id}/resume`, {});
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('cannot be resumed');
    const html = await (await page(`/console/marketing/campaigns/${id}`)).text();
    expect(html).toContain('data-testid="campaign-report"');
    expect(html).not.toContain('data-testid="cmp-launch"');
  });
});

describe('launching from the console', () => {
  it('sends through the member’s own chat at once, skips who cannot get it, and the page shows the counts', async () => {
    // m-2 chatted on the Emulator (so we hold a reference), opted in, and it is 16:00 where they live.
    await addMember(t.store, clock, {
      id: 'm-2',
      name: 'Oliver Smith',
      locale: 'en',
      timeZone: 'Asia/Shanghai',
      identity: { channelId: 'emulator', channelUserId: 'u-m-2' },
    });
    const hello = await fetch(`${server.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(emulatorActivity(connector.url, 'u-m-2', 'hello')),
    });
    expect(hello.status).toBe(200);
    await setMarketingConsent({ ctx: t.deps.domain, input: { memberId: 'm-2', granted: true, source: 'import' } });
    const res = await postForm(
      '/console/marketing/campaigns',
      campaignForm({ name: 'Now', 'A.split': '100', 'B.split': '', 'B.en': '', holdoutPct: '0' }),
    );
    const cid = (res.headers.get('location') ?? '').split('/').pop()?.split('?')[0] ?? '';
    const before = connector.captured.length;
    const launch = await postForm(`/console/marketing/campaigns/${cid}/launch`, {});
    expect(launch.headers.get('location')).toContain('notice=launched');
    // The launch kicked the dispatcher; wait for its pass to finish.
    for (let i = 0; i < 200; i++) {
      const [row] = await t.store.db.select().from(campaigns).where(eq(campaigns.id, cid));
      if (row.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const sent = connector.captured.slice(before);
    expect(sent.map((c) => c.conversationId)).toEqual(['conv-u-m-2']);
    expect(sent[0].activity.text).toContain('Hi Oliver Smith, you have 0 points.');
    expect(sent[0].activity.text).toContain('Reply STOP to unsubscribe.');
    const html = await (await page(`/console/marketing/campaigns/${cid}`)).text();
    expect(html).toContain('data-status="completed"');
    expect(html).toMatch(/data-testid="count-sent">1</);
    // m-1 never consented: skipped for it, counted in the report's chart and the progress line.
    expect(html).toContain('no_consent 1');
  });
});

describe("a staff member's time zone", () => {
  it('shows times and reads a schedule in the zone the marketer chose, and refuses a zone the server does not know', async () => {
    const mia = await addStaff(t.deps, 'marketer', 'Mei Shanghai');
    const s = await login(server.url, mia.email, mia.password);
    // Until they choose, the console's default (CONSOLE_TIME_ZONE, UTC here) is used and named.
    const before = await (await page('/console/account', s)).text();
    expect(before).toContain('data-testid="staff-tz">UTC<');
    expect(before).toContain('data-testid="tz-now">2026-06-01 08:00<');

    const bad = await postForm('/console/account/time-zone', { timeZone: 'Mars/Olympus' }, s);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('not a time zone this server knows');
    const chosen = await postForm('/console/account/time-zone', { timeZone: 'Asia/Shanghai' }, s);
    expect(chosen.headers.get('location')).toBe('/console/account?notice=time_zone');
    const account = await (await page('/console/account', s)).text();
    expect(account).toContain('data-testid="tz-now">2026-06-01 16:00<');
    expect(account).toContain('<option value="Asia/Shanghai" selected="">');

    // 09:30 typed in Shanghai is 01:30 UTC, and the pages show it back as 09:30 in that zone.
    const res = await postForm(
      '/console/marketing/campaigns',
      campaignForm({ name: 'Shanghai morning', scheduleAt: '2026-06-02T09:30' }),
      s,
    );
    const cid = (res.headers.get('location') ?? '').split('/').pop()?.split('?')[0] ?? '';
    const [row] = await t.store.db.select().from(campaigns).where(eq(campaigns.id, cid));
    expect(row.scheduleAt).toEqual(new Date('2026-06-02T01:30:00Z'));
    const launched = await postForm(`/console/marketing/campaigns/${cid}/launch`, { scheduleAt: '2026-06-03T20:15' }, s);
    expect(launched.headers.get('location')).toContain('notice=scheduled');
    const [scheduled] = await t.store.db.select().from(campaigns).where(eq(campaigns.id, cid));
    expect(scheduled.scheduleAt).toEqual(new Date('2026-06-03T12:15:00Z'));
    const view = await (await page(`/console/marketing/campaigns/${cid}`, s)).text();
    expect(view).toContain('scheduled 2026-06-03 20:15 Asia/Shanghai');
    // Another marketer on the default sees the same instant in UTC.
    expect(await (await page(`/console/marketing/campaigns/${cid}`)).text()).toContain('scheduled 2026-06-03 12:15 UTC');
    // A date that does not exist is a clear error, and nothing changes.
    const nonsense = await postForm(`/console/marketing/campaigns/${cid}/launch`, { scheduleAt: '2026-02-30T09:00' }, s);
    expect(nonsense.status).toBe(400);
    expect((await t.store.db.select().from(campaigns).where(eq(campaigns.id, cid)))[0].scheduleAt).toEqual(
      new Date('2026-06-03T12:15:00Z'),
    );

    // Back to the default.
    await postForm('/console/account/time-zone', { timeZone: '' }, s);
    expect(await (await page('/console/account', s)).text()).toContain('data-testid="staff-tz">UTC<');
    const me = await (await fetch(`${server.url}/api/staff/me`, { headers: { cookie: s.cookie } })).json();
    expect(me.timeZone).toBe('UTC');
  });

  it('reads a schedule across a daylight-saving change at the offset of that day', async () => {
    const s = await login(server.url, marketer.email, marketer.password);
    await postForm('/console/account/time-zone', { timeZone: 'America/New_York' }, s);
    for (const [typed, utc] of [
      ['2026-03-07T09:00', '2026-03-07T14:00:00Z'], // EST, UTC-5
      ['2026-03-09T09:00', '2026-03-09T13:00:00Z'], // EDT, UTC-4
    ]) {
      const res = await postForm('/console/marketing/campaigns', campaignForm({ name: `NY ${typed}`, scheduleAt: typed }), s);
      const cid = (res.headers.get('location') ?? '').split('/').pop()?.split('?')[0] ?? '';
      const [row] = await t.store.db.select().from(campaigns).where(eq(campaigns.id, cid));
      expect(row.scheduleAt, typed).toEqual(new Date(utc));
    }
    await postForm('/console/account/time-zone', { timeZone: '' }, s);
  });
});
