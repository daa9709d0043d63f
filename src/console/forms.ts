// Console form helpers: read a urlencoded form as strings, validate it with zod, and map redirect notices.
import type { Context } from 'hono';
import type * as z from 'zod/v4';
import type { AppEnv } from '../http/app-env.js';
import { parseWith } from '../http/middleware.js';

/** The submitted form as plain strings (files and repeated fields: the last string wins; `_csrf` dropped). */
export async function readForm(c: Context<AppEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf') continue;
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof last === 'string') out[k] = last;
  }
  return out;
}

/** All values of a repeated field (checkbox groups). */
export async function readFormAll(c: Context<AppEnv>, name: string): Promise<string[]> {
  const body = await c.req.parseBody({ all: true });
  const v = body[name];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.filter((x): x is string => typeof x === 'string');
}

/** Validates a form with a schema; failures are 400 DomainErrors naming the fields (the page shows them). */
export async function parseForm<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.output<S>> {
  return parseWith(schema, await readForm(c));
}

export interface PageNotice {
  tone: 'ok' | 'error' | 'info';
  text: string;
}

/** Fixed messages a redirect may ask for with ?notice= (never text from the URL itself), for every console area. */
export const NOTICES: Record<string, PageNotice> = {
  saved: { tone: 'ok', text: 'Saved.' },
  updated: { tone: 'ok', text: 'Account updated.' },
  revoked: { tone: 'ok', text: 'Token revoked.' },
  password_changed: { tone: 'ok', text: 'Password changed. Other sessions were signed out.' },
  time_zone: { tone: 'ok', text: 'Time zone saved: the console shows your times in it.' },
  claimed: { tone: 'ok', text: 'You took this conversation. The member has been told.' },
  already_claimed: { tone: 'error', text: 'Someone else took this conversation first.' },
  sent: { tone: 'ok', text: 'Reply sent.' },
  send_failed: { tone: 'error', text: 'The reply could not be delivered yet; it will be retried. See its status below.' },
  resolved: { tone: 'ok', text: 'Resolved: the assistant is back and the member was asked for a rating.' },
  released: { tone: 'ok', text: 'Returned to the queue.' },
  note_added: { tone: 'ok', text: 'Note added.' },
  retried: { tone: 'ok', text: 'Delivery retried.' },
  nps_sent: { tone: 'ok', text: 'NPS survey sent.' },
  nps_duplicate: { tone: 'info', text: 'That NPS survey was already sent.' },
  nps_busy: { tone: 'error', text: 'Not sent: an agent is in this conversation. Send the survey after it is resolved.' },
  nps_no_conversation: { tone: 'error', text: 'Not sent: the member has no conversation to reach them in.' },
  nps_failed: { tone: 'error', text: 'The NPS survey could not be delivered.' },
  canned_added: { tone: 'ok', text: 'Canned reply added.' },
  canned_deleted: { tone: 'ok', text: 'Canned reply deleted.' },
  logged_out: { tone: 'info', text: 'You are signed out.' },
  // Marketing: segments and campaigns.
  segment_saved: { tone: 'ok', text: 'Segment saved.' },
  created: { tone: 'ok', text: 'Campaign saved as a draft. Preview it, then launch or schedule it.' },
  launched: { tone: 'ok', text: 'Launched: deliveries are being planned and sent.' },
  scheduled: { tone: 'ok', text: 'Scheduled.' },
  paused: { tone: 'ok', text: 'Paused: nothing more goes out until you resume.' },
  resumed: { tone: 'ok', text: 'Resumed.' },
  cancelled: { tone: 'ok', text: 'Cancelled: what had not gone out will not.' },
};

/** The notice a redirect asked for with ?notice=, if it names one (own keys only: not `constructor`). */
export function noticeFrom(c: Context<AppEnv>): PageNotice | undefined {
  const n = c.req.query('notice');
  return n !== undefined && Object.hasOwn(NOTICES, n) ? NOTICES[n] : undefined;
}
