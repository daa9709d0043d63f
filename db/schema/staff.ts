// Staff accounts (agents, marketers, admins), their browser sessions and API tokens. Secrets are stored hashed.
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export const STAFF_ROLES = ['agent', 'marketer', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const staff = sqliteTable(
  'staff',
  {
    id: text('id').primaryKey(),
    /** Lower-cased; the login name. */
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** What members see when this person replies ("Amy from support"); defaults to the name. */
    displayName: text('display_name').notNull(),
    role: text('role', { enum: STAFF_ROLES }).notNull(),
    /** `pbkdf2-sha256$<iterations>$<salt>$<hash>`; null for accounts that cannot log in (the admin token's stand-in). */
    passwordHash: text('password_hash'),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastLoginAt: integer('last_login_at', { mode: 'timestamp_ms' }),
    /** Wrong passwords since the last sign-in or lock; reaching STAFF_LOGIN_MAX_FAILURES locks the account. */
    failedLogins: integer('failed_logins').notNull().default(0),
    /** Sign-in refused until then, even with the right password (kept in the store: survives restarts and instances). */
    lockedUntil: integer('locked_until', { mode: 'timestamp_ms' }),
    /** IANA zone the console shows this person's times in, and reads the times they type in; null: CONSOLE_TIME_ZONE. */
    timeZone: text('time_zone'),
  },
  (t) => [uniqueIndex('staff_email_idx').on(t.email)],
);

/** A browser session: the cookie holds a random token, the row its SHA-256 (a stolen table opens nothing). */
export const staffSessions = sqliteTable(
  'staff_sessions',
  {
    /** Hex SHA-256 of the cookie value. */
    id: text('id').primaryKey(),
    staffId: text('staff_id')
      .notNull()
      .references(() => staff.id),
    /** Per-session CSRF token, echoed by every form and cookie-authenticated mutation. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
    /** Absolute end of the session, however active it is. */
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  (t) => [index('staff_sessions_staff_idx').on(t.staffId)],
);

/** Bearer tokens for the JSON API, one staff member each; only the hash is kept. */
export const staffApiTokens = sqliteTable(
  'staff_api_tokens',
  {
    id: text('id').primaryKey(),
    staffId: text('staff_id')
      .notNull()
      .references(() => staff.id),
    name: text('name').notNull(),
    /** Hex SHA-256 of the token. */
    tokenHash: text('token_hash').notNull(),
    /** The first characters, to recognise a token in lists without revealing it. */
    prefix: text('prefix').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
    revokedAt: integer('revoked_at', { mode: 'timestamp_ms' }),
  },
  (t) => [uniqueIndex('staff_api_tokens_hash_idx').on(t.tokenHash), index('staff_api_tokens_staff_idx').on(t.staffId)],
);

export type Staff = typeof staff.$inferSelect;
export type StaffSession = typeof staffSessions.$inferSelect;
export type StaffApiToken = typeof staffApiTokens.$inferSelect;
