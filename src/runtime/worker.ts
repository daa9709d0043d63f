// Cloudflare Workers entry: fetch, queue and scheduled handlers over the same app; deps built once per isolate from bindings.
import type { ExecutionContext } from 'hono';
import { createApp } from '../app.js';
import { openStore } from '../db/client.js';
import { createDeps, createState, type AppDeps } from '../deps.js';
import { parseEnv } from '../env.js';
import { dispatchMessage, RetryLater, type QueueMessage } from '../jobs/queue.js';
import { runCron } from '../jobs/run.js';
import { createLogger } from '../lib/log.js';
import { MemoryState } from '../state/memory.js';
import { CloudflareQueue, type QueueBinding } from './cloudflare-queue.js';

/** Bindings: wrangler.toml [vars], secrets, and the JOBS_QUEUE producer. */
export interface WorkerEnv {
  JOBS_QUEUE?: QueueBinding;
  [name: string]: unknown;
}

interface QueueMessageHandle<T> {
  readonly id: string;
  readonly body: T;
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}
interface MessageBatch<T> {
  readonly queue: string;
  readonly messages: readonly QueueMessageHandle<T>[];
}
interface ScheduledController {
  readonly cron: string;
  readonly scheduledTime: number;
}

interface Booted {
  deps: AppDeps;
  app: ReturnType<typeof createApp>;
}

let booting: Promise<Booted> | null = null;

/** Builds the deps once per isolate, on first use (a failed boot is retried by the next event). */
function boot(env: WorkerEnv): Promise<Booted> {
  booting ??= build(env).catch((err) => {
    booting = null;
    throw err;
  });
  return booting;
}

async function build(env: WorkerEnv): Promise<Booted> {
  const strings: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env))
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') strings[k] = String(v);
  const config = parseEnv(strings);
  const log = createLogger(config.LOG_LEVEL);
  if (config.DATABASE_URL.startsWith('file:')) {
    throw new Error(
      'DATABASE_URL must be a remote libSQL URL on Workers (libsql://<db>.turso.io, https:// or wss://): there is no filesystem',
    );
  }
  const state = createState(config, log);
  // Memory state is per isolate: dedupe, rate limits and locks would not hold across the fleet.
  if (state instanceof MemoryState && config.NODE_ENV === 'production') {
    throw new Error('UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN must be set on Workers in production');
  }
  if (!env.JOBS_QUEUE && config.NODE_ENV === 'production') throw new Error('the JOBS_QUEUE queue binding is missing (wrangler.toml)');
  const store = await openStore(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN, { busyTimeoutMs: config.DB_BUSY_TIMEOUT_MS });
  const deps = createDeps({
    config,
    store,
    state,
    log,
    // workerd's fetch throws "Illegal invocation" when called as a method of another object; keep it unbound.
    fetch: (input, init) => fetch(input, init),
    queue: env.JOBS_QUEUE ? new CloudflareQueue(env.JOBS_QUEUE) : undefined,
  });
  log.info('worker isolate booted', { brain: deps.brain.name, queue: env.JOBS_QUEUE ? 'cloudflare' : 'in-process' });
  return { deps, app: createApp(deps) };
}

/** Seconds before a failed message is tried again: what the handler asked for, else exponential up to 10 minutes. */
function retryDelay(err: unknown, attempts: number): number {
  if (err instanceof RetryLater) return Math.max(0, Math.ceil(err.delaySeconds));
  return Math.min(600, 5 * 2 ** Math.max(0, attempts - 1));
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let booted: Booted;
    try {
      booted = await boot(env);
    } catch (err) {
      console.error(JSON.stringify({ level: 'error', msg: 'worker boot failed', err: err instanceof Error ? err.message : String(err) }));
      return Response.json(
        { error: { code: 'unavailable', message: 'The service is not configured correctly', requestId: crypto.randomUUID() } },
        { status: 503 },
      );
    }
    return booted.app.fetch(request, env, ctx);
  },

  /** Consumer of JOBS_QUEUE: messages of one batch run concurrently; each is acked or retried on its own. */
  async queue(batch: MessageBatch<QueueMessage>, env: WorkerEnv): Promise<void> {
    const { deps } = await boot(env);
    await Promise.all(
      batch.messages.map(async (msg) => {
        try {
          await dispatchMessage(deps, msg.body);
          msg.ack();
        } catch (err) {
          const delaySeconds = retryDelay(err, msg.attempts);
          deps.log.warn('queue message failed; retrying', { id: msg.id, type: msg.body?.type, attempts: msg.attempts, delaySeconds, err });
          msg.retry({ delaySeconds });
        }
      }),
    );
  },

  /** Cron triggers: runs the registry's jobs of the expression that fired; fails the invocation if any job failed. */
  async scheduled(controller: ScheduledController, env: WorkerEnv): Promise<void> {
    const { deps } = await boot(env);
    const outcomes = await runCron(deps, controller.cron);
    const failed = outcomes.filter((o) => o.status === 'failed');
    if (failed.length) throw new Error(`jobs failed: ${failed.map((o) => o.job).join(', ')}`);
  },
};
