// The Node runtime's outbound HTTP client (undici) against a real local server: what the channels get back.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHttpClient } from '../../src/runtime/node-http.js';

let server: Server;
let base: string;
let connections = 0;
const seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.url === '/slow') return; // never answers
      if (req.url === '/fail') {
        res.writeHead(503, { 'retry-after': '7', 'content-type': 'application/json' });
        return res.end('{"error":"busy"}');
      }
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(201, { 'content-type': 'application/json', 'X-Trace': 'abc' });
      res.end(JSON.stringify({ id: '中文-1' }));
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('nodeHttpClient', () => {
  it('sends method, path with query, headers and a UTF-8 body, and returns status, lower-case headers and text', async () => {
    const http = nodeHttpClient();
    const body = JSON.stringify({ text: '您的积分 9,785' });
    const res = await http({
      method: 'POST',
      url: `${base}/v3/conversations/c%3A1/activities/a1?x=1`,
      headers: { 'content-type': 'application/json', authorization: 'Bearer t' },
      body,
    });
    expect(res.status).toBe(201);
    expect(JSON.parse(res.body)).toEqual({ id: '中文-1' });
    expect(res.headers['x-trace']).toBe('abc');
    expect(res.headers['set-cookie']).toBe('a=1, b=2');
    const got = seen.at(-1);
    expect(got?.method).toBe('POST');
    expect(got?.url).toBe('/v3/conversations/c%3A1/activities/a1?x=1');
    expect(got?.headers.authorization).toBe('Bearer t');
    expect(got?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(got?.body).toBe(body);
  });

  it('returns an error status as a response (the caller decides on retries), with its headers', async () => {
    const res = await nodeHttpClient()({ method: 'GET', url: `${base}/fail`, headers: {} });
    expect(res).toMatchObject({ status: 503, body: '{"error":"busy"}' });
    expect(res.headers['retry-after']).toBe('7');
  });

  it('reuses kept-alive connections across calls', async () => {
    const http = nodeHttpClient();
    const before = connections;
    for (let i = 0; i < 20; i++) expect((await http({ method: 'GET', url: `${base}/ok`, headers: {} })).status).toBe(201);
    // undici may open a second socket while the first one's response is still being read; never one per call.
    expect(connections - before).toBeLessThanOrEqual(2);
  });

  it('gives up on a server that does not answer, and refuses a URL that is not http(s)', async () => {
    const http = nodeHttpClient({ timeoutMs: 300 });
    await expect(http({ method: 'GET', url: `${base}/slow`, headers: {} })).rejects.toThrow(/timeout/i);
    await expect(http({ method: 'GET', url: 'ftp://127.0.0.1/x', headers: {} })).rejects.toThrow(/unsupported URL scheme/);
    await expect(http({ method: 'GET', url: 'not a url', headers: {} })).rejects.toThrow();
  });
});
