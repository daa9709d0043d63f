// Evaluation (not a test): leave-last-basket-out HitRate@K of `recs:batch` on ../shared/eval/recs/<dataset>, beside three baselines.
//
// Usage: npm run eval:recs -- [--dir DIR] [--k 10] [--split last|previous|before=YYYY-MM-DD]
//   --split last      (default) the protocol of ../shared/eval/README.md: every member with at least two
//                     orders has their latest order held out; all other orders are the history.
//   --split previous  a time-shifted check: everyone's latest order is dropped first, then the protocol
//                     runs on what is left (so the held-out order is each member's second to last).
//   --split before=D  another time-shifted check: only orders placed before date D exist.
// The method runs as a separate process (`recs:batch` on temporary CSV files), exactly as a user would
// run it; the baselines are computed here from the same history.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsvLine } from '../src/lib/csv.js';
import { parseArgs, runMain } from './cli-support.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = (s: string) => process.stderr.write(`${s}\n`);

interface Order {
  id: string;
  member: string;
  at: number;
  products: Set<string>;
  rows: string[];
}

/** ISO date-time; without a zone it is UTC (the import format's rule). */
const instant = (s: string) => Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);

function readOrders(file: string): { header: string; orders: Order[] } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const header = lines[0].replace(/\r$/, '');
  const cols = parseCsvLine(header).map((c) => c.trim());
  const at = (name: string) => cols.indexOf(name);
  const [mi, oi, ti, pi] = [at('member_id'), at('order_id'), at('ordered_at'), at('product_id')];
  if (Math.min(mi, oi, ti, pi) < 0) throw new Error(`${file}: needs member_id, order_id, ordered_at, product_id columns`);
  const byId = new Map<string, Order>();
  for (const raw of lines.slice(1)) {
    if (raw.trim() === '') continue;
    const f = parseCsvLine(raw);
    const id = f[oi].trim();
    let o = byId.get(id);
    if (!o) byId.set(id, (o = { id, member: f[mi].trim(), at: instant(f[ti].trim()), products: new Set(), rows: [] }));
    o.at = Math.min(o.at, instant(f[ti].trim()));
    o.products.add(f[pi].trim());
    o.rows.push(raw);
  }
  return { header, orders: [...byId.values()] };
}

/** Latest first; ties broken by order id so the split is stable. */
const newestFirst = (a: Order, b: Order) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

function byMember(orders: Order[]): Map<string, Order[]> {
  const out = new Map<string, Order[]>();
  for (const o of orders) {
    const list = out.get(o.member);
    if (list) list.push(o);
    else out.set(o.member, [o]);
  }
  for (const list of out.values()) list.sort(newestFirst);
  return out;
}

/** The evaluation split: history (training orders) and each evaluated member's held-out products. */
function split(all: Order[], mode: string): { history: Order[]; heldOut: Map<string, Set<string>> } {
  let orders = all;
  if (mode === 'previous') {
    const drop = new Set([...byMember(all).values()].map((list) => list[0].id));
    orders = all.filter((o) => !drop.has(o.id));
  } else if (mode.startsWith('before=')) {
    const cut = instant(mode.slice('before='.length));
    if (Number.isNaN(cut)) throw new Error(`--split ${mode}: not a date`);
    orders = all.filter((o) => o.at < cut);
  } else if (mode !== 'last') throw new Error(`--split must be last, previous or before=YYYY-MM-DD (got ${mode})`);
  const heldOut = new Map<string, Set<string>>();
  const held = new Set<string>();
  for (const [member, list] of byMember(orders)) {
    if (list.length < 2) continue;
    heldOut.set(member, list[0].products);
    held.add(list[0].id);
  }
  return { history: orders.filter((o) => !held.has(o.id)), heldOut };
}

function hitRate(heldOut: Map<string, Set<string>>, recommend: (member: string) => string[]): number {
  let hits = 0;
  for (const [member, products] of heldOut) if (recommend(member).some((p) => products.has(p))) hits++;
  return hits / heldOut.size;
}

