// Console page layout and small building blocks (hono/jsx), shared by the agent inbox, admin and marketer pages.
import type { Context } from 'hono';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { StaffRole } from '../../db/schema/index.js';
import type { AppEnv } from '../http/app-env.js';
import { hasRole, type StaffPrincipal } from '../http/staff-auth.js';
import { CONSOLE_CSS, CONSOLE_JS } from './assets.js';

/** One entry of the side navigation; shown to the roles listed (admins see everything). */
export interface NavItem {
  href: string;
  label: string;
  roles: readonly StaffRole[] | 'any';
  /** Key pages pass as `active` to highlight it. */
  key: string;
}

/** The console's navigation. Areas add one line here (marketer pages: roles ['marketer']). */
export const CONSOLE_NAV: NavItem[] = [
  { key: 'inbox', href: '/console/inbox', label: 'Inbox', roles: ['agent'] },
  { key: 'feedback', href: '/console/feedback', label: 'Feedback', roles: ['agent', 'marketer'] },
  { key: 'reports', href: '/console/reports', label: 'Reports', roles: ['agent', 'marketer'] },
  { key: 'marketing', href: '/console/marketing', label: 'Marketing', roles: ['marketer'] },
  { key: 'staff', href: '/console/staff', label: 'Staff', roles: ['admin'] },
  { key: 'settings', href: '/console/settings', label: 'Settings', roles: ['admin'] },
  { key: 'audit', href: '/console/audit', label: 'Audit log', roles: ['admin'] },
  { key: 'account', href: '/console/account', label: 'My account', roles: 'any' },
];

/** FNV-1a content hash for cache-busting asset URLs. */
export function contentHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** A static asset: cached for a year when the URL names its current version (`?v=`), otherwise revalidated. */
export function assetResponse(body: string, type: string, version: string, requested: string | undefined): Response {
  const cache = requested === version ? 'public, max-age=31536000, immutable' : 'no-cache';
  return new Response(body, { headers: { 'content-type': type, 'cache-control': cache } });
}

let versions: { css: string; js: string } | undefined;
/** Computed on first use, not at import. */
export function assetVersions() {
  versions ??= { css: contentHash(CONSOLE_CSS), js: contentHash(CONSOLE_JS) };
  return versions;
}

/** Console pages load only their own script and styles; nothing may frame them. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const LOGO = raw(
  '<svg viewBox="0 0 24 24" width="18" height="18" fill="none" stroke="#fff" stroke-width="2" stroke-linejoin="round" aria-hidden="true"><path d="M12 3l2.3 5.4L20 9.2l-4.3 3.9 1.2 5.8L12 16l-4.9 2.9 1.2-5.8L4 9.2l5.7-.8z"/></svg>',
);

export interface DocumentProps {
  title: string;
  children?: Child;
  /** SSE endpoint the page's live regions listen to. */
  events?: string;
  bodyClass?: string;
}

/** The bare HTML document (login and error pages use it directly). */
export function ConsoleDocument(props: DocumentProps) {
  const v = assetVersions();
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="referrer" content="same-origin" />
          <title>{`${props.title} · Member Assistant`}</title>
          <link rel="icon" type="image/svg+xml" href="/webchat/icon.svg" />
          <link rel="stylesheet" href={`/console/assets/console.css?v=${v.css}`} />
          <script src={`/console/assets/console.js?v=${v.js}`} defer />
        </head>
        <body class={props.bodyClass} data-events={props.events}>
          {props.children}
        </body>
      </html>
    </>
  );
}

export interface PageProps {
  title: string;
  staff: StaffPrincipal;
  /** Key of the navigation entry to highlight. */
  active?: string;
  children?: Child;
  events?: string;
  /** Per-entry counters (e.g. pending handoffs next to Inbox). */
  counts?: Record<string, number>;
}

