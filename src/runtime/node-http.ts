// Node's HttpClient: undici's dispatcher API, one keep-alive pool per origin. Per reply it costs about a third of the
// CPU of node:http's client and a fifth of Node 20's fetch (both measured against a local connector on this machine).
import { Agent } from 'undici';
import type { HttpClient } from '../lib/http.js';

/** Gives up on a call whose headers, or the gap between two body chunks, take longer than this (the caller's retry policy decides what next). */
const REQUEST_TIMEOUT_MS = 15_000;
/** Sockets per origin: the connector of one region answers every reply, so its pool is the one that fills. */
const CONNECTIONS_PER_ORIGIN = 256;

/** `origin` and `path` of an absolute URL, as the dispatcher takes them (it would otherwise parse a URL itself, twice). */
function target(raw: string): { origin: string; path: string } {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported URL scheme ${url.protocol}`);
  return { origin: url.origin, path: url.pathname + url.search };
}

export function nodeHttpClient(options: { timeoutMs?: number } = {}): HttpClient {
  const timeout = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const dispatcher = new Agent({ connections: CONNECTIONS_PER_ORIGIN, headersTimeout: timeout, bodyTimeout: timeout });
  return async (req) => {
    const { origin, path } = target(req.url);
    const res = await dispatcher.request({ origin, path, method: req.method, headers: req.headers, body: req.body });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    return { status: res.statusCode, headers, body: await res.body.text() };
  };
}
