// OpenAPI 3.1 document built from the same zod schemas the routes validate with.
import * as z from 'zod/v4';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path template, e.g. /api/admin/members/{id}. */
  path: string;
  summary: string;
  tag: string;
  security?:
    | 'admin'
    | 'staff'
    | 'orderSignature'
    | 'webchatSession'
    | 'botFramework'
    | 'wechatSignature'
    | 'lineSignature'
    | 'telegramSecret';
  body?: z.ZodType;
  query?: z.ZodObject;
  headers?: Record<string, string>;
  response?: z.ZodType;
  /** Other documented statuses with a description. */
  errors?: Record<number, string>;
}

const schema = (s: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(s, { io, unrepresentable: 'any' });

const ERROR = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
};

/** Builds the document; every JSON route registers a RouteDoc next to its handler. */
export function buildOpenApi(docs: RouteDoc[], info: { version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const d of docs) {
    const params = [...(d.path.match(/\{(\w+)\}/g) ?? [])].map((p) => ({
      name: p.slice(1, -1),
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (d.query) {
      for (const [name, s] of Object.entries(d.query.shape)) {
        params.push({
          name,
          in: 'query',
          required: !(s as z.ZodType).safeParse(undefined).success,
          schema: schema(s as z.ZodType, 'input') as never,
        });
      }
    }
    for (const [name, description] of Object.entries(d.headers ?? {})) {
      params.push({ name, in: 'header', required: true, schema: { type: 'string', description } as never });
    }
    const responses: Record<string, unknown> = {
      200: { description: 'OK', content: d.response ? { 'application/json': { schema: schema(d.response, 'output') } } : undefined },
    };
    for (const [status, description] of Object.entries({ 400: 'Invalid request', ...d.errors })) {
      responses[status] = { description, content: { 'application/json': { schema: ERROR } } };
    }
    paths[d.path] ??= {};
    paths[d.path][d.method] = {
      summary: d.summary,
      tags: [d.tag],
      security: d.security ? [{ [d.security]: [] }] : undefined,
      parameters: params.length ? params : undefined,
      requestBody: d.body ? { required: true, content: { 'application/json': { schema: schema(d.body, 'input') } } } : undefined,
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Member Assistant API', version: info.version },
    components: {
      securitySchemes: {
        admin: { type: 'http', scheme: 'bearer', description: "ADMIN_TOKEN or an admin's staff API token" },
        staff: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A staff API token (mat_…, created on /console/account) or ADMIN_TOKEN; the role decides what it may do. Console pages may use their session cookie instead, with X-CSRF-Token on every non-GET request',
        },
        orderSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Signature',
          description:
            'sha256=<hex HMAC-SHA256 of "<X-Timestamp>.<raw body>" with ORDER_WEBHOOK_SECRET>; X-Timestamp is unix seconds within 5 minutes',
        },
        webchatSession: { type: 'http', scheme: 'bearer', description: 'session token from POST /api/webchat/session' },
        botFramework: { type: 'http', scheme: 'bearer', description: 'Bot Framework channel JWT (when MicrosoftAppId is set)' },
        wechatSignature: {
          type: 'apiKey',
          in: 'query',
          name: 'signature',
          description:
            'hex SHA-1 of sorted WECHAT_TOKEN, timestamp, nonce; in safe mode also msg_signature over them and the Encrypt value',
        },
        lineSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Line-Signature',
          description: 'base64 HMAC-SHA256 of the raw body with LINE_CHANNEL_SECRET',
        },
        telegramSecret: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Telegram-Bot-Api-Secret-Token',
          description: 'TELEGRAM_WEBHOOK_SECRET, as given to setWebhook',
        },
      },
    },
    paths,
  };
}
