// The audit log: one append-only row per staff action (who, what, on what, how authenticated).
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The acting staff member; null for anonymous attempts (a failed login names the email in details). */
    staffId: text('staff_id'),
    /** Dotted verb, e.g. `auth.login`, `handoff.claim`, `staff.create`. */
    action: text('action').notNull(),
    /** What it acted on, e.g. `handoff:…`, `staff:…`, `member:…`. */
    target: text('target'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>(),
    /** session | api_token | admin_token | cli */
    via: text('via'),
    requestId: text('request_id'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('audit_log_staff_idx').on(t.staffId, t.createdAt), index('audit_log_created_idx').on(t.createdAt)],
);

export type AuditEntry = typeof auditLog.$inferSelect;
