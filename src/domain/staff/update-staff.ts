// Change an account: role, names, active flag, password or console time zone. Deactivating or a new password ends its sessions.
import { and, eq, isNull } from 'drizzle-orm';
import * as z from 'zod/v4';
import { STAFF_ROLES, staff, staffApiTokens, staffSessions, type Staff } from '../../../db/schema/index.js';
import { DomainError, validate } from '../../lib/errors.js';
import { generatePassword, hashPassword } from '../../lib/password.js';
import type { Verb } from '../context.js';
import { isValidTimeZone } from '../handoffs/business-hours.js';
import { passwordSchema } from './create-staff.js';

export const updateStaffSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    displayName: z.string().trim().min(1).max(60).optional(),
    role: z.enum(STAFF_ROLES).optional(),
    active: z.boolean().optional(),
    password: passwordSchema.optional(),
    /** Set a new random password and return it once. */
    resetPassword: z.boolean().optional(),
    /** The console's time zone for this person (an IANA name); null goes back to CONSOLE_TIME_ZONE. */
    timeZone: z
      .string()
      .trim()
      .min(1)
      .max(64)
      .refine(isValidTimeZone, 'unknown time zone (an IANA name such as Asia/Shanghai)')
      .nullable()
      .optional(),
  })
  .strict();

export type UpdateStaffInput = z.input<typeof updateStaffSchema> & { staffId: string };

export const updateStaff: Verb<UpdateStaffInput, { staff: Staff; generatedPassword?: string }> = async ({ ctx, input }) => {
  const { staffId, ...rest } = input;
  const data = validate(updateStaffSchema, rest);
  const generatedPassword = data.resetPassword && !data.password ? generatePassword() : undefined;
  const newPassword = data.password ?? generatedPassword;
  const passwordHash = newPassword ? await hashPassword(newPassword) : undefined;
  const now = ctx.clock();
  const row = await ctx.store.write(async (tx) => {
    const [current] = await tx.select().from(staff).where(eq(staff.id, staffId)).limit(1);
    if (!current) throw new DomainError('not_found', 'No such staff account');
    if (current.passwordHash === null && (passwordHash || data.role)) {
      throw new DomainError('bad_request', 'The admin token account cannot be given a password or another role');
    }
    const changes = {
      name: data.name,
      displayName: data.displayName,
      role: data.role,
      active: data.active,
      passwordHash,
      timeZone: data.timeZone,
    };
    // Nothing to change (an empty form or body) is a no-op, not an UPDATE without columns.
    if (Object.values(changes).every((v) => v === undefined)) return current;
    const [updated] = await tx.update(staff).set(changes).where(eq(staff.id, staffId)).returning();
    // Whoever held the old password (or the disabled account) is signed out everywhere.
    if (passwordHash || data.active === false || (data.role && data.role !== current.role)) {
      await tx
        .update(staffSessions)
        .set({ revokedAt: now })
        .where(and(eq(staffSessions.staffId, staffId), isNull(staffSessions.revokedAt)));
    }
    if (data.active === false) {
      await tx
        .update(staffApiTokens)
        .set({ revokedAt: now })
        .where(and(eq(staffApiTokens.staffId, staffId), isNull(staffApiTokens.revokedAt)));
    }
    return updated;
  });
  return { staff: row, generatedPassword };
};
