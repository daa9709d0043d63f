// Per-staff API tokens for the JSON API: shown once at creation, stored as SHA-256, revocable, optionally expiring.
import { and, desc, eq } from 'drizzle-orm';
import { staff, staffApiTokens, type Staff, type StaffApiToken } from '../../../db/schema/index.js';
import { randomSecret } from '../../lib/crypto.js';
import { DomainError } from '../../lib/errors.js';
import { sha256Hex } from '../../lib/password.js';
import type { Verb } from '../context.js';

/** Recognisable in logs and secret scanners; the random part carries 256 bits. */
export const API_TOKEN_PREFIX = 'mat_';
/** last_used_at is written at most this often per token. */
const TOUCH_EVERY_MS = 3_600_000;

export const issueApiToken: Verb<
  { staffId: string; name: string; expiresInDays?: number },
  { token: string; record: StaffApiToken }
> = async ({ ctx, input }) => {
  const token = API_TOKEN_PREFIX + randomSecret(32);
  const now = ctx.clock();
  const record = await ctx.store.write(async (tx) => {
    const [owner] = await tx.select().from(staff).where(eq(staff.id, input.staffId)).limit(1);
    if (!owner) throw new DomainError('not_found', 'No such staff account');
    if (!owner.active) throw new DomainError('conflict', 'The account is disabled');
    const [row] = await tx
      .insert(staffApiTokens)
      .values({
        id: crypto.randomUUID(),
        staffId: input.staffId,
        name: input.name.trim().slice(0, 100) || 'API token',
        tokenHash: await sha256Hex(token),
        prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
        createdAt: now,
        expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null,
      })
      .returning();
    return row;
  });
  return { token, record };
};

/** The active account behind a live token, or null. */
export const resolveApiToken: Verb<{ token: string }, { staff: Staff; tokenId: string } | null> = async ({ ctx, input }) => {
  if (!input.token.startsWith(API_TOKEN_PREFIX) || input.token.length > 200) return null;
  const hash = await sha256Hex(input.token);
  const [row] = await ctx.store.db
    .select({ token: staffApiTokens, staff })
    .from(staffApiTokens)
    .innerJoin(staff, eq(staff.id, staffApiTokens.staffId))
    .where(eq(staffApiTokens.tokenHash, hash))
    .limit(1);
  const now = ctx.clock();
  if (!row || row.token.revokedAt || !row.staff.active) return null;
  if (row.token.expiresAt && row.token.expiresAt.getTime() <= now.getTime()) return null;
  if (!row.token.lastUsedAt || now.getTime() - row.token.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
    await ctx.store.write(async (tx) => {
      await tx.update(staffApiTokens).set({ lastUsedAt: now }).where(eq(staffApiTokens.id, row.token.id));
    });
  }
  return { staff: row.staff, tokenId: row.token.id };
};

export const listApiTokens: Verb<{ staffId?: string }, StaffApiToken[]> = async ({ ctx, input }) =>
  ctx.store.db
    .select()
    .from(staffApiTokens)
    .where(input.staffId ? eq(staffApiTokens.staffId, input.staffId) : undefined)
    .orderBy(desc(staffApiTokens.createdAt));

/** Revokes a token; `staffId` limits it to that owner's tokens (self-service). Returns the revoked record. */
export const revokeApiToken: Verb<{ tokenId: string; staffId?: string }, StaffApiToken> = async ({ ctx, input }) =>
  ctx.store.write(async (tx) => {
    const where = input.staffId
      ? and(eq(staffApiTokens.id, input.tokenId), eq(staffApiTokens.staffId, input.staffId))
      : eq(staffApiTokens.id, input.tokenId);
    const [row] = await tx.select().from(staffApiTokens).where(where).limit(1);
    if (!row) throw new DomainError('not_found', 'No such API token');
    if (row.revokedAt) return row;
    const [updated] = await tx.update(staffApiTokens).set({ revokedAt: ctx.clock() }).where(eq(staffApiTokens.id, row.id)).returning();
    return updated;
  });

/** What lists show of a token (never the hash). */
export function publicToken(t: StaffApiToken) {
  return {
    id: t.id,
    staffId: t.staffId,
    name: t.name,
    prefix: t.prefix,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt?.toISOString() ?? null,
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}
