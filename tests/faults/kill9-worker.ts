// kill -9 harness child: redeems coupons or claims handoffs against a file database until done (or SIGKILLed).
import { claimHandoff } from '../../src/domain/handoffs/index.js';
import { redeemCoupon } from '../../src/domain/loyalty/index.js';
import { openNodeStore } from '../../src/db/open-node.js';
import { DomainError } from '../../src/lib/errors.js';
import { systemClock } from '../../src/lib/time.js';
import { domainCtx } from '../support/fixtures.js';

const [mode, url, ...rest] = process.argv.slice(2);
const store = await openNodeStore(url);
const ctx = domainCtx(store, systemClock);

if (mode === 'redeem') {
  // A retried batch of redemptions: the same idempotency keys every run, as a client retrying after a crash would send.
  const [memberId, count] = rest;
  for (let i = 0; i < Number(count); i++) {
    await redeemCoupon({ ctx, input: { memberId, couponId: 'C5', idempotencyKey: `k9-redeem-${i}` } });
  }
} else if (mode === 'claim') {
  // An agent working down the queue: a claim someone else won is a conflict, not a failure.
  const [staffId, ...ids] = rest;
  for (const handoffId of ids) {
    try {
      await claimHandoff({ ctx, input: { handoffId, staffId } });
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'conflict')) throw err;
    }
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
store.close();
process.stdout.write('done\n');
