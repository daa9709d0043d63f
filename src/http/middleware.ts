// HTTP middleware: request ids, admin auth (see staff-auth.ts), JSON body parsing with zod.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import type * as z from 'zod/v4';
import { DomainError } from '../lib/errors.js';
import type { AppEnv } from './app-env.js';
import { requireStaff } from './staff-auth.js';

/**
 * Refuses request bodies over `maxSize` with `onError`. A declared Content-Length is checked from the header
 * alone; a body without one is counted as it streams, by Hono's own body limit. Hono's middleware
 * reads `c.req.raw.body` first, which on Node makes @hono/node-server build a full web Request (with its
 * AbortSignal and stream) for every request; checking the header first keeps node-server's direct body read.
 */
export function bodyLimit(options: {
  maxSize: number;
  onError: (c: Context<AppEnv>) => Response | Promise<Response>;
}): MiddlewareHandler<AppEnv> {
  const streamed = honoBodyLimit(options);
  return async function bodyLimitMiddleware(c, next) {
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      const length = Number(declared);
      if (!/^\d+$/.test(declared.trim()) || !Number.isSafeInteger(length))
        throw new DomainError('bad_request', 'Content-Length is not a number');
      return length > options.maxSize ? options.onError(c) : next();
    }
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    // Chunked, or a platform that hides the framing headers (Workers may): count the bytes as they stream.
    return streamed(c, next);
  };
}

export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const incoming = c.req.header('x-request-id');
    const id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', id);
    await next();
    setResponseHeader(c, 'x-request-id', id);
  };
}

/**
 * Sets a header on the response a handler returned, in place. Hono's `c.header()` after `next()` first copies the
 * response (it reads `bodyUsed`), which on Node turns @hono/node-server's lightweight response into a web Response
 * whose body is then streamed out: about 40 µs of CPU per request, a tenth of a whole chat turn. The responses the
 * app builds have mutable headers; an immutable one (a Response straight from fetch) takes Hono's copy instead.
 */
export function setResponseHeader(c: Context, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    c.header(name, value);
  }
}

/** Constant-time string comparison (no early exit on the first differing byte). */
export function safeEqual(a: string, b: string): boolean {
  const ea = new TextEncoder().encode(a);
  const eb = new TextEncoder().encode(b);
  let diff = ea.length ^ eb.length;
  for (let i = 0; i < Math.max(ea.length, eb.length); i++) diff |= (ea[i] ?? 0) ^ (eb[i] ?? 0);
  return diff === 0;
}

/**
 * Guards /api/admin/*: `Authorization: Bearer <ADMIN_TOKEN>` or an admin's staff API token (or an admin's
 * console session with its CSRF token). Other roles get 403.
 */
export function adminAuth(): MiddlewareHandler<AppEnv> {
  return requireStaff(['admin'], { page: false });
}

/**
 * JSON routes take `application/json` (or a `+json` type) only: a form or text body is a 415, so a browser form
 * posted cross-site (which cannot send application/json without a CORS preflight) never reaches a JSON handler.
 */
export function requireJsonContentType(c: Context<AppEnv>): void {
  const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && !/^application\/[\w.-]+\+json$/.test(type)) {
    throw new DomainError('unsupported_media_type', 'Content-Type must be application/json');
  }
}

/** Reads and validates a JSON body; malformed JSON and schema failures are 400s that name the fields. */
export async function jsonBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  requireJsonContentType(c);
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new DomainError('bad_request', 'Body must be valid JSON');
  }
  return parseWith(schema, raw);
}

export function parseWith<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new DomainError('bad_request', `Invalid request: ${msg}`);
  }
  return r.data;
}
