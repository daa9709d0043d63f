// Staff authentication for pages and the JSON API: session cookie (+ CSRF on mutations) or bearer token, then roles.
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Staff, StaffRole } from '../../db/schema/index.js';
import { auditLog, type AuditVia } from '../domain/audit/index.js';
import { ensureAdminTokenStaff, resolveApiToken, resolveSession, type SessionPolicy } from '../domain/staff/index.js';
import { DomainError } from '../lib/errors.js';
import type { AppEnv } from './app-env.js';
import { safeEqual } from './middleware.js';

/** Who is acting. `csrfToken` exists only for cookie sessions (bearer requests cannot be forged by a browser). */
export interface StaffPrincipal {
  id: string;
  email: string;
  name: string;
  displayName: string;
  role: StaffRole;
  /** The IANA zone the console shows and reads this person's times in: their own choice, else CONSOLE_TIME_ZONE. */
  timeZone: string;
  via: Exclude<AuditVia, 'cli' | 'system'>;
  csrfToken?: string;
}

export const SESSION_COOKIE = 'ma_staff';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session rules from configuration. */
export function sessionPolicy(c: Context<AppEnv>): SessionPolicy {
  const config = c.get('deps').config;
  return { maxHours: config.STAFF_SESSION_HOURS, idleMinutes: config.STAFF_SESSION_IDLE_MINUTES };
}

/** True for https requests, directly or behind a TLS-terminating proxy that says so. */
export function isHttps(c: Context<AppEnv>): boolean {
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return (forwarded ?? new URL(c.req.url).protocol.replace(':', '')) === 'https';
}

/** The session token from the cookie (`__Host-` prefixed over https). */
export function readSessionToken(c: Context<AppEnv>): string | undefined {
  return getCookie(c, SESSION_COOKIE, 'host') ?? getCookie(c, SESSION_COOKIE);
}

/**
 * Sets the session cookie: HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site POSTs), and over
 * https Secure with the `__Host-` prefix (no Domain, Path=/, so a sibling subdomain cannot plant or read it).
 */
export function setSessionCookie(c: Context<AppEnv>, token: string, maxAgeSeconds: number): void {
  // Max-Age, not Expires: a browser whose clock differs from the server's still keeps the cookie as long as the
  // session lives (the server enforces the real expiry either way).
  const base = { httpOnly: true, sameSite: 'Lax' as const, path: '/', maxAge: maxAgeSeconds };
  if (isHttps(c)) setCookie(c, SESSION_COOKIE, token, { ...base, secure: true, prefix: 'host' });
  else setCookie(c, SESSION_COOKIE, token, { ...base, secure: secureCookies(c) });
}

/**
 * Cookies are Secure over https and always in production: a production console reached over plain http (a proxy
 * that does not say X-Forwarded-Proto) still never lets the browser send the session in clear text.
 */
export function secureCookies(c: Context<AppEnv>): boolean {
  return isHttps(c) || c.get('deps').config.NODE_ENV === 'production';
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  if (isHttps(c)) deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true, prefix: 'host' });
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

function principalOf(c: Context<AppEnv>, s: Staff, via: StaffPrincipal['via']): StaffPrincipal {
  const timeZone = s.timeZone ?? c.get('deps').config.CONSOLE_TIME_ZONE;
  return { id: s.id, email: s.email, name: s.name, displayName: s.displayName, role: s.role, timeZone, via };
}

/**
 * Who the request is from: a bearer token (ADMIN_TOKEN or a staff API token) or a session cookie. A bearer
 * header that is present but wrong is a failure, not a reason to fall back to the cookie.
 */
export async function authenticateStaff(c: Context<AppEnv>): Promise<{ principal: StaffPrincipal | null; hadCredentials: boolean }> {
  const deps = c.get('deps');
  const header = c.req.header('authorization') ?? '';
  if (header) {
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token) return { principal: null, hadCredentials: true };
    if (safeEqual(token, deps.adminToken)) {
      return {
        principal: principalOf(c, await ensureAdminTokenStaff({ ctx: deps.domain, input: {} }), 'admin_token'),
        hadCredentials: true,
      };
    }
    const found = await resolveApiToken({ ctx: deps.domain, input: { token } });
    return { principal: found ? principalOf(c, found.staff, 'api_token') : null, hadCredentials: true };
  }
  const cookie = readSessionToken(c);
  if (!cookie) return { principal: null, hadCredentials: false };
  const found = await resolveSession({ ctx: deps.domain, input: { token: cookie, policy: sessionPolicy(c) } });
  if (!found) return { principal: null, hadCredentials: true };
  return { principal: { ...principalOf(c, found.staff, 'session'), csrfToken: found.session.csrfToken }, hadCredentials: true };
}

