// `npm run bench:turns` (part of `npm run bench`): turns/s of the full pipeline vs a stock botbuilder echo bot and a bare Hono route, same run, as ratios.
import { fork, type ChildProcess } from 'node:child_process';
import { benchFile, exited, nextMessage, sleep, TSX } from './children.js';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { summarizeProfile } from './profile.js';
import { sqlReport, type SqlStat } from './sql-trace.js';
import { SCENARIO_LABEL, type LoadConfig, type LoadResult, type Scenario, type ServerReady, type ServerUsage } from './protocol.js';

const GOAL = 1.5;
const MAX_ERROR_RATE = 0.01;
/** Machine CPU busy (of all cores) just before a window above which other work on the machine is reported. */
const BUSY_BEFORE_WARN = 15;

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '1' },
    members: { type: 'string', default: '300' },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'trace-sql': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`npm run bench:turns -- [--seconds N=5] [--concurrency N=32] [--warmup N=2] [--rounds N=1] [--members N=300]
                    [--only hono,echo,pipeline] [--profile] [--trace-sql]
  --rounds    measure every scenario N times, interleaved (hono, echo, pipeline, hono, ...), and report
              the median round; use 3+ on a machine where other work comes and goes
  --profile   record a V8 CPU profile of the pipeline server during its first window (not its seeding)
              and print where the time goes; profiling itself costs some throughput
  --trace-sql time every SQL statement the pipeline server runs in its first window, printed per turn`);
  process.exit(0);
}

