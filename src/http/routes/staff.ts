// Staff API: who am I, and for admins: accounts, API tokens and the audit log.
import { Hono } from 'hono';
import * as z from 'zod/v4';
import { STAFF_ROLES } from '../../../db/schema/index.js';
import { listAuditLog } from '../../domain/audit/index.js';
import {
  createStaff,
  createStaffSchema,
  getStaff,
  issueApiToken,
  listApiTokens,
  listStaff,
  publicStaff,
  publicToken,
  revokeApiToken,
  unlockStaff,
  updateStaff,
  updateStaffSchema,
} from '../../domain/staff/index.js';
import { DomainError } from '../../lib/errors.js';
import type { AppEnv } from '../app-env.js';
import { jsonBody, parseWith } from '../middleware.js';
import type { RouteDoc } from '../openapi.js';
import { audit, currentStaff, requireStaff } from '../staff-auth.js';

const staffSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  displayName: z.string(),
  role: z.enum(STAFF_ROLES),
  active: z.boolean(),
  canLogIn: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
  lockedUntil: z.string().nullable().describe('Sign-in refused until then after too many wrong passwords'),
  timeZone: z.string().nullable().describe("The console's time zone for this person; null: CONSOLE_TIME_ZONE"),
});
const tokenSchema = z.object({
  id: z.string(),
  staffId: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const tokenBody = z
  .object({ name: z.string().trim().min(1).max(100), expiresInDays: z.number().int().min(1).max(3650).optional() })
  .strict();
const auditQuery = z.object({
  staffId: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  displayName: z.string(),
  role: z.enum(STAFF_ROLES),
  timeZone: z.string().describe('The time zone the console shows and reads times in'),
  via: z.enum(['session', 'api_token', 'admin_token']),
  csrfToken: z.string().optional().describe('Console sessions only: send it as X-CSRF-Token on every non-GET request'),
});

export const staffDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/staff/me',
    summary: 'The signed-in staff member (and, for console sessions, the CSRF token)',
    tag: 'staff',
    security: 'staff',
    response: meSchema,
    errors: { 401: 'Not signed in' },
  },
  {
    method: 'get',
    path: '/api/admin/staff',
    summary: 'Staff accounts',
    tag: 'staff',
    security: 'admin',
    response: z.object({ staff: z.array(staffSchema) }),
    errors: { 401: 'Not signed in', 403: 'Not an admin' },
  },
  {
    method: 'post',
    path: '/api/admin/staff',
    summary: 'Create a staff account; without a password one is generated and returned once',
    tag: 'staff',
    security: 'admin',
    body: createStaffSchema,
    response: z.object({ staff: staffSchema, generatedPassword: z.string().optional() }),
    errors: { 401: 'Not signed in', 403: 'Not an admin', 409: 'Email already used' },
  },
  {
    method: 'post',
    path: '/api/admin/staff/{id}',
    summary: 'Change an account (role, names, active, password or resetPassword, timeZone); disabling or a new password ends its sessions',
    tag: 'staff',
    security: 'admin',
    body: updateStaffSchema,
    response: z.object({ staff: staffSchema, generatedPassword: z.string().optional() }),
    errors: { 401: 'Not signed in', 403: 'Not an admin', 404: 'No such account' },
  },
  {
    method: 'post',
    path: '/api/admin/staff/{id}/unlock',
    summary: 'Lift a sign-in lockout (too many wrong passwords) before its cooldown ends',
    tag: 'staff',
    security: 'admin',
    response: z.object({ staff: staffSchema }),
    errors: { 401: 'Not signed in', 403: 'Not an admin', 404: 'No such account' },
  },
  {
    method: 'get',
    path: '/api/admin/staff/{id}/tokens',
    summary: "An account's API tokens (never the secret)",
    tag: 'staff',
    security: 'admin',
    response: z.object({ tokens: z.array(tokenSchema) }),
    errors: { 401: 'Not signed in', 403: 'Not an admin' },
  },
  {
    method: 'post',
    path: '/api/admin/staff/{id}/tokens',
    summary: 'Issue an API token for an account; the token is returned once and stored hashed',
    tag: 'staff',
    security: 'admin',
    body: tokenBody,
    response: z.object({ token: z.string(), record: tokenSchema }),
    errors: { 401: 'Not signed in', 403: 'Not an admin', 404: 'No such account' },
  },
  {
    method: 'delete',
    path: '/api/admin/tokens/{id}',
    summary: 'Revoke an API token',
    tag: 'staff',
    security: 'admin',
    response: z.object({ token: tokenSchema }),
    errors: { 401: 'Not signed in', 403: 'Not an admin', 404: 'No such token' },
  },
  {
    method: 'get',
    path: '/api/admin/audit-log',
    summary: 'Audit log of staff actions, newest first (page with before=<id>)',
    tag: 'staff',
    security: 'admin',
    query: auditQuery,
    response: z.object({
      entries: z.array(
        z.object({
          id: z.number(),
          staffId: z.string().nullable(),
          action: z.string(),
          target: z.string().nullable(),
          details: z.record(z.string(), z.unknown()).nullable(),
          via: z.string().nullable(),
          requestId: z.string().nullable(),
          createdAt: z.string(),
        }),
      ),
    }),
    errors: { 401: 'Not signed in', 403: 'Not an admin' },
  },
];

