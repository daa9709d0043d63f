// The marketer pages' script (served from /console/marketing/assets, allowed by the console CSP's script-src 'self').
/**
 * Plain ES5, no framework, no build step:
 * - [data-segment-builder] forms turn their controls into a segment definition (the JSON textarea), and ask
 *   POST /api/marketing/segments/preview for the live count and a sample as the marketer edits; "Add a group" makes
 *   more condition groups joined by AND or OR (one nesting level; deeper trees are written in the JSON box);
 * - [data-campaign-progress] regions poll GET /api/marketing/campaigns/{id}/progress and redraw the counts until done;
 * JSON calls carry the session's CSRF token (X-CSRF-Token) from the element's data-csrf.
 */
export const MARKETING_JS = `(function () {
  'use strict';

  function api(method, url, csrf, body) {
    var headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (csrf) headers['x-csrf-token'] = csrf;
    return fetch(url, { method: method, headers: headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (json) { return { ok: res.ok, status: res.status, json: json }; });
      });
  }
  function text(el, s) { if (el) el.textContent = s; }
  function fmt(n) { return Number(n).toLocaleString('en-US'); }
  function errorText(r) {
    var e = r.json && r.json.error;
    return e ? e.message || e.code : 'Request failed (' + r.status + ')';
  }

  // ---- segment builder ----
  function checked(form, name) {
    return Array.prototype.slice.call(form.querySelectorAll('input[name="' + name + '"]:checked')).map(function (i) { return i.value; });
  }
  function num(form, name, scale) {
    var el = form.querySelector('[name="' + name + '"]');
    if (!el || el.value === '') return undefined;
    var n = Number(el.value);
    if (!isFinite(n) || n < 0) return undefined;
    return Math.round(n * (scale || 1));
  }
  function range(field, min, max) {
    if (min === undefined && max === undefined) return null;
    var c = { field: field };
    if (min !== undefined) c.min = min;
    if (max !== undefined) c.max = max;
    return c;
  }
  /** One group's conditions, from the controls inside it (the same shape the API validates: src/domain/segments/definition.ts). */
  function groupDefinition(group) {
    var rules = [];
    [['tier', 'tier'], ['lifecycle', 'lifecycle'], ['rfm_segment', 'rfm_segment'], ['locale', 'locale'], ['channel', 'channel']].forEach(function (p) {
      var v = checked(group, p[0]);
      if (v.length) rules.push({ field: p[1], in: v });
    });
    var months = checked(group, 'birthday_month').map(Number);
    if (months.length) rules.push({ field: 'birthday_month', in: months });
    [
      range('points_balance', num(group, 'points_min'), num(group, 'points_max')),
      range('days_since_last_order', num(group, 'recency_min'), num(group, 'recency_max')),
      range('total_spend', num(group, 'spend_min', 100), num(group, 'spend_max', 100)),
    ].forEach(function (c) { if (c) rules.push(c); });
    var within = num(group, 'expiring_days');
    if (within) {
      var e = { field: 'points_expiring', withinDays: within };
      var least = num(group, 'expiring_min');
      if (least) e.min = least;
      rules.push(e);
    }
    var tags = (group.querySelector('[name="tags"]') || { value: '' }).value.split(',').map(function (s) { return s.trim(); }).filter(Boolean);
    if (tags.length) rules.push({ field: 'tags', any: tags });
    var consent = (group.querySelector('[name="consent"]') || { value: '' }).value;
    if (consent === 'yes' || consent === 'no') rules.push({ field: 'marketing_consent', value: consent === 'yes' });
    var op = (group.querySelector('[name="op"]') || { value: 'and' }).value === 'or' ? 'or' : 'and';
    return { op: op, rules: rules };
  }
  function groupsOf(form) { return Array.prototype.slice.call(form.querySelectorAll('[data-seg-group]')); }
  /**
   * The definition the form describes: one group as it is; several as a root group of the non-empty ones, joined
   * by the form's "every / any group" choice (a group with no condition would match everyone, so it is left out).
   */
  function definitionOf(form) {
    var groups = groupsOf(form);
    if (groups.length === 1) return groupDefinition(groups[0]);
    var parts = groups.map(groupDefinition).filter(function (d) { return d.rules.length > 0; });
    if (parts.length === 0) return { op: 'and', rules: [] };
    if (parts.length === 1) return parts[0];
    var op = (form.querySelector('[name="groups_op"]') || { value: 'and' }).value === 'or' ? 'or' : 'and';
    return { op: op, rules: parts };
  }
  /** A new empty group after the last one; the first group cannot be removed. */
  function addGroup(form) {
    var groups = groupsOf(form);
    var fresh = groups[0].cloneNode(true);
    Array.prototype.slice.call(fresh.querySelectorAll('input, select')).forEach(function (el) {
      if (el.type === 'checkbox') el.checked = false;
      else if (el.tagName === 'SELECT') el.selectedIndex = 0;
      else el.value = '';
    });
    groups[groups.length - 1].parentNode.insertBefore(fresh, groups[groups.length - 1].nextSibling);
    renumber(form);
    return fresh;
  }
  function renumber(form) {
    var groups = groupsOf(form);
    groups.forEach(function (g, i) {
      text(g.querySelector('[data-group-title]'), groups.length > 1 ? 'Group ' + (i + 1) : 'Conditions');
      var remove = g.querySelector('[data-remove-group]');
      if (remove) remove.hidden = i === 0;
    });
    var joiner = form.querySelector('[data-groups-op]');
    if (joiner) joiner.hidden = groups.length < 2;
  }

  function setupBuilder(form) {
    var csrf = form.getAttribute('data-csrf');
    var box = form.querySelector('textarea[name="definition"]');
    var count = document.querySelector('[data-testid="segment-count"]');
    var status = document.querySelector('[data-segment-status]');
    var sample = document.querySelector('[data-segment-sample]');
    var timer = null;
    var seq = 0;
    function preview() {
      var def;
      try { def = JSON.parse(box.value || '{"op":"and","rules":[]}'); } catch (e) { text(status, 'The definition is not valid JSON.'); return; }
      var mine = ++seq;
      text(status, 'Counting…');
      api('POST', '/api/marketing/segments/preview', csrf, { definition: def, sample: 5 }).then(function (r) {
        if (mine !== seq) return;
        if (!r.ok) { text(status, errorText(r)); text(count, '–'); return; }
        text(count, fmt(r.json.count));
        count.setAttribute('data-count', String(r.json.count));
        text(status, r.json.count === 1 ? 'member matches' : 'members match');
        if (sample) {
          sample.textContent = '';
          (r.json.sample || []).forEach(function (m) {
            var li = document.createElement('li');
            li.textContent = m.name + ' · ' + m.tierCode + ' · ' + m.locale + ' · ' + fmt(m.pointsBalance) + ' pts';
            sample.appendChild(li);
          });
        }
      }).catch(function () { if (mine === seq) text(status, 'Could not reach the server.'); });
    }
    function later() { clearTimeout(timer); timer = setTimeout(preview, 250); }
    form.addEventListener('input', function (ev) {
      if (ev.target !== box) box.value = JSON.stringify(definitionOf(form), null, 2);
      later();
    });
    form.addEventListener('change', function (ev) {
      if (ev.target !== box) box.value = JSON.stringify(definitionOf(form), null, 2);
      later();
    });
    function rewrite() { box.value = JSON.stringify(definitionOf(form), null, 2); later(); }
    var add = form.querySelector('[data-add-group]');
    if (add) {
      add.hidden = false;
      var hint = form.querySelector('[data-add-group-hint]');
      if (hint) hint.hidden = false;
      add.addEventListener('click', function () { addGroup(form); rewrite(); });
    }
    form.addEventListener('click', function (ev) {
      var remove = ev.target.closest && ev.target.closest('[data-remove-group]');
      if (!remove) return;
      var group = remove.closest('[data-seg-group]');
      if (group && groupsOf(form).length > 1) { group.parentNode.removeChild(group); renumber(form); rewrite(); }
    });
    if (!box.value.trim()) box.value = JSON.stringify(definitionOf(form), null, 2);
    preview();
  }
  document.querySelectorAll('form[data-segment-builder]').forEach(setupBuilder);

  // ---- campaign progress ----
  function setupProgress(region) {
    var url = region.getAttribute('data-campaign-progress');
    function draw(view) {
      // GET /api/marketing/campaigns/{id}/progress: { campaign: { status, ... }, counts: { total, byStatus, bySkipReason } }
      var c = view.campaign || view;
      var counts = view.counts || {};
      var byStatus = counts.byStatus || {};
      region.querySelectorAll('[data-count-of]').forEach(function (el) {
        var k = el.getAttribute('data-count-of');
        el.textContent = fmt(k === 'total' ? counts.total || 0 : byStatus[k] || 0);
      });
      var done = 0;
      ['sent', 'failed', 'skipped'].forEach(function (k) { done += Number(byStatus[k] || 0); });
      var bar = region.querySelector('progress');
      if (bar) { bar.max = Math.max(Number(counts.total || 0), 1); bar.value = done; }
      var reasons = region.querySelector('[data-skip-reasons]');
      if (reasons) {
        var parts = Object.keys(counts.bySkipReason || {}).sort().map(function (k) { return k + ' ' + counts.bySkipReason[k]; });
        reasons.textContent = 'Skipped: ' + (parts.join(' · ') || 'none');
      }
      text(region.querySelector('[data-campaign-status]'), c.status);
      region.setAttribute('data-status', c.status);
      region.setAttribute('data-polled', String(Number(region.getAttribute('data-polled') || 0) + 1));
      return c.status;
    }
    // Every second while the counts move; slower (up to 5 s) while they stand still, e.g. messages held for quiet
    // hours; not at all once paused (resuming reloads the page) or finished.
    var delay = 1000;
    var last = '';
    function poll() {
      api('GET', url).then(function (r) {
        if (r.status === 401 || r.status === 403) {
          // Signed out (or the session ran out): polling on would only fail again.
          text(region.querySelector('[data-campaign-status]'), 'unknown: sign in again and reload to see progress');
          return;
        }
        var status = r.ok ? draw(r.json) : null;
        var seen = r.ok ? JSON.stringify(r.json.counts) + status : '';
        delay = seen === last ? Math.min(delay * 2, 5000) : 1000;
        last = seen;
        if (status !== 'completed' && status !== 'cancelled' && status !== 'draft' && status !== 'paused') setTimeout(poll, delay);
      }).catch(function () { setTimeout(poll, 3000); });
    }
    poll();
  }
  document.querySelectorAll('[data-campaign-progress]').forEach(setupProgress);

})();
`;
