// Static assets of the staff console (styles and the small enhancement script), kept as strings: Workers has no fs.
//
// The script is plain ES2017 inside a String.raw template, so it must never contain a backtick or a dollar-brace
// sequence. It only enhances server-rendered pages (every form works without it) and never parses text as HTML:
// fragments it swaps in are server-rendered, escaped markup fetched from the same origin.

/** Styles for every console page (no inline styles: the pages' CSP has no 'unsafe-inline'). */
// biome-ignore lint/complexity/noUselessStringRaw: raw on purpose, so a backslash added later reaches the browser unchanged
export const CONSOLE_CSS = String.raw`/* Member Assistant console */
:root {
  --brand: #4f46e5; --brand-soft: #eef0ff; --bg: #f4f5fa; --surface: #fff; --surface-2: #f8f9fc;
  --ink: #1d2032; --muted: #667085; --line: #e4e7ef; --ok: #067647; --ok-soft: #ecfdf3;
  --warn: #b54708; --warn-soft: #fffaeb; --danger: #b42318; --danger-soft: #fef3f2; --info-soft: #eff4ff;
  --radius: 14px; --focus: 0 0 0 3px rgba(79, 70, 229, 0.3);
  color-scheme: light;
  font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", Roboto, Arial, sans-serif;
  font-size: 14.5px; line-height: 1.5;
}
*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); }
a { color: var(--brand); }
[hidden] { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
button, input, select, textarea { font: inherit; color: inherit; }
:focus-visible { outline: none; box-shadow: var(--focus); }

.shell { display: grid; grid-template-columns: 220px 1fr; min-height: 100vh; }
.side { background: #151833; color: #d7dbf5; padding: 18px 12px; display: flex; flex-direction: column; gap: 4px; }
.side .brand { display: flex; gap: 10px; align-items: center; padding: 4px 8px 18px; color: #fff; font-weight: 650; text-decoration: none; }
.side .logo { width: 30px; height: 30px; border-radius: 9px; background: linear-gradient(135deg, #6366f1, #8b5cf6); display: grid; place-items: center; }
.side nav a { display: flex; justify-content: space-between; align-items: center; padding: 8px 10px; border-radius: 9px; color: inherit; text-decoration: none; }
.side nav a:hover { background: rgba(255, 255, 255, 0.07); }
.side nav a[aria-current="page"] { background: rgba(129, 140, 248, 0.22); color: #fff; font-weight: 600; }
.side .who { margin-top: auto; padding: 12px 10px 0; border-top: 1px solid rgba(255, 255, 255, 0.1); font-size: 13px; }
.side .who strong { display: block; color: #fff; }
.side .who a { display: block; color: rgba(255, 255, 255, 0.7); text-decoration: none; margin-top: 2px; }
.side .who form { margin-top: 8px; }
.side .who button { background: none; border: 1px solid rgba(255, 255, 255, 0.25); color: #fff; border-radius: 8px; padding: 4px 10px; cursor: pointer; }
.count { min-width: 22px; padding: 0 7px; border-radius: 999px; background: #f04438; color: #fff; font-size: 12px; font-weight: 700; text-align: center; }
main.content { padding: 24px 28px 48px; min-width: 0; }
@media (max-width: 800px) { .shell { grid-template-columns: 1fr; } .side { flex-direction: row; flex-wrap: wrap; } .side .who { margin: 0; border: 0; } }

.page-head { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px; margin-bottom: 18px; flex-wrap: wrap; }
.page-head h1 { margin: 0; font-size: 22px; }
.page-head p { margin: 2px 0 0; color: var(--muted); }
.actions { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; }
.grid { display: grid; gap: 16px; }
.grid.two { grid-template-columns: minmax(0, 2fr) minmax(280px, 1fr); }
.grid.tiles { grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); }
@media (max-width: 1000px) { .grid.two { grid-template-columns: 1fr; } }
.card { background: var(--surface); border: 1px solid var(--line); border-radius: var(--radius); padding: 16px 18px; min-width: 0; }
.card h2 { margin: 0 0 12px; font-size: 15.5px; }
.card h3 { margin: 14px 0 6px; font-size: 13.5px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.tile .value { font-size: 26px; font-weight: 700; }
.tile .label { color: var(--muted); font-size: 13px; }
.muted { color: var(--muted); }
.small { font-size: 12.5px; }

.btn { display: inline-flex; align-items: center; gap: 6px; min-height: 34px; padding: 0 14px; border-radius: 9px; border: 1px solid var(--line); background: var(--surface); cursor: pointer; font-weight: 600; text-decoration: none; color: var(--ink); }
.btn:hover { border-color: #c9cde0; }
.btn.primary { background: var(--brand); border-color: var(--brand); color: #fff; }
.btn.danger { color: var(--danger); border-color: #f3c2bd; }
.btn.small { min-height: 28px; padding: 0 10px; font-size: 13px; }
.btn:disabled { opacity: 0.5; cursor: default; }
form.inline { display: inline; margin: 0; }

table.data { width: 100%; border-collapse: collapse; }
table.data th { text-align: left; font-size: 12.5px; color: var(--muted); font-weight: 600; padding: 6px 8px; border-bottom: 1px solid var(--line); }
table.data td { padding: 9px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
table.data tr:last-child td { border-bottom: 0; }
table.data tr.live td:first-child { box-shadow: inset 3px 0 0 var(--brand); }

.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; background: var(--surface-2); border: 1px solid var(--line); white-space: nowrap; }
.badge.ok { background: var(--ok-soft); color: var(--ok); border-color: #abefc6; }
.badge.warn { background: var(--warn-soft); color: var(--warn); border-color: #fedf89; }
.badge.danger { background: var(--danger-soft); color: var(--danger); border-color: #fecdca; }
.badge.info { background: var(--info-soft); color: var(--brand); border-color: #c7d7fe; }

.notice { padding: 10px 14px; border-radius: 10px; margin-bottom: 16px; border: 1px solid; }
.notice.ok { background: var(--ok-soft); color: var(--ok); border-color: #abefc6; }
.notice.error { background: var(--danger-soft); color: var(--danger); border-color: #fecdca; }
.notice.info { background: var(--info-soft); color: #1d2939; border-color: #c7d7fe; }
.secret { display: flex; gap: 8px; align-items: center; font-family: ui-monospace, Menlo, Consolas, monospace; background: #101828; color: #fff; padding: 8px 12px; border-radius: 8px; overflow-wrap: anywhere; }

label.field { display: grid; gap: 4px; margin-bottom: 12px; font-weight: 600; font-size: 13px; }
label.field span.hint { font-weight: 400; color: var(--muted); }
input[type="text"], input[type="email"], input[type="password"], input[type="number"], input[type="time"], select, textarea {
  width: 100%; padding: 8px 10px; border: 1px solid var(--line); border-radius: 9px; background: var(--surface); font-weight: 400;
}
textarea { resize: vertical; min-height: 80px; }
.row-form { display: flex; gap: 8px; flex-wrap: wrap; align-items: flex-end; }
.row-form label.field { margin: 0; }
fieldset { border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; margin: 0 0 12px; }
legend { font-weight: 650; padding: 0 6px; }
.checks { display: flex; gap: 10px; flex-wrap: wrap; }
fieldset.checks { border: 0; padding: 0; margin: 0 0 12px; align-items: center; }
fieldset.checks legend { font-weight: 600; font-size: 13px; padding: 0; margin-right: 6px; float: left; }
fieldset.seg-group { border-color: #c7cbe0; background: var(--surface-2); }
fieldset.seg-group > legend { font-weight: 700; }
.checks label { display: flex; gap: 4px; align-items: center; font-weight: 400; }

.login { min-height: 100vh; display: grid; place-items: center; padding: 24px; background: radial-gradient(900px 500px at 10% -10%, rgba(124, 58, 237, 0.16), transparent 60%), var(--bg); }
.login .card { width: min(100%, 380px); padding: 28px; }
.login h1 { margin: 0 0 4px; font-size: 21px; }
.login p.lead { margin: 0 0 18px; color: var(--muted); }
.login .btn.primary { width: 100%; justify-content: center; min-height: 40px; }

.transcript { display: flex; flex-direction: column; gap: 10px; max-height: 60vh; overflow-y: auto; padding: 4px 2px; }
.msg { max-width: 80%; padding: 8px 12px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere; }
.msg .meta { display: block; font-size: 11.5px; color: var(--muted); margin-bottom: 2px; }
.msg.member { align-self: flex-start; background: var(--surface-2); border: 1px solid var(--line); }
.msg.bot { align-self: flex-end; background: var(--brand-soft); }
.msg.agent { align-self: flex-end; background: #ecfdf3; border: 1px solid #abefc6; }
.msg.system { align-self: center; background: none; color: var(--muted); font-size: 12.5px; }
.msg .delivery { display: block; margin-top: 4px; font-size: 12px; }
.msg .delivery.failed { color: var(--danger); font-weight: 600; }
.composer textarea { min-height: 96px; }
.composer .row-form { justify-content: space-between; margin-top: 8px; }
dl.facts { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; font-weight: 600; }
ul.plain { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; }
.note { padding: 8px 10px; border-radius: 9px; background: var(--warn-soft); border: 1px solid #fedf89; white-space: pre-wrap; }

.chart { width: 100%; height: auto; max-height: 300px; display: block; }
.chart text { font-size: 11px; fill: var(--muted); }
.chart .bar { fill: #6366f1; }
.chart .bar.alt { fill: #a5b4fc; }
.chart .bar.ok { fill: #12b76a; }
.chart .bar.danger { fill: #f04438; }
.chart .line { fill: none; stroke: #4f46e5; stroke-width: 2.5; }
.chart .dot { fill: #4f46e5; }
.chart .grid-line { stroke: var(--line); }
.chart .value { fill: var(--ink); font-weight: 600; }
.legend { display: flex; gap: 14px; font-size: 12.5px; color: var(--muted); margin-top: 6px; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 3px; margin-right: 5px; background: #6366f1; }
.legend i.alt { background: #a5b4fc; }
.legend i.ok { background: #12b76a; }
.legend i.danger { background: #f04438; }
body.stream-down [data-live]::before { content: "Live updates paused: reconnecting…"; display: block; font-size: 12px; color: var(--warn); margin-bottom: 6px; }
/* marketer pages */
.big { font-size: 28px; margin: 4px 0; } .mono { font-family: ui-monospace, Menlo, monospace; font-size: 12px; }
progress { width: 100%; height: 14px; } .preview-message { white-space: pre-wrap; border-left: 3px solid var(--line, #ddd); padding: 6px 10px; margin: 6px 0; }
table.counts td, table.counts th { padding: 4px 10px; text-align: right; } table.counts th:first-child, table.counts td:first-child { text-align: left; }
`;

