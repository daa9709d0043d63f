// Instructions per turn (valgrind's callgrind) of the bench servers: a count other work on the machine cannot move.
import { execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchFile, exited, nextMessage, sleep, TSX } from './children.js';
import { SCENARIO_LABEL, type LoadConfig, type LoadResult, type Scenario, type ServerReady } from './protocol.js';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: 'echo,pipeline' },
    warmup: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '32' },
    members: { type: 'string', default: '300' },
  },
});
const scenarios = (args.only ?? '').split(',').map((s) => s.trim()) as Scenario[];

/**
 * Runs one scenario's server under callgrind with instrumentation off (start-up, seeding and a warm-up load
 * that lets V8 optimize run uncounted), then counts the instructions of every thread of the process while the
 * load generator drives it, and divides by the turns it completed. Slow (valgrind runs the server ~50x slower)
 * but repeatable: the count does not depend on what else the machine is doing, where CPU time does.
 */
async function count(scenario: Scenario): Promise<{ turns: number; instructions: number }> {
  const base = `ma-callgrind-${scenario}-${process.pid}`;
  const out = join(tmpdir(), base);
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '-q',
      '--instr-atstart=no',
      '--smc-check=all-non-file',
      `--callgrind-out-file=${out}`,
      process.execPath,
      '--import',
      TSX,
      benchFile('./server.ts'),
      scenario,
      String(args.members),
    ],
    { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
  );
  try {
    const ready = await nextMessage<ServerReady>(child, 'ready', 3_600_000);
    const load = async (seconds: number) => {
      const gen = fork(benchFile('./load.ts'), [], { execArgv: ['--import', TSX], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const cfg: LoadConfig = {
        scenario,
        url: ready.url,
        users: ready.users,
        concurrency: Number(args.concurrency),
        warmupSeconds: 0.001,
        seconds,
      };
      gen.send(cfg);
      const result = await nextMessage<LoadResult>(gen, 'result', (seconds + 600) * 1000);
      await exited(gen);
      return result;
    };
    await load(Number(args.warmup));
    const ctl = (...a: string[]) => execFileSync('callgrind_control', [...a, String(child.pid)], { stdio: 'ignore' });
    ctl('-z');
    ctl('-i', 'on');
    const result = await load(Number(args.seconds));
    ctl('-i', 'off');
    if (result.errors)
      console.log(`  ${SCENARIO_LABEL[scenario]}: ${result.errors} failed turns (${Object.keys(result.errorKinds).join(', ')})`);
    // The counts land in the output file when the process exits (nothing is counted after instrumentation is off).
    if (child.connected) child.send({ type: 'stop' });
    await Promise.race([exited(child), sleep(120_000).then(() => child.kill())]);
    let instructions = 0;
    for (const f of readdirSync(tmpdir()).filter((f) => f.startsWith(base))) {
      for (const m of readFileSync(join(tmpdir(), f), 'utf8').matchAll(/^(?:summary|totals):\s*(\d+)/gm))
        instructions = Math.max(instructions, Number(m[1]));
    }
    return { turns: result.completed, instructions };
  } finally {
    if (child.connected) child.send({ type: 'stop' });
    await Promise.race([exited(child), sleep(30_000).then(() => child.kill())]);
    if (!process.env.KEEP) for (const f of readdirSync(tmpdir())) if (f.startsWith(base)) rmSync(join(tmpdir(), f), { force: true });
  }
}

async function main() {
  if (!existsSync('/usr/bin/valgrind') && !process.env.PATH?.split(':').some((d) => existsSync(join(d, 'valgrind')))) {
    throw new Error('valgrind is not installed');
  }
  const rows: { scenario: Scenario; perTurn: number }[] = [];
  for (const s of scenarios) {
    const { turns, instructions } = await count(s);
    const perTurn = instructions / Math.max(1, turns);
    rows.push({ scenario: s, perTurn });
    console.log(`${SCENARIO_LABEL[s].padEnd(15)} ${turns} turns counted, ${(perTurn / 1e6).toFixed(2)} M instructions per turn`);
  }
  const of = (s: Scenario) => rows.find((r) => r.scenario === s)?.perTurn;
  const [e, p] = [of('echo'), of('pipeline')];
  if (e && p) console.log(`instructions per turn: echo bot / pipeline = ${(e / p).toFixed(2)}x`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
