// Marketer campaign pages: list, editor (variants, split, holdout, cost), preview, launch controls, live progress, report.
import { type Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { Campaign } from '../../db/schema/index.js';
import {
  type CampaignInput,
  type CampaignView,
  cancelCampaign,
  createCampaign,
  getCampaign,
  launchCampaign,
  launchProblems,
  listCampaigns,
  pauseCampaign,
  previewCampaign,
  resumeCampaign,
  TEMPLATE_VARIABLES,
  type VariantResult,
} from '../domain/campaigns/index.js';
import { listSegments } from '../domain/segments/index.js';
import type { AppEnv } from '../http/app-env.js';
import { audit, currentStaff, requireStaff, type StaffPrincipal } from '../http/staff-auth.js';
import { zonedTimeToUtc } from '../domain/handoffs/business-hours.js';
import { DomainError, ERROR_STATUS } from '../lib/errors.js';
import { formatMoney } from '../lib/money.js';
import { BarChart, StackedBars } from './charts.js';
import { noticeFrom, readForm } from './forms.js';
import {
  Badge,
  Card,
  ConsolePage,
  CsrfField,
  EmptyState,
  formatInstant,
  Notice,
  PageHeader,
  PostButton,
  renderPage,
  type Tone,
} from './layout.js';
import { MarketingNav, MarketingScript } from './marketing-pages.js';

const VARIANT_KEYS = ['A', 'B', 'C'] as const;
const LOCALES = ['zh-CN', 'en'] as const;
/** Statuses shown in the progress table, in the order a delivery moves through them. */
const PROGRESS = ['planned', 'held', 'sending', 'sent', 'failed', 'skipped'] as const;

const STATUS_TONE: Record<string, Tone> = {
  draft: undefined,
  scheduled: 'info',
  running: 'warn',
  paused: 'warn',
  cancelled: 'danger',
  completed: 'ok',
};

function StatusBadge(props: { status: string }) {
  return (
    <Badge tone={STATUS_TONE[props.status]} testid="campaign-status">
      {props.status}
    </Badge>
  );
}

/** What the editor form holds, as strings (kept when a submission is refused). */
type EditorValues = Record<string, string>;

function yuanToCents(v: string | undefined): number {
  const n = Number(v ?? '0');
  if (!Number.isFinite(n) || n < 0) throw new DomainError('bad_request', 'Cost per message must be a positive amount in yuan');
  return Math.round(n * 100);
}

function intOf(v: string | undefined, fallback: number): number {
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new DomainError('bad_request', `"${v}" is not a whole number`);
  return n;
}

/**
 * A `datetime-local` value ("2026-12-24T09:00") read as wall-clock time in the staff member's time zone (the
 * form says which), or null. Around a DST change the zone's offset at that moment is used.
 */
function scheduleOf(v: string | undefined, timeZone: string): string | null {
  if (!v?.trim()) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(v.trim());
  const [y, mo, d, h, mi] = m ? m.slice(1).map(Number) : [];
  const valid = m && mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate() && h <= 23 && mi <= 59;
  if (!valid) throw new DomainError('bad_request', 'The schedule must be a date and time');
  return zonedTimeToUtc(y, mo, d, h, mi, timeZone).toISOString();
}

/** The campaign input the editor form describes; variants without any template are left out. */
function campaignInputOf(form: EditorValues, timeZone: string) {
  const variants = VARIANT_KEYS.flatMap((key) => {
    const templates: Partial<Record<'zh-CN' | 'en', string>> = {};
    for (const l of LOCALES) {
      const t = form[`${key}.${l}`]?.trim();
      if (t) templates[l] = t;
    }
    if (!Object.keys(templates).length) return [];
    return [{ key, split: intOf(form[`${key}.split`], 0), templates }];
  });
  let segment: unknown;
  if (form.definition?.trim()) {
    try {
      segment = JSON.parse(form.definition);
    } catch {
      throw new DomainError('bad_request', 'The segment definition is not valid JSON');
    }
  }
  return {
    name: form.name ?? '',
    segmentId: form.segmentId || undefined,
    segment: segment as CampaignInput['segment'],
    variants,
    holdoutPct: intOf(form.holdoutPct, 0),
    costPerMessageCents: yuanToCents(form.cost),
    attributionDays: intOf(form.attributionDays, 7),
    scheduleAt: scheduleOf(form.scheduleAt, timeZone),
  };
}

function Editor(props: { staff: StaffPrincipal; values: EditorValues; segments: { id: string; name: string }[] }) {
  const v = props.values;
  return (
    <form method="post" action="/console/marketing/campaigns" data-testid="campaign-editor">
      <CsrfField staff={props.staff} />
      <label class="field">
        Name
        <input type="text" name="name" value={v.name ?? ''} maxlength={120} required data-testid="cmp-name" />
      </label>
      <div class="row-form">
        <label class="field">
          Segment
          <select name="segmentId" data-testid="cmp-segment">
            <option value="">(the definition below)</option>
            {props.segments.map((s) => (
              <option value={s.id} selected={v.segmentId === s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label class="field">
        Or a segment definition <span class="hint">(JSON, as the segment builder writes it; wins over the saved segment)</span>
        <textarea name="definition" rows={3} class="mono">
          {v.definition ?? ''}
        </textarea>
      </label>
      <p class="small muted">
        Variables: {TEMPLATE_VARIABLES.map((x) => `{{${x}}}`).join(' ')}. Every message ends with how to opt out (STOP / 退订); members who
        opted out, are in the holdout, over the frequency cap or in quiet hours are skipped or held at send time.
      </p>
      {VARIANT_KEYS.map((key, i) => (
        <fieldset data-testid={`variant-${key}`}>
          <legend>Variant {key}</legend>
          <label class="field">
            Share of the audience, %
            <input type="number" min="0" max="100" name={`${key}.split`} value={v[`${key}.split`] ?? (i === 0 ? '90' : '')} />
          </label>
          {LOCALES.map((l) => (
            <label class="field">
              Message ({l})
              <textarea name={`${key}.${l}`} rows={3} data-testid={`cmp-${key}-${l}`}>
                {v[`${key}.${l}`] ?? ''}
              </textarea>
            </label>
          ))}
        </fieldset>
      ))}
      <div class="row-form">
        <label class="field">
          Holdout (control), %
          <input type="number" min="0" max="50" name="holdoutPct" value={v.holdoutPct ?? '10'} data-testid="cmp-holdout" />
        </label>
        <label class="field">
          Cost per message, ¥
          <input type="number" min="0" step="0.01" name="cost" value={v.cost ?? '0.05'} data-testid="cmp-cost" />
        </label>
        <label class="field">
          Attribution window, days
          <input type="number" min="1" max="90" name="attributionDays" value={v.attributionDays ?? '7'} />
        </label>
        <label class="field">
          Schedule ({props.staff.timeZone}, optional)
          <input type="datetime-local" name="scheduleAt" value={v.scheduleAt ?? ''} />
        </label>
      </div>
      <p class="small muted">Variant shares plus the holdout must add up to 100.</p>
      <button type="submit" class="btn primary" data-testid="cmp-save">
        Save draft
      </button>
    </form>
  );
}

async function editorPage(c: Context<AppEnv>, values: EditorValues, error?: string) {
  const me = currentStaff(c);
  const segments = await listSegments({ ctx: c.get('deps').domain, input: {} });
  return renderPage(
    c,
    <ConsolePage title="New campaign" staff={me} active="marketing">
      <PageHeader title="New campaign" actions={<MarketingNav />} />
      {error ? <Notice tone="error">{error}</Notice> : null}
      <Card>
        <Editor staff={me} values={values} segments={segments} />
      </Card>
    </ConsolePage>,
    error ? 400 : 200,
  );
}

async function listPage(c: Context<AppEnv>) {
  const me = currentStaff(c);
  const rows = await listCampaigns({ ctx: c.get('deps').domain, input: {} });
  return renderPage(
    c,
    <ConsolePage title="Campaigns" staff={me} active="marketing">
      <PageHeader title="Campaigns" subtitle="Personalized broadcasts through each member's own chat." actions={<MarketingNav />} />
      <Card>
        {rows.length ? (
          <table data-testid="campaign-list">
            <thead>
              <tr>
                <th>Name</th>
                <th>Status</th>
                <th>Planned</th>
                <th>Created</th>
                <th>Scheduled</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>
                    <a href={`/console/marketing/campaigns/${r.id}`}>{r.name}</a>
                  </td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td>{r.plannedCount.toLocaleString('en-US')}</td>
                  <td class="small">{formatInstant(r.createdAt, me.timeZone)}</td>
                  <td class="small">{r.scheduleAt ? formatInstant(r.scheduleAt, me.timeZone) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState>
            No campaigns yet. <a href="/console/marketing/campaigns/new">Create one</a>.
          </EmptyState>
        )}
      </Card>
    </ConsolePage>,
  );
}

/** The counts table the progress script keeps current; server-rendered with the counts of now. */
function Progress(props: { view: CampaignView }) {
  const { campaign, counts } = props.view;
  const done = (counts.byStatus.sent ?? 0) + (counts.byStatus.failed ?? 0) + (counts.byStatus.skipped ?? 0);
  return (
    <div
      data-campaign-progress={`/api/marketing/campaigns/${campaign.id}/progress`}
      data-status={campaign.status}
      data-testid="campaign-progress"
    >
      <p>
        Status: <strong data-campaign-status>{campaign.status}</strong> · planned{' '}
        <strong data-count-of="total">{counts.total.toLocaleString('en-US')}</strong>
      </p>
      <progress max={Math.max(counts.total, 1)} value={done} />
      <table class="counts">
        <thead>
          <tr>
            {PROGRESS.map((s) => (
              <th>{s}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {PROGRESS.map((s) => (
              <td data-count-of={s} data-testid={`count-${s}`}>
                {(counts.byStatus[s] ?? 0).toLocaleString('en-US')}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      <p class="small muted" data-skip-reasons>
        Skipped:{' '}
        {Object.entries(counts.bySkipReason)
          .map(([k, n]) => `${k} ${n}`)
          .join(' · ') || 'none'}
      </p>
    </div>
  );
}

function Controls(props: { staff: StaffPrincipal; campaign: Campaign; problems: string[] }) {
  const { campaign: c, staff } = props;
  const base = `/console/marketing/campaigns/${c.id}`;
  const out: Child[] = [];
  if (c.status === 'draft') {
    out.push(
      <form class="inline" method="post" action={`${base}/launch`}>
        <CsrfField staff={staff} />
        <button type="submit" class="btn primary" disabled={props.problems.length > 0} data-testid="cmp-launch">
          Launch now
        </button>
      </form>,
      <form class="inline" method="post" action={`${base}/launch`}>
        <CsrfField staff={staff} />
        <input type="datetime-local" name="scheduleAt" required aria-label={`Schedule (${staff.timeZone})`} />
        <button type="submit" class="btn" disabled={props.problems.length > 0} data-testid="cmp-schedule">
          Schedule ({staff.timeZone})
        </button>
      </form>,
    );
  }
  if (c.status === 'running' || c.status === 'scheduled')
    out.push(<PostButton action={`${base}/pause`} staff={staff} label="Pause" testid="cmp-pause" />);
  if (c.status === 'paused') out.push(<PostButton action={`${base}/resume`} staff={staff} label="Resume" testid="cmp-resume" />);
  if (c.status !== 'cancelled' && c.status !== 'completed')
    out.push(
      <PostButton
        action={`${base}/cancel`}
        staff={staff}
        label="Cancel campaign"
        variant="danger"
        confirm="Cancel this campaign? Messages not yet sent will never be sent."
        testid="cmp-cancel"
      />,
    );
  return <div class="actions">{out}</div>;
}

const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
const yuan = (cents: number) => `¥${formatMoney(cents)}`;

/** Results per variant and holdout: the table and its charts. */
function Report(props: { view: CampaignView }) {
  const { counts, report } = props.view;
  const rows: VariantResult[] = [...report.variants, ...(report.holdout ? [report.holdout] : [])];
  const reasons = [...new Set(counts.variants.flatMap((v) => Object.keys(v.bySkipReason)))].sort();
  const tones = ['alt', 'warn', 'danger', 'info', ''];
  return (
    <>
      <table data-testid="campaign-report">
        <thead>
          <tr>
            <th>Variant</th>
            <th>Recipients</th>
            <th>Converted</th>
            <th>Conversion</th>
            <th>Revenue</th>
            <th>Points earned</th>
            <th>Uplift vs holdout</th>
            <th>Cost</th>
            <th>ROI</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr data-testid={`report-${r.variant}`}>
              <td>{r.variant}</td>
              <td>{r.recipients.toLocaleString('en-US')}</td>
              <td>{r.converted.toLocaleString('en-US')}</td>
              <td>{pct(r.conversionRate)}</td>
              <td>{yuan(r.revenueCents)}</td>
              <td>{r.pointsEarned.toLocaleString('en-US')}</td>
              <td>{r.upliftPts === null ? '–' : `${r.upliftPts >= 0 ? '+' : ''}${r.upliftPts.toFixed(1)} pts`}</td>
              <td>{r.variant === 'holdout' ? '–' : yuan(r.costCents)}</td>
              <td>{r.roi === null ? '–' : pct(r.roi)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="small muted">
        Orders paid within {report.attributionDays} days after a member's message (holdout: after the campaign started) count for its
        variant. Uplift is the conversion rate over the holdout's; ROI is (revenue beyond the holdout's rate − cost) ÷ cost.
      </p>
      <div class="grid two">
        <div>
          <h3>Delivered and skipped, by variant</h3>
          <StackedBars
            title="Deliveries by variant: sent, failed and skipped by reason"
            rows={counts.variants.map((v) => ({
              label: v.variant,
              parts: [
                { name: 'sent', value: v.byStatus.sent ?? 0, tone: '' },
                { name: 'failed', value: v.byStatus.failed ?? 0, tone: 'danger' },
                ...reasons.map((reason, i) => ({
                  name: `skipped: ${reason}`,
                  value: v.bySkipReason[reason] ?? 0,
                  tone: tones[i % tones.length],
                })),
              ],
            }))}
          />
          <p class="small muted">Blue: sent; red: failed; then skipped by reason ({reasons.join(', ') || 'none'}).</p>
        </div>
        <div>
          <h3>Conversion</h3>
          <BarChart
            title="Conversion rate by variant and holdout"
            testid="chart-conversion"
            format={(n) => `${n.toFixed(1)}%`}
            bars={rows.map((r) => ({ label: r.variant, value: r.conversionRate * 100, tone: r.variant === 'holdout' ? 'alt' : undefined }))}
          />
        </div>
        <div>
          <h3>Revenue</h3>
          <BarChart
            title="Attributed revenue by variant and holdout, yuan"
            format={(n) => `¥${Math.round(n).toLocaleString('en-US')}`}
            bars={rows.map((r) => ({ label: r.variant, value: r.revenueCents / 100, tone: r.variant === 'holdout' ? 'alt' : undefined }))}
          />
        </div>
      </div>
    </>
  );
}

async function campaignPage(c: Context<AppEnv>, extra: { preview?: Child; error?: DomainError } = {}) {
  const me = currentStaff(c);
  const ctx = c.get('deps').domain;
  const view = await getCampaign({ ctx, input: { id: c.req.param('id') ?? '' } });
  const cmp = view.campaign;
  const problems = cmp.status === 'draft' ? await launchProblems(ctx, cmp) : [];
  const n = noticeFrom(c);
  return renderPage(
    c,
    <ConsolePage title={cmp.name} staff={me} active="marketing">
      <PageHeader
        title={cmp.name}
        subtitle={
          <>
            <StatusBadge status={cmp.status} /> · holdout {cmp.holdoutPct}% · {yuan(cmp.costPerMessageCents)} per message
            {cmp.scheduleAt ? ` · scheduled ${formatInstant(cmp.scheduleAt, me.timeZone)} ${me.timeZone}` : ''}
          </>
        }
        actions={<MarketingNav />}
      />
      {extra.error ? <Notice tone="error">{extra.error.message}</Notice> : n ? <Notice tone={n.tone}>{n.text}</Notice> : null}
      <Card title="Launch">
        {cmp.status === 'draft' ? (
          problems.length ? (
            <div data-testid="launch-problems">
              <Notice tone="error">Not ready to launch:</Notice>
              <ul>
                {problems.map((p) => (
                  <li>{p}</li>
                ))}
              </ul>
            </div>
          ) : (
            <p class="small muted" data-testid="launch-ready">
              Templates check out: every variable is known and every language of the audience has a message.
            </p>
          )
        ) : null}
        <Controls staff={me} campaign={cmp} problems={problems} />
      </Card>
      <Card title="Progress">
        <Progress view={view} />
      </Card>
      <Card title="Preview for a member">
        <form method="post" action={`/console/marketing/campaigns/${cmp.id}/preview`} class="row-form" data-testid="preview-form">
          <CsrfField staff={me} />
          <label class="field">
            Member id
            <input type="text" name="memberId" required value={c.req.query('member') ?? ''} data-testid="preview-member" />
          </label>
          <label class="field">
            Variant
            <select name="variant">
              <option value="">as assigned</option>
              {cmp.variants.map((v) => (
                <option value={v.key}>{v.key}</option>
              ))}
            </select>
          </label>
          <button type="submit" class="btn" data-testid="preview-submit">
            Preview
          </button>
        </form>
        {extra.preview}
      </Card>
      <Card title="Variants">
        {cmp.variants.map((v) => (
          <div>
            <h3>
              {v.key} · {v.split}%
            </h3>
            {LOCALES.map((l) =>
              v.templates[l] ? (
                <div class="preview-message">
                  <span class="muted small">{l}</span> {v.templates[l]}
                </div>
              ) : null,
            )}
          </div>
        ))}
      </Card>
      <Card title="Results">
        <Report view={view} />
      </Card>
      <MarketingScript />
    </ConsolePage>,
    extra.error ? (ERROR_STATUS[extra.error.code] as 400 | 404 | 409) : 200,
  );
}

/** The campaign pages; mounted by marketingPages(). */
export function campaignPages() {
  const app = new Hono<AppEnv>();
  const marketer = requireStaff(['marketer'], { page: true });

  app.get('/console/marketing/campaigns', marketer, (c) => listPage(c));
  app.post('/console/marketing/campaigns', marketer, async (c) => {
    const form = await readForm(c);
    try {
      const input = campaignInputOf(form, currentStaff(c).timeZone);
      const cmp = await createCampaign({ ctx: c.get('deps').domain, input: { ...input, createdBy: currentStaff(c).id } });
      await audit(c, 'campaign.create', `campaign:${cmp.id}`);
      return c.redirect(`/console/marketing/campaigns/${cmp.id}?notice=created`, 303);
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'bad_request' || err.code === 'not_found')) return editorPage(c, form, err.message);
      throw err;
    }
  });
  // `/new` is the editor. It is one route with `/:id` (campaign ids are `cmp_…`, never "new"): a static path beside a
  // parameter at the same place makes Hono's SmartRouter give up its RegExpRouter for the slower TrieRouter, which
  // then routes every request of the app, chat turns included.
  app.get('/console/marketing/campaigns/:id', marketer, (c) =>
    c.req.param('id') === 'new' ? editorPage(c, { segmentId: c.req.query('segment') ?? '' }) : campaignPage(c),
  );
  app.post('/console/marketing/campaigns/:id/preview', marketer, async (c) => {
    const form = await readForm(c);
    try {
      const p = await previewCampaign({
        ctx: c.get('deps').domain,
        input: { id: c.req.param('id'), memberId: (form.memberId ?? '').trim(), variant: form.variant || undefined },
      });
      return campaignPage(c, {
        preview: (
          <div data-testid="preview-result">
            <p class="small muted">
              Variant {p.variant} ({p.locale}) · assigned {p.assigned} · {p.inSegment ? 'in the segment' : 'not in the segment'}
            </p>
            <div class="preview-message" data-testid="preview-message">
              {p.text}
            </div>
            {p.missing.length ? (
              <Notice tone="error">
                No value for this member: {p.missing.map((m) => `{{${m}}}`).join(', ')}. They would get a blank there.
              </Notice>
            ) : null}
          </div>
        ),
      });
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'bad_request' || err.code === 'not_found')) return campaignPage(c, { error: err });
      throw err;
    }
  });
  app.post('/console/marketing/campaigns/:id/launch', marketer, async (c) => {
    const form = await readForm(c);
    const id = c.req.param('id');
    try {
      const scheduleAt = form.scheduleAt !== undefined ? scheduleOf(form.scheduleAt, currentStaff(c).timeZone) : undefined;
      const cmp = await launchCampaign({ ctx: c.get('deps').domain, input: { id, scheduleAt } });
      // Sending starts within moments, not at the next dispatcher tick.
      if (cmp.status === 'running') c.get('deps').broadcast.kick();
      await audit(c, 'campaign.launch', `campaign:${id}`, { status: cmp.status });
      return c.redirect(`/console/marketing/campaigns/${id}?notice=${cmp.status === 'scheduled' ? 'scheduled' : 'launched'}`, 303);
    } catch (err) {
      if (err instanceof DomainError && (err.code === 'bad_request' || err.code === 'conflict')) return campaignPage(c, { error: err });
      throw err;
    }
  });
  for (const [action, verb, notice] of [
    ['pause', pauseCampaign, 'paused'],
    ['resume', resumeCampaign, 'resumed'],
    ['cancel', cancelCampaign, 'cancelled'],
  ] as const) {
    app.post(`/console/marketing/campaigns/:id/${action}`, marketer, async (c) => {
      const id = c.req.param('id');
      try {
        const cmp = await verb({ ctx: c.get('deps').domain, input: { id } });
        if (cmp.status === 'running') c.get('deps').broadcast.kick();
      } catch (err) {
        if (err instanceof DomainError && err.code === 'conflict') return campaignPage(c, { error: err });
        throw err;
      }
      await audit(c, `campaign.${action}`, `campaign:${id}`);
      return c.redirect(`/console/marketing/campaigns/${id}?notice=${notice}`, 303);
    });
  }
  return app;
}
