// Evaluation (not a test): scores the offline intent classifier on ../shared/eval/intents/dev.jsonl and prints P/R/F1 tables.
//
// Usage: tsx scripts/eval-intents.ts [--file path] [--split all|tune|holdout] [--errors]
//   --split   tune/holdout halves are chosen by FNV-1a hash of the text (even = tune), so the split is stable.
//   --errors  also list misclassified rows.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classify, INTENTS, warmUp, type Intent } from '../src/assistant/offline/nlu/index.js';
import { ruledQuestion } from '../src/assistant/offline/rules.js';

interface Row {
  text: string;
  lang: string;
  intent: Intent;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = resolve(opt('--file') ?? resolve(root, '../shared/eval/intents/dev.jsonl'));
const split = (opt('--split') ?? 'all') as 'all' | 'tune' | 'holdout';
const showErrors = args.includes('--errors');

if (!['all', 'tune', 'holdout'].includes(split)) {
  console.error(`--split must be all, tune or holdout (got ${split})`);
  process.exit(2);
}
if (!existsSync(file)) {
  console.error(
    `Evaluation file not found: ${file}\nThe shared eval data lives outside the repository (../shared/eval); pass --file to point elsewhere.`,
  );
  process.exit(1);
}

/** FNV-1a 32-bit over UTF-8 bytes: a stable, dependency-free split key. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(text)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

const rows: Row[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Row)
  .filter((r) => split === 'all' || (fnv1a(r.text) % 2 === 0) === (split === 'tune'));

interface Result {
  row: Row;
  pred: Intent;
  confidence: number;
}

const tTrain = performance.now();
warmUp(); // trains both language models; timed separately from classification
const trainMs = performance.now() - tTrain;
const t0 = performance.now();
const results: Result[] = rows.map((row) => {
  const c = classify(row.text);
  return { row, pred: c.intent, confidence: c.confidence };
});
const elapsed = performance.now() - t0;

const pct = (x: number) => (x * 100).toFixed(1).padStart(6);

function report(title: string, rs: Result[]): void {
  if (rs.length === 0) return;
  const gold = new Set(rs.map((r) => r.row.intent));
  const labels = INTENTS.filter((i) => gold.has(i) || rs.some((r) => r.pred === i));
  console.log(`\n== ${title}: ${rs.length} rows, accuracy ${pct(rs.filter((r) => r.pred === r.row.intent).length / rs.length).trim()}%`);
  console.log(
    `${'intent'.padEnd(34)} ${'prec'.padStart(6)} ${'recall'.padStart(6)} ${'F1'.padStart(6)} ${'support'.padStart(7)} ${'pred'.padStart(5)}`,
  );
  const f1s: number[] = [];
  for (const l of labels) {
    const tp = rs.filter((r) => r.pred === l && r.row.intent === l).length;
    const predicted = rs.filter((r) => r.pred === l).length;
    const support = rs.filter((r) => r.row.intent === l).length;
    const p = predicted ? tp / predicted : 0;
    const rec = support ? tp / support : 0;
    const f1 = p + rec ? (2 * p * rec) / (p + rec) : 0;
    if (gold.has(l)) f1s.push(f1);
    console.log(
      `${(gold.has(l) ? l : l + ' (not in gold)').padEnd(34)} ${pct(p)} ${pct(rec)} ${pct(f1)} ${String(support).padStart(7)} ${String(predicted).padStart(5)}`,
    );
  }
  const macro = f1s.reduce((a, b) => a + b, 0) / f1s.length;
  const oos = rs.filter((r) => r.row.intent === 'out_of_scope');
  const oosRecall = oos.length ? oos.filter((r) => r.pred === 'out_of_scope').length / oos.length : NaN;
  console.log(
    `macro-F1 (over ${f1s.length} gold intents): ${pct(macro).trim()}%   out-of-scope recall: ${Number.isNaN(oosRecall) ? 'n/a' : pct(oosRecall).trim() + '%'}`,
  );
}

console.log(
  `file: ${file}  split: ${split}  rows: ${rows.length}  model training: ${trainMs.toFixed(0)} ms  ` +
    `classification: ${elapsed.toFixed(1)} ms (${((elapsed * 1000) / Math.max(1, rows.length)).toFixed(0)} µs/row)`,
);
report('all languages', results);
report(
  'en',
  results.filter((r) => r.row.lang === 'en'),
);
report(
  'zh',
  results.filter((r) => r.row.lang !== 'en'),
);

// The offline brain's text rules run after the model (src/assistant/offline/rules.ts): what they make of each row,
// by gold label. A rule firing on a row whose gold label it contradicts is a misfire worth a look (--errors lists them).
const ruled = results
  .map((r) => ({ r, q: ruledQuestion(r.row.text, r.pred) }))
  .filter((x): x is { r: Result; q: NonNullable<typeof x.q> } => x.q !== null);
/** What a rule does, for the tables: its answer, or the intent it routes to. */
const ruleLabel = (q: NonNullable<ReturnType<typeof ruledQuestion>>) => (q.kind === 'route' ? `route to ${q.intent}` : q.kind);
const ruleCounts = new Map<string, number>();
for (const { r, q } of ruled) {
  const key = `${r.row.intent} -> ${ruleLabel(q)}`;
  ruleCounts.set(key, (ruleCounts.get(key) ?? 0) + 1);
}
console.log(`\n== text rules (after the model): ${ruled.length} of ${results.length} rows`);
for (const [key, n] of [...ruleCounts].sort((a, b) => b[1] - a[1])) console.log(`${key.padEnd(50)} ${String(n).padStart(5)}`);

if (showErrors) {
  console.log('\n== rows a text rule answers (gold -> rule)');
  for (const { r, q } of ruled) console.log(`${r.row.lang}\t${r.row.intent} -> ${ruleLabel(q)}\t${r.row.text}`);

  console.log('\n== errors (gold -> predicted, confidence)');
  for (const r of results) {
    if (r.pred !== r.row.intent) console.log(`${r.row.lang}\t${r.row.intent} -> ${r.pred} (${r.confidence})\t${r.row.text}`);
  }
}