/** The host the browser talked to (behind a proxy, the forwarded one). */
function requestHosts(c: Context<AppEnv>): string[] {
  return [c.req.header('x-forwarded-host'), c.req.header('host'), new URL(c.req.url).host].filter((h): h is string => !!h);
}

/**
 * CSRF for cookie-authenticated mutations: the per-session token must come back in `X-CSRF-Token` or a form's
 * `_csrf` field; a cross-origin Origin header is refused as well (defence in depth behind SameSite=Lax).
 */
export async function checkCsrf(c: Context<AppEnv>, expected: string | undefined): Promise<void> {
  const origin = c.req.header('origin');
  if (origin && origin !== 'null') {
    let host = '';
    try {
      host = new URL(origin).host;
    } catch {
      // An unparsable Origin is treated as foreign.
    }
    if (!requestHosts(c).includes(host)) throw new DomainError('forbidden', 'Cross-origin request refused');
  }
  let token = c.req.header('x-csrf-token');
  if (!token) {
    const type = c.req.header('content-type') ?? '';
    if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
      const body = await c.req.parseBody();
      token = typeof body._csrf === 'string' ? body._csrf : undefined;
    }
  }
  if (!token || !expected || !safeEqual(token, expected)) throw new DomainError('forbidden', 'Missing or invalid CSRF token');
}

/** Whether a role may do what `roles` allows; admins may do everything (the admin token acts as an agent too). */
export function hasRole(role: StaffRole, roles: readonly StaffRole[] | 'any'): boolean {
  return roles === 'any' || role === 'admin' || roles.includes(role);
}

/**
 * Guards pages and APIs. Pages (paths outside /api/) send unauthenticated visitors to the login page; APIs
 * answer 401. Cookie sessions must carry the CSRF token on every non-GET request; wrong roles are 403.
 */
export function requireStaff(roles: readonly StaffRole[] | 'any' = 'any', options: { page?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async function requireStaffMiddleware(c, next) {
    const page = options.page ?? !c.req.path.startsWith('/api/');
    let principal = c.get('staff');
    if (!principal) {
      const auth = await authenticateStaff(c);
      if (!auth.principal) {
        if (page && c.req.method === 'GET') {
          const url = new URL(c.req.url);
          const next = encodeURIComponent(url.pathname + url.search);
          return c.redirect(`/console/login?next=${next}${auth.hadCredentials ? '&expired=1' : ''}`, 302);
        }
        throw new DomainError(
          'unauthorized',
          auth.hadCredentials ? 'The session has expired or the token is not valid' : 'Staff sign-in or a bearer token is required',
        );
      }
      principal = auth.principal;
      if (principal.via === 'session' && !SAFE_METHODS.has(c.req.method)) await checkCsrf(c, principal.csrfToken);
      c.set('staff', principal);
    }
    if (!hasRole(principal.role, roles)) {
      throw new DomainError('forbidden', `This needs the ${roles === 'any' ? 'staff' : roles.join(' or ')} role`);
    }
    await next();
  };
}

/** The acting staff member (only after requireStaff). */
export function currentStaff(c: Context<AppEnv>): StaffPrincipal {
  const s = c.get('staff');
  if (!s) throw new DomainError('unauthorized', 'Staff sign-in is required');
  return s;
}

/** Appends an audit entry for the acting staff member of this request. */
export async function audit(c: Context<AppEnv>, action: string, target?: string | null, details?: Record<string, unknown>): Promise<void> {
  const s = c.get('staff');
  await auditLog({
    ctx: c.get('deps').domain,
    input: { staffId: s?.id ?? null, action, target, details, via: s?.via, requestId: c.get('requestId') },
  });
}
