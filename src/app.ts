// createApp(deps): middleware and one route module per area; no I/O at import time.
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { botFrameworkRoutes } from './channels/botframework/route.js';
import { webchatPageRoutes } from './channels/webchat/page.js';
import { webchatDocs, webchatRoutes } from './channels/webchat/routes.js';
import type { AppDeps } from './deps.js';
import type { AppEnv } from './http/app-env.js';
import { notFound, onError } from './http/errors.js';
import { DomainError } from './lib/errors.js';
import { bodyLimit, requestId, setResponseHeader } from './http/middleware.js';
import { buildOpenApi, type RouteDoc } from './http/openapi.js';
import { adminDocs, adminRoutes } from './http/routes/admin.js';
import { healthRoutes } from './http/routes/health.js';
import { orderDocs, orderRoutes } from './http/routes/orders.js';
import { privacyDocs, privacyRoutes } from './http/routes/privacy.js';
import { activitySchema } from './channels/botframework/route.js';
import { staffDocs, staffRoutes } from './http/routes/staff.js';
import { agentDocs, agentRoutes } from './http/routes/agent.js';
import { marketingDocs, marketingRoutes } from './http/routes/marketing.js';
import { consoleRoutes } from './console/routes.js';
import { lineDocs, lineRoutes } from './channels/line/route.js';
import { telegramDocs, telegramRoutes } from './channels/telegram/route.js';
import { wechatDocs, wechatRoutes } from './channels/wechat/route.js';

export const APP_VERSION = '0.1.0';

/** Largest accepted request body; bigger ones get 413 before anything parses them. */
export const MAX_BODY_BYTES = 256 * 1024;

const messagesDoc: RouteDoc = {
  method: 'post',
  path: '/api/messages',
  summary: 'Bot Framework messaging endpoint (Azure Bot Service channels and the Emulator)',
  tag: 'channels',
  security: 'botFramework',
  body: activitySchema,
  errors: { 401: 'Bot Framework authentication failed (when MicrosoftAppId is set)' },
};

export const ROUTE_DOCS: RouteDoc[] = [
  messagesDoc,
  ...webchatDocs,
  ...wechatDocs,
  ...lineDocs,
  ...telegramDocs,
  ...orderDocs,
  ...adminDocs,
  ...privacyDocs,
  ...staffDocs,
  ...agentDocs,
  ...marketingDocs,
];

export function createApp(deps: AppDeps) {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use('*', requestId());
  // overwrite: false keeps a header a handler set itself (the console's `x-frame-options: DENY`).
  app.use('*', secureHeaders({ crossOriginResourcePolicy: false, overwrite: false }));
  // JSON answers are never documents: nothing in them may run, load or be framed (pages set their own policy).
  app.use('/api/*', async (c, next) => {
    await next();
    if (!c.res.headers.has('content-security-policy'))
      setResponseHeader(c, 'content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  });
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => {
        // The unread rest of the body is still on the wire: close the connection instead of reusing it.
        c.header('connection', 'close');
        throw new DomainError('payload_too_large', `Request body is larger than ${MAX_BODY_BYTES} bytes`);
      },
    }),
  );
  app.onError(onError);
  app.notFound(notFound);

  app.route('/', healthRoutes());
  app.route('/', botFrameworkRoutes(deps.botAdapter));
  app.route('/', webchatRoutes());
  app.route('/', webchatPageRoutes());
  app.route('/', wechatRoutes());
  app.route('/', lineRoutes());
  app.route('/', telegramRoutes());
  app.route('/', orderRoutes());
  app.route('/', privacyRoutes());
  app.route('/', adminRoutes());
  app.route('/', staffRoutes());
  app.route('/', agentRoutes());
  app.route('/', marketingRoutes());
  app.route('/', consoleRoutes());
  const openapi = buildOpenApi(ROUTE_DOCS, { version: APP_VERSION });
  app.get('/openapi.json', (c) => c.json(openapi));
  return app;
}

export type App = ReturnType<typeof createApp>;
