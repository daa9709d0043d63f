// Handoffs: members reaching a person, the queue, agents claiming and resolving, deliveries, notes and settings.
export { requestHandoff, type RequestHandoffInput, type HandoffOutcome } from './request-handoff.js';
export { cancelHandoff } from './cancel-handoff.js';
export { followMemberToConversation, moveHandoffTx } from './move-handoff.js';
export { claimHandoff } from './claim-handoff.js';
export { releaseHandoff } from './release-handoff.js';
export { resolveHandoff } from './resolve-handoff.js';
export { addHandoffNote, listHandoffNotes } from './notes.js';
export { recordHandoffMemberMessage } from './member-message.js';
export {
  insertDelivery,
  createDelivery,
  recordDeliveryResult,
  dueDeliveries,
  getDelivery,
  listDeliveries,
  MAX_DELIVERY_ATTEMPTS,
  type DeliveryOutcome,
  type NewDelivery,
} from './deliveries.js';
export { timeOutHandoffs } from './timeouts.js';
export { listHandoffs, getHandoff, countPending, type HandoffRow, type ListHandoffsInput } from './list-handoffs.js';
export { getTranscript, type TranscriptLine } from './transcript.js';
export { getAgentMemberCard, cardRecommendations, type AgentMemberCard } from './member-card.js';
export { summarizeHandoff, type HandoffSummary } from './summary.js';
export { listCannedReplies, addCannedReply, deleteCannedReply, fillCannedReply, DEFAULT_CANNED_REPLIES } from './canned-replies.js';
export {
  getHandoffSettings,
  updateHandoffSettings,
  handoffSettingsSchema,
  DEFAULT_HANDOFF_SETTINGS,
  type HandoffSettings,
} from './settings.js';
export { isOpen, nextOpening, describeHours, formatForMember, zonedTimeToUtc, localParts, type TeamHours } from './business-hours.js';
export {
  appendHandoffEvent,
  notifyHandoffEvents,
  listHandoffEventsAfter,
  latestHandoffEventId,
  pruneHandoffEvents,
  HANDOFF_SIGNAL,
  type HandoffEventType,
} from './events.js';
export { latestHandoffOfConversation, agentOwnsConversation, queuePosition, expectedWaitMinutes, openHandoffOfMember } from './queue.js';
