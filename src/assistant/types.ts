// The brain's contract: what a turn gives it and what it answers.
import type { Member } from '../../db/schema/index.js';
import type { DomainCtx } from '../domain/context.js';
import type { StatePort } from '../state/port.js';
import type { Lang } from './templates.js';

export type { Lang };

/** A button the channel can show (Bot Framework suggested action, web chat button); value is sent back as text. */
export interface Suggestion {
  title: string;
  value: string;
}

export interface OutboundReply {
  text: string;
  suggestions?: Suggestion[];
  /** Who is speaking when it is not the assistant (agent replies); channels that can show a name do. */
  author?: 'bot' | 'agent';
  authorName?: string;
  /**
   * A reply the member is owed whatever else is going on (the confirmation of a consent change): channels send it
   * even while an agent holds the conversation.
   */
  compliance?: boolean;
}

/** Everything a tool or brain may use in one turn. The member comes from the verified channel identity. */
export interface TurnCtx {
  domain: DomainCtx;
  state: StatePort;
  member: Member;
  lang: Lang;
  /** Pipeline conversation id: `${channelId}:${channel conversation id}`. */
  conversationId: string;
  channelId: string;
  /** Reads that stay the same for the rest of this turn (the tier table), shared by its tools; gone with the turn. */
  memo?: Map<string, Promise<unknown>>;
}

export interface BrainReply {
  replies: OutboundReply[];
  intent: string;
  confidence?: number;
}

export interface Brain {
  readonly name: string;
  respond(ctx: TurnCtx, text: string): Promise<BrainReply>;
}
