// Baseline for `npm run bench:edge`: a bare Hono Worker, built with the same wrangler settings as the app.
import { Hono } from 'hono';

const app = new Hono();
app.get('/health', (c) => c.json({ status: 'ok' }));

export default app;
