// The member-data registry covers every table that can hold data about a member (tables added later included).
import { getTableName, is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as schema from '../../db/schema/index.js';
import { MEMBER_DATA, NOT_MEMBER_DATA } from '../../src/domain/privacy/index.js';
import { MEMBER_LINK_COLUMNS, PERSONAL_COLUMNS } from '../../src/domain/privacy/registry.js';

const tables = (Object.values(schema) as unknown[]).filter((v): v is SQLiteTable => is(v, SQLiteTable));
const registered = new Set(MEMBER_DATA.map((e) => getTableName(e.table)));

/** Tables the registry must cover: a column ties rows to a member or holds personal data. */
function flagged(table: SQLiteTable): string[] {
  return getTableConfig(table)
    .columns.map((c) => c.name)
    .filter((n) => MEMBER_LINK_COLUMNS.test(n) || PERSONAL_COLUMNS.test(n));
}

describe('member-data registry', () => {
  it('reads the real schema', () => {
    expect(tables.length).toBeGreaterThan(20);
    expect(flagged(schema.messages)).toContain('conversation_id');
    expect(flagged(schema.members)).toEqual(expect.arrayContaining(['name', 'email', 'phone', 'birthday']));
  });

  it('lists every table with a member-linked or personal column, or says why it holds no member data', () => {
    const missing = tables
      .filter((t) => flagged(t).length > 0)
      .map((t) => getTableName(t))
      .filter((name) => !registered.has(name) && !(name in NOT_MEMBER_DATA));
    // A new table with member data: add one line to MEMBER_DATA in src/domain/privacy/registry.ts.
    expect(missing).toEqual([]);
  });

  it('has no stale or contradictory entries', () => {
    const names = new Set(tables.map((t) => getTableName(t)));
    for (const name of [...registered, ...Object.keys(NOT_MEMBER_DATA)]) expect(names.has(name), name).toBe(true);
    for (const name of registered) expect(name in NOT_MEMBER_DATA, name).toBe(false);
    const keys = MEMBER_DATA.map((e) => e.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('anonymizes only columns of the table, and links through a column of the table', () => {
    for (const entry of MEMBER_DATA) {
      const config = getTableConfig(entry.table);
      expect(config.columns, entry.key).toContain(entry.link.column);
      if (entry.erase.kind !== 'anonymize') continue;
      const props = Object.keys(entry.table).filter((k) => config.columns.includes((entry.table as never)[k]));
      for (const key of Object.keys(entry.erase.set(new Date()))) expect(props, `${entry.key}.${key}`).toContain(key);
    }
  });

  it('clears every personal column of the tables it keeps or anonymizes', () => {
    for (const entry of MEMBER_DATA) {
      if (entry.erase.kind === 'delete') continue;
      const cleared = entry.erase.kind === 'anonymize' ? Object.keys(entry.erase.set(new Date())) : [];
      const byName = new Map(Object.entries(entry.table).map(([k, v]) => [(v as { name?: string })?.name, k]));
      const personal = getTableConfig(entry.table)
        .columns.map((c) => c.name)
        .filter((n) => PERSONAL_COLUMNS.test(n));
      for (const column of personal) expect(cleared, `${entry.key}.${column}`).toContain(byName.get(column));
    }
  });
});
