// Demo staff for development: an agent, a marketer and an admin with generated passwords (printed once at start).
import { isNotNull } from 'drizzle-orm';
import type { DomainCtx } from '../../src/domain/context.js';
import { createStaff } from '../../src/domain/staff/index.js';
import { staff, type StaffRole } from '../schema/index.js';

export const DEMO_STAFF: { email: string; name: string; displayName: string; role: StaffRole }[] = [
  { email: 'agent@example.com', name: 'Amy Agent', displayName: 'Amy', role: 'agent' },
  { email: 'marketer@example.com', name: 'Mark Marketer', displayName: 'Mark', role: 'marketer' },
  { email: 'admin@example.com', name: 'Ada Admin', displayName: 'Ada', role: 'admin' },
];

/**
 * Creates the demo accounts when no account can log in yet, and returns their passwords (the only time they
 * exist in clear). Never called in production: there, the first admin comes from `npm run staff -- create`.
 */
export async function seedDemoStaff(ctx: DomainCtx): Promise<{ email: string; role: StaffRole; password: string }[]> {
  const [any] = await ctx.store.db.select({ id: staff.id }).from(staff).where(isNotNull(staff.passwordHash)).limit(1);
  if (any) return [];
  const out: { email: string; role: StaffRole; password: string }[] = [];
  for (const s of DEMO_STAFF) {
    const r = await createStaff({ ctx, input: s });
    out.push({ email: r.staff.email, role: r.staff.role, password: r.generatedPassword! });
  }
  return out;
}
