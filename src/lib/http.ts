// Outbound HTTP as the channels need it: one request in, status + headers + text out.

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

/**
 * The narrow client the Bot Framework adapter and token provider use. Workers (and tests that point at a
 * local server) use fetch; Node uses undici's dispatcher with a keep-alive pool per origin (src/runtime/node-http.ts),
 * which costs about a fifth of the CPU of Node 20's fetch per reply.
 */
export type HttpClient = (req: HttpRequest) => Promise<HttpResponse>;

/** An HttpClient over any fetch implementation. */
export function fetchHttpClient(fetchImpl: typeof fetch = fetch): HttpClient {
  return async (req) => {
    const res = await fetchImpl(req.url, { method: req.method, headers: req.headers, body: req.body });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return { status: res.status, headers, body: await res.text() };
  };
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined if absent or invalid. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
