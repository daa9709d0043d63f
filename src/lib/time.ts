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

/**
 * Local dates already worked out, per zone, per quarter hour of UTC. Using a time-zone formatter is itself
 * slow (ICU works out the zone's offset each call) and chat turns format the same few dates over and over.
 * Every zone's offset is a multiple of 15 minutes and changes only on a quarter hour, so a local day starts on
 * a UTC quarter hour and all of a quarter hour falls on one local date; a quarter hour whose first and last
 * millisecond fall on different dates (a zone that does not fit that rule) is simply not cached.
 */
const DATE_CACHE = new Map<string, Map<number, string>>();
const QUARTER_HOUR_MS = 900_000;
const DATES_PER_ZONE = 4_096;

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
  if (!format) return date.toISOString().slice(0, 10);
  const ms = date.getTime();
  if (!Number.isFinite(ms)) return format.format(date); // throws RangeError, as before
  const bucket = Math.floor(ms / QUARTER_HOUR_MS);
  let dates = DATE_CACHE.get(timeZone);
  const hit = dates?.get(bucket);
  if (hit !== undefined) return hit;
  const first = format.format(bucket * QUARTER_HOUR_MS);
  if (format.format(bucket * QUARTER_HOUR_MS + QUARTER_HOUR_MS - 1) !== first) return format.format(date);
  if (!dates) {
    if (DATE_CACHE.size >= 1_000) return first;
    DATE_CACHE.set(timeZone, (dates = new Map()));
  }
  if (dates.size >= DATES_PER_ZONE) dates.clear();
  dates.set(bucket, first);
  return first;
}

const INSTANT_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** An instant as wall-clock time in a zone, for staff ("2026-06-01 16:05"); an unknown zone falls back to UTC. */
export function formatInstant(d: Date, timeZone: string): string {
  let f = INSTANT_FORMATS.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' });
    } catch {
      return d.toISOString().slice(0, 16).replace('T', ' ');
    }
    if (INSTANT_FORMATS.size < 1_000) INSTANT_FORMATS.set(timeZone, f);
  }
  return f.format(d);
}

/** A clock that tests can pin. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
