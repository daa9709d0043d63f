// Data-subject export: everything the store holds about one member, as one JSON document.
import { eq } from 'drizzle-orm';
import { members } from '../../../db/schema/index.js';
import type { Db } from '../../db/client.js';
import { DomainError } from '../../lib/errors.js';
import { auditLog, type AuditVia } from '../audit/index.js';
import type { Verb } from '../context.js';
import { MEMBER_DATA } from './registry.js';
import { linkConditions, memberScope } from './scope.js';

/** Who asked for an export or an erasure (written to the audit log). */
export interface PrivacyActor {
  staffId: string | null;
  via: AuditVia;
  requestId?: string;
  /** The operator's name for CLI runs (no staff account behind them). */
  operator?: string;
}

export const EXPORT_FORMAT = 'member-export/1';

export interface MemberExport {
  format: typeof EXPORT_FORMAT;
  memberId: string;
  exportedAt: string;
  /** Set when the member was erased (the document then holds only what is kept for accounting). */
  erasedAt: string | null;
  /** One section per registry entry (`profile`, `identities`, `ledger`, `orders`, `messages`, ...): its rows. */
  data: Record<string, Record<string, unknown>[]>;
}

/** Every registered table's rows for the member, by export section; null when there is no such member. */
export async function collectMemberData(db: Db, memberId: string): Promise<{ erasedAt: Date | null; data: MemberExport['data'] } | null> {
  const [member] = await db.select({ erasedAt: members.erasedAt }).from(members).where(eq(members.id, memberId));
  if (!member) return null;
  const scope = await memberScope(db, memberId);
  const data: MemberExport['data'] = {};
  for (const entry of MEMBER_DATA) {
    const rows: Record<string, unknown>[] = [];
    for (const where of linkConditions(entry.link, scope)) rows.push(...(await db.select().from(entry.table).where(where)));
    data[entry.key] = rows;
  }
  return { erasedAt: member.erasedAt, data };
}

/** Reads every registered table for the member and appends a `member.export` audit entry. */
export const exportMember: Verb<{ memberId: string; actor: PrivacyActor }, MemberExport> = async ({ ctx, input }) => {
  const collected = await collectMemberData(ctx.store.db, input.memberId);
  if (!collected) throw new DomainError('not_found', 'Member not found');
  const { data, erasedAt } = collected;
  await auditLog({
    ctx,
    input: {
      staffId: input.actor.staffId,
      action: 'member.export',
      target: `member:${input.memberId}`,
      details: {
        sections: Object.keys(data).length,
        rows: Object.values(data).reduce((n, r) => n + r.length, 0),
        operator: input.actor.operator,
      },
      via: input.actor.via,
      requestId: input.actor.requestId,
    },
  });
  return {
    format: EXPORT_FORMAT,
    memberId: input.memberId,
    exportedAt: ctx.clock().toISOString(),
    erasedAt: erasedAt?.toISOString() ?? null,
    data,
  };
};
