// The member-data registry: every table holding data about a member, how to export it and how to erase it.
import { sql } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import {
  campaignDeliveries,
  channelIdentities,
  consentHistory,
  memberAnalytics,
  conversationReferences,
  conversations,
  feedback,
  handoffDeliveries,
  handoffEvents,
  handoffNotes,
  handoffs,
  linkCodes,
  llmTurns,
  memberCoupons,
  members,
  messages,
  orderLines,
  orders,
  pointLots,
  pointsLedger,
  recMemberCategories,
  recMemberProducts,
  recMemberProfiles,
  surveys,
  webchatOutbox,
} from '../../../db/schema/index.js';

/**
 * How a table's rows are found for one member. Rows are reached by the member id, or through the member's
 * conversations, handoffs or orders (computed once, before anything is erased; see `MemberScope`).
 */
export type MemberLink =
  | { via: 'member'; column: SQLiteColumn }
  | { via: 'conversation'; column: SQLiteColumn }
  | { via: 'handoff'; column: SQLiteColumn }
  | { via: 'order'; column: SQLiteColumn };

/** What erasure does to the rows: delete them, overwrite personal columns, or keep them as they are. */
export type EraseRule =
  | { kind: 'delete' }
  | { kind: 'anonymize'; why: string; set: (now: Date) => Record<string, unknown> }
  | { kind: 'keep'; why: string };

export interface MemberDataEntry {
  /** Section name in the export document. */
  key: string;
  table: SQLiteTable;
  link: MemberLink;
  erase: EraseRule;
}

export const byMember = (column: SQLiteColumn): MemberLink => ({ via: 'member', column });
export const byConversation = (column: SQLiteColumn): MemberLink => ({ via: 'conversation', column });
export const byHandoff = (column: SQLiteColumn): MemberLink => ({ via: 'handoff', column });
export const byOrder = (column: SQLiteColumn): MemberLink => ({ via: 'order', column });
export const erase = (): EraseRule => ({ kind: 'delete' });
export const anonymize = (why: string, set: (now: Date) => Record<string, unknown>): EraseRule => ({ kind: 'anonymize', why, set });
export const keep = (why: string): EraseRule => ({ kind: 'keep', why });

/** What an erased member's name becomes (the row stays as a tombstone the ledger and orders point at). */
export const ERASED_NAME = '[erased]';
/** What kept rows that pointed at an erased conversation point at instead. */
export const ERASED_REF = '[erased]';

/**
 * Every table with data about a member. Erasure runs the entries in this order inside one transaction
 * (children before parents); export reads them all. A test (tests/unit/privacy-registry.test.ts) fails when
 * a table with a member-linked or personal column is neither here nor in NOT_MEMBER_DATA, so a new table is
 * one line here: `{ key, table, link: byMember(table.memberId), erase: erase() }`.
 */
