// `npm run bench:broadcast`: segment count and campaign planning on N seeded members (1M by default) vs a raw batched insert, same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { tiers } from '../db/schema/index.js';
import { DEFAULT_TIERS } from '../db/seed/program.js';
import { migrateStore } from '../src/db/migrate.js';
import { executeSql } from '../src/db/prepared.js';
import { openNodeStore } from '../src/db/open-node.js';
import { createCampaign, launchCampaign, planCampaign } from '../src/domain/campaigns/index.js';
import { DEFAULT_RULES, type DomainCtx } from '../src/domain/context.js';
import { countSegment, type SegmentDefinition } from '../src/domain/segments/index.js';
import { createProgress } from '../src/lib/progress.js';
import { DAY_MS } from '../src/lib/time.js';

const { values: args } = parseArgs({
  options: {
    members: { type: 'string', default: '1000000' },
    'plan-batch': { type: 'string', default: '50000' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(`npm run bench:broadcast -- [--members N=1000000] [--plan-batch N=50000] [--keep]
  Seeds N members (set-based SQL into a temp file database), then times: counting a segment, planning a
  campaign for it (segment SQL + variant/holdout assignment + outbox insert, in batches), and a raw batched
  insert of the same number of outbox rows. Goals: count < 1 s, planning >= 100k rows/s and <= 3x the raw insert.`);
  process.exit(0);
}

const N = Number(args.members);
const SEED_BATCH = 100_000;
const RAW_ROWS_PER_STATEMENT = 1_000;
const RAW_ROWS_PER_TX = Number(args['plan-batch']);

const dir = mkdtempSync(join(tmpdir(), 'ma-bench-broadcast-'));
const url = `file:${join(dir, 'bench.db')}`;
const store = await openNodeStore(url);
await migrateStore(store);
const now = new Date();
const ctx: DomainCtx = { store, clock: () => now, rules: { ...DEFAULT_RULES } };

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rate = (n: number, ms: number) => `${Math.round((n / ms) * 1000).toLocaleString('en-US')}/s`;

// Seed: members and their analytics, set-based, in batches of 100k (a recursive CTE numbers the rows).
await store.write((tx) => tx.insert(tiers).values(DEFAULT_TIERS));
const seedBar = createProgress('Seeding members', { total: N, unit: 'members' });
const t0 = performance.now();
for (let lo = 0; lo < N; lo += SEED_BATCH) {
  const hi = Math.min(N, lo + SEED_BATCH);
  await store.write(async (tx) => {
    await tx.run(sql`
      with recursive seq(i) as (select ${lo} union all select i + 1 from seq where i + 1 < ${hi})
      insert into members (id, name, locale, time_zone, birthday, marketing_consent, tier_code, points_balance, tags, created_at)
      select printf('m%08d', i), 'Member ' || i, case when i % 2 = 0 then 'zh-CN' else 'en' end,
        case when i % 2 = 0 then 'Asia/Shanghai' else 'Europe/London' end,
        printf('19%02d-%02d-%02d', 50 + i % 50, 1 + i % 12, 1 + i % 28), (i % 5) != 0,
        case i % 10 when 0 then 'gold' when 1 then 'silver' when 2 then 'silver' else 'regular' end,
        (i * 7919) % 5000, case when i % 3 = 0 then '["tea"]' else '[]' end, ${now.getTime()}
      from seq`);
    await tx.run(sql`
      with recursive seq(i) as (select ${lo} union all select i + 1 from seq where i + 1 < ${hi})
      insert into member_analytics (member_id, recency_days, last_order_at, frequency, monetary_cents, r_score, f_score, m_score,
        rfm_segment, lifecycle, clv_cents, computed_at)
      select printf('m%08d', i), i % 400, ${now.getTime()} - (i % 400) * ${DAY_MS}, 1 + i % 9, (i * 104729) % 500000,
        1 + i % 5, 1 + (i / 5) % 5, 1 + (i / 25) % 5,
        case i % 4 when 0 then 'champions' when 1 then 'loyal' when 2 then 'at_risk' else 'lost' end,
        case when i % 400 < 90 then 'active' when i % 400 < 180 then 'at_risk' else 'churned' end, (i * 31) % 900000, ${now.getTime()}
      from seq`);
  });
  seedBar.update(hi);
}
seedBar.finish(`${N.toLocaleString('en-US')} members in ${secs(performance.now() - t0)}`);

// About 60% of the members: consented, with some points, active or at risk, or tea lovers with 1000+ points.
const segment: SegmentDefinition = {
  op: 'and',
  rules: [
    { field: 'marketing_consent', value: true },
    {
      op: 'or',
      rules: [
        { field: 'lifecycle', in: ['active', 'at_risk'] },
        {
          op: 'and',
          rules: [
            { field: 'tags', any: ['tea'] },
            { field: 'points_balance', min: 1000 },
          ],
        },
        { field: 'tier', in: ['gold', 'silver'] },
      ],
    },
  ],
};

let started = performance.now();
const { count } = await countSegment({ ctx, input: { definition: segment } });
const countMs = performance.now() - started;
const simpleStarted = performance.now();
const simple = await countSegment({ ctx, input: { definition: { op: 'and', rules: [{ field: 'tier', in: ['gold'] }] } } });
const simpleMs = performance.now() - simpleStarted;

const campaign = await createCampaign({
  ctx,
  input: {
    name: 'bench',
    segment,
    variants: [
      { key: 'A', split: 45, templates: { en: 'Hi {{name}}', 'zh-CN': '你好 {{name}}' } },
      { key: 'B', split: 45, templates: { en: 'Hello {{name}}', 'zh-CN': '您好 {{name}}' } },
    ],
    holdoutPct: 10,
  },
});
await launchCampaign({ ctx, input: { id: campaign.id } });
started = performance.now();
const plan = await planCampaign(ctx, campaign.id, { batchSize: Number(args['plan-batch']) });
const planMs = performance.now() - started;

// The baseline: the same number of outbox rows, built in JS and inserted with one prepared multi-row INSERT
// (RAW_ROWS_PER_STATEMENT rows per call, positional arguments, no query builder), RAW_ROWS_PER_TX per transaction.
const rawBar = createProgress('Raw batched insert', { total: plan.planned, unit: 'rows' });
const tuple = `(?, ?, ?, ?, ?, ?, ?)`;
const rawSql = (n: number) =>
  `insert into campaign_deliveries (campaign_id, member_id, variant, status, skip_reason, next_attempt_at, planned_at) values ${Array(n).fill(tuple).join(', ')}`;
started = performance.now();
for (let lo = 0; lo < plan.planned; lo += RAW_ROWS_PER_TX) {
  const hi = Math.min(plan.planned, lo + RAW_ROWS_PER_TX);
  await store.write(async (tx) => {
    for (let a = lo; a < hi; a += RAW_ROWS_PER_STATEMENT) {
      const b = Math.min(hi, a + RAW_ROWS_PER_STATEMENT);
      const args: (string | number | null)[] = [];
      for (let i = a; i < b; i++) {
        const v = i % 10 === 0 ? 'holdout' : i % 2 ? 'A' : 'B';
        args.push(
          'raw',
          `m${String(i).padStart(8, '0')}`,
          v,
          v === 'holdout' ? 'skipped' : 'planned',
          v === 'holdout' ? 'holdout' : null,
          now.getTime(),
          now.getTime(),
        );
      }
      await executeSql(tx, { sql: rawSql(b - a), args });
    }
  });
  rawBar.update(hi);
}
const rawMs = performance.now() - started;
rawBar.finish();

// A second campaign on a one-condition segment (consent only, ~80% of members): the outbox insert dominates.
const simpleCampaign = await createCampaign({
  ctx,
  input: {
    name: 'bench-simple',
    segment: { op: 'and', rules: [{ field: 'marketing_consent', value: true }] },
    variants: [{ key: 'A', split: 100, templates: { en: 'Hi {{name}}', 'zh-CN': '你好 {{name}}' } }],
  },
});
await launchCampaign({ ctx, input: { id: simpleCampaign.id } });
started = performance.now();
const simplePlan = await planCampaign(ctx, simpleCampaign.id, { batchSize: Number(args['plan-batch']) });
const simplePlanMs = performance.now() - started;

const ratio = planMs / rawMs;
const planRate = (plan.planned / planMs) * 1000;
const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
console.log(`
Broadcast bench, ${N.toLocaleString('en-US')} members (${url})
  segment count (nested AND/OR, analytics join)  ${count.toLocaleString('en-US')} members in ${secs(countMs)}   goal < 1 s: ${ok(countMs < 1000)}
  segment count (tier = gold, indexed)           ${simple.count.toLocaleString('en-US')} members in ${secs(simpleMs)}
  planning (segment + assignment + outbox)       ${plan.planned.toLocaleString('en-US')} rows in ${secs(planMs)} (${plan.batches} batches), ${rate(plan.planned, planMs)}   goal >= 100,000/s: ${ok(planRate >= 100_000)}
  planning, one-condition segment                ${simplePlan.planned.toLocaleString('en-US')} rows in ${secs(simplePlanMs)}, ${rate(simplePlan.planned, simplePlanMs)}
  raw batched insert of as many rows             ${secs(rawMs)}, ${rate(plan.planned, rawMs)}
  planning / raw insert                          ${ratio.toFixed(2)}x   goal <= 3x: ${ok(ratio <= 3)}
  (messages are rendered at send time, with the member's values then: planning renders nothing)`);

store.close();
if (!args.keep) rmSync(dir, { recursive: true, force: true });
