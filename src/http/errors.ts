// One error shape for every JSON route: { error: { code, message, requestId } }.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DomainError, ERROR_STATUS, type ErrorCode } from '../lib/errors.js';
import type { AppEnv } from './app-env.js';

export function errorBody(c: Context<AppEnv>, code: ErrorCode, message: string, details?: unknown) {
  return { error: { code, message, requestId: c.get('requestId'), ...(details === undefined ? {} : { details }) } };
}

/** Maps DomainError and HTTPException to their status; anything else is a logged 500 without internals. */
export function onError(err: Error, c: Context<AppEnv>) {
  if (err instanceof DomainError) {
    return c.json(
      errorBody(c, err.code, err.message, err.code === 'insufficient_points' ? err.details : undefined),
      ERROR_STATUS[err.code],
    );
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code: ErrorCode =
      status === 401
        ? 'unauthorized'
        : status === 413
          ? 'payload_too_large'
          : status === 415
            ? 'unsupported_media_type'
            : status === 404
              ? 'not_found'
              : status < 500
                ? 'bad_request'
                : 'internal';
    return c.json(errorBody(c, code, err.message || 'Request failed'), status);
  }
  c.get('deps')?.log.error('unhandled error', { requestId: c.get('requestId'), path: c.req.path, err });
  return c.json(errorBody(c, 'internal', 'Internal error'), 500);
}

export function notFound(c: Context<AppEnv>) {
  return c.json(errorBody(c, 'not_found', `No route for ${c.req.method} ${c.req.path}`), 404);
}
