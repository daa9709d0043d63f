// `npm run privacy` as an operator runs it: a separate process on a database file written here.
import { execFile } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, members, messages } from '../../db/schema/index.js';
import { ConversationMemory } from '../../src/assistant/memory.js';
import { recordTurn } from '../../src/domain/conversations/index.js';
import { openNodeStore } from '../../src/db/open-node.js';
import { ERASED_NAME } from '../../src/domain/privacy/index.js';
import { addMember, domainCtx, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { UpstashState } from '../../src/state/upstash.js';
import { createTestStore, type TestStore } from '../support/store.js';
import { startUpstashServer } from '../support/upstash-server.js';
import { conversationStateKeys } from '../../src/domain/privacy/forget-state.js';

/** One conversation's state keys (memory, pending redemption, redemption options, handoff counters, ref marker). */
const KEYS_PER_CONVERSATION = conversationStateKeys('c').length;

const run = promisify(execFile);
// Each run starts tsx in a new process: seconds on a busy machine, hence the long per-test timeouts.
const root = resolve(import.meta.dirname, '../..');
const clock = fixedClock('2026-06-01T08:00:00Z');
let store: TestStore;

const privacy = (args: string[], env: Record<string, string> = {}) =>
  run(process.execPath, ['--import', 'tsx', join(root, 'scripts/privacy.ts'), ...args, '--database-url', store.url], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent', UPSTASH_REDIS_REST_URL: '', UPSTASH_REDIS_REST_TOKEN: '', ...env },
  });

