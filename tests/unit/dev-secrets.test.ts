// Development secrets: generated once, kept with the local database, never overriding what the environment sets.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withDevSecrets } from '../../src/runtime/dev-secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'ma-dev-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('withDevSecrets', () => {
  it('generates missing secrets once, keeps them across restarts, and lets the environment win', () => {
    const first = withDevSecrets({ ADMIN_TOKEN: 'from-env' }, dir);
    expect(first.env.ADMIN_TOKEN).toBe('from-env');
    expect(first.fromFile.ADMIN_TOKEN).toBeUndefined();
    expect(first.env.WEBCHAT_SECRET).toMatch(/^[\w-]{20,}$/);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);

    const second = withDevSecrets({}, dir);
    expect(second.env.WEBCHAT_SECRET).toBe(first.env.WEBCHAT_SECRET);
    expect(second.env.ORDER_WEBHOOK_SECRET).toBe(first.env.ORDER_WEBHOOK_SECRET);
    expect(second.env.ADMIN_TOKEN).not.toBe('from-env');
    expect(JSON.parse(readFileSync(second.file, 'utf8')).ADMIN_TOKEN).toBe(second.env.ADMIN_TOKEN);
  });
});
