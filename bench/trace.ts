// `tsx bench/trace.ts`: where a pipeline turn's time goes: in-process turns (no sockets), every SQL statement timed.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { emulatorActivity } from '../tests/support/connector.js';
import { createBenchPipeline } from './pipeline-app.js';
import { judgeReply, QUESTIONS } from './protocol.js';
import { instrumentLibsql, sqlReport } from './sql-trace.js';

async function main() {
  const { values } = parseArgs({
    options: {
      turns: { type: 'string', default: '2000' },
      members: { type: 'string', default: '300' },
      warmup: { type: 'string', default: '300' },
      concurrency: { type: 'string', default: '1' },
    },
  });
  const concurrency = Number(values.concurrency);
  const turns = Number(values.turns);
  const sql = instrumentLibsql();
  // Replies "go out" through a fetch that answers at once, so this measures the server's own work.
  const replies = new Map<string, string>();
  const fakeFetch = (async (url: string | URL | Request, init?: RequestInit) => {
    const m = /\/activities\/([^/?]+)$/.exec(String(url));
    if (m && init?.body) replies.set(decodeURIComponent(m[1]), (JSON.parse(String(init.body)) as { text?: string }).text ?? '');
    return new Response('{"id":"1"}', { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const p = await createBenchPipeline({ members: Number(values.members), fetch: fakeFetch });
  console.log(
    `trace: ${p.note}; ${values.warmup} warm-up turns, then ${turns} turns through app.fetch (no sockets), ${concurrency} at a time`,
  );

  let i = 0;
  const turn = async () => {
    const user = p.users[i % p.users.length];
    const q = QUESTIONS[(i + Math.floor(i / p.users.length)) % QUESTIONS.length];
    i += 1;
    const a = emulatorActivity('http://connector.invalid', user, q.text);
    const res = await p.app.fetch(
      new Request('http://bench/api/messages', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(a),
      }),
    );
    await res.arrayBuffer();
    const bad = res.status !== 200 ? `http ${res.status}` : judgeReply('pipeline', q, replies.get(a.id));
    replies.delete(a.id);
    if (bad) throw new Error(`turn failed: ${bad}`);
  };

  for (let w = 0; w < Number(values.warmup); w++) await turn();
  sql.reset();
  const per: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let started = 0;
  // Closed loop in this process: with --concurrency > 1, turns interleave at their awaits as under load.
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < turns) {
        started += 1;
        const s = performance.now();
        await turn();
        per.push(performance.now() - s);
      }
    }),
  );
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  per.sort((a, b) => a - b);
  const sqlMs = [...sql.stats.values()].reduce((s, x) => s + x.prepareMs + x.execMs, 0);
  console.log(
    `\n${turns} turns in ${wall.toFixed(0)} ms: ${(wall / turns).toFixed(2)} ms/turn at concurrency ${concurrency} (latency p50 ${per[Math.floor(turns / 2)].toFixed(2)}, p99 ${per[Math.floor(turns * 0.99)].toFixed(2)})`,
  );
  console.log(`  CPU ${(cpuMs / turns).toFixed(2)} ms/turn (GC and libuv threads included, so it can exceed wall)`);
  console.log(
    `  everything but SQL (Hono, botbuilder, drizzle, pipeline, brain, templates): ${(((wall - sqlMs) * 1000) / turns).toFixed(0)} µs/turn of wall\n`,
  );
  console.log(sqlReport([...sql.stats.values()], turns, wall));
  p.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