async function readBack<T>(fn: (s: Awaited<ReturnType<typeof openNodeStore>>) => Promise<T>): Promise<T> {
  const s = await openNodeStore(store.url);
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

beforeAll(async () => {
  store = await createTestStore();
  await seedProgram(store);
  await addMember(store, clock, { id: 'cli-1', name: 'Cecilia Puffin', identity: { channelId: 'emulator', channelUserId: 'u-cli-1' } });
  await addMember(store, clock, { id: 'cli-2', name: 'Dorian Gannet' });
  await addMember(store, clock, { id: 'cli-3', name: 'Tamsin Tern' });
  const ctx = domainCtx(store, clock);
  await paidOrder(ctx, 'cli-1', 'CLI-ORD-1', '250', '2026-05-01T00:00:00Z');
  await recordTurn({
    ctx,
    input: {
      conversationId: 'emulator:c-cli-1',
      channelId: 'emulator',
      channelUserId: 'u-cli-1',
      memberId: 'cli-1',
      inbound: 'puffin-lighthouse question',
      replies: ['an answer'],
    },
  });
  await recordTurn({
    ctx,
    input: {
      conversationId: 'emulator:c-cli-2',
      channelId: 'emulator',
      channelUserId: 'u-cli-2',
      memberId: 'cli-2',
      inbound: 'gannet',
      replies: [],
    },
  });
  await recordTurn({
    ctx,
    input: {
      conversationId: 'emulator:c-cli-3',
      channelId: 'emulator',
      channelUserId: 'u-cli-3',
      memberId: 'cli-3',
      inbound: 'tern',
      replies: [],
    },
  });
  store.close();
});
afterAll(() => rmSync(store.dir, { recursive: true, force: true }));

describe('npm run privacy', () => {
  it('exports the member as JSON to stdout or a file, audited as the operator', async () => {
    const { stdout } = await privacy(['export', 'cli-1', '--operator', 'ops-alice']);
    const doc = JSON.parse(stdout);
    expect(doc.data.profile[0].name).toBe('Cecilia Puffin');
    expect(doc.data.orders.map((o: { id: string }) => o.id)).toEqual(['CLI-ORD-1']);
    expect(doc.data.messages.map((m: { text: string }) => m.text)).toContain('puffin-lighthouse question');
    const out = join(store.dir, 'export.json');
    await privacy(['export', 'cli-1', '--out', out]);
    expect(JSON.parse(readFileSync(out, 'utf8')).memberId).toBe('cli-1');
    const entries = await readBack((s) => s.db.select().from(auditLog).where(eq(auditLog.action, 'member.export')));
    expect(entries[0]).toMatchObject({
      via: 'cli',
      staffId: null,
      target: 'member:cli-1',
      details: expect.objectContaining({ operator: 'ops-alice' }),
    });
  }, 120_000);

  it('without --yes shows what erasure would change and changes nothing', async () => {
    const audited = () => readBack((s) => s.db.select().from(auditLog));
    const before = (await audited()).length;
    const err = await privacy(['erase', 'cli-1']).catch((e: { code: number; stdout: string }) => e);
    expect(err).toMatchObject({ code: 2 });
    expect((err as { stdout: string }).stdout).toMatch(/messages\s+2/);
    const [m] = await readBack((s) => s.db.select().from(members).where(eq(members.id, 'cli-1')));
    expect(m.name).toBe('Cecilia Puffin');
    // Not even an audit entry: the preview exported nothing.
    expect(await audited()).toHaveLength(before);
  }, 120_000);

  it('erases with --yes, and refuses unknown members and commands', async () => {
    const { stdout } = await privacy(['erase', 'cli-1', '--yes']);
    expect(stdout).toMatch(/Erased member cli-1/);
    const [m] = await readBack((s) => s.db.select().from(members).where(eq(members.id, 'cli-1')));
    expect(m).toMatchObject({ name: ERASED_NAME, erasedAt: expect.any(Date) });
    expect(await readBack((s) => s.db.select().from(messages).where(eq(messages.conversationId, 'emulator:c-cli-1')))).toEqual([]);
    const again = await privacy(['erase', 'cli-1', '--yes']);
    expect(again.stdout).toMatch(/erased before/);
    await expect(privacy(['erase', 'nobody', '--yes'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/Member not found/),
    });
    await expect(privacy(['forget', 'cli-1'])).rejects.toMatchObject({ code: 1 });
  }, 120_000);

  it('clears the conversation memory in shared state (Upstash) when it is configured', async () => {
    const upstash = await startUpstashServer();
    const prefix = `privacy-cli:${randomUUID()}:`;
    const state = new UpstashState({ url: upstash.url, token: upstash.token, prefix });
    try {
      await new ConversationMemory(state).append('emulator:c-cli-2', { role: 'user', content: 'gannet secret' });
      await state.set('mem:emulator:someone-else', 'kept');
      const { stdout } = await privacy(['erase', 'cli-2', '--yes'], {
        UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: upstash.token,
        STATE_PREFIX: prefix,
      });
      expect(stdout).toMatch(new RegExp(`State keys cleared: ${KEYS_PER_CONVERSATION}\\b`));
      expect(await state.get('mem:emulator:c-cli-2')).toBeNull();
      expect(await state.get('mem:emulator:someone-else')).toBe('kept');
    } finally {
      await upstash.cleanup(prefix);
      await upstash.close();
    }
  }, 120_000);

  it('says so and exits non-zero when Upstash is unreachable (the database erasure stands)', async () => {
    const upstash = await startUpstashServer();
    const prefix = `privacy-cli:${randomUUID()}:`;
    const state = new UpstashState({ url: upstash.url, token: upstash.token, prefix });
    // A port nobody listens on: the Upstash server stopped.
    const dead = await new Promise<string>((resolvePort) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolvePort(`http://127.0.0.1:${port}`));
      });
    });
    try {
      await new ConversationMemory(state).append('emulator:c-cli-3', { role: 'user', content: 'tern secret' });
      const env = { UPSTASH_REDIS_REST_TOKEN: upstash.token, STATE_PREFIX: prefix };
      const failed = await privacy(['erase', 'cli-3', '--yes'], { ...env, UPSTASH_REDIS_REST_URL: dead }).then(
        () => null,
        (err: { code: number; stdout: string; stderr: string }) => err,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stdout).toMatch(new RegExp(`State keys cleared: 0, failed: ${KEYS_PER_CONVERSATION}\\b`));
      expect(failed?.stderr).toMatch(/could not be reached.*erasure in the database is done.*expire by themselves within 30 minutes/s);
      expect(await state.get('mem:emulator:c-cli-3')).not.toBeNull(); // still there: its TTL ends it
      const erased = await readBack((s) => s.db.select().from(members).where(eq(members.id, 'cli-3')));
      expect(erased[0].name).toBe(ERASED_NAME);
    } finally {
      await upstash.cleanup(prefix);
      await upstash.close();
    }
  }, 120_000);
});