/** A signed-in console page: navigation for the staff member's role, their name and a logout button. */
export function ConsolePage(props: PageProps) {
  const { staff } = props;
  return (
    <ConsoleDocument title={props.title} events={props.events}>
      <div class="shell">
        <aside class="side">
          <a class="brand" href="/console">
            <span class="logo">{LOGO}</span>
            <span>Member Assistant</span>
          </a>
          <nav aria-label="Console">
            {CONSOLE_NAV.filter((n) => hasRole(staff.role, n.roles)).map((n) => (
              <a href={n.href} aria-current={props.active === n.key ? 'page' : undefined}>
                <span>{n.label}</span>
                {props.counts?.[n.key] ? <span class="count">{props.counts[n.key]}</span> : null}
              </a>
            ))}
          </nav>
          <div class="who">
            <strong data-testid="staff-name">{staff.name}</strong>
            <span>{staff.role}</span>
            <a href="/console/account" class="small" title="Times on these pages are in this zone" data-testid="staff-tz">
              {staff.timeZone}
            </a>
            {staff.via === 'session' ? (
              <form method="post" action="/console/logout">
                <CsrfField staff={staff} />
                <button type="submit" data-testid="logout">
                  Log out
                </button>
              </form>
            ) : null}
          </div>
        </aside>
        <main class="content">{props.children}</main>
      </div>
    </ConsoleDocument>
  );
}

/** The hidden CSRF field every console form carries. */
export function CsrfField(props: { staff: StaffPrincipal }) {
  return <input type="hidden" name="_csrf" value={props.staff.csrfToken ?? ''} />;
}

export function PageHeader(props: { title: string; subtitle?: Child; actions?: Child }) {
  return (
    <div class="page-head">
      <div>
        <h1>{props.title}</h1>
        {props.subtitle ? <p>{props.subtitle}</p> : null}
      </div>
      {props.actions ? <div class="actions">{props.actions}</div> : null}
    </div>
  );
}

export function Card(props: { title?: Child; children?: Child; class?: string; id?: string }) {
  return (
    <section class={`card ${props.class ?? ''}`} id={props.id}>
      {props.title ? <h2>{props.title}</h2> : null}
      {props.children}
    </section>
  );
}

export type Tone = 'ok' | 'warn' | 'danger' | 'info' | undefined;

export function Badge(props: { tone?: Tone; children?: Child; testid?: string }) {
  return (
    <span class={`badge ${props.tone ?? ''}`} data-testid={props.testid}>
      {props.children}
    </span>
  );
}

/** A message box at the top of a page. */
export function Notice(props: { tone: 'ok' | 'error' | 'info'; children?: Child }) {
  return (
    <div class={`notice ${props.tone}`} role={props.tone === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

/** A button that POSTs (with the CSRF field) to `action`; extra hidden fields ride along. */
export function PostButton(props: {
  action: string;
  staff: StaffPrincipal;
  label: Child;
  variant?: 'primary' | 'danger';
  small?: boolean;
  confirm?: string;
  fields?: Record<string, string>;
  testid?: string;
}) {
  return (
    <form class="inline" method="post" action={props.action}>
      <CsrfField staff={props.staff} />
      {Object.entries(props.fields ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button
        type="submit"
        class={`btn ${props.variant ?? ''} ${props.small ? 'small' : ''}`}
        data-confirm={props.confirm}
        data-testid={props.testid}
      >
        {props.label}
      </button>
    </form>
  );
}

export function EmptyState(props: { children?: Child }) {
  return <p class="muted">{props.children}</p>;
}

/** "3m", "2h 5m": how long ago, kept current in the browser by the console script. */
export function Since(props: { at: Date; now: Date }) {
  const ms = Math.max(0, props.now.getTime() - props.at.getTime());
  return (
    <span data-since={props.at.toISOString()} title={props.at.toISOString()}>
      {formatDuration(ms)}
    </span>
  );
}

/** Compact duration for tables: 45s, 12m, 3h 5m, 2d. */
export function formatDuration(ms: number): string {
  const m = Math.floor(ms / 60_000);
  if (m < 1) return `${Math.floor(ms / 1000)}s`;
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d`;
}

/** An instant in the staff member's time zone (`StaffPrincipal.timeZone`), for staff ("2026-06-01 16:05"). */
export { formatInstant } from '../lib/time.js';

let zoneNames: string[] | undefined;
/** The IANA zones this runtime knows (UTC first), for a staff member's time-zone choice. */
export function timeZoneNames(): string[] {
  zoneNames ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  return zoneNames;
}

/** Sends a console page: strict CSP, never cached (pages show personal data). */
export function renderPage(c: Context<AppEnv>, node: Child, status: 200 | 400 | 401 | 403 | 404 | 409 | 429 | 500 = 200) {
  c.header('content-security-policy', CONSOLE_CSP);
  c.header('cache-control', 'no-store');
  c.header('x-frame-options', 'DENY');
  return c.html(node as never, status);
}

/** Sends a fragment for a live region (same headers; no document around it). */
export function renderFragment(c: Context<AppEnv>, node: Child) {
  c.header('cache-control', 'no-store');
  return c.html(node as never);
}
