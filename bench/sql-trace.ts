// Times every SQL statement at the libsql binding, per statement text: prepare and execute, in this process.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

export interface SqlStat {
  sql: string;
  prepares: number;
  prepareMs: number;
  execs: number;
  execMs: number;
  rows: number;
}

/**
 * Times every statement at the libsql binding (the synchronous layer under @libsql/client and
 * drizzle), where a query's real cost is paid: prepare (parse + plan) and execute.
 * A diagnostic only: it wraps the binding's prototype in this process, nothing else.
 */
export function instrumentLibsql(): { stats: Map<string, SqlStat>; reset(): void } {
  const Database = createRequire(import.meta.url)('libsql') as { prototype: { prepare(sql: string): Record<string, unknown> } };
  const stats = new Map<string, SqlStat>();
  const stat = (sql: string) => {
    const key = sql.replace(/\s+/g, ' ').trim();
    const known = stats.get(key);
    if (known) return known;
    const s: SqlStat = { sql: key, prepares: 0, prepareMs: 0, execs: 0, execMs: 0, rows: 0 };
    stats.set(key, s);
    return s;
  };
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (this: unknown, sql: string) {
    const t0 = performance.now();
    const stmt = prepare.call(this, sql);
    const s = stat(sql);
    s.prepares += 1;
    s.prepareMs += performance.now() - t0;
    for (const method of ['all', 'run', 'get'] as const) {
      const fn = stmt[method] as (...a: unknown[]) => unknown;
      stmt[method] = function (this: unknown, ...a: unknown[]) {
        const t = performance.now();
        const out = fn.apply(this, a);
        s.execs += 1;
        s.execMs += performance.now() - t;
        if (Array.isArray(out)) s.rows += out.length;
        return out;
      };
    }
    return stmt;
  };
  // Zeroed in place: cached statements keep counting into the same entries after a reset.
  const reset = () => {
    for (const s of stats.values()) Object.assign(s, { prepares: 0, prepareMs: 0, execs: 0, execMs: 0, rows: 0 });
  };
  return { stats, reset };
}

/** Per-turn table of the statements, costliest first; `wallMs` (if known) puts SQL in proportion. */
export function sqlReport(stats: SqlStat[], turns: number, wallMs?: number, top = 25): string {
  const us = (ms: number) => `${((ms * 1000) / turns).toFixed(0).padStart(6)} µs`;
  const sqlMs = stats.reduce((s, x) => s + x.prepareMs + x.execMs, 0);
  const lines = [
    `SQL at the libsql binding: ${us(sqlMs)} per turn${wallMs ? ` (${((sqlMs / wallMs) * 100).toFixed(0)}% of wall)` : ''}, ${(stats.reduce((s, x) => s + x.execs, 0) / turns).toFixed(1)} statements per turn, ${(stats.reduce((s, x) => s + x.prepares, 0) / turns).toFixed(1)} prepared`,
    '  per turn: prepare      exec  execs/turn  rows/exec  statement',
  ];
  for (const s of [...stats].sort((a, b) => b.prepareMs + b.execMs - (a.prepareMs + a.execMs)).slice(0, top)) {
    lines.push(
      `  ${us(s.prepareMs)} ${us(s.execMs)} ${(s.execs / turns).toFixed(2).padStart(10)} ${(s.execs ? s.rows / s.execs : 0).toFixed(1).padStart(10)}   ${s.sql.slice(0, 200)}`,
    );
  }
  return lines.join('\n');
}
