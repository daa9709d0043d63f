// Quiet hours in the member's time zone: whether now is inside them and when they end.

/** From `start` o'clock to `end` o'clock local time (21 -> 9 spans midnight). */
export interface QuietHours {
  start: number;
  end: number;
}

/** "21-9" -> { start: 21, end: 9 }; empty -> null (no quiet hours). */
export function parseQuietHours(v: string): QuietHours | null {
  const m = /^(\d{1,2})-(\d{1,2})$/.exec(v.trim());
  if (!m) return null;
  const q = { start: Number(m[1]), end: Number(m[2]) };
  return q.start === q.end ? null : q;
}

const FORMATS = new Map<string, Intl.DateTimeFormat>();

/** Minutes past local midnight (and seconds into the minute) in `timeZone`; UTC for an unknown zone. */
function localClock(at: Date, timeZone: string): { minutes: number; seconds: number } {
  let f = FORMATS.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    } catch {
      f = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    }
    if (FORMATS.size < 1_000) FORMATS.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return { minutes: Number(parts.hour) * 60 + Number(parts.minute), seconds: Number(parts.second) };
}

/**
 * Null when `at` is outside the quiet hours in `timeZone`, else the instant they end there (the next
 * `end` o'clock). A DST change inside the quiet period can move that by the hour the clocks moved.
 */
export function quietUntil(at: Date, timeZone: string, q: QuietHours | null): Date | null {
  if (!q) return null;
  const { minutes, seconds } = localClock(at, timeZone);
  const s = q.start * 60;
  const e = q.end * 60;
  const inside = s > e ? minutes >= s || minutes < e : minutes >= s && minutes < e;
  if (!inside) return null;
  const wait = (e - minutes + 1440) % 1440;
  return new Date(at.getTime() + wait * 60_000 - seconds * 1000 - (at.getTime() % 1000));
}
