// The catalog's category names, for reading a category out of what a member typed.
import { executeSql } from '../../db/prepared.js';
import type { Verb } from '../context.js';

/** Distinct on the category index; bounded so a catalog with a category per product stays cheap. */
const CATEGORIES_SQL = `select distinct category from products where category <> '' order by category limit ?1`;
const MAX_CATEGORIES = 1000;

export const listCategories: Verb<Record<string, never>, string[]> = async ({ ctx }) => {
  const { rows } = await executeSql(ctx.store.db, { sql: CATEGORIES_SQL, args: [MAX_CATEGORIES] });
  return rows.map((r) => String((r as unknown as { category: string }).category));
};