const positive = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${v}`);
  return n;
};
const seconds = positive('seconds', args.seconds);
const concurrency = Math.floor(positive('concurrency', args.concurrency));
const warmupSeconds = positive('warmup', args.warmup);
const rounds = Math.floor(positive('rounds', args.rounds));
const members = Math.floor(positive('members', args.members));
const ALL: Scenario[] = ['hono', 'echo', 'pipeline'];
const scenarios = args.only ? (args.only.split(',').map((s) => s.trim()) as Scenario[]) : ALL;
for (const s of scenarios) if (!ALL.includes(s)) throw new Error(`--only: unknown scenario ${s} (use ${ALL.join(',')})`);

const here = benchFile;

/** Machine-wide CPU counters (Linux /proc/stat), to tell whether the cores were saturated or shared. */
function machineCpu(): { busy: number; total: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}
const busyPercent = (a: ReturnType<typeof machineCpu>, b: ReturnType<typeof machineCpu>) =>
  a && b && b.total > a.total ? ((b.busy - a.busy) / (b.total - a.total)) * 100 : NaN;

interface Server {
  scenario: Scenario;
  child: ChildProcess;
  ready: ServerReady;
}

interface Measurement {
  scenario: Scenario;
  round: number;
  result: LoadResult;
  turnsPerSecond: number;
  serverCpuPercent: number;
  /** Server CPU per completed turn: unlike turns/s, barely moved by other work on the machine. */
  serverCpuMsPerTurn: number;
  serverElu: number;
  machineBusy: number;
  /** Machine busy over a short quiet moment before the window: other people's work, not ours. */
  busyBefore: number;
  profile?: string;
  sql?: SqlStat[];
}

async function startServer(scenario: Scenario): Promise<Server> {
  const child = fork(here('./server.ts'), [scenario, String(members), ...(args['trace-sql'] ? ['--trace-sql'] : [])], {
    execArgv: ['--import', TSX],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await nextMessage<ServerReady>(child, 'ready', 300_000);
  console.log(
    `  ${SCENARIO_LABEL[scenario].padEnd(15)} ready at ${ready.url} in ${(ready.setupMs / 1000).toFixed(1)} s${ready.note ? ` (${ready.note})` : ''}`,
  );
  return { scenario, child, ready };
}

async function usage(server: Server): Promise<ServerUsage> {
  server.child.send({ type: 'usage' });
  return nextMessage<ServerUsage>(server.child, 'usage', 10_000);
}

async function measure(server: Server, round: number, profile: boolean, traceSql: boolean): Promise<Measurement> {
  const { scenario, child, ready } = server;
  process.stdout.write(`  round ${round}: ${SCENARIO_LABEL[scenario].padEnd(15)} ${warmupSeconds}+${seconds} s ...`);
  const quiet0 = machineCpu();
  await sleep(500);
  const busyBefore = busyPercent(quiet0, machineCpu());
  if (profile) {
    child.send({ type: 'profile-start' });
    await nextMessage(child, 'profiling', 10_000);
  }
  if (traceSql) {
    child.send({ type: 'sql-reset' });
    await nextMessage(child, 'sql-reset', 10_000);
  }
  const before = await usage(server);
  const machineBefore = machineCpu();

  const load = fork(here('./load.ts'), [], { execArgv: ['--import', TSX], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const cfg: LoadConfig = { scenario, url: ready.url, users: ready.users, concurrency, warmupSeconds, seconds };
  load.send(cfg);
  const result = await nextMessage<LoadResult>(load, 'result', (warmupSeconds + seconds + 60) * 1000);
  await exited(load);

  const machineBusy = busyPercent(machineBefore, machineCpu());
  const after = await usage(server);
  const wall = after.elu.idle + after.elu.active - (before.elu.idle + before.elu.active);
  let profilePath: string | undefined;
  if (profile) {
    child.send({ type: 'profile-stop' });
    profilePath = (await nextMessage<{ type: 'profile'; path: string }>(child, 'profile', 60_000)).path;
  }
  let sql: SqlStat[] | undefined;
  if (traceSql) {
    child.send({ type: 'sql-stats' });
    sql = (await nextMessage<{ type: 'sql-stats'; stats: SqlStat[] }>(child, 'sql-stats', 10_000)).stats;
  }
  const turnsPerSecond = result.ok / (result.elapsedMs / 1000);
  console.log(` ${turnsPerSecond.toFixed(0)} turns/s`);
  return {
    scenario,
    round,
    result,
    turnsPerSecond,
    serverCpuPercent: ((after.cpuMs - before.cpuMs) / wall) * 100,
    serverCpuMsPerTurn: (after.cpuMs - before.cpuMs) / Math.max(1, result.completed),
    serverElu: ((after.elu.active - before.elu.active) / wall) * 100,
    machineBusy,
    busyBefore,
    profile: profilePath,
    sql,
  };
}

/** The round with the median turns/s (the lower middle for an even count): one coherent row, not a mix. */
function median(ms: Measurement[]): Measurement {
  const sorted = [...ms].sort((a, b) => a.turnsPerSecond - b.turnsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function table(rows: { m: Measurement; all: Measurement[] }[]): string {
  const head = [
    'scenario',
    'turns/s',
    ...(rounds > 1 ? ['min-max'] : []),
    'p50 ms',
    'p99 ms',
    'errors',
    'server CPU',
    'CPU ms/turn',
    'server ELU',
    'generator CPU',
    'machine busy',
  ];
  const body = rows.map(({ m, all }) => {
    const res = m.result;
    const ok = all.reduce((s, x) => s + x.result.ok, 0);
    const errors = all.reduce((s, x) => s + x.result.errors, 0);
    const tps = all.map((x) => x.turnsPerSecond);
    return [
      SCENARIO_LABEL[m.scenario],
      m.turnsPerSecond.toFixed(0),
      ...(rounds > 1 ? [`${Math.min(...tps).toFixed(0)}-${Math.max(...tps).toFixed(0)}`] : []),
      res.p50.toFixed(2),
      res.p99.toFixed(2),
      `${errors}${ok + errors ? ` (${((errors / (ok + errors)) * 100).toFixed(2)}%)` : ''}`,
      `${m.serverCpuPercent.toFixed(0)}%`,
      m.serverCpuMsPerTurn.toFixed(3),
      `${m.serverElu.toFixed(0)}%`,
      `${res.cpuPercent.toFixed(0)}%`,
      Number.isNaN(m.machineBusy) ? 'n/a' : `${m.machineBusy.toFixed(0)}%`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

async function main() {
  const cpu = cpus();
  console.log(`Member Assistant bench: ${scenarios.map((s) => SCENARIO_LABEL[s]).join(', ')}`);
  console.log(`  machine: ${cpu.length} x ${cpu[0]?.model.trim() ?? 'cpu'}, node ${process.version}`);
  console.log(
    `  load: ${concurrency} in flight, ${warmupSeconds} s warm-up (discarded) + ${seconds} s measured per scenario, ${rounds} round${rounds > 1 ? 's' : ''}; ${members} members for the pipeline`,
  );

  // All servers start up front (idle ones cost nothing) so rounds can interleave; only one is ever under load.
  const servers = await Promise.all(scenarios.map(startServer));
  // Let start-up work (seeding's GC, background compilation) finish before the first quiet-machine check.
  await sleep(2_000);
  const measurements: Measurement[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const s of servers) {
        const first = s.scenario === 'pipeline' && round === 1;
        measurements.push(await measure(s, round, args.profile && first, args['trace-sql'] && first));
      }
    }
  } finally {
    for (const s of servers) if (s.child.connected) s.child.send({ type: 'stop' });
    await Promise.all(servers.map((s) => Promise.race([exited(s.child), sleep(5_000).then(() => s.child.kill())])));
  }

  const rows = scenarios.map((scenario) => {
    const all = measurements.filter((m) => m.scenario === scenario);
    return { m: median(all), all };
  });
  console.log(`\n${table(rows)}`);
  const rate = (s: Scenario) => rows.find((r) => r.m.scenario === s)?.m.turnsPerSecond;
  const [p, e, h] = [rate('pipeline'), rate('echo'), rate('hono')];
  const which = rounds > 1 ? ' (medians)' : '';
  console.log('');
  if (p !== undefined && e)
    console.log(`pipeline / echo bot = ${(p / e).toFixed(2)}x (goal >= ${GOAL}x)${p / e >= GOAL ? '' : '  BELOW GOAL'}${which}`);
  if (p !== undefined && h) console.log(`pipeline / bare hono = ${(p / h).toFixed(2)}x${which}`);
  if (e !== undefined && h) console.log(`echo bot / bare hono = ${(e / h).toFixed(2)}x${which}`);
  const cpuOf = (s: Scenario) => rows.find((r) => r.m.scenario === s)?.m.serverCpuMsPerTurn;
  const [pc, ec] = [cpuOf('pipeline'), cpuOf('echo')];
  if (pc && ec)
    console.log(
      `server CPU per turn: echo bot / pipeline = ${(ec / pc).toFixed(2)}x (what the throughput ratio tends to when the server is the bottleneck)`,
    );
  if (rounds > 1 && pc && ec) {
    // Each round's two servers ran minutes apart at most: their ratio is steadier than either figure alone.
    const perRound = Array.from({ length: rounds }, (_, i) => {
      const of = (s: Scenario) => measurements.find((m) => m.scenario === s && m.round === i + 1)?.serverCpuMsPerTurn;
      const [e1, p1] = [of('echo'), of('pipeline')];
      return e1 && p1 ? `${(e1 / p1).toFixed(2)}x (${e1.toFixed(3)} / ${p1.toFixed(3)} ms)` : 'n/a';
    });
    console.log(`  per round: ${perRound.join(', ')}`);
  }

  const noisy = measurements.filter((m) => m.busyBefore > BUSY_BEFORE_WARN);
  if (noisy.length) {
    console.log(
      `\nwarning: the machine was already ${noisy.map((m) => `${m.busyBefore.toFixed(0)}% busy before ${SCENARIO_LABEL[m.scenario]} (round ${m.round})`).join(', ')};` +
        ' other work competed for the cores, so those numbers are low. Re-run on a quiet machine, or use --rounds 3.',
    );
  }

  console.log(`
