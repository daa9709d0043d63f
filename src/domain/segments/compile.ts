// Compiles a segment definition to SQL over `members m` (joined to `member_analytics a` when needed): no per-member JS.
import { type SQL, sql } from 'drizzle-orm';
import { DAY_MS } from '../../lib/time.js';
import type { SegmentCondition, SegmentDefinition, SegmentGroup } from './definition.js';

export interface CompiledSegment {
  /** A boolean expression over `m` (members) and `a` (member_analytics). */
  where: SQL;
  /** The FROM clause: members, left-joined to their analytics only when a condition reads them. */
  from: SQL;
  usesAnalytics: boolean;
}

const list = (values: readonly (string | number)[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

function between(column: SQL, r: { min?: number; max?: number }): SQL {
  const parts: SQL[] = [];
  if (r.min !== undefined) parts.push(sql`${column} >= ${r.min}`);
  if (r.max !== undefined) parts.push(sql`${column} <= ${r.max}`);
  return sql.join(parts, sql` and `);
}

function condition(c: SegmentCondition, now: number, uses: { analytics: boolean }): SQL {
  switch (c.field) {
    case 'tier':
      return sql`m.tier_code in (${list(c.in)})`;
    case 'locale':
      return sql`m.locale in (${list(c.in)})`;
    case 'marketing_consent':
      return sql`m.marketing_consent = ${c.value ? 1 : 0}`;
    case 'points_balance':
      return between(sql`m.points_balance`, c);
    case 'birthday_month':
      return sql`cast(substr(m.birthday, 6, 2) as integer) in (${list(c.in)})`;
    case 'rfm_segment':
      uses.analytics = true;
      return sql`coalesce(a.rfm_segment, 'none') in (${list(c.in)})`;
    case 'lifecycle':
      uses.analytics = true;
      return sql`coalesce(a.lifecycle, 'new') in (${list(c.in)})`;
    case 'total_spend':
      uses.analytics = true;
      return between(sql`coalesce(a.monetary_cents, 0)`, c);
    case 'days_since_last_order': {
      uses.analytics = true;
      // N days since the last order: last_order_at at or before now - N days (an indexed range).
      const parts: SQL[] = [sql`a.last_order_at is not null`];
      if (c.min !== undefined) parts.push(sql`a.last_order_at <= ${now - c.min * DAY_MS}`);
      if (c.max !== undefined) parts.push(sql`a.last_order_at > ${now - (c.max + 1) * DAY_MS}`);
      return sql.join(parts, sql` and `);
    }
    case 'points_expiring': {
      const until = now + c.withinDays * DAY_MS;
      const live = sql`l.member_id = m.id and l.remaining > 0 and l.expires_at > ${now} and l.expires_at <= ${until}`;
      if ((c.min ?? 1) <= 1) return sql`exists (select 1 from point_lots l where ${live})`;
      return sql`(select coalesce(sum(l.remaining), 0) from point_lots l where ${live}) >= ${c.min}`;
    }
    case 'channel':
      return sql`exists (select 1 from conversation_references r where r.member_id = m.id and r.channel_id in (${list(c.in)}))`;
    case 'tags': {
      const parts: SQL[] = [];
      if (c.any) parts.push(sql`exists (select 1 from json_each(m.tags) t where t.value in (${list(c.any)}))`);
      if (c.all) {
        const distinct = [...new Set(c.all)];
        parts.push(
          sql`(select count(distinct t.value) from json_each(m.tags) t where t.value in (${list(distinct)})) = ${distinct.length}`,
        );
      }
      return sql.join(parts, sql` and `);
    }
  }
}

function group(g: SegmentGroup, now: number, uses: { analytics: boolean }): SQL {
  if (g.rules.length === 0) return g.op === 'and' ? sql`1` : sql`0`;
  const parts = g.rules.map((r) => sql`(${'op' in r ? group(r, now, uses) : condition(r, now, uses)})`);
  return sql.join(parts, g.op === 'and' ? sql` and ` : sql` or `);
}

/**
 * Compiles a validated definition. Relative conditions (days since last order, points expiring) are
 * evaluated against `now`, so a count and the planning of a campaign agree when given the same instant.
 */
export function compileSegment(definition: SegmentDefinition, now: Date): CompiledSegment {
  const uses = { analytics: false };
  const where = group(definition, now.getTime(), uses);
  const from = uses.analytics ? sql`members m left join member_analytics a on a.member_id = m.id` : sql`members m`;
  return { where, from, usesAnalytics: uses.analytics };
}
