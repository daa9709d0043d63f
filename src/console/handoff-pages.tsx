// Agent pages: the inbox (live), a conversation with transcript, summary, loyalty card, notes and the reply box.
import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { StaffPrincipal } from '../http/staff-auth.js';
import { audit, currentStaff, requireStaff } from '../http/staff-auth.js';
import type { AppEnv } from '../http/app-env.js';
import {
  addHandoffNote,
  countPending,
  fillCannedReply,
  listHandoffs,
  type HandoffRow,
  type TranscriptLine,
} from '../domain/handoffs/index.js';
import { setMarketingConsent } from '../domain/members/index.js';
import { sendNpsSurvey } from '../handoff/nps.js';
import { loadHandoffView, type HandoffView } from '../handoff/view.js';
import { DomainError } from '../lib/errors.js';
import { formatMoney, formatPoints } from '../lib/money.js';
import { formatDate } from '../lib/time.js';
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
  renderFragment,
  renderPage,
  Since,
  type Tone,
} from './layout.js';

const EVENTS = '/api/agent/events';

const REASON: Record<HandoffRow['reason'], string> = {
  member_request: 'asked for a person',
  complaint: 'complaint',
  bot_failure: 'assistant could not help',
  assistant: 'assistant handed over',
};

const STATUS_TONE: Record<HandoffRow['status'], Tone> = { pending: 'warn', assigned: 'info', resolved: 'ok', cancelled: undefined };

function HandoffLink(props: { h: HandoffRow }) {
  return (
    <a href={`/console/handoffs/${props.h.id}`} data-testid="open-handoff">
      {props.h.memberName}
    </a>
  );
}

