// Shared bits of the CLI scripts: argument parsing, opening (and creating) the store, a domain context from env.
import { createReadStream, mkdirSync, rmSync, statSync, type ReadStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Store } from '../src/db/client.js';
import { openNodeStore } from '../src/db/open-node.js';
import { migrateStore } from '../src/db/migrate.js';
import { DEFAULT_RULES, type DomainCtx, type LoyaltyRules } from '../src/domain/context.js';
import { parseEnv } from '../src/env.js';
import { systemClock } from '../src/lib/time.js';

export const DEFAULT_DATABASE_URL = 'file:./data/member-assistant.db';

/**
 * Parses `--name value`, `--name=value` and bare `--flag` (true). Unknown options are an error so a
 * typo never silently runs against the default database.
 */
export function parseArgs(argv: string[], spec: Record<string, 'string' | 'boolean'>): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument: ${arg}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const kind = spec[name];
    if (!kind) throw new Error(`Unknown option --${name}`);
    if (kind === 'boolean') {
      out[name] = true;
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--'))) throw new Error(`--${name} needs a value`);
    out[name] = value;
  }
  return out;
}

/** The database URL from the flag, then DATABASE_URL, then the local default. */
export function databaseUrl(flag: string | boolean | undefined): string {
  return typeof flag === 'string' && flag !== '' ? flag : process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

/** Removes a local database file and its WAL/SHM companions (only `file:` URLs). */
export function removeLocalDatabase(url: string): void {
  if (!url.startsWith('file:')) throw new Error('--reset only works on a local file: database');
  const path = resolve(url.slice('file:'.length).split('?')[0]);
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}

/** Opens the store (creating the directory of a local file) and applies migrations. */
export async function openMigratedStore(url: string): Promise<Store> {
  if (url.startsWith('file:')) mkdirSync(dirname(resolve(url.slice('file:'.length).split('?')[0])), { recursive: true });
  const store = await openNodeStore(url, process.env.DATABASE_AUTH_TOKEN || undefined);
  await migrateStore(store);
  return store;
}

/** Loyalty rules from the same environment variables the server reads, so CLI writes follow the same rules. */
export function domainCtxFromEnv(store: Store): DomainCtx {
  const config = parseEnv(process.env);
  const rules: LoyaltyRules = {
    ...DEFAULT_RULES,
    expiryMonths: config.POINTS_EXPIRY_MONTHS,
    expiringSoonDays: config.EXPIRING_SOON_DAYS,
    keepTierHorizonDays: config.KEEP_TIER_HORIZON_DAYS,
    linkCodeTtlMinutes: config.LINK_CODE_TTL_MINUTES,
  };
  return { store, clock: systemClock, rules };
}

/**
 * Streams a file line by line (never the whole file in one string) and tells how far it has read.
 * The stream opens on first iteration: readline starts emitting at once, and lines emitted before
 * anyone iterates are lost (or, if the file ends first, the iteration never finishes), which bites
 * when the orders file waits for the products file to be imported.
 */
export function fileLines(path: string): { lines: AsyncIterable<string>; bytesRead(): number; size: number } {
  const size = statSync(path).size;
  let stream: ReadStream | undefined;
  return {
    size,
    bytesRead: () => stream?.bytesRead ?? 0,
    lines: {
      [Symbol.asyncIterator]() {
        stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
        return createInterface({ input: stream, crlfDelay: Infinity })[Symbol.asyncIterator]();
      },
    },
  };
}

export const num = (n: number) => n.toLocaleString('en-US');

/** Runs a CLI main: prints the error message (not a stack) and exits non-zero. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
