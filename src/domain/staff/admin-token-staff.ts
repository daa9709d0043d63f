// The ADMIN_TOKEN acts as an admin (and so as an agent): a fixed account row stands for it in claims, replies and audits.
import { eq } from 'drizzle-orm';
import { staff, type Staff } from '../../../db/schema/index.js';
import type { Verb } from '../context.js';

export const ADMIN_TOKEN_STAFF_ID = 'admin-token';

/** Creates the stand-in account on first use (no password: it cannot log in to pages). */
export const ensureAdminTokenStaff: Verb<Record<string, never>, Staff> = async ({ ctx }) => {
  const [existing] = await ctx.store.db.select().from(staff).where(eq(staff.id, ADMIN_TOKEN_STAFF_ID)).limit(1);
  if (existing) return existing;
  return ctx.store.write(async (tx) => {
    await tx
      .insert(staff)
      .values({
        id: ADMIN_TOKEN_STAFF_ID,
        email: 'admin-token@system.invalid',
        name: 'Admin token',
        displayName: 'Support',
        role: 'admin',
        passwordHash: null,
        createdAt: ctx.clock(),
      })
      .onConflictDoNothing();
    const [row] = await tx.select().from(staff).where(eq(staff.id, ADMIN_TOKEN_STAFF_ID)).limit(1);
    return row;
  });
};
