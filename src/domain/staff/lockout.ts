// Durable sign-in lockout: wrong passwords are counted on the account row, and enough of them lock it for a cooldown.
import { eq, sql } from 'drizzle-orm';
import { staff, type Staff } from '../../../db/schema/index.js';
import type { StatePort } from '../../state/port.js';
import type { Verb } from '../context.js';
import { getStaff } from './find-staff.js';
import { normalizeEmail } from './find-staff.js';

/** The state-store key counting recent failed sign-ins for an email (known or not). */
export const loginFailureKey = (email: string) => `login-fail:${normalizeEmail(email)}`;

export interface LockoutPolicy {
  /** Wrong passwords in a row that lock the account. */
  maxFailures: number;
  /** How long a lock lasts; an admin can lift it sooner. */
  lockMinutes: number;
}

/** The policy the configuration sets (STAFF_LOGIN_MAX_FAILURES, STAFF_LOCKOUT_MINUTES), for sign-in and password checks alike. */
export function lockoutPolicy(config: { STAFF_LOGIN_MAX_FAILURES: number; STAFF_LOCKOUT_MINUTES: number }): LockoutPolicy {
  return { maxFailures: config.STAFF_LOGIN_MAX_FAILURES, lockMinutes: config.STAFF_LOCKOUT_MINUTES };
}

/** When the account's lock ends, or null when it may sign in now. */
export function lockedUntil(account: Pick<Staff, 'lockedUntil'>, now: Date): Date | null {
  return account.lockedUntil && account.lockedUntil.getTime() > now.getTime() ? account.lockedUntil : null;
}

/**
 * Counts one wrong password in a single statement (concurrent failures are all counted), and locks the account
 * when the count reaches the limit; the count starts again from zero for the next lock.
 */
export const recordLoginFailure: Verb<{ staffId: string; policy: LockoutPolicy }, { locked: Date | null; failures: number }> = async ({
  ctx,
  input,
}) => {
  const now = ctx.clock();
  const until = new Date(now.getTime() + input.policy.lockMinutes * 60_000);
  const max = Math.max(1, input.policy.maxFailures);
  return ctx.store.write(async (tx) => {
    const [row] = await tx
      .update(staff)
      .set({ failedLogins: sql`${staff.failedLogins} + 1` })
      .where(eq(staff.id, input.staffId))
      .returning({ failedLogins: staff.failedLogins });
    if (!row) return { locked: null, failures: 0 };
    if (row.failedLogins < max) return { locked: null, failures: row.failedLogins };
    await tx.update(staff).set({ failedLogins: 0, lockedUntil: until }).where(eq(staff.id, input.staffId));
    return { locked: until, failures: row.failedLogins };
  });
};

/** A successful sign-in or an admin's unlock: no lock, no failures counted. Returns false for an unknown account. */
export const clearLoginFailures: Verb<{ staffId: string }, boolean> = async ({ ctx, input }) =>
  ctx.store.write(async (tx) => {
    const rows = await tx
      .update(staff)
      .set({ failedLogins: 0, lockedUntil: null })
      .where(eq(staff.id, input.staffId))
      .returning({ id: staff.id });
    return rows.length > 0;
  });

/**
 * An admin's unlock: the account's lock and count, and the short-lived per-email counter in the state store, so the
 * account can sign in at once. Returns the account, or null when there is none.
 */
export const unlockStaff: Verb<{ staffId: string; state: StatePort }, Staff | null> = async ({ ctx, input }) => {
  if (!(await clearLoginFailures({ ctx, input: { staffId: input.staffId } }))) return null;
  const account = await getStaff({ ctx, input: { staffId: input.staffId } });
  if (account) await input.state.del(loginFailureKey(account.email));
  return account;
};
