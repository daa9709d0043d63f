// The member's own choice of language ("说中文", "English please"): replies follow the language of each message, and
// this is the language of everything the member did not write first (offers, reminders, messages from agents' tools).
import { and, eq, ne } from 'drizzle-orm';
import { members } from '../../../db/schema/index.js';
import { DomainError } from '../../lib/errors.js';
import type { Verb } from '../context.js';

export type MemberLanguage = 'zh-CN' | 'en';

/** Sets the member's locale; `changed` is false when it already was that language (a repeat writes nothing). */
export const setMemberLanguage: Verb<{ memberId: string; locale: MemberLanguage }, { changed: boolean }> = async ({ ctx, input }) => {
  if (input.locale !== 'zh-CN' && input.locale !== 'en')
    throw new DomainError('bad_request', `Unsupported language ${String(input.locale)}`);
  const rows = await ctx.store.write((tx) =>
    tx
      .update(members)
      .set({ locale: input.locale })
      .where(and(eq(members.id, input.memberId), ne(members.locale, input.locale)))
      .returning({ id: members.id }),
  );
  return { changed: rows.length > 0 };
};
