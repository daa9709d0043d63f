// Password login: verify in constant time, the same work for unknown accounts, and upgrade old hashes.
import { eq } from 'drizzle-orm';
import { staff, type Staff } from '../../../db/schema/index.js';
import { DUMMY_PASSWORD_HASH, hashPassword, needsRehash, verifyPassword } from '../../lib/password.js';
import type { Verb } from '../context.js';
import { findStaffByEmail } from './find-staff.js';
import { lockedUntil } from './lockout.js';

/**
 * The account for a correct email and password of an active, unlocked account that can log in; otherwise null.
 * A caller that has just looked the email up passes that row as `account` (null: no such account) to save a read.
 */
export const authenticatePassword: Verb<{ email: string; password: string; account?: Staff | null }, Staff | null> = async ({
  ctx,
  input,
}) => {
  const account = input.account !== undefined ? input.account : await findStaffByEmail({ ctx, input: { email: input.email } });
  const stored = account?.passwordHash ?? DUMMY_PASSWORD_HASH;
  const ok = await verifyPassword(input.password, stored);
  if (!ok || !account?.active || account.passwordHash === null) return null;
  // A locked account is refused even with the right password (and its lock is not cleared by trying).
  if (lockedUntil(account, ctx.clock())) return null;
  const rehash = needsRehash(account.passwordHash) ? await hashPassword(input.password) : undefined;
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    await tx
      .update(staff)
      .set({ lastLoginAt: now, failedLogins: 0, lockedUntil: null, ...(rehash ? { passwordHash: rehash } : {}) })
      .where(eq(staff.id, account.id));
  });
  return { ...account, lastLoginAt: now, failedLogins: 0, lockedUntil: null };
};
