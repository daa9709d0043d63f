// Node's HttpClient: node:http/https with keep-alive agents (fetch in Node 20 costs about 4x the CPU per call).
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { HttpClient } from '../lib/http.js';

/** Gives up on a call that has not answered in this long (the caller's retry policy decides what next). */
const REQUEST_TIMEOUT_MS = 15_000;

export function nodeHttpClient(): HttpClient {
  const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 256 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 256 }) };
  return (req) =>
    new Promise((resolve, reject) => {
      const url = new URL(req.url);
      const secure = url.protocol === 'https:';
      const headers: Record<string, string | number> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
      const send = secure ? httpsRequest : httpRequest;
      const r = send(
        url,
        { method: req.method, headers, agent: secure ? agents.https : agents.http, timeout: REQUEST_TIMEOUT_MS },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
            resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      r.on('timeout', () => r.destroy(new Error(`request to ${url.host} timed out`)));
      r.on('error', reject);
      r.end(req.body);
    });
}
