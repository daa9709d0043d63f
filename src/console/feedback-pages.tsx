// Feedback and reports pages: complaints and ratings with filters, and CSAT/NPS/handoff charts rendered as SVG.
import { Hono, type Context } from 'hono';
import * as z from 'zod/v4';
import { FEEDBACK_CATEGORIES } from '../../db/schema/index.js';
import { feedbackReport, listFeedback } from '../domain/feedback/index.js';
import type { AppEnv } from '../http/app-env.js';
import { parseWith } from '../http/middleware.js';
import { currentStaff, requireStaff } from '../http/staff-auth.js';
import { BarChart, BarLineChart, StackedBars } from './charts.js';
import { Badge, Card, ConsolePage, EmptyState, formatDuration, formatInstant, PageHeader, renderPage, type Tone } from './layout.js';

const feedbackFilter = z.object({
  kind: z.enum(['csat', 'nps', 'text', 'complaint']).optional(),
  category: z.enum(FEEDBACK_CATEGORIES).optional(),
  sentiment: z.enum(['positive', 'neutral', 'negative']).optional(),
});

const SENTIMENT_TONE: Record<string, Tone> = { positive: 'ok', neutral: undefined, negative: 'danger' };
const ms = (v: number | null) => (v === null ? '–' : formatDuration(v));

