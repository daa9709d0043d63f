// Liveness (/health touches nothing) and readiness (/ready checks the member store).
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';

export function healthRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/ready', async (c) => {
    try {
      await c.get('deps').store.client.execute('select 1');
      return c.json({ status: 'ready', checks: { database: 'ok' } });
    } catch (err) {
      c.get('deps').log.warn('readiness check failed', { err });
      return c.json({ status: 'unavailable', checks: { database: 'failed' } }, 503);
    }
  });
  return app;
}
