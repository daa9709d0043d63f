// Staff login and logout: password form with a login CSRF cookie, throttled failures, a fresh session per login.
import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import {
  authenticatePassword,
  endSession,
  findStaffByEmail,
  lockedUntil,
  lockoutPolicy,
  loginFailureKey,
  normalizeEmail,
  recordLoginFailure,
  startSession,
} from '../domain/staff/index.js';
import { auditLog } from '../domain/audit/index.js';
import { randomSecret } from '../lib/crypto.js';
import { DomainError } from '../lib/errors.js';
import type { AppEnv } from '../http/app-env.js';
import { safeEqual } from '../http/middleware.js';
import {
  audit,
  authenticateStaff,
  clearSessionCookie,
  readSessionToken,
  requireStaff,
  secureCookies,
  sessionPolicy,
  setSessionCookie,
} from '../http/staff-auth.js';
import { noticeFrom, readForm } from './forms.js';
import { ConsoleDocument, Notice, renderPage } from './layout.js';

const LOGIN_CSRF_COOKIE = 'ma_login_csrf';
/** Failed logins per account are counted in this window (and the account refused past the limit). */
const FAILURE_WINDOW_SECONDS = 900;

function throttledMessage(minutes: number): string {
  return `Too many failed sign-ins for this account. Try again in ${minutes} minutes, or ask an admin to unlock it.`;
}

/** Only same-site console paths: `//evil.example` or `/\evil` would leave the site. */
export function safeNext(next: string | undefined): string {
  if (!next || !/^\/console(?:[/?#]|$)/.test(next) || next.includes('//') || next.includes('\\')) return '/console';
  return next;
}

function LoginPage(props: { csrf: string; next: string; email?: string; error?: string; info?: string }) {
  return (
    <ConsoleDocument title="Sign in" bodyClass="login">
      <main class="card">
        <h1>Member Assistant</h1>
        <p class="lead">Staff sign-in</p>
        {props.error ? <Notice tone="error">{props.error}</Notice> : null}
        {props.info ? <Notice tone="info">{props.info}</Notice> : null}
        <form method="post" action="/console/login" data-testid="login-form">
          <input type="hidden" name="_csrf" value={props.csrf} />
          <input type="hidden" name="next" value={props.next} />
          <label class="field">
            Email
            <input type="email" name="email" autocomplete="username" required value={props.email ?? ''} data-testid="login-email" />
          </label>
          <label class="field">
            Password
            <input type="password" name="password" autocomplete="current-password" required data-testid="login-password" />
          </label>
          <button type="submit" class="btn primary" data-testid="login-submit">
            Sign in
          </button>
        </form>
      </main>
    </ConsoleDocument>
  );
}

/** A login CSRF token bound to this browser by a short-lived cookie (double submit: there is no session yet). */
function loginCsrf(c: Context<AppEnv>): string {
  const existing = getCookie(c, LOGIN_CSRF_COOKIE);
  if (existing && /^[\w-]{20,64}$/.test(existing)) return existing;
  const token = randomSecret(24);
  setCookie(c, LOGIN_CSRF_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/console', maxAge: 3600, secure: secureCookies(c) });
  return token;
}

export function authPages() {
  const app = new Hono<AppEnv>();

  app.get('/console/login', async (c) => {
    const next = safeNext(c.req.query('next'));
    if (readSessionToken(c)) {
      const { principal } = await authenticateStaff(c);
      if (principal) return c.redirect(next, 302);
    }
    const info = c.req.query('expired') ? 'Your session has ended. Please sign in again.' : noticeFrom(c)?.text;
    return renderPage(c, <LoginPage csrf={loginCsrf(c)} next={next} info={info} />);
  });

  app.post('/console/login', async (c) => {
    const deps = c.get('deps');
    const form = await readForm(c);
    const body = await c.req.parseBody();
    const next = safeNext(form.next);
    const cookie = getCookie(c, LOGIN_CSRF_COOKIE);
    const sent = typeof body._csrf === 'string' ? body._csrf : '';
    if (!cookie || !sent || !safeEqual(cookie, sent)) {
      return renderPage(
        c,
        <LoginPage csrf={loginCsrf(c)} next={next} email={form.email} error="The form expired. Please sign in again." />,
        403,
      );
    }
    const email = normalizeEmail(form.email ?? '');
    const password = form.password ?? '';
    // Two layers: a short-lived counter per email in the state store (unknown emails get the same answers as real
    // ones), and the account's own count and lock in the database, which outlive restarts and state outages.
    const failKey = loginFailureKey(email);
    const failures = Number((await deps.state.get(failKey).catch(() => null)) ?? 0);
    const known = email ? await findStaffByEmail({ ctx: deps.domain, input: { email } }) : null;
    const locked = known ? lockedUntil(known, deps.domain.clock()) : null;
    if (failures >= deps.config.STAFF_LOGIN_MAX_FAILURES || locked) {
      await auditLog({
        ctx: deps.domain,
        input: { staffId: known?.id ?? null, action: 'auth.login_throttled', details: { email }, requestId: c.get('requestId') },
      });
      return renderPage(
        c,
        <LoginPage csrf={cookie} next={next} email={email} error={throttledMessage(deps.config.STAFF_LOCKOUT_MINUTES)} />,
        429,
      );
    }
    const account = email && password ? await authenticatePassword({ ctx: deps.domain, input: { email, password, account: known } }) : null;
    if (!account) {
      await deps.state.incr(failKey, FAILURE_WINDOW_SECONDS).catch(() => 0);
      await auditLog({
        ctx: deps.domain,
        input: { staffId: null, action: 'auth.login_failed', details: { email }, requestId: c.get('requestId') },
      });
      if (known) {
        const r = await recordLoginFailure({ ctx: deps.domain, input: { staffId: known.id, policy: lockoutPolicy(deps.config) } });
        if (r.locked) {
          await auditLog({
            ctx: deps.domain,
            input: {
              staffId: known.id,
              action: 'auth.locked',
              target: `staff:${known.id}`,
              details: { until: r.locked.toISOString(), failures: r.failures },
              requestId: c.get('requestId'),
            },
          });
        }
      }
      return renderPage(c, <LoginPage csrf={cookie} next={next} email={email} error="Wrong email or password." />, 401);
    }
    await deps.state.del(failKey).catch(() => undefined);
    // A new session on every login: a session id planted before login (fixation) is never promoted.
    const old = readSessionToken(c);
    if (old) await endSession({ ctx: deps.domain, input: { token: old } });
    const session = await startSession({ ctx: deps.domain, input: { staffId: account.id, policy: sessionPolicy(c) } });
    setSessionCookie(c, session.token, Math.round((session.expiresAt.getTime() - deps.domain.clock().getTime()) / 1000));
    await auditLog({
      ctx: deps.domain,
      input: { staffId: account.id, action: 'auth.login', via: 'session', requestId: c.get('requestId') },
    });
    return c.redirect(next, 303);
  });

  app.post('/console/logout', requireStaff('any', { page: true }), async (c) => {
    const token = readSessionToken(c);
    if (token) await endSession({ ctx: c.get('deps').domain, input: { token } });
    await audit(c, 'auth.logout');
    clearSessionCookie(c);
    return c.redirect('/console/login?notice=logged_out', 303);
  });

  // A GET to /console/logout (a bookmarked link) must not sign anyone out: that would be a CSRF hole.
  app.get('/console/logout', () => {
    throw new DomainError('bad_request', 'Use the "Log out" button');
  });

  return app;
}
