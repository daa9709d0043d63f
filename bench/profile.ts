// Summarizes a V8 .cpuprofile (node --cpu-prof): time by area and package, hottest functions, app functions inclusive.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where a frame's code lives: a package, our source tree, Node internals, or a V8 pseudo-frame. */
function area(f: CallFrame): string {
  if (!f.url) return f.functionName.startsWith('(') ? f.functionName : `(native) ${f.functionName || 'anonymous'}`;
  if (f.url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.url);
  if (pkg) return pkg[1];
  const local = f.url.replace(/^file:\/\//, '').replace(ROOT, '');
  if (local.startsWith('src/')) return `app ${local.split('/').slice(0, 3).join('/')}`;
  if (local.startsWith('db/')) return 'app db/schema';
  return local.split('/')[0];
}

function frameName(f: CallFrame): string {
  const where = f.url
    ? `${f.url
        .replace(/^file:\/\//, '')
        .replace(ROOT, '')
        .replace(/.*node_modules\//, '')}:${f.lineNumber + 1}`
    : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
}

const pct = (ms: number, total: number) => `${((ms / total) * 100).toFixed(1).padStart(5)}%`;
const ms = (x: number) => `${x.toFixed(0).padStart(7)} ms`;

/** Text report; `turns` (if known) adds CPU microseconds per turn. */
export function summarizeProfile(path: string, turns?: number, top = 30): string {
  const p = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    // timeDeltas[i + 1] is the time until the next sample: the time sample i stood for.
    const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
    self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + dt);
  }
  const total = [...self.values()].reduce((s, x) => s + x, 0);
  const idle = [...self].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((s, [, x]) => s + x, 0);
  const busy = total - idle;

  const areas = new Map<string, number>();
  const fnSelf = new Map<string, number>();
  const fnIncl = new Map<string, number>();
  for (const [id, t] of self) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') continue;
    areas.set(area(f), (areas.get(area(f)) ?? 0) + t);
    fnSelf.set(frameName(f), (fnSelf.get(frameName(f)) ?? 0) + t);
    // Inclusive: every distinct app frame on the stack gets the sample once (recursion counted once).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      if (!cf.url.includes('/src/') || cf.url.includes('node_modules')) continue;
      const k = frameName(cf);
      if (seen.has(k)) continue;
      seen.add(k);
      fnIncl.set(k, (fnIncl.get(k) ?? 0) + t);
    }
  }

  const perTurn = (x: number) => (turns ? `  ${((x * 1000) / turns).toFixed(1).padStart(7)} µs/turn` : '');
  const lines: string[] = [];
  lines.push(`profile ${path}`);
  lines.push(`  wall ${ms(total)}, busy ${ms(busy)} (${pct(busy, total)} of wall)${turns ? `, ${turns} turns served while profiled` : ''}`);
  lines.push('', 'busy time by area (self time):');
  for (const [k, t] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 20)) lines.push(`  ${pct(t, busy)} ${ms(t)}${perTurn(t)}  ${k}`);
  lines.push('', `hottest functions (self time), top ${top}:`);
  for (const [k, t] of [...fnSelf].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(t, busy)} ${ms(t)}${perTurn(t)}  ${k}`);
  lines.push(
    '',
    `app functions (inclusive of what they call synchronously; after an await the rest counts under the resumed frame), top ${top}:`,
  );
  for (const [k, t] of [...fnIncl].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(t, busy)} ${ms(t)}${perTurn(t)}  ${k}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, turns] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx bench/profile.ts <file.cpuprofile> [turns]');
    process.exit(2);
  }
  console.log(summarizeProfile(file, turns ? Number(turns) : undefined));
}
