// Privacy: the member-data registry, data-subject export and erasure, transcript retention.
export { eraseMember, type EraseResult } from './erase-member.js';
export { collectMemberData, EXPORT_FORMAT, exportMember, type MemberExport, type PrivacyActor } from './export-member.js';
export { conversationStateKeys, forgetConversationState } from './forget-state.js';
export { PURGE_BATCH, purgeTranscripts, type PurgeResult } from './purge-transcripts.js';
export { ERASED_NAME, ERASED_REF, MEMBER_DATA, NOT_MEMBER_DATA, type MemberDataEntry } from './registry.js';
export { memberScope, type MemberScope } from './scope.js';
