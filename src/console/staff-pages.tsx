// Admin pages for staff accounts and the audit log, and every staff member's own account page.
import { Hono, type Context } from 'hono';
import * as z from 'zod/v4';
import { STAFF_ROLES, type Staff, type StaffApiToken } from '../../db/schema/index.js';
import { listAuditLog } from '../domain/audit/index.js';
import {
  authenticatePassword,
  createStaff,
  getStaff,
  issueApiToken,
  listApiTokens,
  listStaff,
  lockedUntil,
  lockoutPolicy,
  passwordSchema,
  recordLoginFailure,
  revokeApiToken,
  unlockStaff,
  updateStaff,
} from '../domain/staff/index.js';
import { DomainError } from '../lib/errors.js';
import type { AppEnv } from '../http/app-env.js';
import { parseWith } from '../http/middleware.js';
import { audit, currentStaff, requireStaff, type StaffPrincipal } from '../http/staff-auth.js';
import { noticeFrom, readForm } from './forms.js';
import { isValidTimeZone } from '../domain/handoffs/business-hours.js';
import {
  Badge,
  Card,
  ConsolePage,
  CsrfField,
  EmptyState,
  formatInstant,
  Notice,
  PageHeader,
  PostButton,
  renderPage,
  timeZoneNames,
} from './layout.js';

type Flash = { tone: 'ok' | 'error' | 'info'; text: string; secret?: string };

function FlashBox(props: { flash?: Flash }) {
  const f = props.flash;
  if (!f) return null;
  return (
    <Notice tone={f.tone}>
      {f.text}
      {f.secret ? (
        <div class="secret" data-testid="secret">
          <span>{f.secret}</span>
          <button type="button" class="btn small" data-copy={f.secret}>
            Copy
          </button>
        </div>
      ) : null}
    </Notice>
  );
}

