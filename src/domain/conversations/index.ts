// Conversations: transcript and channel references.
export { recordTurn, saveConversationReference, type RecordTurnInput } from './record-turn.js';
