// The turn pipeline's consent gate: STOP / 退订 / unsubscribe opt a member out of marketing at once, START / 订阅 back in.
import type { Member } from '../../db/schema/index.js';
import { render } from '../assistant/templates.js';
import type { Lang, OutboundReply } from '../assistant/types.js';
import type { DomainCtx } from '../domain/context.js';
import { setMarketingConsent } from '../domain/members/index.js';
import type { Logger } from '../lib/log.js';

export type ConsentCommand = 'opt_out' | 'opt_in';

/** Whole-message keywords (after NFKC, trimming and trailing punctuation), lower-cased. */
const OPT_OUT = new Set(['stop', 'unsubscribe', '退订', '取消订阅']);
const OPT_IN = new Set(['start', 'subscribe', '订阅']);
/** Keywords that name a language; STOP and START are short codes every member may use, so they keep the member's. */
const ENGLISH = new Set(['unsubscribe', 'subscribe']);
const CHINESE = new Set(['退订', '取消订阅', '订阅']);

function normalize(text: string): string {
  // NFKC folds full-width letters and punctuation (ＳＴＯＰ, ！) to their ASCII forms.
  return text
    .normalize('NFKC')
    .trim()
    .replace(/[\s.!。！~～]+$/u, '')
    .trim()
    .toLowerCase();
}

/** The consent command a whole message is, or null. "stop waiting" or "please unsubscribe me" are not commands. */
export function parseConsentCommand(text: string): { command: ConsentCommand; keyword: string } | null {
  const word = normalize(text);
  if (OPT_OUT.has(word)) return { command: 'opt_out', keyword: word };
  if (OPT_IN.has(word)) return { command: 'opt_in', keyword: word };
  return null;
}

/** The confirmation's language: the keyword's own, else (STOP/START) the member's, else the chat's. */
export function consentLang(keyword: string, fallback: Lang): Lang {
  if (CHINESE.has(keyword)) return 'zh-CN';
  if (ENGLISH.has(keyword)) return 'en';
  return fallback;
}

export interface ConsentAnswer {
  replies: OutboundReply[];
  intent: 'consent_opt_out' | 'consent_opt_in' | 'consent_unchanged' | 'consent_unlinked';
  lang: Lang;
}

export type ParsedConsentCommand = NonNullable<ReturnType<typeof parseConsentCommand>>;

export interface ConsentGate {
  /** Makes the change a message that is a consent command (see parseConsentCommand) asks for, and returns the confirmation. */
  handle(input: { command: ParsedConsentCommand; member: Member | null; channelId: string; fallbackLang: Lang }): Promise<ConsentAnswer>;
}

/**
 * Runs before the handoff gate and the brain, and an opt-out before the rate limit too: it is honoured even from a member who
 * is being rate-limited, waiting for an agent, or in the middle of confirming a redemption. The confirmation
 * is marked `compliance` so it reaches the member even while an agent holds the conversation.
 */
export function createConsentGate(deps: { domain: DomainCtx; log: Logger }): ConsentGate {
  const { domain, log } = deps;
  return {
    async handle({ command: parsed, member, channelId, fallbackLang }) {
      const lang = consentLang(parsed.keyword, member?.locale ?? fallbackLang);
      const say = (key: Parameters<typeof render>[1]): OutboundReply[] => [{ text: render(lang, key), compliance: true }];
      const out = parsed.command === 'opt_out';
      if (!member) {
        // Unlinked chats never get marketing (campaigns go to members), so there is nothing to change here.
        return { replies: say(out ? 'consent_unlinked_out' : 'consent_unlinked_in'), intent: 'consent_unlinked', lang };
      }
      const state = await setMarketingConsent({
        ctx: domain,
        input: { memberId: member.id, granted: !out, source: 'chat', channelId, actor: member.id },
      });
      if (!state.changed) {
        return { replies: say(out ? 'consent_already_out' : 'consent_already_in'), intent: 'consent_unchanged', lang };
      }
      log.info(out ? 'member opted out of marketing' : 'member opted in to marketing', { memberId: member.id, channelId });
      return { replies: say(out ? 'consent_opted_out' : 'consent_opted_in'), intent: out ? 'consent_opt_out' : 'consent_opt_in', lang };
    },
  };
}
