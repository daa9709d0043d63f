// `npm run bench:edge`: the Worker bundle's size (minified, gzip) and startup CPU in workerd, beside a bare Hono Worker.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Goals of the edge deployment (Cloudflare's own limits are 3 MiB gzip on the free plan and 1 s of startup). */
const GOAL_GZIP_KIB = 400;
const GOAL_STARTUP_MS = 150;

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, help: { type: 'boolean', default: false } } });
if (args.help) {
  console.log(`npm run bench:edge -- [--rounds N=5]
  Builds the app Worker and a bare Hono Worker with wrangler (deploy --dry-run --minify), reports their sizes
  (minified and gzip, as wrangler counts them for upload) and their startup CPU in workerd
  (wrangler check startup: a CPU profile of evaluating the bundle), median of N rounds, with ratios.`);
  process.exit(0);
}
const rounds = Math.max(1, Math.floor(Number(args.rounds)));

interface Built {
  name: string;
  /** The upload form `wrangler check startup` profiles. */
  bundle: string;
  /** The minified script inside it. */
  script: string;
  config: string;
  rawBytes: number;
  gzipBytes: number;
  wranglerGzipKiB: number | null;
  meta: { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };
}

const npx = (argv: string[], env: Record<string, string> = {}) =>
  run('npx', argv, {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', ...env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });

async function build(name: string, config: string, outdir: string): Promise<Built> {
  const metafile = join(outdir, 'meta.json');
  const { stdout } = await npx([
    'wrangler',
    'deploy',
    '--dry-run',
    '--minify',
    '--config',
    config,
    '--outdir',
    outdir,
    '--metafile',
    metafile,
  ]);
  // `wrangler check startup --worker` takes the upload form (multipart), which `--outfile` writes.
  const upload = join(outdir, 'upload.bundle');
  await npx(['wrangler', 'deploy', '--dry-run', '--minify', '--config', config, '--outfile', upload]);
  const main = JSON.parse(readFileSync(metafile, 'utf8')) as Built['meta'];
  const out = Object.keys(main.outputs).find((k) => k.endsWith('.js'));
  if (!out) throw new Error(`no JavaScript output for ${name}`);
  const bundle = join(outdir, out.split('/').pop() as string);
  const code = readFileSync(bundle);
  const m = /gzip:\s*([\d.]+)\s*KiB/.exec(stdout);
  return {
    name,
    bundle: upload,
    script: bundle,
    config,
    rawBytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    wranglerGzipKiB: m ? Number(m[1]) : null,
    meta: main,
  };
}

/** CPU time of one startup: the profile's samples minus idle ones (V8 compile, module evaluation, top-level code). */
async function startupMs(b: Built, outdir: string, round: number): Promise<number> {
  const outfile = join(outdir, `${b.name}-${round}.cpuprofile`);
  await npx(['wrangler', 'check', 'startup', '--config', b.config, '--worker', b.bundle, '--outfile', outfile]);
  const p = JSON.parse(readFileSync(outfile, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  let us = 0;
  // Each delta is the time since the previous sample, so it belongs to the sample it precedes; the first one is
  // the wait before profiling began.
  for (let i = 1; i < p.samples.length; i++) if (!idle.has(p.samples[i])) us += p.timeDeltas[i] ?? 0;
  return us / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kib = (bytes: number) => bytes / 1024;

/** Largest contributors to a bundle, by package (or by top-level source folder). */
function topInputs(b: Built, n: number): [string, number][] {
  const out = Object.entries(b.meta.outputs).find(([k]) => k.endsWith('.js'))?.[1];
  const by = new Map<string, number>();
  for (const [file, v] of Object.entries(out?.inputs ?? {})) {
    const parts = file.split('node_modules/');
    const key =
      parts.length > 1
        ? parts
            .slice(1)
            .map((p) =>
              p
                .split('/')
                .slice(0, p.startsWith('@') ? 2 : 1)
                .join('/'),
            )
            .join(' > ')
        : file.split('/').slice(0, 2).join('/');
    by.set(key, (by.get(key) ?? 0) + v.bytesInOutput);
  }
  return [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'ma-bench-edge-'));
  try {
    const appToml = readFileSync(join(ROOT, 'wrangler.toml'), 'utf8');
    const compat = /^compatibility_date\s*=.*$/m.exec(appToml)?.[0] ?? 'compatibility_date = "2025-09-01"';
    const baseConfig = join(dir, 'wrangler.baseline.toml');
    writeFileSync(
      baseConfig,
      `name = "baseline"\nmain = "${join(ROOT, 'bench/edge-baseline.ts')}"\n${compat}\ncompatibility_flags = ["nodejs_compat"]\nsend_metrics = false\n`,
    );
    console.log('building the app Worker and the bare Hono baseline (wrangler deploy --dry-run --minify)...');
    const app = await build('app', join(ROOT, 'wrangler.toml'), join(dir, 'app'));
    const base = await build('baseline', baseConfig, join(dir, 'baseline'));

    console.log(`measuring startup CPU in workerd (wrangler check startup), ${rounds} round(s), interleaved...`);
    const times: Record<string, number[]> = { app: [], baseline: [] };
    for (let r = 0; r < rounds; r++) {
      times.baseline.push(await startupMs(base, dir, r));
      times.app.push(await startupMs(app, dir, r));
    }
    const appMs = median(times.app);
    const baseMs = median(times.baseline);

    const row = (label: string, a: string, b: string, ratio: string) =>
      console.log(`  ${label.padEnd(22)}${a.padStart(12)}${b.padStart(12)}${ratio.padStart(10)}`);
    console.log('');
    row('', 'app', 'bare hono', 'ratio');
    row(
      'bundle, minified',
      `${kib(app.rawBytes).toFixed(1)} KiB`,
      `${kib(base.rawBytes).toFixed(1)} KiB`,
      `${(app.rawBytes / base.rawBytes).toFixed(1)}x`,
    );
    const appGz = app.wranglerGzipKiB ?? kib(app.gzipBytes);
    const baseGz = base.wranglerGzipKiB ?? kib(base.gzipBytes);
    row('bundle, gzip (upload)', `${appGz.toFixed(1)} KiB`, `${baseGz.toFixed(1)} KiB`, `${(appGz / baseGz).toFixed(1)}x`);
    row('startup CPU (median)', `${appMs.toFixed(1)} ms`, `${baseMs.toFixed(1)} ms`, `${(appMs / baseMs).toFixed(1)}x`);
    console.log(
      `  startup rounds (ms)    app ${times.app.map((t) => t.toFixed(0)).join(', ')} · baseline ${times.baseline.map((t) => t.toFixed(0)).join(', ')}`,
    );
    console.log('');
    console.log(`  goal: gzip <= ${GOAL_GZIP_KIB} KiB      ${appGz <= GOAL_GZIP_KIB ? 'met' : 'NOT met'} (${appGz.toFixed(1)} KiB)`);
    console.log(
      `  goal: startup < ${GOAL_STARTUP_MS} ms       ${appMs < GOAL_STARTUP_MS ? 'met' : 'NOT met'} (${appMs.toFixed(1)} ms here; ` +
        `${(appMs - baseMs).toFixed(1)} ms above the bare Worker on the same machine)`,
    );
    console.log('');
    console.log('  largest parts of the app bundle (minified bytes):');
    for (const [name, bytes] of topInputs(app, 12)) console.log(`    ${kib(bytes).toFixed(1).padStart(7)} KiB  ${name}`);
    console.log('\n  Startup CPU is measured on this machine, not on Cloudflare: compare the ratio, not the absolute figure.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
