// Admin settings: business hours per language team and time zone, queue timeout, wait estimate, CSAT window, canned replies.
import { Hono, type Context } from 'hono';
import {
  addCannedReply,
  deleteCannedReply,
  describeHours,
  getHandoffSettings,
  listCannedReplies,
  updateHandoffSettings,
  type HandoffSettings,
} from '../domain/handoffs/index.js';
import { DomainError } from '../lib/errors.js';
import type { AppEnv } from '../http/app-env.js';
import { audit, currentStaff, requireStaff, type StaffPrincipal } from '../http/staff-auth.js';
import { noticeFrom, readForm, readFormAll } from './forms.js';
import { Card, ConsolePage, CsrfField, EmptyState, Notice, PageHeader, PostButton, renderPage } from './layout.js';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const LOCALES = [
  ['zh-CN', 'Chinese-speaking team (zh-CN members)'],
  ['en', 'English-speaking team (en members)'],
] as const;

function TeamFields(props: { locale: 'zh-CN' | 'en'; title: string; s: HandoffSettings }) {
  const h = props.s.hours[props.locale];
  const p = props.locale;
  return (
    <fieldset>
      <legend>{props.title}</legend>
      <p class="small muted">Now: {describeHours(h, 'en')}</p>
      <div class="row-form">
        <label class="field">
          Time zone
          <input type="text" name={`${p}.timeZone`} value={h.timeZone} required placeholder="Asia/Shanghai" />
        </label>
        <label class="field">
          Opens
          <input type="time" name={`${p}.open`} value={h.open} required />
        </label>
        <label class="field">
          Closes <span class="hint">(24:00 = midnight)</span>
          <input type="text" name={`${p}.close`} value={h.close} required pattern="^([01]\d|2[0-3]):[0-5]\d$|^24:00$" />
        </label>
      </div>
      <fieldset class="checks">
        <legend>Open on</legend>
        {DAYS.map((d, i) => (
          <label>
            <input type="checkbox" name={`${p}.days`} value={String(i + 1)} checked={h.days.includes(i + 1)} />
            {d}
          </label>
        ))}
      </fieldset>
      <label class="field">
        Closed dates <span class="hint">(public holidays, YYYY-MM-DD, one per line)</span>
        <textarea name={`${p}.closedDates`}>{h.closedDates.join('\n')}</textarea>
      </label>
    </fieldset>
  );
}

async function settingsPage(c: Context<AppEnv>, flash?: { tone: 'ok' | 'error' | 'info'; text: string }, status: 200 | 400 = 200) {
  const deps = c.get('deps');
  const me = currentStaff(c);
  const [s, canned] = await Promise.all([
    getHandoffSettings({ ctx: deps.domain, input: {} }),
    listCannedReplies({ ctx: deps.domain, input: {} }),
  ]);
  const notice = flash ?? noticeFrom(c);
  return renderPage(
    c,
    <ConsolePage title="Settings" staff={me} active="settings">
      <PageHeader title="Settings" subtitle="How handoffs behave. Changes apply to the next request." />
      {notice ? <Notice tone={notice.tone}>{notice.text}</Notice> : null}
      <div class="grid two">
        <Card title="Business hours and queue">
          <form method="post" action="/console/settings/handoff" data-testid="settings-form">
            <CsrfField staff={me} />
            {LOCALES.map(([locale, title]) => (
              <TeamFields locale={locale} title={title} s={s} />
            ))}
            <div class="row-form">
              <label class="field">
                Queue timeout (minutes) <span class="hint">then the assistant resumes; the ticket stays open</span>
                <input type="number" name="queueTimeoutMinutes" min={1} max={1440} value={String(s.queueTimeoutMinutes)} required />
              </label>
              <label class="field">
                Minutes per waiting member <span class="hint">expected wait = place in queue × this</span>
                <input type="number" name="minutesPerWaitingMember" min={1} max={120} value={String(s.minutesPerWaitingMember)} required />
              </label>
              <label class="field">
                Rating window (hours)
                <input type="number" name="csatWindowHours" min={1} max={336} value={String(s.csatWindowHours)} required />
              </label>
            </div>
            <button type="submit" class="btn primary">
              Save
            </button>
          </form>
        </Card>
        <Card title="Canned replies">
          <CannedList staff={me} canned={canned} />
          <h3>New canned reply</h3>
          <form method="post" action="/console/settings/canned">
            <CsrfField staff={me} />
            <div class="row-form">
              <label class="field">
                Language
                <select name="locale">
                  <option value="zh-CN">zh-CN</option>
                  <option value="en">en</option>
                </select>
              </label>
              <label class="field">
                Title
                <input type="text" name="title" required maxlength={80} />
              </label>
            </div>
            <label class="field">
              Text{' '}
              <span class="hint">
                {'{{name}}'} = member, {'{{agent}}'} = agent
              </span>
              <textarea name="text" required maxlength={2000} />
            </label>
            <button type="submit" class="btn">
              Add
            </button>
          </form>
        </Card>
      </div>
    </ConsolePage>,
    status,
  );
}