export const MEMBER_DATA: readonly MemberDataEntry[] = [
  // Transcripts and everything a member wrote or was sent.
  { key: 'messages', table: messages, link: byConversation(messages.conversationId), erase: erase() },
  { key: 'webchatOutbox', table: webchatOutbox, link: byConversation(webchatOutbox.conversationId), erase: erase() },
  { key: 'handoffDeliveries', table: handoffDeliveries, link: byHandoff(handoffDeliveries.handoffId), erase: erase() },
  { key: 'handoffNotes', table: handoffNotes, link: byHandoff(handoffNotes.handoffId), erase: erase() },
  // Events carry ids (a `moved` event names conversations); the inbox replays them by id, so they stay without details.
  {
    key: 'handoffEvents',
    table: handoffEvents,
    link: byHandoff(handoffEvents.handoffId),
    erase: anonymize('the agent inbox replays the stream by event id; the details go', () => ({ data: null })),
  },
  {
    key: 'handoffs',
    table: handoffs,
    link: byMember(handoffs.memberId),
    erase: anonymize('per-agent reports count handoffs and their times; the conversation and the closing note go', (now) => ({
      conversationId: sql`${ERASED_REF} || ':' || ${handoffs.id}`,
      resolutionNote: null,
      // An open handoff of an erased member has no one left to answer.
      status: sql`case when ${handoffs.status} in ('pending', 'assigned') then 'cancelled' else ${handoffs.status} end`,
      cancelledAt: sql`case when ${handoffs.status} in ('pending', 'assigned') then ${now.getTime()} else ${handoffs.cancelledAt} end`,
    })),
  },
  { key: 'surveys', table: surveys, link: byMember(surveys.memberId), erase: erase() },
  {
    key: 'feedback',
    table: feedback,
    link: byMember(feedback.memberId),
    erase: anonymize('scores and categories feed CSAT/NPS reports; the words go', () => ({ text: null, conversationId: null })),
  },
  {
    key: 'llmTurns',
    table: llmTurns,
    link: byMember(llmTurns.memberId),
    erase: anonymize('model usage and cost figures hold no text; the conversation link goes', () => ({ conversationId: ERASED_REF })),
  },
  {
    key: 'conversationReferences',
    table: conversationReferences,
    link: byConversation(conversationReferences.conversationId),
    erase: erase(),
  },
  { key: 'conversations', table: conversations, link: byConversation(conversations.id), erase: erase() },
  { key: 'identities', table: channelIdentities, link: byMember(channelIdentities.memberId), erase: erase() },
  { key: 'linkCodes', table: linkCodes, link: byMember(linkCodes.memberId), erase: erase() },
  // Purchase profiles: derived from orders for recommendations; profiling stops with erasure.
  { key: 'recProducts', table: recMemberProducts, link: byMember(recMemberProducts.memberId), erase: erase() },
  { key: 'recProfile', table: recMemberProfiles, link: byMember(recMemberProfiles.memberId), erase: erase() },
  { key: 'recCategories', table: recMemberCategories, link: byMember(recMemberCategories.memberId), erase: erase() },
  // Marketing: the analytics profile goes; deliveries stay as counts for campaign reports, without the conversation.
  { key: 'memberAnalytics', table: memberAnalytics, link: byMember(memberAnalytics.memberId), erase: erase() },
  {
    key: 'campaignDeliveries',
    table: campaignDeliveries,
    link: byMember(campaignDeliveries.memberId),
    erase: anonymize('campaign reports count sent, skipped and converted members; the conversation and errors go', () => ({
      conversationId: null,
      channelId: null,
      error: null,
    })),
  },
  {
    key: 'consentHistory',
    table: consentHistory,
    link: byMember(consentHistory.memberId),
    erase: keep('proof of when marketing consent was given or withdrawn; no personal data beyond the tombstone id'),
  },
  // Accounting: points, coupons and orders stay (the shop's books and refunds need them), tied to the tombstone.
  {
    key: 'ledger',
    table: pointsLedger,
    link: byMember(pointsLedger.memberId),
    erase: anonymize('kept for accounting; free-text notes go', () => ({ note: null })),
  },
  { key: 'pointLots', table: pointLots, link: byMember(pointLots.memberId), erase: keep('what is left of each earn entry; numbers only') },
  {
    key: 'coupons',
    table: memberCoupons,
    link: byMember(memberCoupons.memberId),
    erase: keep('issued coupons are accounting records; no personal data'),
  },
  {
    key: 'orders',
    table: orders,
    link: byMember(orders.memberId),
    // A tracking number leads to the delivery address at the carrier.
    erase: anonymize('kept for accounting and refunds; the tracking number goes', () => ({ carrier: null, trackingNo: null })),
  },
  { key: 'orderLines', table: orderLines, link: byOrder(orderLines.orderId), erase: keep('products and amounts of a kept order') },
  {
    key: 'profile',
    table: members,
    link: byMember(members.id),
    erase: anonymize('a tombstone the kept ledger and orders point at; every personal field is cleared', (now) => ({
      name: ERASED_NAME,
      email: null,
      phone: null,
      birthday: null,
      marketingConsent: false,
      marketingConsentAt: null,
      tags: [],
      erasedAt: sql`coalesce(${members.erasedAt}, ${now.getTime()})`,
    })),
  },
];

/**
 * Tables with a column the registry test treats as member-linked or personal that hold no member data,
 * each with the reason (the test needs one).
 */
export const NOT_MEMBER_DATA: Readonly<Record<string, string>> = {
  products: 'the catalog',
  coupons: 'coupon definitions (the ones a member holds are member_coupons)',
  staff: 'staff accounts, not members',
  staff_api_tokens: 'staff credentials',
  canned_replies: "agents' reply templates",
  rec_product_stats: 'store-wide product popularity, no member id',
  rec_product_pairs: 'store-wide co-purchase counts, no member id',
  segments: 'marketer-defined audience rules (the name is the segment name)',
  campaigns: 'campaign definitions and templates (the name is the campaign name)',
};

/** Column names that tie a row to a member (directly or through a member's conversation, handoff or order). */
export const MEMBER_LINK_COLUMNS = /(^|_)(member_id|conversation_id|handoff_id|order_id|channel_user_id)$/;
/** Column names that hold personal data or a member's words. */
export const PERSONAL_COLUMNS = /^(name|email|phone|birthday|text|note|resolution_note|tracking_no|address|reference)$/;