export function staffRoutes() {
  const app = new Hono<AppEnv>();
  const admin = requireStaff(['admin'], { page: false });

  app.get('/api/staff/me', requireStaff('any', { page: false }), (c) => c.json(currentStaff(c)));

  app.get('/api/admin/staff', admin, async (c) => {
    const list = await listStaff({ ctx: c.get('deps').domain, input: {} });
    return c.json({ staff: list.map(publicStaff) });
  });

  app.post('/api/admin/staff', admin, async (c) => {
    const body = await jsonBody(c, createStaffSchema);
    const r = await createStaff({ ctx: c.get('deps').domain, input: body });
    await audit(c, 'staff.create', `staff:${r.staff.id}`, { email: r.staff.email, role: r.staff.role });
    return c.json({ staff: publicStaff(r.staff), generatedPassword: r.generatedPassword });
  });

  app.post('/api/admin/staff/:id', admin, async (c) => {
    const body = await jsonBody(c, updateStaffSchema);
    const staffId = c.req.param('id');
    const me = currentStaff(c);
    if (staffId === me.id && (body.active === false || (body.role && body.role !== 'admin'))) {
      throw new DomainError('bad_request', 'You cannot disable yourself or remove your own admin role');
    }
    const r = await updateStaff({ ctx: c.get('deps').domain, input: { staffId, ...body } });
    const { password: _p, ...changed } = body;
    await audit(c, 'staff.update', `staff:${staffId}`, { ...changed, passwordChanged: !!(body.password || body.resetPassword) });
    return c.json({ staff: publicStaff(r.staff), generatedPassword: r.generatedPassword });
  });

  app.post('/api/admin/staff/:id/unlock', admin, async (c) => {
    const ctx = c.get('deps').domain;
    const staffId = c.req.param('id');
    const account = await unlockStaff({ ctx, input: { staffId, state: c.get('deps').state } });
    if (!account) throw new DomainError('not_found', 'No such staff account');
    await audit(c, 'staff.unlock', `staff:${staffId}`);
    return c.json({ staff: publicStaff(account) });
  });

  app.get('/api/admin/staff/:id/tokens', admin, async (c) => {
    const tokens = await listApiTokens({ ctx: c.get('deps').domain, input: { staffId: c.req.param('id') } });
    return c.json({ tokens: tokens.map(publicToken) });
  });

  app.post('/api/admin/staff/:id/tokens', admin, async (c) => {
    const body = await jsonBody(c, tokenBody);
    const staffId = c.req.param('id');
    if (!(await getStaff({ ctx: c.get('deps').domain, input: { staffId } }))) throw new DomainError('not_found', 'No such staff account');
    const r = await issueApiToken({ ctx: c.get('deps').domain, input: { staffId, ...body } });
    await audit(c, 'token.create', `token:${r.record.id}`, { staffId, name: r.record.name });
    return c.json({ token: r.token, record: publicToken(r.record) });
  });

  app.delete('/api/admin/tokens/:id', admin, async (c) => {
    const r = await revokeApiToken({ ctx: c.get('deps').domain, input: { tokenId: c.req.param('id') } });
    await audit(c, 'token.revoke', `token:${r.id}`, { staffId: r.staffId });
    return c.json({ token: publicToken(r) });
  });

  app.get('/api/admin/audit-log', admin, async (c) => {
    const q = parseWith(auditQuery, c.req.query());
    const entries = await listAuditLog({ ctx: c.get('deps').domain, input: q });
    return c.json({ entries: entries.map((e) => ({ ...e, createdAt: e.createdAt.toISOString() })) });
  });

  return app;
}
