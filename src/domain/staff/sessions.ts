// Browser sessions for staff: random cookie token (stored hashed), per-session CSRF token, idle and absolute expiry.
import { and, eq, isNull } from 'drizzle-orm';
import { staff, staffSessions, type Staff, type StaffSession } from '../../../db/schema/index.js';
import { randomSecret } from '../../lib/crypto.js';
import { sha256Hex } from '../../lib/password.js';
import type { Verb } from '../context.js';

export interface SessionPolicy {
  /** Absolute lifetime. */
  maxHours: number;
  /** A session unused this long ends. */
  idleMinutes: number;
}

/** lastSeenAt is refreshed at most this often, so an active console does not write on every request. */
const TOUCH_EVERY_MS = 60_000;

/** Starts a session; the token goes in the cookie and is never stored. */
export const startSession: Verb<
  { staffId: string; policy: SessionPolicy },
  { token: string; csrfToken: string; expiresAt: Date }
> = async ({ ctx, input }) => {
  const token = randomSecret(32);
  const csrfToken = randomSecret(24);
  const now = ctx.clock();
  const expiresAt = new Date(now.getTime() + input.policy.maxHours * 3_600_000);
  const id = await sha256Hex(token);
  await ctx.store.write(async (tx) => {
    await tx.insert(staffSessions).values({ id, staffId: input.staffId, csrfToken, createdAt: now, lastSeenAt: now, expiresAt });
  });
  return { token, csrfToken, expiresAt };
};

/** The live session and its active account for a cookie token, or null (unknown, revoked, expired, idle, disabled). */
export const resolveSession: Verb<{ token: string; policy: SessionPolicy }, { session: StaffSession; staff: Staff } | null> = async ({
  ctx,
  input,
}) => {
  if (!input.token || input.token.length > 200) return null;
  const id = await sha256Hex(input.token);
  const [row] = await ctx.store.db
    .select({ session: staffSessions, staff })
    .from(staffSessions)
    .innerJoin(staff, eq(staff.id, staffSessions.staffId))
    .where(eq(staffSessions.id, id))
    .limit(1);
  if (!row || row.session.revokedAt || !row.staff.active) return null;
  const now = ctx.clock().getTime();
  if (row.session.expiresAt.getTime() <= now) return null;
  if (row.session.lastSeenAt.getTime() + input.policy.idleMinutes * 60_000 <= now) return null;
  if (now - row.session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await ctx.store.write(async (tx) => {
      await tx
        .update(staffSessions)
        .set({ lastSeenAt: new Date(now) })
        .where(eq(staffSessions.id, id));
    });
  }
  return row;
};

/** Ends one session (logout). Unknown tokens are ignored: logging out twice is fine. */
export const endSession: Verb<{ token: string }, void> = async ({ ctx, input }) => {
  const id = await sha256Hex(input.token);
  await ctx.store.write(async (tx) => {
    await tx
      .update(staffSessions)
      .set({ revokedAt: ctx.clock() })
      .where(and(eq(staffSessions.id, id), isNull(staffSessions.revokedAt)));
  });
};
