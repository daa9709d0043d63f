// A local Upstash Redis REST server: Upstash's HTTP protocol in front of the machine's real Redis (127.0.0.1:6379).
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { RespClient, RespError, type RespValue } from './resp.js';
import { startServer, type RunningServer } from './server.js';

export interface UpstashServer extends RunningServer {
  /** The REST URL (UPSTASH_REDIS_REST_URL). */
  url: string;
  /** The bearer token it accepts (UPSTASH_REDIS_REST_TOKEN). */
  token: string;
  /** HTTP requests served, by path kind. */
  requests: { single: number; pipeline: number; multiExec: number; unauthorized: number };
  /** Direct access to the Redis behind it (assertions, cleanup). */
  redis: RespClient;
  /** Deletes every key starting with `prefix` (tests isolate themselves by key prefix). */
  cleanup(prefix: string): Promise<number>;
}

/**
 * Commands a REST request may not send: they would change or block the shared connection behind the server
 * (Upstash itself runs transactions only through /multi-exec and has no blocking or pub/sub over plain REST).
 */
const REFUSED = new Set([
  'multi',
  'exec',
  'discard',
  'watch',
  'unwatch',
  'select',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'monitor',
  'quit',
  'reset',
  'hello',
  'auth',
  'client',
  'blpop',
  'brpop',
  'blmove',
  'brpoplpush',
  'blmpop',
  'bzpopmin',
  'bzpopmax',
  'bzmpop',
  'wait',
  'shutdown',
]);

type Command = (string | number)[];

/** Upstash's base64 mode: every string in a result is base64 of its bytes, except the status reply "OK". */
function encodeResult(v: RespValue, base64: boolean): unknown {
  if (v === null || typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map((x) => (x instanceof RespError ? x.message : encodeResult(x, base64)));
  if (v instanceof RespError) return v.message;
  const bytes = Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8');
  if (!base64) return bytes.toString('utf8');
  return !Buffer.isBuffer(v) && v === 'OK' ? 'OK' : bytes.toString('base64');
}

function validCommand(c: unknown): c is Command {
  return Array.isArray(c) && c.length > 0 && typeof c[0] === 'string' && c.every((a) => typeof a === 'string' || typeof a === 'number');
}

/** Starts the server; `redisPort` is the real Redis it fronts. Call close() in afterAll. */
export async function startUpstashServer(options: { token?: string; redisPort?: number } = {}): Promise<UpstashServer> {
  const token = options.token ?? `test-${randomBytes(12).toString('hex')}`;
  const redis = await RespClient.connect(options.redisPort ?? 6379);
  const requests = { single: 0, pipeline: 0, multiExec: 0, unauthorized: 0 };
  let syncToken = 0;
  const app = new Hono();

  app.use('*', async (c, next) => {
    const auth = c.req.header('authorization');
    const given = auth?.startsWith('Bearer ') ? auth.slice(7) : c.req.query('_token');
    if (given !== token) {
      requests.unauthorized += 1;
      return c.json({ error: 'Unauthorized' }, 401);
    }
    if (!['GET', 'POST', 'PUT', 'HEAD'].includes(c.req.method)) return c.json({ error: 'Method Not Allowed' }, 405);
    await next();
    // Read-your-writes: Upstash returns a sync token the client echoes; one Redis needs no replica catch-up.
    c.header('upstash-sync-token', String(++syncToken));
  });

  const base64 = (c: Context) => c.req.header('upstash-encoding')?.toLowerCase() === 'base64';
  const refused = (cmd: Command) => REFUSED.has(String(cmd[0]).toLowerCase());
  const body = async (c: Context): Promise<unknown> => {
    try {
      return await c.req.json();
    } catch {
      return undefined;
    }
  };

  const single = async (c: Context, cmd: unknown) => {
    requests.single += 1;
    if (!validCommand(cmd)) return c.json({ error: 'ERR failed to parse command' }, 400);
    if (refused(cmd)) return c.json({ error: `ERR Command is not allowed: ${String(cmd[0]).toUpperCase()}` }, 400);
    const r = await redis.command(...cmd);
    if (r instanceof RespError) return c.json({ error: r.message }, 400);
    return c.json({ result: encodeResult(r, base64(c)) });
  };

  app.post('/pipeline', async (c) => {
    requests.pipeline += 1;
    const cmds = await body(c);
    if (!Array.isArray(cmds) || !cmds.length || !cmds.every(validCommand))
      return c.json({ error: 'ERR failed to parse pipeline request' }, 400);
    const bad = cmds.find(refused);
    if (bad) return c.json({ error: `ERR Command is not allowed: ${String(bad[0]).toUpperCase()}` }, 400);
    const replies = await redis.commands(cmds);
    return c.json(replies.map((r) => (r instanceof RespError ? { error: r.message } : { result: encodeResult(r, base64(c)) })));
  });

  app.post('/multi-exec', async (c) => {
    requests.multiExec += 1;
    const cmds = await body(c);
    if (!Array.isArray(cmds) || !cmds.length || !cmds.every(validCommand))
      return c.json({ error: 'ERR failed to parse transaction request' }, 400);
    const bad = cmds.find(refused);
    if (bad) return c.json({ error: `ERR Command is not allowed: ${String(bad[0]).toUpperCase()}` }, 400);
    // MULTI, the commands and EXEC go out in one write on the one connection: nothing can interleave.
    const replies = await redis.commands([['MULTI'], ...cmds, ['EXEC']]);
    const exec = replies[replies.length - 1];
    if (exec instanceof RespError) return c.json({ error: exec.message }, 400);
    if (!Array.isArray(exec)) return c.json({ error: 'ERR transaction aborted' }, 400);
    return c.json(exec.map((r) => (r instanceof RespError ? { error: r.message } : { result: encodeResult(r, base64(c)) })));
  });

  app.post('/', async (c) => single(c, await body(c)));

  // The path form: /set/foo/bar, with a POST body appended as the last argument.
  app.on(['GET', 'POST', 'PUT', 'HEAD'], '/*', async (c) => {
    const parts = c.req.path.split('/').filter(Boolean).map(decodeURIComponent);
    if (!parts.length) return c.json({ result: 'Welcome to the local Upstash REST server' });
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const text = await c.req.text();
      if (text) parts.push(text);
    }
    return single(c, parts);
  });

  const server = await startServer(app.fetch);
  return {
    ...server,
    token,
    requests,
    redis,
    async cleanup(prefix: string) {
      let cursor = '0';
      let deleted = 0;
      do {
        const r = (await redis.command('SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)) as [Buffer, Buffer[]];
        cursor = r[0].toString();
        if (r[1].length) deleted += Number(await redis.command('DEL', ...r[1]));
      } while (cursor !== '0');
      return deleted;
    },
    async close() {
      await server.close();
      redis.close();
    },
  };
}
