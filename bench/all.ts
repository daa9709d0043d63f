// `npm run bench`: every benchmark suite of the project, one after another, each printing its own ratios
// against a baseline measured in the same run. A suite is any `bench:<name>` script in package.json, so a
// new suite joins by adding its script. `--only turns,recs` picks suites; each runs with its defaults
// (run `npm run bench:<suite> -- --help` for a suite's own options).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const scripts = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
const SUITES = Object.keys(scripts)
  .filter((s) => s.startsWith('bench:'))
  .map((s) => s.slice('bench:'.length));

const { values: args } = parseArgs({
  options: { only: { type: 'string' }, skip: { type: 'string' }, help: { type: 'boolean', default: false } },
});
if (args.help) {
  console.log(`npm run bench -- [--only a,b] [--skip a,b]
  suites: ${SUITES.join(', ')} (each is also \`npm run bench:<suite>\`, with its own --help)`);
  process.exit(0);
}
const list = (v: string | undefined) =>
  v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
for (const s of [...list(args.only), ...list(args.skip)])
  if (!SUITES.includes(s)) throw new Error(`unknown suite ${s} (use ${SUITES.join(',')})`);
const chosen = SUITES.filter((s) => (args.only ? list(args.only).includes(s) : true) && !list(args.skip).includes(s));

const results: { suite: string; code: number; seconds: number }[] = [];
for (const suite of chosen) {
  console.log(`\n=== bench:${suite} ===`);
  const started = Date.now();
  const code = await new Promise<number>((resolve) => {
    const child = spawn('npm', ['run', '--silent', `bench:${suite}`], { cwd: ROOT, stdio: 'inherit' });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  results.push({ suite, code, seconds: (Date.now() - started) / 1000 });
}
console.log('\n=== summary ===');
for (const r of results) console.log(`${r.suite.padEnd(12)} ${r.code === 0 ? 'ok    ' : `exit ${r.code}`} ${r.seconds.toFixed(0)} s`);
process.exit(results.some((r) => r.code !== 0) ? 1 : 0);
