// A cheap local Bot Framework connector for the bench: bare node:http, answers {"id":"1"}, keeps the last reply per activity.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BenchConnector {
  url: string;
  /** Reply text keyed by the activity it replies to; the generator takes (and deletes) it on HTTP 200. */
  replies: Map<string, string>;
  calls: number;
  close(): Promise<void>;
}

/** POST /v3/conversations/{conv}/activities/{replyToId}: the path every reply to an inbound message takes. */
const REPLY_PATH = /^\/v3\/conversations\/[^/]+\/activities\/([^/?]+)/;

/**
 * Unlike tests/support/connector.ts (Hono, records everything), this keeps only what judging a turn
 * needs, so the generator process that hosts it spends its time generating load.
 */
export function startBenchConnector(): Promise<BenchConnector> {
  const replies = new Map<string, string>();
  const state = { calls: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.calls += 1;
      const m = REPLY_PATH.exec(req.url ?? '');
      if (m && req.method === 'POST') {
        try {
          const activity = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type?: string; text?: string };
          if (activity.type === 'message') replies.set(decodeURIComponent(m[1]), activity.text ?? '');
        } catch {
          // A body we cannot parse records nothing: the turn then counts as "no reply at connector".
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"1"}');
    });
  });
  // A long keep-alive, so clients that pool connections keep reusing them for the whole run.
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        replies,
        get calls() {
          return state.calls;
        },
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