function TokenTable(props: { tokens: StaffApiToken[]; staff: StaffPrincipal; revokeBase: string; owners?: Map<string, Staff> }) {
  const live = props.tokens.filter((t) => !t.revokedAt);
  const tz = props.staff.timeZone;
  if (!live.length) return <EmptyState>No API tokens.</EmptyState>;
  return (
    <table class="data">
      <thead>
        <tr>
          <th>Name</th>
          {props.owners ? <th>Owner</th> : null}
          <th>Token</th>
          <th>Created</th>
          <th>Last used</th>
          <th>Expires</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {live.map((t) => (
          <tr>
            <td>{t.name}</td>
            {props.owners ? <td>{props.owners.get(t.staffId)?.email ?? t.staffId}</td> : null}
            <td>
              <code>{t.prefix}…</code>
            </td>
            <td>{formatInstant(t.createdAt, tz)}</td>
            <td>{t.lastUsedAt ? formatInstant(t.lastUsedAt, tz) : '–'}</td>
            <td>{t.expiresAt ? formatInstant(t.expiresAt, tz) : 'never'}</td>
            <td>
              <PostButton
                action={`${props.revokeBase}/${t.id}/revoke`}
                staff={props.staff}
                label="Revoke"
                variant="danger"
                small
                confirm="Revoke this token? Programs using it stop working."
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TokenForm(props: { action: string; staff: StaffPrincipal }) {
  return (
    <form method="post" action={props.action} class="row-form">
      <CsrfField staff={props.staff} />
      <label class="field">
        Token name
        <input type="text" name="name" required maxlength={100} placeholder="e.g. helpdesk integration" />
      </label>
      <label class="field">
        Expires in (days)
        <input type="number" name="expiresInDays" min={1} max={3650} placeholder="never" />
      </label>
      <button type="submit" class="btn">
        Create token
      </button>
    </form>
  );
}

const tokenForm = z.object({
  name: z.string().trim().min(1).max(100),
  expiresInDays: z
    .string()
    .optional()
    .transform((v) => (v ? Number(v) : undefined))
    .pipe(z.number().int().min(1).max(3650).optional()),
});

async function staffListPage(c: Context<AppEnv>, flash?: Flash, status: 200 | 400 | 404 | 409 = 200) {
  const deps = c.get('deps');
  const me = currentStaff(c);
  const now = deps.domain.clock();
  const [accounts, tokens] = await Promise.all([
    listStaff({ ctx: deps.domain, input: {} }),
    listApiTokens({ ctx: deps.domain, input: {} }),
  ]);
  const owners = new Map(accounts.map((a) => [a.id, a]));
  return renderPage(
    c,
    <ConsolePage title="Staff" staff={me} active="staff">
      <PageHeader
        title="Staff"
        subtitle="Accounts, roles and API tokens. Agents answer handoffs; marketers run broadcasts; admins do everything."
      />
      <FlashBox flash={flash} />
      <div class="grid">
        <Card title="Accounts">
          <table class="data" data-testid="staff-table">
            <thead>
              <tr>
                <th>Email</th>
                <th>Name (shown to members)</th>
                <th>Role</th>
                <th>Status</th>
                <th>Last sign-in</th>
                <th>Time zone</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {accounts.map((a) => (
                <tr>
                  <td>{a.email}</td>
                  <td>
                    {a.name}
                    {a.displayName !== a.name ? <span class="muted"> ({a.displayName})</span> : null}
                  </td>
                  <td>
                    {a.passwordHash === null ? (
                      <Badge tone="info">admin token</Badge>
                    ) : (
                      <form method="post" action={`/console/staff/${a.id}`} class="row-form">
                        <CsrfField staff={me} />
                        <select name="role" aria-label={`Role of ${a.email}`}>
                          {STAFF_ROLES.map((r) => (
                            <option value={r} selected={r === a.role}>
                              {r}
                            </option>
                          ))}
                        </select>
                        <button type="submit" class="btn small">
                          Save
                        </button>
                      </form>
                    )}
                  </td>
                  <td>
                    {a.active ? <Badge tone="ok">active</Badge> : <Badge tone="danger">disabled</Badge>}
                    {lockedUntil(a, now) ? (
                      <Badge tone="danger">{`locked until ${formatInstant(a.lockedUntil as Date, me.timeZone)}`}</Badge>
                    ) : null}
                  </td>
                  <td>{a.lastLoginAt ? formatInstant(a.lastLoginAt, me.timeZone) : '–'}</td>
                  <td class="small">{a.timeZone ?? <span class="muted">{`default (${c.get('deps').config.CONSOLE_TIME_ZONE})`}</span>}</td>
                  <td class="actions">
                    {a.passwordHash !== null && a.id !== me.id ? (
                      <PostButton
                        action={`/console/staff/${a.id}`}
                        staff={me}
                        label={a.active ? 'Disable' : 'Enable'}
                        small
                        variant={a.active ? 'danger' : undefined}
                        fields={{ active: a.active ? 'false' : 'true' }}
                        confirm={a.active ? 'Disable this account? Its sessions and tokens stop working.' : undefined}
                      />
                    ) : null}
                    {lockedUntil(a, now) ? <PostButton action={`/console/staff/${a.id}/unlock`} staff={me} label="Unlock" small /> : null}
                    {a.passwordHash !== null ? (
                      <PostButton
                        action={`/console/staff/${a.id}/reset-password`}
                        staff={me}
                        label="Reset password"
                        small
                        confirm="Generate a new password? The old one stops working."
                      />
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title="New account">
          <form method="post" action="/console/staff" class="row-form" data-testid="create-staff">
            <CsrfField staff={me} />
            <label class="field">
              Email
              <input type="email" name="email" required />
            </label>
            <label class="field">
              Name
              <input type="text" name="name" required maxlength={100} />
            </label>
            <label class="field">
              Shown to members as <span class="hint">(optional)</span>
              <input type="text" name="displayName" maxlength={60} />
            </label>
            <label class="field">
              Role
              <select name="role">
                {STAFF_ROLES.map((r) => (
                  <option value={r}>{r}</option>
                ))}
              </select>
            </label>
            <button type="submit" class="btn primary">
              Create (password generated)
            </button>
          </form>
        </Card>
        <Card title="API tokens (all accounts)">
          <TokenTable tokens={tokens} staff={me} revokeBase="/console/tokens" owners={owners} />
          <h3>New token for an account</h3>
          <form method="post" action="/console/tokens" class="row-form">
            <CsrfField staff={me} />
            <label class="field">
              Account
              <select name="staffId">
                {accounts
                  .filter((a) => a.active && a.passwordHash !== null)
                  .map((a) => (
                    <option value={a.id}>{a.email}</option>
                  ))}
              </select>
            </label>
            <label class="field">
              Token name
              <input type="text" name="name" required maxlength={100} />
            </label>
            <label class="field">
              Expires in (days)
              <input type="number" name="expiresInDays" min={1} max={3650} placeholder="never" />
            </label>
            <button type="submit" class="btn">
              Create token
            </button>
          </form>
        </Card>
      </div>
    </ConsolePage>,
    status,
  );
}

async function accountPage(c: Context<AppEnv>, flash?: Flash, status: 200 | 400 | 401 = 200) {
  const deps = c.get('deps');
  const me = currentStaff(c);
  const [account, tokens] = await Promise.all([
    getStaff({ ctx: deps.domain, input: { staffId: me.id } }),
    listApiTokens({ ctx: deps.domain, input: { staffId: me.id } }),
  ]);
  return renderPage(
    c,
    <ConsolePage title="My account" staff={me} active="account">
      <PageHeader title="My account" subtitle={`${me.email} · ${me.role}`} />
      <FlashBox flash={flash} />
      <div class="grid two">
        <Card title="API tokens">
          <p class="muted small">
            For the JSON API (<code>Authorization: Bearer …</code>, see <a href="/openapi.json">/openapi.json</a>). A token acts as you,
            with your role.
          </p>
          <TokenTable tokens={tokens} staff={me} revokeBase="/console/account/tokens" />
          <h3>New token</h3>
          <TokenForm action="/console/account/tokens" staff={me} />
        </Card>
        <Card title="Time zone">
          <p class="muted small">
            The console shows times in this zone, and reads the times you type (a campaign's schedule) in it. Now:{' '}
            <span data-testid="tz-now">{formatInstant(c.get('deps').domain.clock(), me.timeZone)}</span> ({me.timeZone}).
          </p>
          <form method="post" action="/console/account/time-zone" data-testid="tz-form">
            <CsrfField staff={me} />
            <label class="field">
              Time zone
              <select name="timeZone" data-testid="tz-select">
                <option value="" selected={!account?.timeZone}>
                  {`The console's default (${c.get('deps').config.CONSOLE_TIME_ZONE})`}
                </option>
                {timeZoneNames().map((z) => (
                  <option value={z} selected={account?.timeZone === z}>
                    {z}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" class="btn primary">
              Save
            </button>
          </form>
        </Card>
        {account?.passwordHash ? (
          <Card title="Change password">
            <form method="post" action="/console/account/password">
              <CsrfField staff={me} />
              <label class="field">
                Current password
                <input type="password" name="current" autocomplete="current-password" required />
              </label>
              <label class="field">
                New password <span class="hint">(at least 10 characters)</span>
                <input type="password" name="password" autocomplete="new-password" required minlength={10} />
              </label>
              <label class="field">
                New password again
                <input type="password" name="confirm" autocomplete="new-password" required minlength={10} />
              </label>
              <button type="submit" class="btn primary">
                Change password
              </button>
            </form>
          </Card>
        ) : null}
      </div>
    </ConsolePage>,
    status,
  );
}

/** An error shown on the page it came from, instead of a bare error page. */
function asFlash(err: unknown): Flash {
  if (err instanceof DomainError) return { tone: 'error', text: err.message };
  throw err;
}

export function staffPages() {
  const app = new Hono<AppEnv>();
  const admin = requireStaff(['admin'], { page: true });
  const anyone = requireStaff('any', { page: true });

  app.get('/console/staff', admin, (c) => staffListPage(c, noticeFrom(c)));

  app.post('/console/staff', admin, async (c) => {
    const form = await readForm(c);
    try {
      const created = await createStaff({
        ctx: c.get('deps').domain,
        input: { email: form.email ?? '', name: form.name ?? '', displayName: form.displayName || undefined, role: form.role as never },
      });
      await audit(c, 'staff.create', `staff:${created.staff.id}`, { email: created.staff.email, role: created.staff.role });
      return staffListPage(c, {
        tone: 'ok',
        text: `Created ${created.staff.email} (${created.staff.role}). Give them this password; it is shown only now:`,
        secret: created.generatedPassword,
      });
    } catch (err) {
      return staffListPage(c, asFlash(err), err instanceof DomainError && err.code === 'conflict' ? 409 : 400);
    }
  });

  app.post('/console/staff/:id', admin, async (c) => {
    const form = await readForm(c);
    const me = currentStaff(c);
    const staffId = c.req.param('id');
    const input: { role?: (typeof STAFF_ROLES)[number]; active?: boolean } = {};
    if (form.role) {
      const role = z.enum(STAFF_ROLES).safeParse(form.role);
      if (!role.success) return staffListPage(c, { tone: 'error', text: `The role must be one of ${STAFF_ROLES.join(', ')}.` }, 400);
      input.role = role.data;
    }
    if (form.active) input.active = form.active === 'true';
    if (staffId === me.id && (input.active === false || (input.role && input.role !== 'admin'))) {
      return staffListPage(c, { tone: 'error', text: 'You cannot disable yourself or remove your own admin role.' }, 400);
    }
    try {
      await updateStaff({ ctx: c.get('deps').domain, input: { staffId, ...input } });
    } catch (err) {
      return staffListPage(c, asFlash(err), 400);
    }
    await audit(c, 'staff.update', `staff:${staffId}`, input);
    return c.redirect('/console/staff?notice=updated', 303);
  });

  app.post('/console/staff/:id/unlock', admin, async (c) => {
    const deps = c.get('deps');
    const staffId = c.req.param('id');
    if (!(await unlockStaff({ ctx: deps.domain, input: { staffId, state: deps.state } }))) {
      return staffListPage(c, { tone: 'error', text: 'No such staff account.' }, 404);
    }
    await audit(c, 'staff.unlock', `staff:${staffId}`);
    return c.redirect('/console/staff?notice=updated', 303);
  });

  app.post('/console/staff/:id/reset-password', admin, async (c) => {
    const staffId = c.req.param('id');
    try {
      const r = await updateStaff({ ctx: c.get('deps').domain, input: { staffId, resetPassword: true } });
      await audit(c, 'staff.reset_password', `staff:${staffId}`);
      return staffListPage(c, { tone: 'ok', text: `New password for ${r.staff.email} (shown only now):`, secret: r.generatedPassword });
    } catch (err) {
      return staffListPage(c, asFlash(err), 400);
    }
  });

  app.post('/console/tokens', admin, async (c) => {
    const form = await readForm(c);
    try {
      const data = tokenForm.parse(form);
      const staffId = z.string().min(1).parse(form.staffId);
      const r = await issueApiToken({ ctx: c.get('deps').domain, input: { staffId, ...data } });
      await audit(c, 'token.create', `token:${r.record.id}`, { staffId, name: r.record.name });
      return staffListPage(c, {
        tone: 'ok',
        text: `Token "${r.record.name}" created. Copy it now; it is not shown again:`,
        secret: r.token,
      });
    } catch (err) {
      if (err instanceof z.ZodError) return staffListPage(c, { tone: 'error', text: 'Give the token a name and a valid expiry.' }, 400);
      return staffListPage(c, asFlash(err), 400);
    }
  });

  app.post('/console/tokens/:id/revoke', admin, async (c) => {
    const r = await revokeApiToken({ ctx: c.get('deps').domain, input: { tokenId: c.req.param('id') } });
    await audit(c, 'token.revoke', `token:${r.id}`, { staffId: r.staffId });
    return c.redirect('/console/staff?notice=revoked', 303);
  });

  app.get('/console/account', anyone, (c) => accountPage(c, noticeFrom(c)));

  app.post('/console/account/password', anyone, async (c) => {
    const deps = c.get('deps');
    const me = currentStaff(c);
    const form = await readForm(c);
    const ok = await authenticatePassword({ ctx: deps.domain, input: { email: me.email, password: form.current ?? '' } });
    if (!ok) {
      // Counted like sign-in failures: a stolen session must not become a way to guess the password.
      await recordLoginFailure({ ctx: deps.domain, input: { staffId: me.id, policy: lockoutPolicy(deps.config) } });
      return accountPage(c, { tone: 'error', text: 'The current password is wrong.' }, 401);
    }
    const parsed = passwordSchema.safeParse(form.password ?? '');
    if (!parsed.success) return accountPage(c, { tone: 'error', text: 'The new password needs at least 10 characters.' }, 400);
    if (form.password !== form.confirm) return accountPage(c, { tone: 'error', text: 'The two new passwords differ.' }, 400);
    await updateStaff({ ctx: deps.domain, input: { staffId: me.id, password: parsed.data } });
    await audit(c, 'staff.change_password', `staff:${me.id}`);
    // Changing the password signed out every session, this one too.
    return c.redirect('/console/login?notice=password_changed', 303);
  });

  app.post('/console/account/time-zone', anyone, async (c) => {
    const me = currentStaff(c);
    const form = await readForm(c);
    const timeZone = form.timeZone?.trim() || null;
    if (timeZone !== null && !isValidTimeZone(timeZone)) {
      return accountPage(c, { tone: 'error', text: `"${timeZone.slice(0, 64)}" is not a time zone this server knows.` }, 400);
    }
    await updateStaff({ ctx: c.get('deps').domain, input: { staffId: me.id, timeZone } });
    await audit(c, 'staff.change_time_zone', `staff:${me.id}`, { timeZone });
    return c.redirect('/console/account?notice=time_zone', 303);
  });

  app.post('/console/account/tokens', anyone, async (c) => {
    const me = currentStaff(c);
    const parsed = tokenForm.safeParse(await readForm(c));
    if (!parsed.success) return accountPage(c, { tone: 'error', text: 'Give the token a name and a valid expiry.' }, 400);
    const r = await issueApiToken({ ctx: c.get('deps').domain, input: { staffId: me.id, ...parsed.data } });
    await audit(c, 'token.create', `token:${r.record.id}`, { staffId: me.id, name: r.record.name });
    return accountPage(c, { tone: 'ok', text: `Token "${r.record.name}" created. Copy it now; it is not shown again:`, secret: r.token });
  });

  app.post('/console/account/tokens/:id/revoke', anyone, async (c) => {
    const me = currentStaff(c);
    const r = await revokeApiToken({ ctx: c.get('deps').domain, input: { tokenId: c.req.param('id'), staffId: me.id } });
    await audit(c, 'token.revoke', `token:${r.id}`, { staffId: me.id });
    return c.redirect('/console/account?notice=revoked', 303);
  });

  app.get('/console/audit', admin, async (c) => {
    const deps = c.get('deps');
    const me = currentStaff(c);
    const q = parseWith(
      z.object({
        staffId: z.string().max(64).optional(),
        action: z.string().max(64).optional(),
        before: z.coerce.number().int().positive().optional(),
      }),
      {
        staffId: c.req.query('staffId') || undefined,
        action: c.req.query('action') || undefined,
        before: c.req.query('before') || undefined,
      },
    );
    const [entries, accounts] = await Promise.all([
      listAuditLog({ ctx: deps.domain, input: { ...q, limit: 100 } }),
      listStaff({ ctx: deps.domain, input: {} }),
    ]);
    const names = new Map(accounts.map((a) => [a.id, a.email]));
    const last = entries.at(-1);
    return renderPage(
      c,
      <ConsolePage title="Audit log" staff={me} active="audit">
        <PageHeader title="Audit log" subtitle="Every staff action, newest first." />
        <Card>
          <form method="get" action="/console/audit" class="row-form">
            <label class="field">
              Account
              <select name="staffId">
                <option value="">everyone</option>
                {accounts.map((a) => (
                  <option value={a.id} selected={a.id === q.staffId}>
                    {a.email}
                  </option>
                ))}
              </select>
            </label>
            <label class="field">
              Action
              <input type="text" name="action" value={q.action ?? ''} placeholder="e.g. handoff.claim" />
            </label>
            <button type="submit" class="btn">
              Filter
            </button>
          </form>
          <table class="data" data-testid="audit-table">
            <thead>
              <tr>
                <th>When ({me.timeZone})</th>
                <th>Who</th>
                <th>Action</th>
                <th>Target</th>
                <th>Via</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr>
                  <td>{formatInstant(e.createdAt, me.timeZone)}</td>
                  <td>{e.staffId ? (names.get(e.staffId) ?? e.staffId) : '–'}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>{e.target ?? ''}</td>
                  <td>{e.via ?? ''}</td>
                  <td class="small">{e.details ? JSON.stringify(e.details) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {last && entries.length === 100 ? (
            <p>
              <a
                href={`/console/audit?${new URLSearchParams({ ...(q.staffId ? { staffId: q.staffId } : {}), ...(q.action ? { action: q.action } : {}), before: String(last.id) })}`}
              >
                Older entries
              </a>
            </p>
          ) : null}
        </Card>
      </ConsolePage>,
    );
  });

  return app;
}
