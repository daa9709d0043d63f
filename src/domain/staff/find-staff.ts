// Staff lookups: by id, by login email, and the list admins manage.
import { asc, eq } from 'drizzle-orm';
import { staff, type Staff } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';

/** Emails are compared lower-cased and trimmed: "Amy@Shop.com " logs in as amy@shop.com. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export const getStaff: Verb<{ staffId: string }, Staff | null> = async ({ ctx, input }) => {
  const [row] = await ctx.store.db.select().from(staff).where(eq(staff.id, input.staffId)).limit(1);
  return row ?? null;
};

export const findStaffByEmail: Verb<{ email: string }, Staff | null> = async ({ ctx, input }) => {
  const [row] = await ctx.store.db
    .select()
    .from(staff)
    .where(eq(staff.email, normalizeEmail(input.email)))
    .limit(1);
  return row ?? null;
};

/** Every account, people first by email; the admin token's stand-in is included (it shows in reports and audits). */
export const listStaff: Verb<Record<string, never>, Staff[]> = async ({ ctx }) =>
  ctx.store.db.select().from(staff).orderBy(asc(staff.email));

/** What the API shows of an account: never the password hash. */
export function publicStaff(s: Staff) {
  return {
    id: s.id,
    email: s.email,
    name: s.name,
    displayName: s.displayName,
    role: s.role,
    active: s.active,
    canLogIn: s.passwordHash !== null,
    createdAt: s.createdAt.toISOString(),
    lastLoginAt: s.lastLoginAt?.toISOString() ?? null,
    lockedUntil: s.lockedUntil?.toISOString() ?? null,
    timeZone: s.timeZone,
  };
}
