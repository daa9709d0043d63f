// The staff console under /console: assets, sign-in, and every area's pages, with HTML error pages.
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import { onError } from '../http/errors.js';
import { authenticateStaff, hasRole, requireStaff, currentStaff } from '../http/staff-auth.js';
import { DomainError, ERROR_STATUS } from '../lib/errors.js';
import { CONSOLE_CSS, CONSOLE_JS } from './assets.js';
import { authPages } from './auth-pages.js';
import { assetResponse, assetVersions, Card, CONSOLE_NAV, ConsoleDocument, ConsolePage, Notice, PageHeader, renderPage } from './layout.js';
import { staffPages } from './staff-pages.js';
import { handoffPages } from './handoff-pages.js';
import { feedbackPages } from './feedback-pages.js';
import { settingsPages } from './settings-pages.js';
import { marketingPages } from './marketing-pages.js';
import { campaignPages } from './campaign-pages.js';

/** Console errors are pages, not JSON: a wrong role or a stale form gets a readable explanation. */
async function consoleError(err: Error, c: Context<AppEnv>) {
  if (!(err instanceof DomainError)) return onError(err, c);
  const status = ERROR_STATUS[err.code] as 400 | 401 | 403 | 404 | 409 | 429 | 500;
  const { principal } = await authenticateStaff(c).catch(() => ({ principal: null }));
  const title =
    status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : status === 401 ? 'Please sign in' : 'Something is not right';
  const body = (
    <>
      <PageHeader title={title} />
      <Notice tone="error">{err.message}</Notice>
      <p>
        {principal ? (
          <a href="/console">Back to the console</a>
        ) : (
          <a href={`/console/login?next=${encodeURIComponent(c.req.path)}`}>Sign in</a>
        )}
      </p>
    </>
  );
  return renderPage(
    c,
    principal ? (
      <ConsolePage title={title} staff={principal}>
        {body}
      </ConsolePage>
    ) : (
      <ConsoleDocument title={title} bodyClass="login">
        <main class="card">{body}</main>
      </ConsoleDocument>
    ),
    status,
  );
}

/** Extra console areas mount here (handoff inbox, reports, marketer pages). */
export function consoleRoutes(...areas: Hono<AppEnv>[]) {
  const app = new Hono<AppEnv>();
  app.onError(consoleError);

  app.get('/console/assets/console.css', (c) =>
    assetResponse(CONSOLE_CSS, 'text/css; charset=utf-8', assetVersions().css, c.req.query('v')),
  );
  app.get('/console/assets/console.js', (c) =>
    assetResponse(CONSOLE_JS, 'text/javascript; charset=utf-8', assetVersions().js, c.req.query('v')),
  );

  app.route('/', authPages());
  app.route('/', staffPages());
  app.route('/', handoffPages());
  app.route('/', feedbackPages());
  app.route('/', settingsPages());
  app.route('/', marketingPages());
  app.route('/', campaignPages());
  for (const area of areas) app.route('/', area);

  // The landing page: agents go straight to their inbox; everyone else sees the areas their role opens.
  app.get('/console', requireStaff('any', { page: true }), (c) => {
    const me = currentStaff(c);
    if (me.role === 'agent') return c.redirect('/console/inbox', 302);
    const items = CONSOLE_NAV.filter((n) => n.key !== 'account' && hasRole(me.role, n.roles));
    return renderPage(
      c,
      <ConsolePage title="Console" staff={me}>
        <PageHeader title={`Hello, ${me.name}`} subtitle="Member Assistant staff console" />
        <div class="grid tiles">
          {items.map((n) => (
            <Card>
              <a href={n.href}>{n.label}</a>
            </Card>
          ))}
        </div>
      </ConsolePage>,
    );
  });

  app.get('/console/*', () => {
    throw new DomainError('not_found', 'There is no such console page');
  });
  return app;
}
