// `npm run bench:load`: many concurrent conversations of linked members against the full pipeline in a child process, watching memory.
import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { benchFile, exited, nextMessage, sleep, TSX } from './children.js';
import type { LoadConfig, LoadResult, ServerMemory, ServerReady } from './protocol.js';

const { values: args } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '15' },
    members: { type: 'string', default: '400' },
    'state-keys': { type: 'string', default: '2000' },
    sample: { type: 'string', default: '5' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`npm run bench:load -- [--concurrency N=200] [--seconds N=60] [--warmup N=15] [--members N=400]
                         [--state-keys N=2000] [--sample N=5]
  --concurrency  conversations in flight (closed loop: each sends its next message when answered)
  --seconds      measured window, after --warmup seconds of discarded warm-up
  --state-keys   bound of the server's in-memory state (STATE_MAX_KEYS); small enough that warm-up fills it,
                 so what the window shows is the steady state of a long-running process
  --sample       seconds between memory samples during the window`);
  process.exit(0);
}

const positive = (name: string, v: string | undefined) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${v}`);
  return n;
};
const concurrency = Math.floor(positive('concurrency', args.concurrency));
const seconds = positive('seconds', args.seconds);
const warmupSeconds = positive('warmup', args.warmup);
const members = Math.floor(positive('members', args.members));
const stateKeys = Math.floor(positive('state-keys', args['state-keys']));
const sampleSeconds = positive('sample', args.sample);

/** Heap growth over the window beyond which the run reports growth (and fails): 10% and at least 8 MB. */
const GROWTH_RATIO = 0.1;
const GROWTH_FLOOR = 8 * 1024 * 1024;

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function main() {
  const cpu = cpus();
  console.log(`Member Assistant load: ${concurrency} concurrent conversations of ${members} linked members, offline brain`);
  console.log(`  machine: ${cpu.length} x ${cpu[0]?.model.trim() ?? 'cpu'}, node ${process.version}`);
  console.log(`  ${warmupSeconds} s warm-up (discarded) + ${seconds} s measured; server state bounded to ${stateKeys} keys`);

  // The server is the real app in a process of its own (one event loop, as in production), with a GC on request.
  const server = fork(benchFile('./server.ts'), ['pipeline', String(members), '--state-keys', String(stateKeys)], {
    execArgv: ['--expose-gc', '--import', TSX],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const memory = async (gc: boolean) => {
    server.send({ type: 'memory', gc });
    return nextMessage<ServerMemory>(server, 'memory', 30_000);
  };
  try {
    const ready = await nextMessage<ServerReady>(server, 'ready', 600_000);
    console.log(`  server ready at ${ready.url} in ${(ready.setupMs / 1000).toFixed(1)} s (${ready.note})`);
    await sleep(1_000);
    const idle = await memory(true);
    if (!idle.collected) console.log('  warning: the server has no gc(); memory figures include uncollected garbage');

    // The generator (load.ts, the same as `npm run bench` uses) hosts the local Bot Framework connector.
    const load = fork(benchFile('./load.ts'), [], { execArgv: ['--import', TSX], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const cfg: LoadConfig = { scenario: 'pipeline', url: ready.url, users: ready.users, concurrency, warmupSeconds, seconds };
    const started = Date.now();
    load.send(cfg);
    const resultP = nextMessage<LoadResult>(load, 'result', (warmupSeconds + seconds + 120) * 1000);

    await sleep(warmupSeconds * 1000);
    const warm = await memory(true);
    const samples: { at: number; m: ServerMemory }[] = [];
    const windowEnd = started + (warmupSeconds + seconds) * 1000;
    // Samples without a GC show the sawtooth; the last one (just before the window closes) collects, like `warm`.
    while (Date.now() + sampleSeconds * 1000 < windowEnd - 1_000) {
      await sleep(sampleSeconds * 1000);
      samples.push({ at: (Date.now() - started) / 1000, m: await memory(false) });
    }
    await sleep(Math.max(0, windowEnd - 1_000 - Date.now()));
    const end = await memory(true);
    const result = await resultP;
    await exited(load);
    await sleep(500);
    const after = await memory(true);

    const turnsPerSecond = result.ok / (result.elapsedMs / 1000);
    // Other work on the machine slows every figure here; the 1-minute load average says how much there was.
    const load1 = loadavg()[0];
    const grew = end.heapUsed - warm.heapUsed;
    const growth = grew > Math.max(GROWTH_FLOOR, warm.heapUsed * GROWTH_RATIO);
    const rows: [string, ServerMemory][] = [
      ['idle, seeded', idle],
      ['after warm-up', warm],
      ...samples.map(({ at, m }) => [`  ${at.toFixed(0)} s (no GC)`, m] as [string, ServerMemory]),
      ['end of window', end],
      ['load stopped', after],
    ];
    console.log(`\n${'server memory'.padEnd(20)} ${'heap used'.padStart(10)} ${'rss'.padStart(10)} ${'state keys'.padStart(11)}`);
    for (const [label, m] of rows)
      console.log(
        `${label.padEnd(20)} ${mb(m.heapUsed).padStart(10)} ${mb(m.rss).padStart(10)} ${String(m.stats.stateKeys ?? '').padStart(11)}`,
      );
    console.log(`
turns/s          ${turnsPerSecond.toFixed(0)} (${result.ok} turns in ${(result.elapsedMs / 1000).toFixed(0)} s, ${result.warmupTurns} more in warm-up)
latency          p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, mean ${result.mean.toFixed(1)} ms
errors           ${result.errors}${result.errors ? ` ${JSON.stringify(result.errorKinds)}` : ''}
heap after GC    ${mb(warm.heapUsed)} after warm-up -> ${mb(end.heapUsed)} at the end of the window (${grew >= 0 ? '+' : ''}${mb(grew)})
rss              ${mb(warm.rss)} after warm-up -> ${mb(end.rss)} at the end of the window
state keys       ${warm.stats.stateKeys} -> ${end.stats.stateKeys} (bound ${stateKeys}; ${end.stats.stateEvicted} least recently used evicted)
memory grew      ${growth ? 'YES' : 'no'} (growth means more than ${GROWTH_RATIO * 100}% and ${mb(GROWTH_FLOOR)} of heap after GC)
machine load     ${load1.toFixed(1)} (1-minute load average on ${cpu.length} cores at the end; above ${cpu.length} other work competed for them)

How this was measured: the server is the real app (createDeps + createApp, offline brain, libSQL file, in-memory
state) in a child process started with --expose-gc; the load comes from another child: ${concurrency} closed-loop
conversations POSTing Emulator-shaped activities over keep-alive HTTP to /api/messages, replies landing on a local
Bot Framework connector in the generator. A turn counts with HTTP 200 and the right answer at the connector
(balance, tier, coupons; not a link, rate-limit or error notice). Memory: process.memoryUsage() in the server,
after a full GC where marked (GCs during the window cost its latency a little).`);
    for (const [kind, n] of Object.entries(result.errorKinds)) console.log(`  ${n} x ${kind}: ${result.errorSamples[kind]}`);
    if (result.errors || result.ok === 0 || growth) process.exitCode = 1;
  } finally {
    if (server.connected) server.send({ type: 'stop' });
    await Promise.race([exited(server), sleep(5_000).then(() => server.kill())]);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
