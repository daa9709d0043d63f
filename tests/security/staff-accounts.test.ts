// Staff accounts under attack, over real HTTP: durable lockout after repeated wrong passwords (cooldown, admin
// unlock), CSRF on every state-changing console and staff API route (walked from app.routes), and secure headers.
// Session idle and absolute expiry are proven in tests/integration/staff-auth.test.ts.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staff } from '../../db/schema/index.js';
import { listAuditLog } from '../../src/domain/audit/index.js';
import { loginFailureKey } from '../../src/domain/staff/index.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { fixedClock } from '../support/fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';
import { addStaff, login, postLogin, setCookies } from '../support/staff.js';

const MAX = 4;
const LOCK_MINUTES = 30;
const clock = fixedClock('2026-06-01T08:00:00Z');
let t: TestApp;
let server: RunningServer;
const url = (path: string) => `${server.url}${path}`;
const actions = async () => (await listAuditLog({ ctx: t.deps.domain, input: { limit: 1000 } })).map((e) => e.action);
const row = async (id: string) => (await t.store.db.select().from(staff).where(eq(staff.id, id)))[0];

beforeAll(async () => {
  t = await createTestApp({
    clock,
    env: { STAFF_LOGIN_MAX_FAILURES: String(MAX), STAFF_LOCKOUT_MINUTES: String(LOCK_MINUTES), STAFF_SESSION_IDLE_MINUTES: '600' },
  });
  server = await startServer(t.app.fetch);
});
afterAll(async () => {
  await server.close();
  t.close();
});

/** What a restart with in-memory state, or the 15-minute window passing, does to the short-lived counter. */
const forgetCounter = (email: string) => t.deps.state.del(loginFailureKey(email));

