// Marketer console pages over real HTTP with a console session: roles, CSRF, the segment builder and saving segments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { segments } from '../../db/schema/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, fixedClock, seedProgram } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';
import { addStaff, type ConsoleSession, login, type TestStaff } from '../support/staff.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
let t: TestApp;
let server: RunningServer;
let marketer: TestStaff;
let agent: TestStaff;
let session: ConsoleSession;

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

    for (const [bad, message] of [
      ['{not json', 'not valid JSON'],
      [JSON.stringify({ op: 'and', rules: [{ field: 'points_balance', min: 9, max: 1 }] }), 'min must not exceed max'],
      [JSON.stringify({ op: 'xor', rules: [] }), ''],
    ] as const) {
      const res = await postForm('/console/marketing/segments', { name: 'Bad', definition: bad });
      expect(res.status, bad).toBe(400);
      if (message) expect(await res.text()).toContain(message);
    }
    expect(await t.store.db.select().from(segments)).toHaveLength(1);
  });
});
