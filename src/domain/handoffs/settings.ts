// Handoff settings: business hours per locale, the live queue's timeout and wait estimate, the CSAT window.
import { eq } from 'drizzle-orm';
import * as z from 'zod/v4';
import { settings } from '../../../db/schema/index.js';
import { validate } from '../../lib/errors.js';
import type { Verb } from '../context.js';
import { isValidTimeZone } from './business-hours.js';

const hhmm = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'use HH:MM');

export const teamHoursSchema = z
  .object({
    timeZone: z.string().min(1).max(64).refine(isValidTimeZone, 'unknown time zone'),
    days: z.array(z.number().int().min(1).max(7)).max(7),
    open: hhmm,
    close: hhmm,
    closedDates: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/)).max(366),
  })
  .strict()
  .refine((h) => h.open < h.close, { message: 'close must be after open', path: ['close'] });

export const handoffSettingsSchema = z
  .object({
    /** Support teams by member language: when each is in, in its own time zone. */
    hours: z.object({ 'zh-CN': teamHoursSchema, en: teamHoursSchema }).strict(),
    /** A live request nobody claims in this time becomes a ticket and the assistant resumes (with an apology). */
    queueTimeoutMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    /** Expected wait per member ahead in the queue (the member is told position × this). */
    minutesPerWaitingMember: z.number().int().min(1).max(120),
    /** How long after a handoff is resolved a typed digit still counts as its rating. */
    csatWindowHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 14),
  })
  .strict();

export type HandoffSettings = z.infer<typeof handoffSettingsSchema>;

/**
 * Defaults: a Chinese-speaking team in Shanghai every day 09:00–21:00 (when e-commerce members write), an
 * English-speaking team in London on weekdays 09:00–18:00. Admins change them on /console/settings.
 */
export const DEFAULT_HANDOFF_SETTINGS: HandoffSettings = {
  hours: {
    'zh-CN': { timeZone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5, 6, 7], open: '09:00', close: '21:00', closedDates: [] },
    en: { timeZone: 'Europe/London', days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00', closedDates: [] },
  },
  queueTimeoutMinutes: 15,
  minutesPerWaitingMember: 3,
  csatWindowHours: 24,
};

const KEY = 'handoff';

/** The stored settings merged over the defaults (a stored document from an older version keeps working). */
export const getHandoffSettings: Verb<Record<string, never>, HandoffSettings> = async ({ ctx }) => {
  const [row] = await ctx.store.db.select().from(settings).where(eq(settings.key, KEY)).limit(1);
  if (!row) return DEFAULT_HANDOFF_SETTINGS;
  const stored = row.value as Partial<HandoffSettings>;
  const merged = {
    ...DEFAULT_HANDOFF_SETTINGS,
    ...stored,
    hours: { ...DEFAULT_HANDOFF_SETTINGS.hours, ...(stored.hours ?? {}) },
  };
  const parsed = handoffSettingsSchema.safeParse(merged);
  return parsed.success ? parsed.data : DEFAULT_HANDOFF_SETTINGS;
};

/** Replaces the settings (validated as a whole). */
export const updateHandoffSettings: Verb<{ settings: unknown; staffId?: string }, HandoffSettings> = async ({ ctx, input }) => {
  const value = validate(handoffSettingsSchema, input.settings);
  const now = ctx.clock();
  await ctx.store.write(async (tx) => {
    await tx
      .insert(settings)
      .values({ key: KEY, value, updatedAt: now, updatedBy: input.staffId ?? null })
      .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now, updatedBy: input.staffId ?? null } });
  });
  return value;
};