describe('login lockout', () => {
  it(`locks an account in the database after ${MAX} wrong passwords; the lock survives a state loss and refuses the right password`, async () => {
    const victim = await addStaff(t.deps, 'agent');
    for (let i = 0; i < MAX; i++) expect((await postLogin(server.url, victim.email, `wrong-${i}-password`)).status).toBe(401);
    const locked = await row(victim.id);
    expect(locked.lockedUntil?.getTime()).toBe(clock().getTime() + LOCK_MINUTES * 60_000);
    expect(await actions()).toContain('auth.locked');

    await forgetCounter(victim.email);
    const refused = await postLogin(server.url, victim.email, victim.password);
    expect(refused.status).toBe(429);
    expect(setCookies(refused).ma_staff).toBeUndefined();
    expect(await refused.text()).toContain('ask an admin to unlock it');

    // Still locked a minute before the cooldown ends; open after it, and a good sign-in clears the count.
    clock.set(new Date(locked.lockedUntil!.getTime() - 60_000).toISOString());
    expect((await postLogin(server.url, victim.email, victim.password)).status).toBe(429);
    clock.set(new Date(locked.lockedUntil!.getTime() + 1_000).toISOString());
    await forgetCounter(victim.email);
    expect((await postLogin(server.url, victim.email, victim.password)).status).toBe(303);
    expect(await row(victim.id)).toMatchObject({ failedLogins: 0, lockedUntil: null });
    clock.set('2026-06-01T08:00:00Z');
  });

  it('counts concurrent wrong passwords: a burst cannot slip past the limit', async () => {
    const victim = await addStaff(t.deps, 'marketer');
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => postLogin(server.url, victim.email, `burst-${i}-password`)));
    expect(burst.every((r) => r.status === 401 || r.status === 429)).toBe(true);
    expect(burst.some((r) => r.status === 303)).toBe(false);
    expect((await row(victim.id)).lockedUntil).not.toBeNull();
    await forgetCounter(victim.email);
    expect((await postLogin(server.url, victim.email, victim.password)).status).toBe(429);
  });

  it('an admin lifts the lock (API, audited); an agent may not', async () => {
    const victim = await addStaff(t.deps, 'agent');
    const other = await addStaff(t.deps, 'agent');
    for (let i = 0; i < MAX; i++) await postLogin(server.url, victim.email, `wrong-${i}-password`);
    expect((await postLogin(server.url, victim.email, victim.password)).status).toBe(429);
    const unlock = (token: string) =>
      fetch(url(`/api/admin/staff/${victim.id}/unlock`), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect((await unlock(other.token)).status).toBe(403);
    const res = await unlock(TEST_ADMIN_TOKEN);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { staff: { lockedUntil: string | null } }).staff.lockedUntil).toBeNull();
    expect(await actions()).toContain('staff.unlock');
    expect((await postLogin(server.url, victim.email, victim.password)).status).toBe(303);

    // And from the console's staff page: the locked account shows a badge and an Unlock button.
    for (let i = 0; i < MAX; i++) await postLogin(server.url, victim.email, `again-${i}-password`);
    const admin = await addStaff(t.deps, 'admin');
    const s = await login(server.url, admin.email, admin.password);
    const page = await (await fetch(url('/console/staff'), { headers: { cookie: s.cookie } })).text();
    expect(page).toContain(`action="/console/staff/${victim.id}/unlock"`);
    const viaPage = await fetch(url(`/console/staff/${victim.id}/unlock`), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookie },
      body: new URLSearchParams({ _csrf: s.csrf }).toString(),
    });
    expect(viaPage.status).toBe(303);
    expect((await row(victim.id)).lockedUntil).toBeNull();
    expect((await postLogin(server.url, victim.email, victim.password)).status).toBe(303);
    expect(
      (await fetch(url('/api/admin/staff/nobody/unlock'), { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }))
        .status,
    ).toBe(404);
  });

  it('wrong current passwords on the password-change form count too: a stolen session cannot guess the password', async () => {
    const victim = await addStaff(t.deps, 'agent');
    const s = await login(server.url, victim.email, victim.password);
    const change = (current: string) =>
      fetch(url('/console/account/password'), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: s.cookie },
        body: new URLSearchParams({ _csrf: s.csrf, current, password: 'a-new-password-123', confirm: 'a-new-password-123' }).toString(),
      });
    for (let i = 0; i < MAX; i++) expect((await change(`guess-${i}-password`)).status).toBe(401);
    expect((await row(victim.id)).lockedUntil).not.toBeNull();
    // Locked: even the right current password changes nothing, and signing in is refused.
    expect((await change(victim.password)).status).toBe(401);
    await forgetCounter(victim.email);
    expect((await postLogin(server.url, victim.email, victim.password)).status).toBe(429);
  });

  it('an unknown email is throttled the same way (no account enumeration by the answers)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= MAX; i++) statuses.push((await postLogin(server.url, 'ghost@staff.test', `wrong-${i}-password`)).status);
    expect(statuses).toEqual([...Array(MAX).fill(401), 429]);
  });
});