How this was measured: each server runs in its own child process (one event loop, as in production), and only
one is under load at a time. The load comes from another child process: ${concurrency} closed-loop workers over a
keep-alive node:http agent, POSTing Emulator-shaped message activities (unique ids, ${members} users in rotation,
questions mixed zh/en) to /api/messages. That process also hosts the local connector (bare node:http answering
{"id":"1"}) the bots reply to. A turn counts when it completes inside the measured window with HTTP 200 and, for
the bots, the connector already holds the right reply for that activity id (the echoed text; a balance, tier or
coupon answer, not a link/rate-limit/error notice). Latency: request start to response end, successful turns only.
"server CPU" and "generator CPU": each process's own CPU time over warm-up + window (100% = one core; kernel
loopback work is not all charged to them). "CPU ms/turn": the server's CPU divided by the turns it completed,
steadier than turns/s when other work shares the machine. "server ELU": its event-loop utilization. "machine
busy": all ${cpu.length} cores, from /proc/stat (100% = saturated). Generator and server share the machine, so a cheap
server is partly measured against the generator's appetite: the bare-Hono row is a floor for this machine, not
Hono's ceiling. Numbers vary run to run; compare ratios from the same run.`);

  for (const { m, all } of rows) {
    const errs = all.filter((x) => x.result.errors);
    if (!errs.length) continue;
    console.log(`\n${SCENARIO_LABEL[m.scenario]} errors:`);
    for (const x of errs)
      for (const [kind, n] of Object.entries(x.result.errorKinds))
        console.log(`  round ${x.round}: ${n} x ${kind}: ${x.result.errorSamples[kind]}`);
  }
  for (const x of measurements) {
    if (x.profile) console.log(`\n${summarizeProfile(x.profile, x.result.completed)}`);
    if (x.sql)
      console.log(
        `\n${SCENARIO_LABEL[x.scenario]}, round ${x.round}, ${x.result.completed} turns: ${sqlReport(x.sql, x.result.completed)}`,
      );
  }

  const failed = rows.filter(({ all }) => {
    const ok = all.reduce((s, x) => s + x.result.ok, 0);
    const errors = all.reduce((s, x) => s + x.result.errors, 0);
    return ok + errors === 0 || errors / (ok + errors) > MAX_ERROR_RATE;
  });
  if (failed.length) {
    console.error(
      `\nbench: error rate over ${MAX_ERROR_RATE * 100}% (or no turns at all) in: ${failed.map((r) => SCENARIO_LABEL[r.m.scenario]).join(', ')}`,
    );
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
