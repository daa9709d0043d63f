// The job registry, its runner and the in-process queue: the contracts Node and the Worker share.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CADENCE, type Job } from '../../src/jobs/job.js';
import { dispatchMessage, InProcessQueue, RetryLater, type QueueMessage } from '../../src/jobs/queue.js';
import { findJob, JOBS, jobsForCron } from '../../src/jobs/registry.js';
import { runCron, runJob } from '../../src/jobs/run.js';
import { startScheduler } from '../../src/jobs/scheduler.js';
import { silentLogger } from '../../src/lib/log.js';
import { createTestApp, type TestApp } from '../support/app.js';

const wranglerCrons = (() => {
  const toml = readFileSync(new URL('../../wrangler.toml', import.meta.url), 'utf8');
  const line = /^crons\s*=\s*\[(.*)\]/m.exec(toml);
  return line ? [...line[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [];
})();

describe('job registry', () => {
  it('has unique kebab-case names and only cadences wrangler.toml triggers', () => {
    const names = JOBS.map((j) => j.name);
    expect(new Set(names).size).toBe(names.length);
    for (const job of JOBS) {
      expect(job.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(Object.values(CADENCE)).toContainEqual({ cron: job.cron, everyMs: job.everyMs });
      expect(wranglerCrons, `wrangler.toml [triggers] crons must list ${job.cron} (job ${job.name})`).toContain(job.cron);
    }
    for (const c of Object.values(CADENCE)) expect(wranglerCrons).toContain(c.cron);
  });

  it('maps a cron expression to its jobs', () => {
    expect(jobsForCron('0 * * * *').map((j) => j.name)).toContain('expire-points');
    expect(jobsForCron('0 19 * * *').map((j) => j.name)).toContain('review-tiers');
    expect(jobsForCron('5 4 * * *')).toEqual([]);
    expect(findJob('review-tiers')?.cron).toBe(CADENCE.daily.cron);
    expect(findJob('drop-tables')).toBeUndefined();
  });
});

describe('running jobs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const job = (name: string, run: Job['run']): Job => ({ name, ...CADENCE.hourly, run });

  it('runs a registry job against the store and records the last run', async () => {
    const outcome = await runJob(t.deps, findJob('expire-points')!);
    expect(outcome).toMatchObject({ job: 'expire-points', status: 'done', result: { lots: 0, points: 0 } });
    const last = JSON.parse((await t.deps.state.get('job:last:expire-points')) ?? '{}');
    expect(last.result).toEqual({ lots: 0, points: 0 });
    expect(await t.deps.state.get('job:lock:expire-points')).toBeNull();
  });

  it('never runs the same job twice at once, and frees the lock after a failure', async () => {
    let release!: () => void;
    let runs = 0;
    const slow = job('slow', async () => {
      runs += 1;
      await new Promise<void>((r) => (release = r));
      return { ok: 1 };
    });
    const first = runJob(t.deps, slow);
    await new Promise((r) => setTimeout(r, 20));
    expect(await runJob(t.deps, slow)).toEqual({ job: 'slow', status: 'skipped', reason: 'already running' });
    release();
    expect((await first).status).toBe('done');
    expect(runs).toBe(1);

    const failing = job('failing', async () => {
      throw new Error('boom');
    });
    expect(await runJob(t.deps, failing)).toMatchObject({ status: 'failed', error: 'boom' });
    expect(await runJob(t.deps, failing)).toMatchObject({ status: 'failed' });
  });

  it('runs every job of a cron and keeps going past a failure', async () => {
    const seen: string[] = [];
    const jobs = [
      job('a', async () => {
        seen.push('a');
        throw new Error('a failed');
      }),
      job('b', async () => {
        seen.push('b');
        return { n: 2 };
      }),
      { ...job('c', async () => ({})), ...CADENCE.daily },
    ];
    const outcomes = await runCron(t.deps, CADENCE.hourly.cron, jobs);
    expect(outcomes.map((o) => [o.job, o.status])).toEqual([
      ['a', 'failed'],
      ['b', 'done'],
    ]);
    expect(seen).toEqual(['a', 'b']);
  });

  it('the Node scheduler runs jobs on their interval without overlapping a slow run', async () => {
    let runs = 0;
    const ticking: Job = {
      name: 'ticking',
      cron: CADENCE.everyMinute.cron,
      everyMs: 30,
      run: async () => {
        runs += 1;
        await new Promise((r) => setTimeout(r, 100));
        return {};
      },
    };
    const stop = startScheduler(t.deps, [ticking], 0);
    await new Promise((r) => setTimeout(r, 260));
    stop();
    // Ticks every 30 ms but each run takes 100 ms: runs never overlap, so at most ~3 in 260 ms.
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(runs).toBeLessThanOrEqual(3);
  });

  it('POST /api/admin/jobs/{name} runs registry jobs and answers 409 while one runs', async () => {
    const headers = { authorization: 'Bearer test-admin-token' };
    const res = await t.app.request('/api/admin/jobs/expire-points', { method: 'POST', headers });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ job: 'expire-points', result: { lots: 0, points: 0 } });
    await t.deps.state.set('job:lock:review-tiers', 'someone-else', { ttlSeconds: 60 });
    const busy = await t.app.request('/api/admin/jobs/review-tiers', { method: 'POST', headers });
    expect(busy.status).toBe(409);
    expect((await busy.json()).error.code).toBe('conflict');
    await t.deps.state.del('job:lock:review-tiers');
  });
});

describe('in-process queue', () => {
  it('delivers typed messages to the consumer, retrying failures and honouring RetryLater', async () => {
    const queue = new InProcessQueue(silentLogger, 3);
    let n = 0;
    queue.attach(async () => {
      n += 1;
      if (n === 1) throw new RetryLater(0.05);
      if (n === 2) throw new Error('transient');
    });
    await queue.enqueue({ type: 'llm-reply', activity: { type: 'message' } });
    await queue.drain();
    expect(n).toBe(3);
  });

  it('gives up after maxAttempts', async () => {
    const queue = new InProcessQueue(silentLogger, 2);
    let n = 0;
    queue.attach(async () => {
      n += 1;
      throw new RetryLater(0.01);
    });
    await queue.enqueueBatch([{ type: 'llm-reply', activity: {} }]);
    await queue.drain();
    expect(n).toBe(2);
  });

  it('drops messages of unknown type instead of failing forever', async () => {
    const t = await createTestApp();
    try {
      await expect(dispatchMessage(t.deps, { type: 'from-the-future' } as unknown as QueueMessage)).resolves.toBeUndefined();
    } finally {
      t.close();
    }
  });
});