function InboxTable(props: { rows: HandoffRow[]; staff: StaffPrincipal; now: Date; kind: 'live' | 'ticket' | 'mine' | 'others' }) {
  const { rows, staff, now, kind } = props;
  if (!rows.length) {
    const empty = { live: 'Nobody is waiting.', ticket: 'No open tickets.', mine: 'You have no conversations.', others: 'None.' }[kind];
    return <EmptyState>{empty}</EmptyState>;
  }
  return (
    <table class="data">
      <thead>
        <tr>
          <th>Member</th>
          <th>Why</th>
          <th>{kind === 'live' || kind === 'ticket' ? 'Waiting' : 'With agent'}</th>
          <th>Latest from the member</th>
          {kind === 'others' ? <th>Agent</th> : null}
          {kind === 'ticket' ? <th>Promised by</th> : null}
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((h) => (
          <tr class={kind === 'live' ? 'live' : ''} data-testid="inbox-row" data-handoff-id={h.id} data-member-id={h.memberId}>
            <td>
              <HandoffLink h={h} />
              <div class="small muted">
                {h.locale} · {h.channelId}
              </div>
            </td>
            <td>
              {REASON[h.reason]}
              {h.timedOutAt ? (
                <div>
                  <Badge tone="danger">timed out</Badge>
                </div>
              ) : null}
            </td>
            <td>
              <Since at={kind === 'mine' || kind === 'others' ? (h.claimedAt ?? h.requestedAt) : h.requestedAt} now={now} />
            </td>
            <td class="small">{h.lastMemberText ?? <span class="muted">–</span>}</td>
            {kind === 'others' ? <td>{h.agentName}</td> : null}
            {kind === 'ticket' ? <td class="small">{h.replyBy ? formatInstant(h.replyBy, staff.timeZone) : '–'}</td> : null}
            <td>
              {kind === 'live' || kind === 'ticket' ? (
                <PostButton action={`/console/handoffs/${h.id}/claim`} staff={staff} label="Claim" variant="primary" small testid="claim" />
              ) : (
                <a class="btn small" href={`/console/handoffs/${h.id}`}>
                  Open
                </a>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

async function inboxLists(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const me = currentStaff(c);
  const rows = await listHandoffs({ ctx: deps.domain, input: { status: 'open', limit: 300 } });
  const now = deps.domain.clock();
  const live = rows.filter((h) => h.status === 'pending' && h.mode === 'live');
  const tickets = rows.filter((h) => h.status === 'pending' && h.mode === 'ticket');
  const mine = rows.filter((h) => h.status === 'assigned' && h.agentId === me.id);
  const others = rows.filter((h) => h.status === 'assigned' && h.agentId !== me.id);
  return (
    <div class="grid">
      <Card title={`Waiting now (${live.length})`} id="waiting">
        <InboxTable rows={live} staff={me} now={now} kind="live" />
      </Card>
      <Card title={`Mine (${mine.length})`} id="mine">
        <InboxTable rows={mine} staff={me} now={now} kind="mine" />
      </Card>
      <Card title={`Tickets for follow-up (${tickets.length})`} id="tickets">
        <InboxTable rows={tickets} staff={me} now={now} kind="ticket" />
      </Card>
      <Card title={`With other agents (${others.length})`} id="others">
        <InboxTable rows={others} staff={me} now={now} kind="others" />
      </Card>
    </div>
  );
}

function DeliveryState(props: { line: TranscriptLine; staff: StaffPrincipal; handoffId: string; now: Date }) {
  const d = props.line.delivery;
  if (!d) return null;
  if (d.status === 'sent')
    return (
      <span class="delivery" data-testid="delivery-status">
        Delivered{d.sentAt ? ` ${formatInstant(d.sentAt, props.staff.timeZone)}` : ''}
      </span>
    );
  if (d.status === 'pending')
    return (
      <span class="delivery" data-testid="delivery-status">
        Sending…
      </span>
    );
  return (
    <span class="delivery failed" data-testid="delivery-status">
      Not delivered{d.httpStatus ? ` (HTTP ${d.httpStatus})` : ''}: {d.lastError ?? 'error'}.{' '}
      {d.retryable && d.nextAttemptAt
        ? `Retrying automatically at ${formatInstant(d.nextAttemptAt, props.staff.timeZone)}. `
        : 'No automatic retry. '}
      <PostButton
        action={`/console/handoffs/${props.handoffId}/deliveries/${d.id}/retry`}
        staff={props.staff}
        label="Retry now"
        small
        testid="retry-delivery"
      />
    </span>
  );
}

const LINK = /https?:\/\/[^\s<>"'，。；）)\]]+/g;

/** Text with its http(s) links clickable (a product page the assistant sent, a tracking page); JSX escapes the rest. */
function LinkedText(props: { text: string }) {
  const parts: Child[] = [];
  let last = 0;
  for (const m of props.text.matchAll(LINK)) {
    const at = m.index ?? 0;
    if (at > last) parts.push(props.text.slice(last, at));
    parts.push(
      <a href={m[0]} target="_blank" rel="noopener noreferrer">
        {m[0]}
      </a>,
    );
    last = at + m[0].length;
  }
  if (last < props.text.length) parts.push(props.text.slice(last));
  return <>{parts}</>;
}

function Transcript(props: { view: HandoffView; staff: StaffPrincipal; now: Date }) {
  const { view } = props;
  if (!view.transcript.length) return <EmptyState>No messages yet.</EmptyState>;
  // The member's message that opened the handoff: their last one at or before the request.
  const opener = view.transcript.filter((m) => m.author === 'member' && m.createdAt.getTime() <= view.handoff.requestedAt.getTime()).at(-1);
  return (
    <div class="transcript" data-testid="transcript">
      {view.transcript.map((m) => {
        const cls = m.author === 'member' ? 'member' : m.author === 'agent' ? 'agent' : 'bot';
        const who = m.author === 'member' ? view.handoff.memberName : m.author === 'agent' ? 'Agent' : 'Assistant';
        const requested = m.id === opener?.id;
        return (
          <div class={`msg ${cls}`} data-testid="transcript-message" data-author={m.author}>
            <span class="meta">
              {who} · {formatInstant(m.createdAt, props.staff.timeZone)}
              {requested ? ' · handoff requested' : ''}
              {m.conversationId !== view.handoff.conversationId ? ` · earlier chat (${m.conversationId.split(':')[0]})` : ''}
            </span>
            <LinkedText text={m.text} />
            <DeliveryState line={m} staff={props.staff} handoffId={view.handoff.id} now={props.now} />
          </div>
        );
      })}
    </div>
  );
}

function StatusBar(props: { view: HandoffView; staff: StaffPrincipal; now: Date }) {
  const h = props.view.handoff;
  const mine = h.status === 'assigned' && (h.agentId === props.staff.id || props.staff.role === 'admin');
  return (
    <div class="page-head">
      <div>
        <h1 data-testid="member-name">{h.memberName}</h1>
        <p class="actions">
          <Badge tone={STATUS_TONE[h.status]} testid="handoff-status">
            {h.status}
          </Badge>
          <Badge>{h.mode === 'live' ? 'live chat' : 'ticket'}</Badge>
          <span>{REASON[h.reason]}</span>
          <span class="muted">
            {h.locale} · {h.channelId}
          </span>
          <span class="muted">
            requested <Since at={h.requestedAt} now={props.now} /> ago
          </span>
          {h.agentName ? <span>with {h.agentName}</span> : null}
        </p>
      </div>
      <div class="actions">
        {h.status === 'pending' ? (
          <PostButton action={`/console/handoffs/${h.id}/claim`} staff={props.staff} label="Claim" variant="primary" testid="claim" />
        ) : null}
        {mine ? (
          <PostButton
            action={`/console/handoffs/${h.id}/release`}
            staff={props.staff}
            label="Return to queue"
            confirm="Put this conversation back in the queue for another agent?"
          />
        ) : null}
      </div>
    </div>
  );
}

function Side(props: { view: HandoffView; staff: StaffPrincipal }) {
  const { view, staff } = props;
  const c = view.card.card;
  const card = view.card;
  const zh = c.locale === 'zh-CN';
  return (
    <>
      <Card title="Summary">
        <ul class="plain" data-testid="summary">
          {view.summary.lines.map((l) => (
            <li>{l}</li>
          ))}
        </ul>
        {view.summary.lastWords.length ? (
          <>
            <h3>In their words</h3>
            <ul class="plain small">
              {view.summary.lastWords.map((w) => (
                <li>“{w}”</li>
              ))}
            </ul>
          </>
        ) : null}
        {view.csat ? (
          <p>
            Rated <strong data-testid="csat-score">{view.csat.score}/5</strong>
            {view.csat.text ? ` — “${view.csat.text}”` : ''}
          </p>
        ) : null}
      </Card>
      <Card title="Loyalty card">
        <dl class="facts" data-testid="loyalty-card">
          <dt>Member</dt>
          <dd>
            {c.name} <span class="muted small">{c.id}</span>
          </dd>
          <dt>Tier</dt>
          <dd>{zh ? c.tier.nameZh : c.tier.nameEn}</dd>
          <dt>Points</dt>
          <dd data-testid="card-points">{formatPoints(c.points.balance)}</dd>
          <dt>Expiring</dt>
          <dd data-testid="card-expiring">
            {/* The day the member is told (their time zone), then all that goes within the "soon" window. */}
            {c.points.nextExpiry && c.points.expiringSoon.points > 0
              ? `${formatPoints(c.points.nextExpiry.points)} on ${c.points.nextExpiry.on}${
                  c.points.expiringSoon.points > c.points.nextExpiry.points
                    ? ` · ${formatPoints(c.points.expiringSoon.points)} by ${formatDate(new Date(c.points.expiringSoon.before), c.timeZone)}`
                    : ''
                }`
              : c.points.nextExpiry
                ? `none soon (next: ${formatPoints(c.points.nextExpiry.points)} on ${c.points.nextExpiry.on})`
                : 'none'}
          </dd>
          <dt>Next tier</dt>
          <dd>{c.nextTier ? `${c.nextTier.name}: spend ¥${formatMoney(Math.round(c.nextTier.spendNeeded * 100))} more` : 'top tier'}</dd>
          <dt>12-month spend</dt>
          <dd>¥{formatMoney(Math.round(c.rollingSpend * 100))}</dd>
          <dt>Marketing consent</dt>
          <dd data-testid="card-consent">
            {c.marketingConsent ? 'yes' : 'no'}
            {card.consentHistory.length ? (
              <ul class="plain small muted" data-testid="consent-history">
                {card.consentHistory.map((h) => (
                  <li>
                    {h.granted ? 'opted in' : 'opted out'} · {h.source}
                    {h.channelId ? ` (${h.channelId})` : ''} · {formatInstant(h.createdAt, staff.timeZone).slice(0, 16)}
                  </li>
                ))}
              </ul>
            ) : null}
            <PostButton
              action={`/console/handoffs/${view.handoff.id}/consent`}
              staff={staff}
              small
              fields={{ granted: c.marketingConsent ? 'false' : 'true' }}
              label={c.marketingConsent ? 'Opt out (member asked)' : 'Opt in (member asked)'}
              confirm={c.marketingConsent ? 'Stop marketing messages to this member?' : 'Did the member ask to receive offers again?'}
              testid="consent-toggle"
            />
          </dd>
          <dt>Language · zone</dt>
          <dd>
            {c.locale} · {c.timeZone}
          </dd>
          {card.email ? (
            <>
              <dt>Email</dt>
              <dd>{card.email}</dd>
            </>
          ) : null}
          {card.phone ? (
            <>
              <dt>Phone</dt>
              <dd>{card.phone}</dd>
            </>
          ) : null}
        </dl>
        <h3>Recent orders</h3>
        {card.recentOrders.length ? (
          <ul class="plain small">
            {card.recentOrders.map((o) => (
              <li>
                {o.id} · {formatInstant(o.orderedAt, staff.timeZone).slice(0, 10)} · ¥{formatMoney(o.totalCents)} · {o.itemCount} items ·{' '}
                <Badge>{o.status}</Badge>
                {o.trackingNo ? ` ${o.carrier ?? ''} ${o.trackingNo}` : ''}
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState>No orders.</EmptyState>
        )}
        <h3>Coupons</h3>
        {card.coupons.length ? (
          <ul class="plain small">
            {card.coupons.map((x) => (
              <li>
                {zh ? x.nameZh : x.name} · until {formatInstant(x.expiresAt, staff.timeZone).slice(0, 10)}
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState>No coupons.</EmptyState>
        )}
        <h3>Previous ratings</h3>
        {card.ratings.length ? (
          <ul class="plain small">
            {card.ratings.map((r) => (
              <li>
                {r.kind.toUpperCase()} {r.score}
                {r.kind === 'csat' ? '/5' : '/10'} · {formatInstant(r.createdAt, staff.timeZone).slice(0, 10)}
                {r.text ? ` — “${r.text}”` : ''}
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState>None yet.</EmptyState>
        )}
        <h3>Might like</h3>
        <ul class="plain small">
          {card.recommendations.map((r) => (
            <li>
              {r.url ? (
                <a href={r.url} target="_blank" rel="noopener noreferrer">
                  {zh && r.nameZh ? r.nameZh : r.name}
                </a>
              ) : zh && r.nameZh ? (
                r.nameZh
              ) : (
                r.name
              )}{' '}
              · ¥{formatMoney(r.priceCents)} <span class="muted">({r.reason})</span>
            </li>
          ))}
        </ul>
        <h3>Surveys</h3>
        <PostButton
          action={`/console/handoffs/${view.handoff.id}/nps`}
          staff={staff}
          label="Send NPS survey"
          small
          confirm="Ask this member how likely they are to recommend us (0-10)?"
        />
      </Card>
      <Card title={`Internal notes (${view.notes.length})`}>
        {view.notes.length ? (
          <ul class="plain" data-testid="notes">
            {view.notes.map((n) => (
              <li class="note">
                <span class="small muted">
                  {n.staffName ?? n.staffId} · {formatInstant(n.createdAt, staff.timeZone)}
                </span>
                <br />
                {n.text}
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState>No notes. Members never see notes.</EmptyState>
        )}
        <form method="post" action={`/console/handoffs/${view.handoff.id}/notes`}>
          <CsrfField staff={staff} />
          <label class="field">
            <span class="sr-only">Note</span>
            <textarea
              name="text"
              required
              maxlength={4000}
              placeholder="A note for colleagues (not sent to the member)"
              data-testid="note-text"
            />
          </label>
          <button type="submit" class="btn small" data-testid="add-note">
            Add note
          </button>
        </form>
      </Card>
    </>
  );
}

function Composer(props: { view: HandoffView; staff: StaffPrincipal }) {
  const { view, staff } = props;
  const h = view.handoff;
  const mine = h.status === 'assigned' && (h.agentId === staff.id || staff.role === 'admin');
  if (!mine) {
    return (
      <p class="muted">
        {h.status === 'pending'
          ? 'Claim this conversation to reply.'
          : h.status === 'assigned'
            ? `${h.agentName ?? 'Another agent'} has this conversation.`
            : `This handoff is ${h.status}.`}
      </p>
    );
  }
  const vars = { name: h.memberName, agent: staff.displayName };
  return (
    <>
      <form method="post" action={`/console/handoffs/${h.id}/reply`} class="composer" data-testid="reply-form">
        <CsrfField staff={staff} />
        <input type="hidden" name="clientMessageId" value={crypto.randomUUID()} />
        <label class="field">
          <span>
            Reply to {h.memberName} <span class="hint">(sent to their {h.channelId} chat)</span>
          </span>
          <textarea id="reply-text" name="text" required maxlength={4000} data-testid="reply-text" />
        </label>
        <div class="row-form">
          <label class="field">
            <span class="sr-only">Canned reply</span>
            <select data-fill-target="reply-text" data-testid="canned-replies">
              <option value="">Insert a canned reply…</option>
              {view.canned.map((r) => (
                <option value={r.title} data-text={fillCannedReply(r.text, vars)}>
                  {r.title}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="btn primary" data-testid="send-reply">
            Send
          </button>
        </div>
      </form>
      <form method="post" action={`/console/handoffs/${h.id}/resolve`} class="row-form" data-testid="resolve-form">
        <CsrfField staff={staff} />
        <label class="field">
          Closing note <span class="hint">(internal, optional)</span>
          <input type="text" name="note" maxlength={2000} />
        </label>
        <button
          type="submit"
          class="btn"
          data-testid="resolve"
          data-confirm="Resolve? The assistant takes over again and the member is asked for a rating."
        >
          Resolve and ask for a rating
        </button>
      </form>
    </>
  );
}

const sendNotice: Record<string, string> = { sent: 'sent', failed: 'send_failed', pending: 'send_failed' };

export function handoffPages() {
  const app = new Hono<AppEnv>();
  const agent = requireStaff(['agent'], { page: true });

  app.get('/console/inbox', agent, async (c) => {
    const me = currentStaff(c);
    const flash = noticeFrom(c);
    const pending = await countPending(c.get('deps').domain);
    return renderPage(
      c,
      <ConsolePage title="Inbox" staff={me} active="inbox" events={EVENTS} counts={{ inbox: pending }}>
        <PageHeader title="Inbox" subtitle="Members waiting for a person, tickets to follow up, and your conversations. Updates live." />
        {flash ? <Notice tone={flash.tone}>{flash.text}</Notice> : null}
        <div data-live="/console/inbox/fragment" data-testid="inbox">
          {await inboxLists(c)}
        </div>
      </ConsolePage>,
    );
  });

  app.get('/console/inbox/fragment', agent, async (c) => renderFragment(c, await inboxLists(c)));

  // A member who asks an agent (in the chat or by phone) to stop or restart offers: recorded as a console change.
  app.post('/console/handoffs/:id/consent', agent, async (c) => {
    const form = await readForm(c);
    const deps = c.get('deps');
    const view = await loadHandoffView(deps.domain, c.req.param('id'), currentStaff(c).timeZone);
    if (form.granted !== 'true' && form.granted !== 'false') throw new DomainError('bad_request', 'granted must be true or false');
    const r = await setMarketingConsent({
      ctx: deps.domain,
      input: { memberId: view.handoff.memberId, granted: form.granted === 'true', source: 'console', actor: currentStaff(c).id },
    });
    if (r.changed)
      await audit(c, 'member.consent', `member:${view.handoff.memberId}`, { granted: r.marketingConsent, handoffId: view.handoff.id });
    return c.redirect(`/console/handoffs/${view.handoff.id}?notice=saved`, 303);
  });

  app.get('/console/handoffs/:id', agent, async (c) => {
    const deps = c.get('deps');
    const me = currentStaff(c);
    const view = await loadHandoffView(deps.domain, c.req.param('id'), currentStaff(c).timeZone);
    await audit(c, 'handoff.view', `handoff:${view.handoff.id}`, { memberId: view.handoff.memberId });
    const now = deps.domain.clock();
    const flash = noticeFrom(c);
    const id = view.handoff.id;
    return renderPage(
      c,
      <ConsolePage title={view.handoff.memberName} staff={me} active="inbox" events={EVENTS}>
        {flash ? <Notice tone={flash.tone}>{flash.text}</Notice> : null}
        <div data-live={`/console/handoffs/${id}/status`} data-live-handoff={id}>
          <StatusBar view={view} staff={me} now={now} />
        </div>
        <div class="grid two">
          <div class="grid">
            <Card title="Conversation">
              <div data-live={`/console/handoffs/${id}/transcript`} data-live-handoff={id}>
                <Transcript view={view} staff={me} now={now} />
              </div>
            </Card>
            <Card>
              <Composer view={view} staff={me} />
            </Card>
          </div>
          <div class="grid" data-live={`/console/handoffs/${id}/side`} data-live-handoff={id}>
            <Side view={view} staff={me} />
          </div>
        </div>
      </ConsolePage>,
    );
  });

  for (const part of ['status', 'transcript', 'side'] as const) {
    app.get(`/console/handoffs/:id/${part}`, agent, async (c) => {
      const deps = c.get('deps');
      const me = currentStaff(c);
      const view = await loadHandoffView(deps.domain, c.req.param('id'), currentStaff(c).timeZone);
      const now = deps.domain.clock();
      if (part === 'status') return renderFragment(c, <StatusBar view={view} staff={me} now={now} />);
      if (part === 'transcript') return renderFragment(c, <Transcript view={view} staff={me} now={now} />);
      return renderFragment(c, <Side view={view} staff={me} />);
    });
  }

  app.post('/console/handoffs/:id/claim', agent, async (c) => {
    const id = c.req.param('id');
    try {
      const r = await c.get('deps').handoff.claim(currentStaff(c), id);
      await audit(c, 'handoff.claim', `handoff:${id}`, { memberId: r.handoff.memberId });
      return c.redirect(`/console/handoffs/${id}?notice=claimed`, 303);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'conflict') return c.redirect(`/console/handoffs/${id}?notice=already_claimed`, 303);
      throw err;
    }
  });

  app.post('/console/handoffs/:id/release', agent, async (c) => {
    const h = await c.get('deps').handoff.release(currentStaff(c), c.req.param('id'));
    await audit(c, 'handoff.release', `handoff:${h.id}`);
    return c.redirect('/console/inbox?notice=released', 303);
  });

  app.post('/console/handoffs/:id/reply', agent, async (c) => {
    const id = c.req.param('id');
    const form = await readForm(c);
    const clientMessageId = /^[\w-]{1,100}$/.test(form.clientMessageId ?? '') ? form.clientMessageId : undefined;
    const d = await c.get('deps').handoff.reply(currentStaff(c), id, form.text ?? '', clientMessageId);
    await audit(c, 'handoff.reply', `handoff:${id}`, { deliveryId: d.id, status: d.status, chars: d.text.length });
    return c.redirect(`/console/handoffs/${id}?notice=${sendNotice[d.status]}`, 303);
  });

  app.post('/console/handoffs/:id/deliveries/:deliveryId/retry', agent, async (c) => {
    const id = c.req.param('id');
    const d = await c.get('deps').handoff.retry(c.req.param('deliveryId'), id);
    await audit(c, 'handoff.retry_delivery', `handoff:${id}`, { deliveryId: d.id, status: d.status });
    return c.redirect(`/console/handoffs/${id}?notice=${d.status === 'sent' ? 'retried' : 'send_failed'}`, 303);
  });

  app.post('/console/handoffs/:id/notes', agent, async (c) => {
    const id = c.req.param('id');
    const form = await readForm(c);
    const note = await addHandoffNote({
      ctx: c.get('deps').domain,
      input: { handoffId: id, staffId: currentStaff(c).id, text: form.text ?? '' },
    });
    await audit(c, 'handoff.note', `handoff:${id}`, { noteId: note.id });
    return c.redirect(`/console/handoffs/${id}?notice=note_added`, 303);
  });

  app.post('/console/handoffs/:id/resolve', agent, async (c) => {
    const id = c.req.param('id');
    const form = await readForm(c);
    const r = await c.get('deps').handoff.resolve(currentStaff(c), id, form.note || undefined);
    await audit(c, 'handoff.resolve', `handoff:${id}`, { csat: r.csat?.status ?? null });
    return c.redirect('/console/inbox?notice=resolved', 303);
  });

  app.post('/console/handoffs/:id/nps', agent, async (c) => {
    const deps = c.get('deps');
    const id = c.req.param('id');
    const view = await loadHandoffView(deps.domain, id, currentStaff(c).timeZone);
    const r = await sendNpsSurvey({
      ctx: deps.domain,
      outbound: deps.outbound,
      input: { memberId: view.handoff.memberId, conversationId: view.handoff.conversationId, source: 'agent' },
    });
    await audit(c, 'feedback.nps_send', `member:${view.handoff.memberId}`, { status: r.status });
    return c.redirect(`/console/handoffs/${id}?notice=${r.status === 'sent' ? 'nps_sent' : `nps_${r.status}`}`, 303);
  });

  return app;
}
