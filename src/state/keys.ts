// Per-conversation keys of the state port, in one place: the modules that write them and erasure (which deletes them) agree.

/** A pending redemption awaiting the member's "yes", or a complaint awaiting its description (src/assistant/confirmations.ts). */
export const confirmKey = (conversationId: string) => `confirm:${conversationId}`;
/** The redemption options the assistant just listed, so a bare "2" picks one (src/assistant/offline/brain.ts). */
export const redeemOfferKey = (conversationId: string) => `offer:${conversationId}`;
/** The recommendations just shown and their filters, for "换一批" / "cheaper ones" (src/assistant/offline/brain.ts). */
export const recsOfferKey = (conversationId: string) => `recs:${conversationId}`;
/** The handoff gate's "an agent will be with you" acknowledgement, sent once per wait (src/turn/handoff-gate.ts). */
export const handoffAckKey = (conversationId: string) => `handoff-ack:${conversationId}`;
/** The handoff gate's count of answers the assistant could not give (src/turn/handoff-gate.ts). */
export const failsKey = (conversationId: string) => `fails:${conversationId}`;
/** Marks a conversation reference as refreshed within the hour (src/channels/inbound.ts, Bot Framework route). */
export const refreshedRefKey = (conversationId: string) => `ref:${conversationId}`;
