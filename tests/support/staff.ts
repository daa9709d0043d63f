// Test support: staff accounts and a browser-like console login over real HTTP (cookies and CSRF tokens).
import type { AppDeps } from '../../src/deps.js';
import { createStaff, issueApiToken } from '../../src/domain/staff/index.js';
import type { StaffRole } from '../../db/schema/index.js';

export interface TestStaff {
  id: string;
  email: string;
  password: string;
  role: StaffRole;
  /** A personal API token (bearer) for the JSON API. */
  token: string;
}

let n = 0;
/** Creates an account with a known password and an API token. */
export async function addStaff(deps: AppDeps, role: StaffRole, name?: string): Promise<TestStaff> {
  n += 1;
  const email = `${role}${n}@staff.test`;
  const password = `pw-${role}-${n}-long-enough`;
  const r = await createStaff({ ctx: deps.domain, input: { email, name: name ?? `${role} ${n}`, role, password } });
  const t = await issueApiToken({ ctx: deps.domain, input: { staffId: r.staff.id, name: 'tests' } });
  return { id: r.staff.id, email, password, role, token: t.token };
}

/** The `name=value` pairs of a response's Set-Cookie headers. */
export function setCookies(res: Response): Record<string, { value: string; raw: string }> {
  const out: Record<string, { value: string; raw: string }> = {};
  for (const raw of res.headers.getSetCookie()) {
    const [pair] = raw.split(';');
    const i = pair.indexOf('=');
    out[pair.slice(0, i).trim()] = { value: pair.slice(i + 1).trim(), raw };
  }
  return out;
}

export interface ConsoleSession {
  /** Cookie header value for later requests. */
  cookie: string;
  csrf: string;
}

/** Reads the login form's CSRF field and cookie, as a browser would. */
export async function loginForm(baseUrl: string): Promise<{ csrf: string; cookie: string }> {
  const res = await fetch(`${baseUrl}/console/login`, { redirect: 'manual' });
  const html = await res.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const c = setCookies(res).ma_login_csrf;
  return { csrf, cookie: c ? `ma_login_csrf=${c.value}` : '' };
}

/** Submits the login form; returns the raw response (303 on success). */
export async function postLogin(baseUrl: string, email: string, password: string, form?: { csrf: string; cookie: string }) {
  const f = form ?? (await loginForm(baseUrl));
  return fetch(`${baseUrl}/console/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: f.cookie },
    body: new URLSearchParams({ _csrf: f.csrf, email, password, next: '/console' }).toString(),
  });
}

/** Logs in through the form and returns the session cookie and its CSRF token. */
export async function login(baseUrl: string, email: string, password: string): Promise<ConsoleSession> {
  const res = await postLogin(baseUrl, email, password);
  if (res.status !== 303) throw new Error(`login failed with ${res.status}`);
  const session = setCookies(res).ma_staff;
  const cookie = `ma_staff=${session.value}`;
  const me = (await (await fetch(`${baseUrl}/api/staff/me`, { headers: { cookie } })).json()) as { csrfToken: string };
  return { cookie, csrf: me.csrfToken };
}
