// Bench load generator child: closed-loop HTTP load at fixed concurrency, hosting the local connector replies land on.
import { Agent, request } from 'node:http';
import { emulatorActivity } from '../tests/support/connector.js';
import { startBenchConnector } from './connector.js';
import { judgeReply, QUESTIONS, type LoadConfig, type LoadResult } from './protocol.js';

interface Outcome {
  error: string | null;
  detail?: string;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function run(cfg: LoadConfig): Promise<LoadResult> {
  const connector = await startBenchConnector();
  const target = new URL('/api/messages', cfg.url);
  // One pooled keep-alive socket per in-flight request: the generator never queues behind its own pool.
  const agent = new Agent({ keepAlive: true, maxSockets: cfg.concurrency });
  const users = cfg.users.length ? cfg.users : Array.from({ length: 300 }, (_, i) => `bench-user-${i}`);
  let next = 0;

  const post = (body: string): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          hostname: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          // Bodies are read only when they explain a failure; a 200 from /api/messages has none worth reading.
          if (res.statusCode === 200) {
            res.resume();
            res.on('end', () => resolve({ status: 200, text: '' }));
          } else {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8').slice(0, 300) }));
          }
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('timeout after 30 s')));
      req.on('error', reject);
      req.end(body);
    });

  /** One turn: a message activity with a unique id from the next user, judged on status and connector reply. */
  const turn = async (): Promise<Outcome> => {
    const i = next++;
    // Users in rotation (so one member rarely has two turns in flight); the question shifts every lap.
    const user = users[i % users.length];
    const q = QUESTIONS[(i + Math.floor(i / users.length)) % QUESTIONS.length];
    const activity = emulatorActivity(connector.url, user, q.text, { locale: /[\u4e00-\u9fff]/.test(q.text) ? 'zh-CN' : 'en-US' });
    let status: number;
    let text: string;
    try {
      ({ status, text } = await post(JSON.stringify(activity)));
    } catch (err) {
      connector.replies.delete(activity.id);
      return { error: 'network', detail: err instanceof Error ? err.message : String(err) };
    }
    // The server answers only after the reply call to the connector returned, and the connector lives in
    // this process and records before it responds, so the reply (if any) is already in the map.
    const reply = connector.replies.get(activity.id);
    connector.replies.delete(activity.id);
    if (status !== 200) return { error: `http ${status}`, detail: text };
    if (cfg.scenario === 'hono') return { error: null };
    const bad = judgeReply(cfg.scenario, q, reply);
    return bad ? { error: bad, detail: `${q.text} -> ${reply ?? '(none)'}` } : { error: null };
  };

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const windowStart = t0 + cfg.warmupSeconds * 1000;
  const windowEnd = windowStart + cfg.seconds * 1000;
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  const errorSamples: Record<string, string> = {};
  let ok = 0;
  let errors = 0;
  let warmupTurns = 0;
  let completed = 0;

  // Workers run through warm-up and measurement without pausing, so the window opens with the pipe
  // full; only turns that complete inside [windowStart, windowEnd] count, wherever they started.
  const worker = async () => {
    while (performance.now() < windowEnd) {
      const started = performance.now();
      const outcome = await turn();
      const done = performance.now();
      completed += 1;
      if (done < windowStart) {
        warmupTurns += 1;
        continue;
      }
      if (done > windowEnd) break;
      if (outcome.error) {
        errors += 1;
        errorKinds[outcome.error] = (errorKinds[outcome.error] ?? 0) + 1;
        errorSamples[outcome.error] ??= outcome.detail ?? '';
      } else {
        ok += 1;
        latencies.push(done - started);
      }
    }
  };
  await Promise.all(Array.from({ length: cfg.concurrency }, worker));
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  agent.destroy();
  await connector.close();

  latencies.sort((a, b) => a - b);
  const mean = latencies.length ? latencies.reduce((s, x) => s + x, 0) / latencies.length : 0;
  return {
    type: 'result',
    scenario: cfg.scenario,
    ok,
    errors,
    errorKinds,
    errorSamples,
    elapsedMs: windowEnd - windowStart,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    mean,
    warmupTurns,
    completed,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
  };
}

process.on('disconnect', () => process.exit(0));
process.once('message', (cfg: LoadConfig) => {
  run(cfg)
    .then((result) => process.send?.(result, () => process.exit(0)))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
});
