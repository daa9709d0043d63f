// Business hours per team (locale): is the team in now, when does it open next, and how to say so. Pure functions.

/** One team's week in its own time zone. Days are ISO weekdays (1 = Monday ... 7 = Sunday). */
export interface TeamHours {
  timeZone: string;
  days: number[];
  /** "HH:MM", local time. */
  open: string;
  /** "HH:MM" (or "24:00"), local time, after `open`. */
  close: string;
  /** Local calendar dates (YYYY-MM-DD) the team is closed all day (public holidays). */
  closedDates: string[];
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** ISO weekday. */
  weekday: number;
  date: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True for a time zone name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function parts(instant: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return { y: out.year, mo: out.month, d: out.day, h: out.hour === 24 ? 0 : out.hour, mi: out.minute, s: out.second };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The wall-clock reading of an instant in a time zone. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const p = parts(instant.getTime(), timeZone);
  const wd = new Date(Date.UTC(p.y, p.mo - 1, p.d)).getUTCDay();
  return { year: p.y, month: p.mo, day: p.d, hour: p.h, minute: p.mi, weekday: wd === 0 ? 7 : wd, date: `${p.y}-${pad(p.mo)}-${pad(p.d)}` };
}

/** The zone's offset from UTC at an instant, in ms. */
function offsetMs(instant: number, timeZone: string): number {
  const p = parts(instant, timeZone);
  const asUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000));
}

/**
 * The instant a wall-clock time happens in a zone. Around a DST change the offset is re-read at the
 * candidate instant; a time that does not exist (spring forward) lands just after the gap.
 */
export function zonedTimeToUtc(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  let t = wall - offsetMs(wall, timeZone);
  const again = wall - offsetMs(t, timeZone);
  if (again !== t) t = again;
  return new Date(t);
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** Whether the team is in at `now`. */
export function isOpen(hours: TeamHours, now: Date): boolean {
  const l = localParts(now, hours.timeZone);
  if (hours.closedDates.includes(l.date) || !hours.days.includes(l.weekday)) return false;
  const m = l.hour * 60 + l.minute;
  return m >= minutesOf(hours.open) && m < minutesOf(hours.close);
}

/** `now` when the team is in, else the next opening within two weeks (null if it never opens). */
export function nextOpening(hours: TeamHours, now: Date): Date | null {
  if (isOpen(hours, now)) return now;
  const l = localParts(now, hours.timeZone);
  const open = minutesOf(hours.open);
  for (let i = 0; i <= 14; i++) {
    const day = new Date(Date.UTC(l.year, l.month - 1, l.day + i));
    const y = day.getUTCFullYear();
    const mo = day.getUTCMonth() + 1;
    const d = day.getUTCDate();
    const wd = day.getUTCDay() === 0 ? 7 : day.getUTCDay();
    if (!hours.days.includes(wd) || hours.closedDates.includes(`${y}-${pad(mo)}-${pad(d)}`)) continue;
    const at = zonedTimeToUtc(y, mo, d, Math.floor(open / 60), open % 60, hours.timeZone);
    if (at.getTime() > now.getTime()) return at;
  }
  return null;
}

const DAY_NAMES = {
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
  'zh-CN': ['周一', '周二', '周三', '周四', '周五', '周六', '周日'],
} as const;

/** "Mon–Fri 09:00–18:00 (Europe/London)" / "周一至周五 09:00–18:00（Asia/Shanghai）". */
export function describeHours(hours: TeamHours, lang: 'zh-CN' | 'en'): string {
  const names = DAY_NAMES[lang];
  const days = [...new Set(hours.days)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j] + 1) j++;
    const from = names[days[i] - 1];
    const to = names[days[j] - 1];
    runs.push(
      i === j ? from : j === i + 1 ? `${from}${lang === 'zh-CN' ? '、' : ', '}${to}` : `${from}${lang === 'zh-CN' ? '至' : '–'}${to}`,
    );
    i = j + 1;
  }
  const when = days.length === 7 ? (lang === 'zh-CN' ? '每天' : 'daily') : runs.join(lang === 'zh-CN' ? '、' : ', ');
  return lang === 'zh-CN'
    ? `${when} ${hours.open}–${hours.close}（${hours.timeZone}）`
    : `${when} ${hours.open}–${hours.close} (${hours.timeZone})`;
}

/** An instant as members read it, in their own zone: "Tue 2 Jun, 09:00" / "6月2日周二 09:00". */
export function formatForMember(instant: Date, timeZone: string, lang: 'zh-CN' | 'en'): string {
  const zone = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const l = localParts(instant, zone);
  const time = `${pad(l.hour)}:${pad(l.minute)}`;
  if (lang === 'zh-CN') return `${l.month}月${l.day}日${DAY_NAMES['zh-CN'][l.weekday - 1]} ${time}`;
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][l.month - 1];
  return `${DAY_NAMES.en[l.weekday - 1]} ${l.day} ${month}, ${time}`;
}
