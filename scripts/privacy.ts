// `npm run privacy -- export|erase <memberId>`: data-subject requests from the command line (audited as `cli`).
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createState } from '../src/deps.js';
import { collectMemberData, eraseMember, exportMember, forgetConversationState, type PrivacyActor } from '../src/domain/privacy/index.js';
import { DomainError } from '../src/lib/errors.js';
import { parseEnv } from '../src/env.js';
import { MemoryState } from '../src/state/memory.js';
import { ResilientState } from '../src/state/resilient.js';
import { databaseUrl, domainCtxFromEnv, num, openMigratedStore, parseArgs, runMain } from './cli-support.js';

const USAGE = `Usage: npm run privacy -- <command> <memberId> [options] [--database-url URL]
  export <memberId> [--out FILE]   everything stored about the member as one JSON document (stdout or FILE)
  erase <memberId> --yes           erase the member's personal data; without --yes, only shows what would change
Options: --operator NAME (recorded in the audit log; default: the OS user)`;

const SPEC = { out: 'string', yes: 'boolean', operator: 'string', 'database-url': 'string', help: 'boolean' } as const;

function operatorName(flag: string | boolean | undefined): string {
  if (typeof flag === 'string' && flag) return flag;
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

async function main() {
  const [command, memberId, ...rest] = process.argv.slice(2);
  const args = parseArgs(rest, SPEC);
  if (!command || args.help || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (command !== 'export' && command !== 'erase') throw new Error(`Unknown command ${command}\n${USAGE}`);
  if (!memberId || memberId.startsWith('--')) throw new Error(`A member id is required\n${USAGE}`);
  const store = await openMigratedStore(databaseUrl(args['database-url']));
  const ctx = domainCtxFromEnv(store);
  const actor: PrivacyActor = { staffId: null, via: 'cli', operator: operatorName(args.operator) };
  try {
    if (command === 'export') {
      const doc = await exportMember({ ctx, input: { memberId, actor } });
      const json = `${JSON.stringify(doc, null, 2)}\n`;
      if (typeof args.out === 'string') {
        writeFileSync(args.out, json, { mode: 0o600 });
        console.error(`Wrote the export of ${memberId} to ${args.out}`);
      } else process.stdout.write(json);
      return;
    }
    if (!args.yes) {
      // A preview reads what erasure would touch; it exports nothing, so it is not audited as an export.
      const found = await collectMemberData(store.db, memberId);
      if (!found) throw new DomainError('not_found', 'Member not found');
      const rows = Object.entries(found.data).filter(([, r]) => r.length);
      console.log(`Member ${memberId}${found.erasedAt ? ` (erased ${found.erasedAt.toISOString()})` : ''} has:`);
      for (const [key, r] of rows) console.log(`  ${key.padEnd(24)} ${num(r.length)}`);
      console.log('Nothing was changed. Run again with --yes to erase (the ledger and orders are kept, anonymized).');
      process.exitCode = 2;
      return;
    }
    const r = await eraseMember({ ctx, input: { memberId, actor } });
    // A server on memory state keeps its own keys (they expire within 30 minutes); shared Upstash state is cleared here,
    // on the store itself: this process ends at once, so a delete kept in the outage fallback would never reach it.
    const configured = createState(parseEnv(process.env));
    const state = configured instanceof ResilientState ? configured.primary : configured;
    const cleared = state instanceof MemoryState ? null : await forgetConversationState(state, r.conversationIds);
    console.log(`Erased member ${memberId}${r.alreadyErased ? ' (it had been erased before)' : ''}:`);
    for (const [key, n] of Object.entries(r.counts)) if (n) console.log(`  ${key.padEnd(24)} ${num(n)}`);
    console.log(
      cleared
        ? `State keys cleared: ${num(cleared.cleared)}${cleared.failed ? `, failed: ${num(cleared.failed)}` : ''}`
        : 'State is in server memory: conversation memory expires by itself within 30 minutes.',
    );
    if (cleared?.failed) {
      console.error(
        'The shared state store (Upstash) could not be reached for every key: the erasure in the database is done, and the ' +
          'keys left (conversation memory, pending confirmations) expire by themselves within 30 minutes.',
      );
      process.exitCode = 1;
    }
  } finally {
    store.close();
  }
}

runMain(main);