/** The three baselines of ../shared/eval/README.md, from the history alone. */
function baselines(history: Order[], heldOut: Map<string, Set<string>>, k: number) {
  const popularity = new Map<string, number>();
  for (const o of history) for (const p of o.products) popularity.set(p, (popularity.get(p) ?? 0) + 1);
  const ranked = [...popularity].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([p]) => p);
  const own = new Map<string, Map<string, number>>();
  for (const o of history) {
    const m = own.get(o.member) ?? new Map<string, number>();
    own.set(o.member, m);
    for (const p of o.products) m.set(p, (m.get(p) ?? 0) + 1);
  }
  const fill = (first: string[], skip: (p: string) => boolean) => {
    const out = first.slice(0, k);
    for (const p of ranked) {
      if (out.length >= k) break;
      if (!skip(p) && !out.includes(p)) out.push(p);
    }
    return out;
  };
  return {
    popularity: hitRate(heldOut, () => ranked.slice(0, k)),
    unseenPopularity: hitRate(heldOut, (m) => fill([], (p) => own.get(m)?.has(p) ?? false)),
    personalPopularity: hitRate(heldOut, (m) => {
      const mine = [...(own.get(m) ?? new Map<string, number>())]
        .sort((a, b) => b[1] - a[1] || (popularity.get(b[0]) ?? 0) - (popularity.get(a[0]) ?? 0) || (a[0] < b[0] ? -1 : 1))
        .map(([p]) => p);
      return fill(mine, () => false);
    }),
  };
}

/** Runs `recs:batch` as its own process and reads its JSON lines. */
function runBatch(args: string[]): Promise<Map<string, string[]>> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/recs-batch.ts'), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffer = '';
    const out = new Map<string, string[]>();
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim()) {
          const row = JSON.parse(line) as { member_id: string; product_ids: string[] };
          out.set(row.member_id, row.product_ids);
        }
        nl = buffer.indexOf('\n');
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`recs:batch exited with code ${code}`))));
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2), { dir: 'string', k: 'string', split: 'string', help: 'boolean' });
  if (args.help) {
    log('Usage: npm run eval:recs -- [--dir ../shared/eval/recs/completejourney] [--k 10] [--split last|previous|before=YYYY-MM-DD]');
    return;
  }
  const dir = resolve(typeof args.dir === 'string' ? args.dir : join(root, '../shared/eval/recs/completejourney'));
  const k = args.k === undefined ? 10 : Number(args.k);
  const mode = typeof args.split === 'string' ? args.split : 'last';
  const ordersFile = join(dir, 'orders.csv');
  const productsFile = join(dir, 'products.csv');
  let data: ReturnType<typeof readOrders>;
  try {
    data = readOrders(ordersFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(
        `Evaluation data not found: ${ordersFile}\nThe shared eval data lives outside the repository (../shared/eval); pass --dir.`,
      );
    throw err;
  }
  const { history, heldOut } = split(data.orders, mode);
  log(`${dir} (split ${mode}): ${heldOut.size} members evaluated, ${history.length} orders of history, K=${k}`);

  const tmp = mkdtempSync(join(tmpdir(), 'eval-recs-'));
  try {
    const historyFile = join(tmp, 'orders.csv');
    const membersFile = join(tmp, 'members.txt');
    writeFileSync(historyFile, `${[data.header, ...history.flatMap((o) => o.rows)].join('\n')}\n`);
    writeFileSync(membersFile, `${[...heldOut.keys()].join('\n')}\n`);
    const recs = await runBatch(['--orders', historyFile, '--products', productsFile, '--members', membersFile, '--k', String(k)]);
    const missing = [...heldOut.keys()].filter((m) => !recs.has(m)).length;
    if (missing) throw new Error(`recs:batch answered for ${heldOut.size - missing} of ${heldOut.size} members`);
    const ours = hitRate(heldOut, (m) => (recs.get(m) ?? []).slice(0, k));
    const base = baselines(history, heldOut, k);
    const rows: [string, number][] = [
      ['recommender (recs:batch)', ours],
      ['popularity', base.popularity],
      ['unseen popularity', base.unseenPopularity],
      ['personal popularity', base.personalPopularity],
    ];
    console.log(`HitRate@${k} on ${dir.split('/').slice(-2).join('/')} (split ${mode}, ${heldOut.size} members)`);
    for (const [name, v] of rows)
      console.log(`  ${name.padEnd(26)} ${v.toFixed(4)}   ${(v / base.personalPopularity).toFixed(2)}x personal popularity`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

runMain(main);
