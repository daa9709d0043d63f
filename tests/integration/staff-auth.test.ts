// Staff sign-in over real HTTP: passwords, session cookies, CSRF, roles, expiry, API tokens and the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditLog } from '../../src/domain/audit/index.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { fixedClock } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';
import { addStaff, login, loginForm, postLogin, setCookies, type TestStaff } from '../support/staff.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
let t: TestApp;
let server: RunningServer;
let agent: TestStaff;
let marketer: TestStaff;
let admin: TestStaff;

const url = (path: string) => `${server.url}${path}`;
const actions = async () => (await listAuditLog({ ctx: t.deps.domain, input: { limit: 500 } })).map((e) => e.action);

beforeAll(async () => {
  t = await createTestApp({ clock, env: { STAFF_SESSION_IDLE_MINUTES: '30', STAFF_SESSION_HOURS: '8', STAFF_LOGIN_MAX_FAILURES: '3' } });
  server = await startServer(t.app.fetch);
  agent = await addStaff(t.deps, 'agent');
  marketer = await addStaff(t.deps, 'marketer');
  admin = await addStaff(t.deps, 'admin');
});
afterAll(async () => {
  await server.close();
  t.close();
});

describe('password login', () => {
  it('serves the login form under a strict CSP with a CSRF field bound to a cookie', async () => {
    const res = await fetch(url('/console/login'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toMatch(/name="_csrf" value="[\w-]{20,}"/);
    expect(setCookies(res).ma_login_csrf.raw).toMatch(/HttpOnly/i);
  });

  it('refuses a wrong password and an unknown email with the same answer, and audits both', async () => {
    for (const [email, password] of [
      [agent.email, 'not the password'],
      ['nobody@staff.test', agent.password],
    ]) {
      const res = await postLogin(server.url, email, password);
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('Wrong email or password.');
      expect(setCookies(res).ma_staff).toBeUndefined();
    }
    expect((await actions()).filter((a) => a === 'auth.login_failed').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses a login post without the login CSRF token', async () => {
    const f = await loginForm(server.url);
    const res = await postLogin(server.url, agent.email, agent.password, { csrf: 'forged-token-value-123456', cookie: f.cookie });
    expect(res.status).toBe(403);
    expect(setCookies(res).ma_staff).toBeUndefined();
    const noCookie = await postLogin(server.url, agent.email, agent.password, { csrf: f.csrf, cookie: '' });
    expect(noCookie.status).toBe(403);
  });

  it('signs in with a correct password: HttpOnly, SameSite=Lax session cookie, then the console', async () => {
    const res = await postLogin(server.url, agent.email.toUpperCase(), agent.password);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console');
    const cookie = setCookies(res).ma_staff;
    expect(cookie.raw).toMatch(/HttpOnly/i);
    expect(cookie.raw).toMatch(/SameSite=Lax/i);
    expect(cookie.raw).not.toMatch(/Secure/i); // plain http on loopback
    const me = await fetch(url('/api/staff/me'), { headers: { cookie: `ma_staff=${cookie.value}` } });
    expect(await me.json()).toMatchObject({ email: agent.email, role: 'agent', via: 'session' });
    expect(await actions()).toContain('auth.login');
  });

  it('marks the cookie Secure with the __Host- prefix over https', async () => {
    const form = await t.app.request('https://console.example/console/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    const loginCookie = setCookies(form).ma_login_csrf;
    expect(loginCookie.raw).toMatch(/Secure/i);
    const res = await t.app.request('https://console.example/console/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `ma_login_csrf=${loginCookie.value}` },
      body: new URLSearchParams({ _csrf: csrf, email: agent.email, password: agent.password }).toString(),
    });
    expect(res.status).toBe(303);
    const session = setCookies(res)['__Host-ma_staff'];
    expect(session.raw).toMatch(/Secure/i);
    expect(session.raw).toMatch(/HttpOnly/i);
    expect(session.raw).toMatch(/Path=\//);
    expect(session.raw).not.toMatch(/Domain=/i);
  });

  it('throttles an account after repeated failures, even for the right password', async () => {
    const victim = await addStaff(t.deps, 'agent');
    for (let i = 0; i < 3; i++) expect((await postLogin(server.url, victim.email, 'wrong-password-x')).status).toBe(401);
    expect((await postLogin(server.url, victim.email, victim.password)).status).toBe(429);
    expect(await actions()).toContain('auth.login_throttled');
  });
});

describe('sessions and CSRF', () => {
  it('sends visitors without a session to the login page, and API callers get 401 JSON', async () => {
    const page = await fetch(url('/console/account'), { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/console/login?next=%2Fconsole%2Faccount');
    const api = await fetch(url('/api/staff/me'));
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('refuses cookie-authenticated mutations without the CSRF token or from another origin', async () => {
    const s = await login(server.url, admin.email, admin.password);
    const create = (headers: Record<string, string>) =>
      fetch(url('/api/admin/staff'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: s.cookie, ...headers },
        body: JSON.stringify({ email: `csrf-${headers['x-csrf-token'] ? 'ok' : 'no'}@staff.test`, name: 'X', role: 'agent' }),
      });
    const missing = await create({});
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/CSRF/);
    expect((await create({ 'x-csrf-token': 'wrong' })).status).toBe(403);
    expect((await create({ 'x-csrf-token': s.csrf, origin: 'https://evil.example' })).status).toBe(403);
    const ok = await create({ 'x-csrf-token': s.csrf });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { generatedPassword: string }).generatedPassword).toMatch(/^\w{16}$/);

    // Forms carry it as a hidden field: logout without it is refused and the session survives.
    const logoutNoToken = await fetch(url('/console/logout'), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookie },
      body: '',
    });
    expect(logoutNoToken.status).toBe(403);
    expect((await fetch(url('/api/staff/me'), { headers: { cookie: s.cookie } })).status).toBe(200);
  });

  it('logs out with the token; the old cookie then opens nothing', async () => {
    const s = await login(server.url, agent.email, agent.password);
    const res = await fetch(url('/console/logout'), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookie },
      body: new URLSearchParams({ _csrf: s.csrf }).toString(),
    });
    expect(res.status).toBe(303);
    expect(setCookies(res).ma_staff.raw).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    expect((await fetch(url('/api/staff/me'), { headers: { cookie: s.cookie } })).status).toBe(401);
    expect(await actions()).toContain('auth.logout');
  });

  it('expires idle sessions and sessions past their lifetime', async () => {
    const s = await login(server.url, agent.email, agent.password);
    clock.set('2026-06-01T08:29:00Z');
    expect((await fetch(url('/api/staff/me'), { headers: { cookie: s.cookie } })).status).toBe(200);
    clock.set('2026-06-01T09:00:00Z'); // 31 minutes after the last request
    expect((await fetch(url('/api/staff/me'), { headers: { cookie: s.cookie } })).status).toBe(401);
    const page = await fetch(url('/console/account'), { headers: { cookie: s.cookie }, redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toContain('expired=1');

    // Active all along (a request every 20 minutes), but past the 8-hour lifetime.
    const base = Date.parse('2026-06-01T09:00:00Z');
    const busy = await login(server.url, agent.email, agent.password);
    for (let m = 20; m < 480; m += 20) {
      clock.set(new Date(base + m * 60_000).toISOString());
      expect((await fetch(url('/api/staff/me'), { headers: { cookie: busy.cookie } })).status).toBe(200);
    }
    clock.set(new Date(base + 481 * 60_000).toISOString());
    expect((await fetch(url('/api/staff/me'), { headers: { cookie: busy.cookie } })).status).toBe(401);
    clock.set('2026-06-01T08:00:00Z');
  });
});

describe('roles and tokens', () => {
  it('denies pages and APIs to the wrong role', async () => {
    const s = await login(server.url, marketer.email, marketer.password);
    const page = await fetch(url('/console/staff'), { headers: { cookie: s.cookie } });
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('needs the admin role');
    const api = await fetch(url('/api/admin/staff'), { headers: { authorization: `Bearer ${marketer.token}` } });
    expect(api.status).toBe(403);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    const agentCreate = await fetch(url('/api/admin/staff'), {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'x@staff.test', name: 'X', role: 'admin' }),
    });
    expect(agentCreate.status).toBe(403);
    // The existing admin API follows the same rule.
    expect((await fetch(url('/api/admin/members/nobody'), { headers: { authorization: `Bearer ${agent.token}` } })).status).toBe(403);
  });

  it('lets ADMIN_TOKEN act as an admin, and audits what it did', async () => {
    const res = await fetch(url('/api/admin/staff'), {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'New.Agent@Staff.Test', name: 'New Agent', displayName: 'Nia', role: 'agent' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { staff: { id: string; email: string }; generatedPassword: string };
    expect(body.staff.email).toBe('new.agent@staff.test');
    const entries = await listAuditLog({ ctx: t.deps.domain, input: { action: 'staff.create' } });
    expect(entries[0]).toMatchObject({ staffId: 'admin-token', via: 'admin_token', target: `staff:${body.staff.id}` });
    // The generated password works once given to the person.
    expect((await postLogin(server.url, 'new.agent@staff.test', body.generatedPassword)).status).toBe(303);
    // Duplicate email is a 409, a bad role a 400.
    const dup = await fetch(url('/api/admin/staff'), {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'new.agent@staff.test', name: 'Again', role: 'agent' }),
    });
    expect(dup.status).toBe(409);
    const bad = await fetch(url('/api/admin/staff'), {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'r@staff.test', name: 'R', role: 'owner' }),
    });
    expect(bad.status).toBe(400);
  });

  it('issues API tokens that are stored hashed, work as bearer tokens and stop on revoke or disable', async () => {
    const helper = await addStaff(t.deps, 'agent');
    const issued = await fetch(url(`/api/admin/staff/${helper.id}/tokens`), {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'helpdesk' }),
    });
    const { token, record } = (await issued.json()) as { token: string; record: { id: string; prefix: string } };
    expect(token.startsWith(record.prefix)).toBe(true);
    const stored = await t.store.client.execute({ sql: 'select token_hash from staff_api_tokens where id = ?', args: [record.id] });
    expect(String(stored.rows[0].token_hash)).toMatch(/^[0-9a-f]{64}$/);
    expect(String(stored.rows[0].token_hash)).not.toContain(token.slice(4, 20));

    const me = () => fetch(url('/api/staff/me'), { headers: { authorization: `Bearer ${token}` } });
    expect(await (await me()).json()).toMatchObject({ id: helper.id, via: 'api_token' });
    await fetch(url(`/api/admin/tokens/${record.id}`), { method: 'DELETE', headers: { authorization: `Bearer ${admin.token}` } });
    expect((await me()).status).toBe(401);

    // Disabling an account ends its other tokens and sessions too.
    const s = await login(server.url, helper.email, helper.password);
    await fetch(url(`/api/admin/staff/${helper.id}`), {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ active: false }),
    });
    expect((await fetch(url('/api/staff/me'), { headers: { authorization: `Bearer ${helper.token}` } })).status).toBe(401);
    expect((await fetch(url('/api/staff/me'), { headers: { cookie: s.cookie } })).status).toBe(401);
    expect((await postLogin(server.url, helper.email, helper.password)).status).toBe(401);
  });

  it("sets an account's console time zone through the admin API, refusing unknown zones; the session then uses it", async () => {
    const helper = await addStaff(t.deps, 'agent');
    const set = (timeZone: unknown) =>
      fetch(url(`/api/admin/staff/${helper.id}`), {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ timeZone }),
      });
    const bad = await set('Europe/Atlantis');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('unknown time zone');
    const ok = await set('Europe/London');
    expect(((await ok.json()) as { staff: { timeZone: string } }).staff.timeZone).toBe('Europe/London');
    const me = await fetch(url('/api/staff/me'), { headers: { authorization: `Bearer ${helper.token}` } });
    expect(await me.json()).toMatchObject({ id: helper.id, timeZone: 'Europe/London' });
    // Null goes back to the console's default.
    expect(((await (await set(null)).json()) as { staff: { timeZone: string | null } }).staff.timeZone).toBeNull();
    expect(await (await fetch(url('/api/staff/me'), { headers: { authorization: `Bearer ${helper.token}` } })).json()).toMatchObject({
      timeZone: 'UTC',
    });
  });

  it('lets an admin create an account from the staff page; the password is shown once', async () => {
    const s = await login(server.url, admin.email, admin.password);
    const res = await fetch(url('/console/staff'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookie },
      body: new URLSearchParams({ _csrf: s.csrf, email: 'page.made@staff.test', name: 'Page Made', role: 'marketer' }).toString(),
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    const password = /data-testid="secret"><span>([^<]+)<\/span>/.exec(html)?.[1];
    expect(password).toMatch(/^\w{16}$/);
    expect((await postLogin(server.url, 'page.made@staff.test', password!)).status).toBe(303);
    const list = await (await fetch(url('/console/staff'), { headers: { cookie: s.cookie } })).text();
    expect(list).toContain('page.made@staff.test');
    expect(list).not.toContain(password!);
    const audit = await (
      await fetch(url('/api/admin/audit-log?action=staff.create'), { headers: { authorization: `Bearer ${admin.token}` } })
    ).json();
    expect((audit as { entries: { staffId: string; via: string }[] }).entries[0]).toMatchObject({ staffId: admin.id, via: 'session' });
  });
});