function Select(props: { name: string; value?: string; options: readonly string[]; label: string }) {
  return (
    <label class="field">
      {props.label}
      <select name={props.name}>
        <option value="">all</option>
        {props.options.map((o) => (
          <option value={o} selected={o === props.value}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

async function feedbackPage(c: Context<AppEnv>) {
  const me = currentStaff(c);
  const q = parseWith(feedbackFilter, Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== '')));
  const rows = await listFeedback({ ctx: c.get('deps').domain, input: { ...q, limit: 200 } });
  return renderPage(
    c,
    <ConsolePage title="Feedback" staff={me} active="feedback">
      <PageHeader title="Feedback" subtitle="Complaints (each opens a ticket), comments and ratings, categorized with sentiment." />
      <Card>
        <form method="get" action="/console/feedback" class="row-form">
          <Select name="kind" label="Kind" value={q.kind} options={['complaint', 'text', 'csat', 'nps']} />
          <Select name="category" label="Category" value={q.category} options={FEEDBACK_CATEGORIES} />
          <Select name="sentiment" label="Sentiment" value={q.sentiment} options={['negative', 'neutral', 'positive']} />
          <button type="submit" class="btn">
            Filter
          </button>
        </form>
        {rows.length ? (
          <table class="data" data-testid="feedback-table">
            <thead>
              <tr>
                <th>When ({me.timeZone})</th>
                <th>Member</th>
                <th>Kind</th>
                <th>Score</th>
                <th>Category</th>
                <th>Sentiment</th>
                <th>Words</th>
                <th>Ticket</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((f) => (
                <tr>
                  <td>{formatInstant(f.createdAt, me.timeZone)}</td>
                  <td>{f.memberName ?? f.memberId}</td>
                  <td>{f.kind}</td>
                  <td>{f.score ?? ''}</td>
                  <td>{f.category ?? ''}</td>
                  <td>{f.sentiment ? <Badge tone={SENTIMENT_TONE[f.sentiment]}>{f.sentiment}</Badge> : ''}</td>
                  <td class="small">{f.text ?? ''}</td>
                  <td>
                    {f.ticketId ? (
                      <a href={`/console/handoffs/${f.ticketId}`}>{f.ticketStatus}</a>
                    ) : f.handoffId ? (
                      <a href={`/console/handoffs/${f.handoffId}`}>handoff</a>
                    ) : (
                      ''
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <EmptyState>No feedback matches.</EmptyState>
        )}
      </Card>
    </ConsolePage>,
  );
}

function Tile(props: { label: string; value: string; testid?: string }) {
  return (
    <Card class="tile">
      <div class="value" data-testid={props.testid}>
        {props.value}
      </div>
      <div class="label">{props.label}</div>
    </Card>
  );
}

async function reportsPage(c: Context<AppEnv>) {
  const me = currentStaff(c);
  const weeks = parseWith(z.object({ weeks: z.coerce.number().int().min(1).max(104).default(8) }), c.req.query()).weeks;
  const r = await feedbackReport({ ctx: c.get('deps').domain, input: { weeks, timeZone: me.timeZone } });
  const npsTone = (s: number) => (s >= 9 ? 'ok' : s >= 7 ? 'alt' : 'danger');
  return renderPage(
    c,
    <ConsolePage title="Reports" staff={me} active="reports">
      <PageHeader
        title="Reports"
        subtitle={`${formatInstant(new Date(r.from), me.timeZone).slice(0, 10)} to ${formatInstant(new Date(r.to), me.timeZone).slice(0, 10)} (weeks from Monday, ${me.timeZone})`}
        actions={
          <form method="get" action="/console/reports" class="row-form">
            <label class="field">
              Weeks
              <input type="number" name="weeks" min={1} max={104} value={String(weeks)} />
            </label>
            <button type="submit" class="btn">
              Show
            </button>
          </form>
        }
      />
      <div class="grid tiles">
        <Tile
          label={`CSAT average (${r.csat.count} ratings)`}
          value={r.csat.average === null ? '–' : `${r.csat.average} / 5`}
          testid="csat-average"
        />
        <Tile label={`NPS (${r.nps.count} answers)`} value={r.nps.score === null ? '–' : String(r.nps.score)} testid="nps-score" />
        <Tile label="Handoffs" value={String(r.handoffs.total)} testid="handoff-total" />
        <Tile label="Median wait to claim" value={ms(r.handoffs.wait.medianMs)} />
        <Tile label="90th percentile wait" value={ms(r.handoffs.wait.p90Ms)} />
        <Tile label="Timed out in the queue" value={String(r.handoffs.timedOut)} />
      </div>
      <div class="grid two">
        <Card title="CSAT distribution">
          <BarChart
            title="CSAT ratings 1 to 5"
            testid="csat-chart"
            bars={r.csat.distribution.map((n, i) => ({ label: `${i + 1}★`, value: n }))}
          />
        </Card>
        <Card title="NPS distribution">
          <BarChart
            title="NPS answers 0 to 10"
            width={380}
            testid="nps-chart"
            bars={r.nps.distribution.map((n, i) => ({ label: String(i), value: n, tone: npsTone(i) }))}
          />
          <p class="small muted">
            Promoters {r.nps.promoters} · passives {r.nps.passives} · detractors {r.nps.detractors}
          </p>
        </Card>
      </div>
      <Card title="Per week: handoffs and CSAT">
        <BarLineChart
          title="Handoffs per week with the CSAT average"
          labels={r.perWeek.map((w) => w.week.slice(5))}
          bars={r.perWeek.map((w) => w.handoffs)}
          line={r.perWeek.map((w) => w.csatAverage)}
          lineMax={5}
          barLabel="handoffs"
          lineLabel="CSAT average"
        />
        <table class="data">
          <thead>
            <tr>
              <th>Week of</th>
              <th>Handoffs</th>
              <th>Median wait</th>
              <th>CSAT</th>
              <th>NPS</th>
            </tr>
          </thead>
          <tbody>
            {r.perWeek.map((w) => (
              <tr>
                <td>{w.week}</td>
                <td>{w.handoffs}</td>
                <td>{ms(w.medianWaitMs)}</td>
                <td>{w.csatAverage === null ? '–' : `${w.csatAverage} (${w.csatCount})`}</td>
                <td>{w.npsScore === null ? '–' : `${w.npsScore} (${w.npsCount})`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <div class="grid two">
        <Card title="Per agent">
          {r.perAgent.length ? (
            <table class="data" data-testid="agent-table">
              <thead>
                <tr>
                  <th>Agent</th>
                  <th>Claimed</th>
                  <th>Resolved</th>
                  <th>CSAT</th>
                  <th>Median wait</th>
                  <th>Median handling</th>
                </tr>
              </thead>
              <tbody>
                {r.perAgent.map((a) => (
                  <tr>
                    <td>{a.name}</td>
                    <td>{a.claimed}</td>
                    <td>{a.resolved}</td>
                    <td>{a.csatAverage === null ? '–' : `${a.csatAverage} (${a.csatCount})`}</td>
                    <td>{ms(a.wait.medianMs)}</td>
                    <td>{ms(a.handleTime.medianMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <EmptyState>No handoffs in this period.</EmptyState>
          )}
        </Card>
        <Card title="Feedback by category">
          <StackedBars
            title="Feedback by category and sentiment"
            width={380}
            rows={r.categories.map((cat) => ({
              label: cat.category,
              parts: [
                { value: cat.negative, tone: 'danger', name: 'negative' },
                { value: cat.neutral, tone: 'alt', name: 'neutral' },
                { value: cat.positive, tone: 'ok', name: 'positive' },
              ],
            }))}
          />
          <div class="legend">
            <span>
              <i class="danger" />
              negative
            </span>
            <span>
              <i class="alt" />
              neutral
            </span>
            <span>
              <i class="ok" />
              positive
            </span>
          </div>
          <h3>Handoffs by reason</h3>
          <ul class="plain small">
            {Object.entries(r.handoffs.byReason).map(([k, v]) => (
              <li>
                {k}: {v}
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </ConsolePage>,
  );
}

export function feedbackPages() {
  const app = new Hono<AppEnv>();
  const readers = requireStaff(['agent', 'marketer'], { page: true });
  app.get('/console/feedback', readers, feedbackPage);
  app.get('/console/reports', readers, reportsPage);
  return app;
}