/**
 * The console's enhancement script, served as /console/assets/console.js:
 * - [data-confirm] buttons ask before submitting;
 * - [data-since] elements show a live "waiting 3m" from an ISO instant;
 * - [data-live] regions re-fetch their server-rendered fragment when the staff event stream says something changed
 *   (EventSource reconnects by itself and resumes from the last event id);
 * - [data-fill-target] selects copy a canned reply into the composer;
 * - [data-copy] buttons copy a secret to the clipboard.
 */
// biome-ignore lint/complexity/noUselessStringRaw: raw on purpose, so a backslash added later reaches the browser unchanged
export const CONSOLE_JS = String.raw`(function () {
  'use strict';

  document.addEventListener('click', function (ev) {
    var el = ev.target && ev.target.closest ? ev.target.closest('[data-confirm]') : null;
    if (el && !window.confirm(el.getAttribute('data-confirm'))) ev.preventDefault();
    var copy = ev.target && ev.target.closest ? ev.target.closest('[data-copy]') : null;
    if (copy && navigator.clipboard) {
      navigator.clipboard.writeText(copy.getAttribute('data-copy')).then(function () { copy.textContent = 'Copied'; });
    }
  });

  function ago(iso) {
    var ms = Date.now() - new Date(iso).getTime();
    if (!(ms >= 0)) return '';
    var m = Math.floor(ms / 60000);
    if (m < 1) return Math.floor(ms / 1000) + 's';
    if (m < 60) return m + 'm';
    var h = Math.floor(m / 60);
    if (h < 48) return h + 'h ' + (m % 60) + 'm';
    return Math.floor(h / 24) + 'd';
  }
  function tick() {
    document.querySelectorAll('[data-since]').forEach(function (el) { el.textContent = ago(el.getAttribute('data-since')); });
  }
  tick();
  setInterval(tick, 15000);

  document.querySelectorAll('select[data-fill-target]').forEach(function (sel) {
    sel.addEventListener('change', function () {
      var target = document.getElementById(sel.getAttribute('data-fill-target'));
      var opt = sel.options[sel.selectedIndex];
      if (target && opt && opt.getAttribute('data-text')) {
        target.value = opt.getAttribute('data-text');
        target.focus();
      }
      sel.selectedIndex = 0;
    });
  });

  var live = Array.prototype.slice.call(document.querySelectorAll('[data-live]'));
  var streamUrl = document.body.getAttribute('data-events');
  if (!live.length || !streamUrl || !window.EventSource) return;

  var pending = {};
  function refresh(region) {
    var url = region.getAttribute('data-live');
    if (pending[url]) { pending[url] = 'again'; return; }
    pending[url] = true;
    fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (res) {
        if (res.status === 401 || res.redirected) { location.reload(); return null; }
        return res.ok ? res.text() : null;
      })
      .then(function (html) {
        if (html === null || html === undefined) return;
        var keepScroll = region.querySelector('.transcript');
        var atEnd = keepScroll ? keepScroll.scrollHeight - keepScroll.scrollTop - keepScroll.clientHeight < 40 : true;
        region.innerHTML = html;
        var t = region.querySelector('.transcript');
        if (t && atEnd) t.scrollTop = t.scrollHeight;
        tick();
      })
      .catch(function () { /* the next event refreshes it */ })
      .then(function () {
        var again = pending[url] === 'again';
        delete pending[url];
        if (again) refresh(region);
      });
  }

  document.querySelectorAll('.transcript').forEach(function (t) { t.scrollTop = t.scrollHeight; });

  /* Opened after the load event: a stream started while the page loads would keep it "loading" for good. */
  function connect() {
    var source = new EventSource(streamUrl, { withCredentials: true });
    source.addEventListener('handoff', function (ev) {
      var data = {};
      try { data = JSON.parse(ev.data); } catch (e) { return; }
      live.forEach(function (region) {
        var only = region.getAttribute('data-live-handoff');
        if (!only || only === data.handoffId) refresh(region);
      });
    });
    source.addEventListener('open', function () { document.body.classList.remove('stream-down'); });
    source.addEventListener('error', function () { document.body.classList.add('stream-down'); });
  }
  if (document.readyState === 'complete') setTimeout(connect, 0);
  else window.addEventListener('load', function () { setTimeout(connect, 0); });
})();
`;
