// Marketer console under /console/marketing: segment builder with a live count, campaigns, editor, progress and report.
import { Hono, type Context } from 'hono';
import { LIFECYCLE_STAGES, RFM_SEGMENTS } from '../../db/schema/index.js';
import { listTiers } from '../domain/loyalty/tiers.js';
import { listSegments, saveSegment } from '../domain/segments/index.js';
import type { AppEnv } from '../http/app-env.js';
import { currentStaff, requireStaff, audit, type StaffPrincipal } from '../http/staff-auth.js';
import { DomainError } from '../lib/errors.js';
import { noticeFrom, readForm } from './forms.js';
import {
  assetResponse,
  Card,
  ConsolePage,
  CsrfField,
  contentHash,
  EmptyState,
  formatInstant,
  Notice,
  PageHeader,
  renderPage,
} from './layout.js';
import { MARKETING_JS } from './marketing-assets.js';

/** Channels a member can be reached on (the segment's `channel` condition). */
const CHANNELS = ['msteams', 'emulator', 'web', 'wechat', 'line', 'telegram'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

let scriptVersion: string | undefined;
const version = () => (scriptVersion ??= contentHash(MARKETING_JS));
const scriptUrl = () => `/console/marketing/assets/marketing.js?v=${version()}`;

/** The marketer pages' own script, after the console's. */
export function MarketingScript() {
  return <script src={scriptUrl()} defer />;
}

function notice(c: Context<AppEnv>) {
  const n = noticeFrom(c);
  return n ? <Notice tone={n.tone}>{n.text}</Notice> : null;
}

function Checks(props: { name: string; legend: string; options: readonly (readonly [string, string])[] }) {
  return (
    <fieldset class="checks">
      <legend>{props.legend}</legend>
      {props.options.map(([value, label]) => (
        <label>
          <input type="checkbox" name={props.name} value={value} />
          {label}
        </label>
      ))}
    </fieldset>
  );
}

function MinMax(props: { legend: string; min: string; max: string; hint?: string }) {
  return (
    <fieldset>
      <legend>
        {props.legend} {props.hint ? <span class="hint">({props.hint})</span> : null}
      </legend>
      <div class="row-form">
        <label class="field">
          From
          <input type="number" min="0" step="any" name={props.min} data-testid={`seg-${props.min}`} />
        </label>
        <label class="field">
          To
          <input type="number" min="0" step="any" name={props.max} data-testid={`seg-${props.max}`} />
        </label>
      </div>
    </fieldset>
  );
}

/** The builder: controls for every condition, the definition they make (editable JSON) and the live count. */
function SegmentBuilder(props: { staff: StaffPrincipal; tiers: { code: string; nameEn: string }[]; values?: Record<string, string> }) {
  return (
    <form
      method="post"
      action="/console/marketing/segments"
      data-segment-builder
      data-csrf={props.staff.csrfToken ?? ''}
      data-testid="segment-builder"
    >
      <CsrfField staff={props.staff} />
      <label class="field" data-groups-op hidden>
        Members must match
        <select name="groups_op" data-testid="seg-groups-op">
          <option value="and">every group (AND)</option>
          <option value="or">any group (OR)</option>
        </select>
      </label>
      {/* One group without the page script; the script adds more ("Gold AND (birthday this month OR points expiring)"). */}
      <fieldset class="seg-group" data-seg-group data-testid="seg-group">
        <legend>
          <span data-group-title>Conditions</span>{' '}
          <button type="button" class="btn small" data-remove-group hidden>
            Remove group
          </button>
        </legend>
        <label class="field">
          Match
          <select name="op" data-testid="seg-op">
            <option value="and">every condition (AND)</option>
            <option value="or">any condition (OR)</option>
          </select>
        </label>
        <Checks name="tier" legend="Tier" options={props.tiers.map((t) => [t.code, t.nameEn] as const)} />
        <Checks name="lifecycle" legend="Lifecycle stage" options={LIFECYCLE_STAGES.map((s) => [s, s.replace('_', ' ')] as const)} />
        <Checks name="rfm_segment" legend="RFM segment" options={RFM_SEGMENTS.map((s) => [s, s.replace('_', ' ')] as const)} />
        <MinMax legend="Points balance" min="points_min" max="points_max" />
        <fieldset>
          <legend>Points expiring</legend>
          <div class="row-form">
            <label class="field">
              Within days
              <input type="number" min="1" max="3660" name="expiring_days" data-testid="seg-expiring-days" />
            </label>
            <label class="field">
              At least points
              <input type="number" min="1" name="expiring_min" />
            </label>
          </div>
        </fieldset>
        <Checks name="birthday_month" legend="Birthday month" options={MONTHS.map((m, i) => [String(i + 1), m] as const)} />
        <MinMax legend="Days since last order" min="recency_min" max="recency_max" />
        <MinMax legend="Total spend" min="spend_min" max="spend_max" hint="yuan" />
        <Checks
          name="locale"
          legend="Language"
          options={[
            ['zh-CN', 'Chinese'],
            ['en', 'English'],
          ]}
        />
        <Checks name="channel" legend="Reachable on" options={CHANNELS.map((c) => [c, c] as const)} />
        <label class="field">
          Tags <span class="hint">(any of, comma separated)</span>
          <input type="text" name="tags" />
        </label>
        <label class="field">
          Marketing consent
          <select name="consent">
            <option value="">any (consent is checked again at send time)</option>
            <option value="yes">opted in only</option>
            <option value="no">opted out only</option>
          </select>
        </label>
      </fieldset>
      <p>
        <button type="button" class="btn" data-add-group hidden data-testid="seg-add-group">
          Add a group
        </button>{' '}
        <span class="hint" data-add-group-hint hidden>
          Groups combine with AND or OR, e.g. Gold members AND (birthday this month OR points expiring).
        </span>
      </p>
      <label class="field">
        Definition <span class="hint">(JSON; the controls above write it, you may also edit it)</span>
        <textarea name="definition" rows={8} class="mono" data-testid="seg-definition">
          {props.values?.definition ?? ''}
        </textarea>
      </label>
      <div class="row-form">
        <label class="field">
          Save as
          <input
            type="text"
            name="name"
            maxlength={120}
            required
            placeholder="Gold members with expiring points"
            value={props.values?.name ?? ''}
            data-testid="seg-name"
          />
        </label>
        <button type="submit" class="btn primary" data-testid="seg-save">
          Save segment
        </button>
      </div>
    </form>
  );
}

async function segmentsPage(c: Context<AppEnv>, error?: string, values?: Record<string, string>) {
  const me = currentStaff(c);
  const ctx = c.get('deps').domain;
  const [tiers, saved] = await Promise.all([listTiers(ctx.store.db), listSegments({ ctx, input: {} })]);
  return renderPage(
    c,
    <ConsolePage title="Segments" staff={me} active="marketing">
      <PageHeader title="Segments" subtitle="Who a campaign goes to. The count updates as you edit." actions={<MarketingNav />} />
      {error ? <Notice tone="error">{error}</Notice> : notice(c)}
      <div class="grid two">
        <Card title="Build a segment">
          <SegmentBuilder staff={me} tiers={tiers} values={values} />
        </Card>
        <div>
          <Card title="Matching members">
            <p class="big">
              <strong data-testid="segment-count">–</strong> <span data-segment-status>Counting needs the page script.</span>
            </p>
            <ul class="plain small" data-segment-sample data-testid="segment-sample" />
          </Card>
          <Card title="Saved segments">
            {saved.length ? (
              <ul class="plain" data-testid="saved-segments">
                {saved.map((s) => (
                  <li>
                    <strong>{s.name}</strong> <span class="muted small">{formatInstant(s.createdAt, me.timeZone)}</span>{' '}
                    <a href={`/console/marketing/campaigns/new?segment=${encodeURIComponent(s.id)}`}>New campaign</a>
                  </li>
                ))}
              </ul>
            ) : (
              <EmptyState>No saved segments yet.</EmptyState>
            )}
          </Card>
        </div>
      </div>
      <MarketingScript />
    </ConsolePage>,
    error ? 400 : 200,
  );
}

/** Links between the marketer pages. */
export function MarketingNav() {
  return (
    <>
      <a class="btn" href="/console/marketing/segments">
        Segments
      </a>
      <a class="btn" href="/console/marketing/campaigns">
        Campaigns
      </a>
      <a class="btn primary" href="/console/marketing/campaigns/new">
        New campaign
      </a>
    </>
  );
}

export function marketingPages() {
  const app = new Hono<AppEnv>();
  const marketer = requireStaff(['marketer'], { page: true });

  app.get('/console/marketing/assets/marketing.js', (c) =>
    assetResponse(MARKETING_JS, 'text/javascript; charset=utf-8', version(), c.req.query('v')),
  );
  app.get('/console/marketing', marketer, (c) => c.redirect('/console/marketing/campaigns', 302));
  app.get('/console/marketing/segments', marketer, (c) => segmentsPage(c));
  app.post('/console/marketing/segments', marketer, async (c) => {
    const form = await readForm(c);
    let definition: unknown;
    try {
      definition = JSON.parse(form.definition || '{"op":"and","rules":[]}');
    } catch {
      return segmentsPage(c, 'The definition is not valid JSON.', form);
    }
    try {
      const s = await saveSegment({
        ctx: c.get('deps').domain,
        input: { name: form.name ?? '', definition, createdBy: currentStaff(c).id },
      });
      await audit(c, 'segment.create', `segment:${s.id}`);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'bad_request') return segmentsPage(c, err.message, form);
      throw err;
    }
    return c.redirect('/console/marketing/segments?notice=segment_saved', 303);
  });
  return app;
}
