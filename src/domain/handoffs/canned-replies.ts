// Canned replies: per-locale texts agents insert and edit before sending; `{{name}}` and `{{agent}}` are filled in.
import { asc, eq } from 'drizzle-orm';
import { cannedReplies, type CannedReply } from '../../../db/schema/index.js';
import { DomainError } from '../../lib/errors.js';
import type { Verb } from '../context.js';

/** Offered until admins add their own (and kept as a starting point). */
export const DEFAULT_CANNED_REPLIES: Omit<CannedReply, 'id' | 'createdBy' | 'createdAt'>[] = [
  { locale: 'zh-CN', title: '问候', text: '{{name}}您好，我是客服{{agent}}，很高兴为您服务。请问有什么可以帮您？' },
  { locale: 'zh-CN', title: '查询中', text: '好的，我正在为您查询，请稍等一两分钟。' },
  { locale: 'zh-CN', title: '物流延迟致歉', text: '非常抱歉您的包裹延误了。我已联系物流催促，并会在有新进展时第一时间告诉您。' },
  { locale: 'zh-CN', title: '结束语', text: '还有其他可以帮您的吗？如果没有，祝您生活愉快！' },
  { locale: 'en', title: 'Greeting', text: "Hi {{name}}, I'm {{agent}} from the support team. How can I help?" },
  { locale: 'en', title: 'Looking into it', text: "Thanks, I'm looking into this now. It will take a minute or two." },
  {
    locale: 'en',
    title: 'Delivery delay apology',
    text: "I'm sorry your parcel is late. I've chased the courier and will update you here as soon as I hear back.",
  },
  { locale: 'en', title: 'Closing', text: 'Is there anything else I can help with? If not, have a lovely day!' },
];

/** The admins' canned replies, or the defaults when there are none yet. */
export const listCannedReplies: Verb<
  { locale?: 'zh-CN' | 'en' },
  (Pick<CannedReply, 'locale' | 'title' | 'text'> & { id: string | null })[]
> = async ({ ctx, input }) => {
  const rows = await ctx.store.db.select().from(cannedReplies).orderBy(asc(cannedReplies.locale), asc(cannedReplies.title));
  const list = rows.length ? rows : DEFAULT_CANNED_REPLIES.map((r) => ({ ...r, id: null }));
  return list
    .filter((r) => !input.locale || r.locale === input.locale)
    .map((r) => ({ id: r.id, locale: r.locale, title: r.title, text: r.text }));
};

export const addCannedReply: Verb<{ locale: 'zh-CN' | 'en'; title: string; text: string; staffId?: string }, CannedReply> = async ({
  ctx,
  input,
}) => {
  const title = input.title.trim().slice(0, 80);
  const text = input.text.trim().slice(0, 2000);
  if (!title || !text) throw new DomainError('bad_request', 'A canned reply needs a title and a text');
  return ctx.store.write(async (tx) => {
    const existing = await tx.select({ id: cannedReplies.id }).from(cannedReplies).limit(1);
    // The first custom reply replaces the defaults: copy them in so none disappears unexpectedly.
    if (!existing.length) {
      await tx
        .insert(cannedReplies)
        .values(DEFAULT_CANNED_REPLIES.map((r) => ({ ...r, id: crypto.randomUUID(), createdBy: null, createdAt: ctx.clock() })));
    }
    const [row] = await tx
      .insert(cannedReplies)
      .values({ id: crypto.randomUUID(), locale: input.locale, title, text, createdBy: input.staffId ?? null, createdAt: ctx.clock() })
      .returning();
    return row;
  });
};

export const deleteCannedReply: Verb<{ id: string }, void> = async ({ ctx, input }) => {
  await ctx.store.write(async (tx) => {
    const rows = await tx.delete(cannedReplies).where(eq(cannedReplies.id, input.id)).returning({ id: cannedReplies.id });
    if (!rows.length) throw new DomainError('not_found', 'No such canned reply');
  });
};

/** Fills `{{name}}` and `{{agent}}`; other text is left as typed. */
export function fillCannedReply(text: string, vars: { name: string; agent: string }): string {
  return text.replace(/\{\{(name|agent)\}\}/g, (_, k: 'name' | 'agent') => vars[k]);
}
