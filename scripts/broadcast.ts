// `npm run broadcast -- <list|launch|status|watch> ...`: campaigns from the command line, with a live progress bar.
import { createDeps, createState } from '../src/deps.js';
import { getCampaign, launchCampaign, listCampaigns } from '../src/domain/campaigns/index.js';
import { parseEnv } from '../src/env.js';
import { createLogger } from '../src/lib/log.js';
import { createProgress } from '../src/lib/progress.js';
import { databaseUrl, domainCtxFromEnv, num, openMigratedStore, parseArgs, runMain } from './cli-support.js';

const USAGE = `Usage: npm run broadcast -- <command> [options]
  list                          campaigns, newest first
  launch <id> [--at ISO]        launch a draft now or at a time (launching again changes nothing)
  status <id>                   counts by status and skip reason per variant, and the results
  watch <id> [--dispatch]       a progress bar until the campaign completes; --dispatch sends from this
                                process too (otherwise the running server's dispatcher does)
Options: --database-url URL (default DATABASE_URL or ./data/member-assistant.db)`;

async function main() {
  const [command, id, ...rest] = process.argv.slice(2);
  if (!command || command === '--help' || command === 'help') {
    console.log(USAGE);
    return;
  }
  const args = parseArgs(rest, { 'database-url': 'string', at: 'string', dispatch: 'boolean' });
  const store = await openMigratedStore(databaseUrl(args['database-url']));
  const ctx = domainCtxFromEnv(store);
  try {
    if (command === 'list') {
      const rows = await listCampaigns({ ctx, input: {} });
      if (!rows.length) console.log('No campaigns yet.');
      for (const c of rows) {
        console.log(`${c.id}  ${c.status.padEnd(9)}  ${num(c.plannedCount).padStart(9)} planned  ${c.name}`);
      }
      return;
    }
    if (!id) throw new Error(`${command} needs a campaign id\n${USAGE}`);
    if (command === 'launch') {
      const c = await launchCampaign({ ctx, input: { id, scheduleAt: typeof args.at === 'string' ? args.at : undefined } });
      console.log(`${c.id} is ${c.status}${c.scheduleAt ? ` (starts ${c.scheduleAt.toISOString()})` : ''}`);
      return;
    }
    if (command === 'status') {
      const v = await getCampaign({ ctx, input: { id } });
      console.log(`${v.campaign.name} (${v.campaign.status}), ${num(v.counts.total)} deliveries`);
      for (const x of v.counts.variants) {
        const reasons = Object.entries(x.bySkipReason).map(([k, n]) => `${k} ${num(n)}`);
        const statuses = Object.entries(x.byStatus).map(([k, n]) => `${k} ${num(n)}`);
        console.log(`  ${x.variant.padEnd(8)} ${statuses.join(', ')}${reasons.length ? `; skipped: ${reasons.join(', ')}` : ''}`);
      }
      for (const r of [...v.report.variants, ...(v.report.holdout ? [v.report.holdout] : [])]) {
        const uplift = r.upliftPts === null ? '' : `, uplift ${r.upliftPts.toFixed(2)} pts`;
        const roi = r.roi === null ? '' : `, ROI ${(r.roi * 100).toFixed(0)}%`;
        console.log(
          `  ${r.variant.padEnd(8)} ${num(r.converted)}/${num(r.recipients)} converted (${(r.conversionRate * 100).toFixed(1)}%), ` +
            `revenue ${(r.revenueCents / 100).toFixed(2)}${uplift}${roi}`,
        );
      }
      return;
    }
    if (command === 'watch') {
      const config = parseEnv(process.env);
      const deps = args.dispatch
        ? createDeps({
            config: { ...config, BROADCAST_TICK_MS: 0 },
            store,
            state: createState(config, createLogger('warn')),
            log: createLogger('warn'),
          })
        : null;
      const bar = createProgress('broadcast', { unit: 'deliveries' });
      for (;;) {
        const pass = deps ? await deps.broadcast.dispatch({ maxBatches: 5 }) : null;
        const v = await getCampaign({ ctx, input: { id } });
        const s = v.counts.byStatus;
        const finished = (s.sent ?? 0) + (s.skipped ?? 0) + (s.failed ?? 0);
        bar.update(finished, Math.max(v.counts.total, v.campaign.plannedCount, 1));
        if (['completed', 'cancelled'].includes(v.campaign.status)) {
          bar.finish(`${v.campaign.status}: sent ${num(s.sent ?? 0)}, skipped ${num(s.skipped ?? 0)}, failed ${num(s.failed ?? 0)}`);
          return;
        }
        // Between passes with nothing due (held rows, leases of a stopped run) and when only watching: wait.
        if (!pass || pass.claimed === 0) await new Promise((r) => setTimeout(r, 1_000));
      }
    }
    throw new Error(`Unknown command ${command}\n${USAGE}`);
  } finally {
    store.close();
  }
}

runMain(main);
