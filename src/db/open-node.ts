// Opening the store on Node: local files through the lean local client, remote URLs (Turso) through @libsql/client.
import { createLocalClient } from './local-client.js';
import { ENGINE_BUSY_TIMEOUT_MS, openStore, type BusyRetryOptions, type Store } from './client.js';

/** The file path of a `file:` URL (`file:./data/x.db`, `file:/abs/x.db`, `file:///abs/x.db`), query dropped. */
export function filePath(url: string): string {
  const rest = url.slice('file:'.length).split('?')[0];
  return rest.startsWith('//') ? rest.slice(2) : rest;
}

/** Opens `url` for this Node process (the Worker runtime has its own entry and never opens files). */
export function openNodeStore(url: string, authToken?: string, options: BusyRetryOptions = {}): Promise<Store> {
  if (!url.startsWith('file:')) return openStore(url, authToken, options);
  return openStore(url, authToken, { ...options, client: createLocalClient(filePath(url), { busyTimeoutMs: ENGINE_BUSY_TIMEOUT_MS }) });
}
