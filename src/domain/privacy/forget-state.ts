// Clearing an erased member's short-lived state: conversation memory and other per-conversation keys.
import { confirmKey, failsKey, handoffAckKey, recsOfferKey, redeemOfferKey, refreshedRefKey } from '../../state/keys.js';
import { memoryKey } from '../../assistant/memory.js';
import type { Logger } from '../../lib/log.js';
import type { StatePort } from '../../state/port.js';

/**
 * The per-conversation keys of the state port that can hold what a member said or is about to do: the language
 * model's memory, a pending redemption or asked-for complaint (src/assistant/confirmations.ts), the options a redemption was picked from, the recommendations last shown, the handoff gate's counters and the
 * reference-refresh marker. Dedupe entries (keyed by activity id, gone after DEDUPE_TTL_SECONDS) and rate-limit
 * counters (a minute) cannot be listed through the port and expire on their own.
 */
export function conversationStateKeys(conversationId: string): string[] {
  return [
    memoryKey(conversationId),
    confirmKey(conversationId),
    redeemOfferKey(conversationId),
    recsOfferKey(conversationId),
    handoffAckKey(conversationId),
    failsKey(conversationId),
    refreshedRefKey(conversationId),
  ];
}

/**
 * Deletes those keys for every conversation. The database erasure has committed by then; if the state store is
 * unreachable the keys still expire (memory after 30 minutes), so this reports what it could not clear instead
 * of failing the erasure.
 */
export async function forgetConversationState(
  state: StatePort,
  conversationIds: readonly string[],
  log?: Logger,
): Promise<{ cleared: number; failed: number }> {
  let cleared = 0;
  let failed = 0;
  for (const id of conversationIds) {
    for (const key of conversationStateKeys(id)) {
      try {
        await state.del(key);
        cleared++;
      } catch (err) {
        failed++;
        log?.warn('state key not cleared after erasure', { err });
      }
    }
  }
  return { cleared, failed };
}
