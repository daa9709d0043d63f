// Tool: the member asks to be written to in another language ("说中文", "English please"); offers and reminders follow it.
import * as z from 'zod/v4';
import { setMemberLanguage } from '../../domain/members/index.js';
import { defineTool } from './tool.js';

export const setLanguageTool = defineTool({
  name: 'set_language',
  description:
    "Set the member's language when they ask for it (Chinese zh-CN or English en). Replies always follow the language the member writes in; this sets the language of offers, reminders and anything the member did not write first. Reply in the chosen language.",
  input: z.object({ language: z.enum(['zh-CN', 'en']) }).strict(),
  sideEffect: false,
  async run({ ctx, input }) {
    const r = await setMemberLanguage({ ctx: ctx.domain, input: { memberId: ctx.member.id, locale: input.language } });
    return { language: input.language, changed: r.changed };
  },
});
