// Create a staff account: unique email, a role, and a password (given, or generated and returned once).
import * as z from 'zod/v4';
import { STAFF_ROLES, staff, type Staff } from '../../../db/schema/index.js';
import { DomainError, validate } from '../../lib/errors.js';
import { generatePassword, hashPassword } from '../../lib/password.js';
import type { Verb } from '../context.js';
import { findStaffByEmail, normalizeEmail } from './find-staff.js';

/** Long enough to resist online guessing at the login throttle; no composition rules (they make passwords worse). */
export const MIN_PASSWORD_LENGTH = 10;

export const passwordSchema = z.string().min(MIN_PASSWORD_LENGTH).max(200);

export const createStaffSchema = z
  .object({
    email: z.string().trim().toLowerCase().email().max(254),
    name: z.string().trim().min(1).max(100),
    displayName: z.string().trim().min(1).max(60).optional(),
    role: z.enum(STAFF_ROLES),
    /** Omitted: a random password is generated and returned once. */
    password: passwordSchema.optional(),
  })
  .strict();

export type CreateStaffInput = z.input<typeof createStaffSchema>;

/** Returns the account and, when it was generated, the password (shown to the creator once, never stored). */
export const createStaff: Verb<CreateStaffInput, { staff: Staff; generatedPassword?: string }> = async ({ ctx, input }) => {
  const data = validate(createStaffSchema, input);
  if (await findStaffByEmail({ ctx, input: { email: data.email } })) {
    throw new DomainError('conflict', 'A staff account with that email already exists');
  }
  const generatedPassword = data.password ? undefined : generatePassword();
  const passwordHash = await hashPassword(data.password ?? generatedPassword!);
  const row = await ctx.store.write(async (tx) => {
    const [created] = await tx
      .insert(staff)
      .values({
        id: crypto.randomUUID(),
        email: normalizeEmail(data.email),
        name: data.name,
        displayName: data.displayName ?? data.name,
        role: data.role,
        passwordHash,
        createdAt: ctx.clock(),
      })
      .onConflictDoNothing()
      .returning();
    return created;
  });
  // A concurrent create with the same email lost the unique index race.
  if (!row) throw new DomainError('conflict', 'A staff account with that email already exists');
  return { staff: row, generatedPassword };
};
