// Development secrets kept next to the local database, so a restart does not sign everyone out.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomSecret } from '../lib/crypto.js';

export const DEV_SECRET_NAMES = ['ADMIN_TOKEN', 'ORDER_WEBHOOK_SECRET', 'WEBCHAT_SECRET'] as const;
export type DevSecretName = (typeof DEV_SECRET_NAMES)[number];

/**
 * Fills the secrets the environment leaves empty from `<dir>/dev-secrets.json`, generating and saving any
 * that are missing (file mode 0600). Development only: production refuses to start without them set.
 * Returns the filled environment and the names that came from the file, to print once at start.
 */
export function withDevSecrets(
  env: Record<string, string | undefined>,
  dir: string,
): { env: Record<string, string | undefined>; fromFile: Partial<Record<DevSecretName, string>>; file: string } {
  const file = join(dir, 'dev-secrets.json');
  let saved: Partial<Record<DevSecretName, string>> = {};
  if (existsSync(file)) {
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as typeof saved;
    } catch {
      saved = {}; // unreadable: start over with new secrets
    }
  }
  const out = { ...env };
  const fromFile: Partial<Record<DevSecretName, string>> = {};
  let changed = false;
  for (const name of DEV_SECRET_NAMES) {
    if (out[name]?.trim()) continue;
    if (!saved[name]) {
      saved[name] = randomSecret();
      changed = true;
    }
    out[name] = fromFile[name] = saved[name];
  }
  if (changed) writeFileSync(file, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  return { env: out, fromFile, file };
}
