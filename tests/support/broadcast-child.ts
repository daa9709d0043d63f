// A dispatcher process for the crash test: runs broadcast passes against DATABASE_URL until CAMPAIGN_ID completes.
import { createDeps } from '../../src/deps.js';
import { openNodeStore } from '../../src/db/open-node.js';
import { parseEnv } from '../../src/env.js';
import { silentLogger } from '../../src/lib/log.js';
import { MemoryState } from '../../src/state/memory.js';
import { loadCampaign } from '../../src/domain/campaigns/index.js';

const config = parseEnv(process.env);
const store = await openNodeStore(config.DATABASE_URL);
const deps = createDeps({ config, store, state: new MemoryState(), log: silentLogger });
const id = process.env.CAMPAIGN_ID ?? '';
process.stdout.write('ready\n');
for (;;) {
  const s = await deps.broadcast.dispatch({ maxBatches: 1 });
  const c = await loadCampaign(deps.domain, id);
  if (c.status === 'completed') break;
  // Nothing claimable: rows a killed predecessor holds wait for their lease to run out.
  if (s.claimed === 0) await new Promise((r) => setTimeout(r, 100));
}
process.stdout.write('done\n');
store.close();
process.exit(0);
