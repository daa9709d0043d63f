// Members: lookups, identity linking and the member card.
export { getMember, findMemberByChannel } from './find-member.js';
export { issueLinkCode, linkIdentity, bindVerifiedIdentity } from './link-identity.js';
export { getMemberCard, type MemberCard } from './get-member-card.js';
export {
  setMarketingConsent,
  getConsentHistory,
  importedConsentRows,
  type SetConsentInput,
  type ConsentState,
  type ConsentRecord,
} from './consent.js';
export { setMemberLanguage, type MemberLanguage } from './set-language.js';