describe('CSRF on every state-changing route', () => {
  const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
  const routes = () => {
    const list = t.app.routes
      .filter((r) => MUTATING.has(r.method) && (/^\/console(\/|$)/.test(r.path) || /^\/api\/(admin|agent|staff)\//.test(r.path)))
      .map((r) => `${r.method} ${r.path}`);
    return [...new Set(list)].map((s) => {
      const [method, path] = s.split(' ');
      return { method, path: path.replace(/:\w+/g, 'x').replace(/\*$/, 'x') };
    });
  };

  it('a signed-in admin session without the CSRF token (or with a wrong one, or cross-origin) gets 403 and changes nothing', async () => {
    const admin = await addStaff(t.deps, 'admin');
    const s = await login(server.url, admin.email, admin.password);
    const list = routes();
    expect(list.length).toBeGreaterThan(25);
    const before = (await actions()).filter((a) => !a.startsWith('auth.')).length;
    const tried: string[] = [];
    for (const { method, path } of list) {
      if (path === '/console/login') continue; // no session yet: it has its own cookie-bound token (below)
      const api = path.startsWith('/api/');
      const attempts: [string, Record<string, string>, string][] = api
        ? [
            ['no token', { 'content-type': 'application/json' }, '{}'],
            ['wrong token', { 'content-type': 'application/json', 'x-csrf-token': 'forged-csrf-token' }, '{}'],
            ['cross-origin', { 'content-type': 'application/json', 'x-csrf-token': s.csrf, origin: 'https://evil.example' }, '{}'],
          ]
        : [
            ['no token', { 'content-type': 'application/x-www-form-urlencoded' }, 'text=hi&id=x'],
            ['wrong token', { 'content-type': 'application/x-www-form-urlencoded' }, '_csrf=forged-csrf-token&text=hi'],
            [
              'cross-origin',
              { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
              `_csrf=${s.csrf}&text=hi`,
            ],
          ];
      for (const [why, headers, body] of attempts) {
        const res = await fetch(url(path), { method, redirect: 'manual', headers: { cookie: s.cookie, ...headers }, body });
        expect(res.status, `${method} ${path} (${why})`).toBe(403);
      }
      tried.push(`${method} ${path}`);
    }
    expect((await actions()).filter((a) => !a.startsWith('auth.')).length).toBe(before);
    // The session itself was never touched (logout is one of the routes).
    expect((await fetch(url('/api/staff/me'), { headers: { cookie: s.cookie } })).status).toBe(200);
    expect(tried).toContain('POST /console/logout');
  });

  it('the login form needs its own cookie-bound token', async () => {
    const a = await addStaff(t.deps, 'agent');
    const res = await fetch(url('/console/login'), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: a.email, password: a.password }).toString(),
    });
    expect(res.status).toBe(403);
    expect(setCookies(res).ma_staff).toBeUndefined();
  });
});

describe('secure headers and cookies', () => {
  it('pages and JSON answers carry CSP with frame-ancestors, nosniff, a referrer policy; HSTS over https', async () => {
    const admin = await addStaff(t.deps, 'admin');
    const s = await login(server.url, admin.email, admin.password);
    const targets: [string, Record<string, string>][] = [
      ['/console/login', {}],
      ['/console', { cookie: s.cookie }],
      ['/api/staff/me', { cookie: s.cookie }],
      ['/api/admin/staff', {}], // a 401
      ['/api/nothing-here', {}], // a 404
      ['/', {}], // the web chat page
      ['/health', {}],
    ];
    for (const [path, headers] of targets) {
      const res = await fetch(url(path), { headers, redirect: 'manual' });
      const h = res.headers;
      const csp = h.get('content-security-policy') ?? '';
      if (path !== '/health') expect(csp, path).toMatch(/frame-ancestors '(none|self)'/);
      expect(csp.includes('frame-ancestors') || h.get('x-frame-options') === 'SAMEORIGIN', path).toBe(true);
      expect(h.get('x-content-type-options'), path).toBe('nosniff');
      expect(h.get('referrer-policy'), path).toBeTruthy();
      expect(h.get('server'), path).toBeNull();
      expect(h.get('x-powered-by'), path).toBeNull();
    }
    const https = await fetch(url('/console/login'), { headers: { 'x-forwarded-proto': 'https' } });
    expect(https.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
  });

  it('session cookies are HttpOnly and SameSite, and Secure in production even behind a proxy that speaks http', async () => {
    const prod = await createTestApp({ env: { NODE_ENV: 'production' } });
    const prodServer = await startServer(prod.app.fetch);
    try {
      const a = await addStaff(prod.deps, 'agent');
      const form = await fetch(`${prodServer.url}/console/login`);
      expect(setCookies(form).ma_login_csrf.raw).toMatch(/;\s*Secure/i);
      const res = await postLogin(prodServer.url, a.email, a.password);
      expect(res.status).toBe(303);
      const cookie = setCookies(res).ma_staff.raw;
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=(Lax|Strict)/i);
      expect(cookie).toMatch(/;\s*Secure/i);
    } finally {
      await prodServer.close();
      prod.close();
    }
    // Development over plain http: not Secure (a browser would drop it), still HttpOnly and SameSite.
    const a = await addStaff(t.deps, 'agent');
    const dev = setCookies(await postLogin(server.url, a.email, a.password)).ma_staff.raw;
    expect(dev).toMatch(/HttpOnly/i);
    expect(dev).not.toMatch(/;\s*Secure/i);
  });
});