function CannedList(props: { staff: StaffPrincipal; canned: Awaited<ReturnType<typeof listCannedReplies>> }) {
  if (!props.canned.length) return <EmptyState>None.</EmptyState>;
  return (
    <table class="data">
      <tbody>
        {props.canned.map((r) => (
          <tr>
            <td>{r.locale}</td>
            <td>
              <strong>{r.title}</strong>
              <div class="small">{r.text}</div>
            </td>
            <td>
              {r.id ? (
                <PostButton action={`/console/settings/canned/${r.id}/delete`} staff={props.staff} label="Delete" small variant="danger" />
              ) : (
                <span class="small muted">built-in</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function settingsPages() {
  const app = new Hono<AppEnv>();
  const admin = requireStaff(['admin'], { page: true });

  app.get('/console/settings', admin, (c) => settingsPage(c));

  app.post('/console/settings/handoff', admin, async (c) => {
    const form = await readForm(c);
    const team = async (p: 'zh-CN' | 'en') => ({
      timeZone: (form[`${p}.timeZone`] ?? '').trim(),
      open: form[`${p}.open`] ?? '',
      close: form[`${p}.close`] ?? '',
      days: (await readFormAll(c, `${p}.days`)).map(Number),
      closedDates: (form[`${p}.closedDates`] ?? '')
        .split(/[\s,]+/)
        .map((d) => d.trim())
        .filter(Boolean),
    });
    const settings = {
      hours: { 'zh-CN': await team('zh-CN'), en: await team('en') },
      queueTimeoutMinutes: Number(form.queueTimeoutMinutes),
      minutesPerWaitingMember: Number(form.minutesPerWaitingMember),
      csatWindowHours: Number(form.csatWindowHours),
    };
    try {
      const saved = await updateHandoffSettings({ ctx: c.get('deps').domain, input: { settings, staffId: currentStaff(c).id } });
      await audit(c, 'settings.handoff', 'settings:handoff', { queueTimeoutMinutes: saved.queueTimeoutMinutes });
    } catch (err) {
      if (err instanceof DomainError) return settingsPage(c, { tone: 'error', text: err.message }, 400);
      throw err;
    }
    return c.redirect('/console/settings?notice=saved', 303);
  });

  app.post('/console/settings/canned', admin, async (c) => {
    const form = await readForm(c);
    const locale = form.locale === 'en' ? 'en' : 'zh-CN';
    const row = await addCannedReply({
      ctx: c.get('deps').domain,
      input: { locale, title: form.title ?? '', text: form.text ?? '', staffId: currentStaff(c).id },
    });
    await audit(c, 'canned_reply.create', `canned:${row.id}`, { locale, title: row.title });
    return c.redirect('/console/settings?notice=canned_added', 303);
  });

  app.post('/console/settings/canned/:id/delete', admin, async (c) => {
    await deleteCannedReply({ ctx: c.get('deps').domain, input: { id: c.req.param('id') } });
    await audit(c, 'canned_reply.delete', `canned:${c.req.param('id')}`);
    return c.redirect('/console/settings?notice=canned_deleted', 303);
  });

  return app;
}
