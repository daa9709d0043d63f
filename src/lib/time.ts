// Time helpers: the store keeps UTC instants; calendar math (12 months) happens in UTC too.

export const DAY_MS = 86_400_000;

/** Adds calendar months in UTC, clamping the day (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** Building an Intl formatter costs far more than using one; members share a handful of zones. */
const DATE_FORMATS = new Map<string, Intl.DateTimeFormat | null>();

/** Formats an instant as a calendar date in the member's time zone (YYYY-MM-DD). */
export function formatDate(date: Date, timeZone: string): string {
  let format = DATE_FORMATS.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    } catch {
      format = null; // an unknown zone: UTC dates rather than an error
    }
    if (DATE_FORMATS.size < 1_000) DATE_FORMATS.set(timeZone, format);
  }
  return format ? format.format(date) : date.toISOString().slice(0, 10);
}

/** A clock that tests can pin. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
