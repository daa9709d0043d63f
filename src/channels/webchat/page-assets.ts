// Static assets of the built-in web chat (page script, styles, embed loader, icon), kept as strings: Workers has no fs.
//
// The scripts are plain ES2017 written inside String.raw templates, so they must never contain a backtick or a
// dollar-brace sequence. Member and assistant text is only ever assigned with textContent, never parsed as HTML.

/** The chat page script, served as /webchat/app.js (the page's CSP allows only same-origin scripts). */
export const APP_JS = String.raw`/* Member Assistant web chat: demo picker or shop token -> session -> chat. Vanilla JS, no dependencies. */
(function () {
  'use strict';

  var MAX_CHARS = 2000;
  var MAX_ENTRIES = 200;
  /* Network failures and gateway errors are retried with the same clientMessageId: the server answers it once. */
  var NETWORK_RETRY_MS = [800, 2000, 5000];
  /* A retry that overtakes the first attempt gets an empty "duplicate"; the stored answer appears shortly after. */
  var DUPLICATE_WAIT_MS = [700, 1500, 3000];
  /* Live delivery (agent replies, ratings) is a long-poll; after a failure it backs off up to the last delay. */
  var POLL_RETRY_MS = [1000, 2000, 5000, 10000, 20000];
  var STORE = { session: 'member-assistant:session', transcript: 'member-assistant:transcript', lang: 'member-assistant:lang' };

  var I18N = {
    'zh-CN': {
      title: '会员助手',
      tagline: '积分 · 等级 · 权益 · 优惠券 · 订单',
      loading: '正在加载…',
      connecting: '正在连接会员助手…',
      pickTitle: '选择一位演示会员',
      pickText: '开发模式：选择一位会员，以其身份体验聊天。',
      pickEmpty: '还没有会员。请先生成演示数据（npm run seed）。',
      pickAria: '以 {name} 的身份开始聊天',
      noTokenTitle: '请从商城打开会员助手',
      noTokenText: '会员助手需要商城的会员登录凭证。请登录商城，在页面右下角点击聊天按钮打开。',
      tokenInvalidTitle: '登录凭证已失效',
      tokenInvalidText: '您的登录凭证无效或已过期。请刷新商城页面后重新打开会员助手。',
      sessionExpiredTitle: '会话已过期',
      sessionExpiredText: '为了保护您的账户，聊天会话已过期。请刷新商城页面后重新打开会员助手。',
      sessionExpiredPick: '会话已过期，请重新选择会员。',
      loadFailedTitle: '暂时无法连接',
      loadFailedText: '会员助手暂时无法连接，请检查网络后重试。',
      retry: '重试',
      placeholder: '输入您的问题，例如「我有多少积分」',
      inputLabel: '消息',
      send: '发送',
      hint: 'Enter 发送 · Shift+Enter 换行',
      counter: '已输入 {n} / {max} 字',
      typing: '会员助手正在输入…',
      you: '我',
      bot: '会员助手',
      agent: '客服',
      messagesLabel: '聊天记录',
      suggestionsLabel: '推荐问题',
      sendFailed: '发送失败',
      notDelivered: '未送达',
      reconnecting: '网络不稳定，正在重试…',
      networkFailed: '网络连接失败，消息未送达。请检查网络后点击「重试」。',
      errorPrefix: '抱歉，出了点问题：',
      tooLong: '消息太长了，最多 {max} 字。',
      switchMember: '切换会员',
      close: '关闭会员助手',
      langToggle: 'EN',
      langToggleLabel: 'Switch to English',
      locales: { 'zh-CN': '中文', en: 'English' },
      tiers: { regular: '普通会员', silver: '银卡', gold: '金卡', diamond: '钻石' }
    },
    en: {
      title: 'Member Assistant',
      tagline: 'Points · tier · benefits · coupons · orders',
      loading: 'Loading…',
      connecting: 'Connecting to the member assistant…',
      pickTitle: 'Choose a demo member',
      pickText: 'Development mode: pick a member to chat as them.',
      pickEmpty: 'No members yet. Seed the demo data first (npm run seed).',
      pickAria: 'Chat as {name}',
      noTokenTitle: 'Open the assistant from the shop',
      noTokenText: 'The member assistant needs your sign-in from the shop. Sign in to the shop and use the chat button in the corner of the page.',
      tokenInvalidTitle: 'Your sign-in has expired',
      tokenInvalidText: 'The sign-in link is invalid or has expired. Refresh the shop page and open the assistant again.',
      sessionExpiredTitle: 'Your chat session has ended',
      sessionExpiredText: 'To protect your account the chat session has expired. Refresh the shop page and open the assistant again.',
      sessionExpiredPick: 'The session expired; choose a member again.',
      loadFailedTitle: 'Cannot connect right now',
      loadFailedText: 'The member assistant cannot be reached. Check your connection and try again.',
      retry: 'Retry',
      placeholder: 'Ask something, e.g. “what is my points balance”',
      inputLabel: 'Message',
      send: 'Send',
      hint: 'Enter to send · Shift+Enter for a new line',
      counter: '{n} of {max} characters',
      typing: 'The assistant is typing…',
      you: 'You',
      bot: 'Assistant',
      agent: 'Support',
      messagesLabel: 'Conversation',
      suggestionsLabel: 'Suggested questions',
      sendFailed: 'Not sent',
      notDelivered: 'Not delivered',
      reconnecting: 'Connection is unstable, retrying…',
      networkFailed: 'No connection: the message was not delivered. Check your network and press “Retry”.',
      errorPrefix: 'Sorry, something went wrong: ',
      tooLong: 'That message is too long (at most {max} characters).',
      switchMember: 'Switch member',
      close: 'Close the member assistant',
      langToggle: '中文',
      langToggleLabel: '切换到中文',
      locales: { 'zh-CN': '中文', en: 'English' },
      tiers: { regular: 'Regular', silver: 'Silver', gold: 'Gold', diamond: 'Diamond' }
    }
  };

  var byId = function (id) { return document.getElementById(id); };
  var ui = {
    subtitle: byId('subtitle'),
    langToggle: byId('lang-toggle'),
    switchMember: byId('switch-member'),
    closeEmbed: byId('close-embed'),
    views: { loading: byId('view-loading'), notice: byId('view-notice'), picker: byId('view-picker'), chat: byId('view-chat') },
    loadingText: byId('loading-text'),
    noticeTitle: byId('notice-title'),
    noticeText: byId('notice-text'),
    noticeAction: byId('notice-action'),
    memberList: byId('member-list'),
    pickerError: byId('picker-error'),
    messages: byId('messages'),
    statusLine: byId('status-line'),
    composer: byId('composer'),
    input: byId('chat-input'),
    send: byId('send-button'),
    counter: byId('counter'),
    botAvatar: byId('bot-avatar')
  };

  var embedded = new URLSearchParams(location.search).get('embed') === '1';
  var browserLang = /^zh/i.test(navigator.language || '') ? 'zh-CN' : 'en';
  var state = {
    session: null,
    transcript: [],
    members: null,
    busy: false,
    langOverride: null,
    view: 'loading',
    loadingKey: 'loading',
    notice: null,
    pickerMessage: '',
    status: null,
    typingEl: null,
    pollGeneration: 0,
    suggestionsEl: null
  };

  /* ---------- small helpers ---------- */

  function lang() {
    return state.langOverride || (state.session && state.session.locale) || browserLang;
  }

  function t(key, vars) {
    var table = I18N[lang()] || I18N.en;
    var s = table[key] !== undefined ? table[key] : I18N.en[key];
    if (typeof s !== 'string') return s;
    return s.replace(/\{(\w+)\}/g, function (m, name) { return vars && vars[name] !== undefined ? String(vars[name]) : m; });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  /** Text with its http(s) links as anchors, built node by node (never parsed as HTML), opening in a new tab. */
  function linkedText(node, text) {
    var re = /https?:\/\/[^\s<>"'，。；）)\]]+/g;
    var last = 0;
    var m;
    while ((m = re.exec(text))) {
      if (m.index > last) node.appendChild(document.createTextNode(text.slice(last, m.index)));
      var a = document.createElement('a');
      a.href = m[0];
      a.textContent = m[0];
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      a.setAttribute('data-testid', 'message-link');
      node.appendChild(a);
      last = m.index + m[0].length;
    }
    if (last < text.length) node.appendChild(document.createTextNode(text.slice(last)));
  }

  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function load(key) {
    try { var raw = sessionStorage.getItem(key); return raw ? JSON.parse(raw) : null; } catch (e) { return null; }
  }

  function save(key, value) {
    try {
      if (value === null || value === undefined) sessionStorage.removeItem(key);
      else sessionStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* storage full or disabled: the chat still works, it just will not survive a reload */ }
  }

  /* Ids match the API's [\w-]{1,100}; getRandomValues also works outside secure contexts (randomUUID does not). */
  function newId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    var hex = '';
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] < 16 ? '0' : '') + bytes[i].toString(16);
    return 'm-' + Date.now().toString(36) + '-' + hex;
  }

  /* Reads a token's payload without verifying it (the server verifies): only to match members and expiry. */
  function payloadOf(token) {
    try {
      var part = String(token).split('.')[0].replace(/-/g, '+').replace(/_/g, '/');
      while (part.length % 4) part += '=';
      var bin = atob(part);
      var bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      var payload = JSON.parse(new TextDecoder().decode(bytes));
      return payload && typeof payload === 'object' ? payload : null;
    } catch (e) { return null; }
  }

  function sessionValid(s) {
    return !!(s && typeof s.token === 'string' && typeof s.exp === 'number' && s.exp * 1000 > Date.now() + 30000);
  }

  /* The token lives in the fragment (never sent to servers or logs); it is removed from the address bar once read. */
  function takeFragmentToken() {
    var hash = location.hash.replace(/^#/, '');
    if (!hash) return null;
    var token = new URLSearchParams(hash).get('token');
    if (!token) return null;
    try { history.replaceState(null, '', location.pathname + location.search); } catch (e) { /* sandboxed */ }
    return token;
  }

  function finePointer() {
    return !window.matchMedia || window.matchMedia('(pointer: fine)').matches;
  }

  /* ---------- API ---------- */

  async function api(path, options) {
    var res;
    try {
      res = await fetch(path, Object.assign({ credentials: 'omit', cache: 'no-store' }, options || {}));
    } catch (e) {
      var netErr = new Error('network');
      netErr.network = true;
      throw netErr;
    }
    var body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) {
      var message = body && body.error && typeof body.error.message === 'string' ? body.error.message : 'HTTP ' + res.status;
      var err = new Error(message);
      err.status = res.status;
      err.code = body && body.error ? body.error.code : undefined;
      err.retryable = res.status === 502 || res.status === 503 || res.status === 504;
      throw err;
    }
    return body;
  }

  function postJson(path, payload, bearer) {
    var headers = { 'content-type': 'application/json' };
    if (bearer) headers.authorization = 'Bearer ' + bearer;
    return api(path, { method: 'POST', headers: headers, body: JSON.stringify(payload) });
  }

  /* ---------- views and language ---------- */

  function show(view) {
    state.view = view;
    Object.keys(ui.views).forEach(function (name) { ui.views[name].hidden = name !== view; });
    ui.switchMember.hidden = !(view === 'chat' && state.session && state.session.mode === 'demo');
    renderSubtitle();
  }

  function showLoading(key) {
    state.loadingKey = key;
    ui.loadingText.textContent = t(key);
    show('loading');
  }

  function renderSubtitle() {
    var s = state.session;
    if (state.view === 'chat' && s) {
      var tier = s.tierCode ? (t('tiers')[s.tierCode] || s.tierCode) : '';
      ui.subtitle.textContent = tier ? s.name + ' · ' + tier : s.name;
    } else {
      ui.subtitle.textContent = t('tagline');
    }
  }

  function applyLang() {
    var l = lang();
    document.documentElement.lang = l;
    document.title = t('title');
    document.querySelectorAll('[data-i18n]').forEach(function (node) { node.textContent = t(node.getAttribute('data-i18n')); });
    document.querySelectorAll('[data-i18n-placeholder]').forEach(function (node) { node.setAttribute('placeholder', t(node.getAttribute('data-i18n-placeholder'))); });
    document.querySelectorAll('[data-i18n-label]').forEach(function (node) {
      var text = t(node.getAttribute('data-i18n-label'));
      node.setAttribute('aria-label', text);
      /* Tooltips for icon buttons only: a title on the message log would follow the pointer everywhere. */
      if (node.tagName === 'BUTTON') node.setAttribute('title', text);
    });
    ui.langToggle.textContent = t('langToggle');
    ui.langToggle.setAttribute('aria-label', t('langToggleLabel'));
    ui.langToggle.setAttribute('title', t('langToggleLabel'));
    ui.langToggle.setAttribute('lang', l === 'zh-CN' ? 'en' : 'zh-CN');
    ui.loadingText.textContent = t(state.loadingKey);
    renderSubtitle();
    renderNotice();
    if (state.members) renderPicker();
    ui.pickerError.textContent = state.pickerMessage;
    ui.pickerError.hidden = !state.pickerMessage;
    updateCounter();
    renderStatus();
    document.querySelectorAll('.who').forEach(function (node) { node.textContent = t(node.getAttribute('data-role') === 'user' ? 'you' : node.getAttribute('data-role') === 'agent' ? 'agent' : 'bot') + ': '; });
    document.querySelectorAll('[data-status-key]').forEach(function (node) { node.textContent = t(node.getAttribute('data-status-key')); });
    if (state.suggestionsEl) state.suggestionsEl.setAttribute('aria-label', t('suggestionsLabel'));
  }

  function toggleLang() {
    state.langOverride = lang() === 'zh-CN' ? 'en' : 'zh-CN';
    save(STORE.lang, state.langOverride);
    applyLang();
  }

  /* ---------- notices (no token, expired, offline) ---------- */

  function showNotice(kind, retry) {
    state.notice = { kind: kind, retry: retry || null };
    renderNotice();
    show('notice');
    if (retry) ui.noticeAction.focus();
  }

  function renderNotice() {
    var n = state.notice;
    if (!n) return;
    ui.noticeTitle.textContent = t(n.kind + 'Title');
    ui.noticeText.textContent = t(n.kind + 'Text');
    ui.noticeAction.hidden = !n.retry;
    ui.noticeAction.textContent = t('retry');
  }

  /* ---------- demo member picker (development only) ---------- */

  async function openPicker(message) {
    state.pickerMessage = message || '';
    showLoading('loading');
    var data;
    try {
      data = await api('/api/webchat/demo-members');
    } catch (e) {
      if (e.status === 404) return showNotice('noToken');
      return showNotice('loadFailed', function () { openPicker(message); });
    }
    state.members = Array.isArray(data && data.members) ? data.members : [];
    renderPicker();
    ui.pickerError.textContent = state.pickerMessage;
    ui.pickerError.hidden = !state.pickerMessage;
    show('picker');
  }

  function initials(name) {
    var chars = Array.from(String(name || '?').trim());
    if (!chars.length) return '?';
    if (/[\u3400-\u9fff]/.test(chars[0])) return chars[0];
    var words = String(name).trim().split(/\s+/);
    return (Array.from(words[0])[0] + (words.length > 1 ? Array.from(words[words.length - 1])[0] : '')).toUpperCase();
  }

  function hueClass(id) {
    var h = 0;
    for (var i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
    return 'hue-' + (h % 6);
  }

  function renderPicker() {
    var list = ui.memberList;
    list.textContent = '';
    if (!state.members.length) {
      list.appendChild(el('li', 'empty', t('pickEmpty')));
      return;
    }
    state.members.forEach(function (m) {
      var item = el('li');
      var button = el('button', 'member');
      button.type = 'button';
      button.setAttribute('data-testid', 'demo-member');
      button.setAttribute('data-member-id', m.id);
      button.setAttribute('aria-label', t('pickAria', { name: m.name }) + ' (' + (t('locales')[m.locale] || m.locale) + ', ' + (t('tiers')[m.tierCode] || m.tierCode) + ')');
      var avatar = el('span', 'avatar ' + hueClass(m.id), initials(m.name));
      avatar.setAttribute('aria-hidden', 'true');
      var main = el('span', 'member-main');
      main.appendChild(el('span', 'member-name', m.name));
      main.appendChild(el('span', 'member-id', m.id));
      var badges = el('span', 'badges');
      badges.appendChild(el('span', 'badge badge-locale', t('locales')[m.locale] || m.locale));
      badges.appendChild(el('span', 'badge tier-' + String(m.tierCode).replace(/[^\w-]/g, ''), t('tiers')[m.tierCode] || m.tierCode));
      button.appendChild(avatar);
      button.appendChild(main);
      button.appendChild(badges);
      button.addEventListener('click', function () { startSession({ demoMemberId: m.id }, 'demo', m); });
      item.appendChild(button);
      list.appendChild(item);
    });
  }

  /* ---------- sessions ---------- */

  async function startSession(body, mode, member) {
    showLoading('connecting');
    var data;
    try {
      data = await postJson('/api/webchat/session', body);
    } catch (e) {
      if (mode === 'demo') {
        if (e.network) return showNotice('loadFailed', function () { startSession(body, mode, member); });
        return openPicker(t('errorPrefix') + e.message);
      }
      if (e.status === 401 || e.status === 404) return showNotice('tokenInvalid');
      return showNotice('loadFailed', function () { startSession(body, mode, member); });
    }
    var p = payloadOf(data.sessionToken) || {};
    state.session = {
      token: data.sessionToken,
      name: data.member.name,
      locale: data.member.locale === 'zh-CN' ? 'zh-CN' : 'en',
      sub: p.sub,
      exp: typeof p.exp === 'number' ? p.exp : Math.floor(Date.now() / 1000) + 3600,
      mode: mode,
      cursor: typeof data.cursor === 'number' ? data.cursor : 0,
      tierCode: member && member.tierCode ? member.tierCode : null
    };
    save(STORE.session, state.session);
    state.transcript = [];
    (data.replies || []).forEach(function (r, i) {
      state.transcript.push({ id: 'greeting-' + i, role: 'bot', text: String(r.text), suggestions: r.suggestions || null, at: Date.now() });
    });
    saveTranscript();
    openChat();
  }

  function resume(stored) {
    state.session = stored;
    var transcript = load(STORE.transcript);
    state.transcript = Array.isArray(transcript) ? transcript.filter(function (e) { return e && typeof e.text === 'string'; }) : [];
    openChat();
  }

  function endSession() {
    state.pollGeneration += 1;
    state.session = null;
    state.transcript = [];
    save(STORE.session, null);
    save(STORE.transcript, null);
  }

  function sessionExpired() {
    var mode = state.session ? state.session.mode : 'token';
    endSession();
    applyLang();
    if (mode === 'demo') return openPicker(t('sessionExpiredPick'));
    showNotice('sessionExpired');
  }

  function saveTranscript() {
    if (state.transcript.length > MAX_ENTRIES) state.transcript = state.transcript.slice(-MAX_ENTRIES);
    save(STORE.transcript, state.transcript);
  }

  /* ---------- chat ---------- */

  function openChat() {
    applyLang();
    renderTranscript();
    show('chat');
    updateComposer();
    scrollToEnd();
    if (finePointer()) ui.input.focus();
    /* A reload while a message was in flight: resend it with the same id, the server answers it once. */
    var pending = state.transcript.filter(function (e) { return e.role === 'user' && e.status === 'pending'; });
    pending.slice(0, -1).forEach(function (e) { e.status = 'failed'; refreshEntry(e); });
    if (pending.length) deliver(pending[pending.length - 1]);
    startPolling();
  }

  /* ---------- live delivery: messages sent later (agent replies, ratings) ---------- */

  /*
   * One long-poll at a time per session. The cursor is the id of the last message shown; it is saved with the
   * session, so after a reload or a dropped connection the page asks for exactly what it has not shown yet.
   */
  function startPolling() {
    if (!state.session) return;
    state.pollGeneration += 1;
    var generation = state.pollGeneration;
    var failures = 0;
    (async function loop() {
      while (state.session && generation === state.pollGeneration) {
        var s = state.session;
        var data;
        try {
          var res = await fetch('/api/webchat/events?after=' + encodeURIComponent(String(s.cursor || 0)) + '&wait=25', {
            credentials: 'omit',
            cache: 'no-store',
            headers: { authorization: 'Bearer ' + s.token }
          });
          if (res.status === 401) {
            if (generation === state.pollGeneration) sessionExpired();
            return;
          }
          if (!res.ok) throw new Error('HTTP ' + res.status);
          data = await res.json();
        } catch (e) {
          if (generation !== state.pollGeneration) return;
          await sleep(POLL_RETRY_MS[Math.min(failures++, POLL_RETRY_MS.length - 1)]);
          continue;
        }
        failures = 0;
        if (generation !== state.pollGeneration || state.session !== s) return;
        showLive(data.events || []);
        if (typeof data.cursor === 'number' && data.cursor > (s.cursor || 0)) {
          s.cursor = data.cursor;
          save(STORE.session, s);
        }
      }
    })();
  }

  function showLive(events) {
    if (!events.length) return;
    var known = {};
    state.transcript.forEach(function (e) { known[e.id] = true; });
    var added = false;
    events.forEach(function (ev) {
      var id = 'live-' + ev.id;
      if (known[id]) return;
      pushEntry({
        id: id,
        role: 'bot',
        author: ev.author === 'agent' ? 'agent' : 'bot',
        authorName: ev.authorName || null,
        text: String(ev.text),
        suggestions: ev.suggestions || null,
        at: Date.now()
      });
      added = true;
    });
    if (!added) return;
    saveTranscript();
    renderSuggestions();
    scrollToEnd();
  }

  function avatarNode() {
    var node = ui.botAvatar.content.firstElementChild.cloneNode(true);
    node.setAttribute('aria-hidden', 'true');
    return node;
  }

  function agentAvatar(name) {
    var node = el('span', 'agent-avatar', initials(name || t('agent')));
    node.setAttribute('aria-hidden', 'true');
    return node;
  }

  function entryNode(e) {
    var isUser = e.role === 'user';
    var isAgent = e.author === 'agent';
    var row = el('div', 'row ' + (isUser ? 'row-user' : 'row-bot') + (isAgent ? ' row-agent' : ''));
    row.setAttribute('data-entry-id', e.id);
    if (e.status) row.classList.add('is-' + e.status);
    var who = el('span', 'who sr-only', t(isUser ? 'you' : isAgent ? 'agent' : 'bot') + ': ');
    who.setAttribute('data-role', isAgent ? 'agent' : e.role);
    row.appendChild(who);
    if (!isUser) row.appendChild(isAgent ? agentAvatar(e.authorName) : avatarNode());
    var stack = el('div', 'stack');
    if (isAgent) stack.appendChild(el('span', 'author', (e.authorName ? e.authorName + ' · ' : '') + t('agent')));
    var bubble = el('div', 'bubble', isUser ? e.text : undefined);
    if (!isUser) linkedText(bubble, e.text == null ? '' : String(e.text));
    bubble.setAttribute('data-testid', isUser ? 'message-user' : isAgent ? 'message-agent' : 'message-bot');
    stack.appendChild(bubble);
    if (isUser && (e.status === 'failed' || e.status === 'rejected')) {
      var meta = el('div', 'meta');
      var label = el('span', 'meta-text', t(e.status === 'failed' ? 'sendFailed' : 'notDelivered'));
      label.setAttribute('data-status-key', e.status === 'failed' ? 'sendFailed' : 'notDelivered');
      meta.appendChild(label);
      if (e.status === 'failed') {
        var retry = el('button', 'link-button', t('retry'));
        retry.type = 'button';
        retry.setAttribute('data-i18n', 'retry');
        retry.setAttribute('data-testid', 'retry');
        retry.addEventListener('click', function () { if (!state.busy) deliver(e); });
        meta.appendChild(retry);
      }
      stack.appendChild(meta);
    }
    row.appendChild(stack);
    return row;
  }

  function renderTranscript() {
    ui.messages.textContent = '';
    state.typingEl = null;
    state.suggestionsEl = null;
    state.transcript.forEach(function (e) { ui.messages.appendChild(entryNode(e)); });
    renderSuggestions();
  }

  function pushEntry(e) {
    state.transcript.push(e);
    var node = entryNode(e);
    if (state.typingEl) ui.messages.insertBefore(node, state.typingEl);
    else ui.messages.appendChild(node);
  }

  function refreshEntry(e) {
    var old = ui.messages.querySelector('[data-entry-id="' + CSS.escape(e.id) + '"]');
    if (old) old.replaceWith(entryNode(e));
  }

  /* Buttons for the newest turn only: older suggestions would answer a question no longer on screen. */
  function renderSuggestions() {
    if (state.suggestionsEl) { state.suggestionsEl.remove(); state.suggestionsEl = null; }
    if (state.busy) return;
    var list = null;
    for (var i = state.transcript.length - 1; i >= 0 && state.transcript[i].role === 'bot'; i--) {
      var s = state.transcript[i].suggestions;
      if (Array.isArray(s) && s.length) { list = s; break; }
    }
    if (!list) return;
    var box = el('div', 'suggestions');
    box.setAttribute('role', 'group');
    box.setAttribute('aria-label', t('suggestionsLabel'));
    list.forEach(function (s) {
      var chip = el('button', 'chip', String(s.title));
      chip.type = 'button';
      chip.setAttribute('data-testid', 'suggestion');
      chip.addEventListener('click', function () { send(String(s.value)); });
      box.appendChild(chip);
    });
    ui.messages.appendChild(box);
    state.suggestionsEl = box;
  }

  function showTyping() {
    if (state.typingEl) return;
    var row = el('div', 'row row-bot typing');
    row.setAttribute('data-testid', 'typing');
    row.appendChild(avatarNode());
    var bubble = el('div', 'bubble');
    for (var i = 0; i < 3; i++) bubble.appendChild(el('span', 'dot'));
    var label = el('span', 'sr-only', t('typing'));
    label.setAttribute('data-i18n', 'typing');
    bubble.appendChild(label);
    row.appendChild(bubble);
    ui.messages.appendChild(row);
    ui.messages.setAttribute('aria-busy', 'true');
    state.typingEl = row;
    scrollToEnd();
  }

  function hideTyping() {
    if (state.typingEl) state.typingEl.remove();
    state.typingEl = null;
    ui.messages.removeAttribute('aria-busy');
  }

  function scrollToEnd() {
    ui.messages.scrollTop = ui.messages.scrollHeight;
  }

  function setStatus(kind, key, detail, vars) {
    state.status = kind ? { kind: kind, key: key, detail: detail || '', vars: vars || null } : null;
    renderStatus();
  }

  function renderStatus() {
    var s = state.status;
    ui.statusLine.hidden = !s;
    ui.statusLine.className = 'status-line' + (s ? ' status-' + s.kind : '');
    ui.statusLine.textContent = s ? t(s.key, s.vars) + s.detail : '';
  }

  function updateCounter() {
    var n = ui.input.value.length;
    ui.counter.textContent = t('counter', { n: n, max: MAX_CHARS });
    ui.counter.classList.toggle('near', n >= MAX_CHARS * 0.9);
    ui.counter.classList.toggle('full', n >= MAX_CHARS);
  }

  function updateComposer() {
    ui.send.disabled = state.busy || !ui.input.value.trim();
    ui.composer.setAttribute('aria-busy', state.busy ? 'true' : 'false');
  }

  function autosize() {
    ui.input.style.height = 'auto';
    ui.input.style.height = Math.min(ui.input.scrollHeight, 160) + 'px';
  }

  /** Sends member text (typed or a suggestion); returns false when nothing was sent. */
  function send(raw) {
    var text = String(raw || '').trim();
    if (!text || state.busy || !state.session) return false;
    if (text.length > MAX_CHARS) {
      setStatus('error', 'tooLong', '', { max: MAX_CHARS });
      return false;
    }
    var entry = { id: newId(), role: 'user', text: text, status: 'pending', at: Date.now() };
    pushEntry(entry);
    deliver(entry);
    return true;
  }

  async function postWithRetry(entry) {
    var netTries = 0;
    var dupTries = 0;
    for (;;) {
      var data;
      try {
        data = await postJson('/api/webchat/messages', { text: entry.text, clientMessageId: entry.id }, state.session.token);
      } catch (e) {
        if ((e.network || e.retryable) && netTries < NETWORK_RETRY_MS.length) {
          setStatus('info', 'reconnecting');
          await sleep(NETWORK_RETRY_MS[netTries++]);
          continue;
        }
        throw e;
      }
      if (data.duplicate && !(data.replies && data.replies.length) && dupTries < DUPLICATE_WAIT_MS.length) {
        await sleep(DUPLICATE_WAIT_MS[dupTries++]);
        continue;
      }
      return data;
    }
  }

  async function deliver(entry) {
    state.busy = true;
    entry.status = 'pending';
    refreshEntry(entry);
    saveTranscript();
    renderSuggestions();
    setStatus(null);
    showTyping();
    updateComposer();
    scrollToEnd();
    try {
      var data = await postWithRetry(entry);
      delete entry.status;
      refreshEntry(entry);
      setStatus(null);
      hideTyping();
      var known = {};
      state.transcript.forEach(function (e) { known[e.id] = true; });
      (data.replies || []).forEach(function (r, i) {
        var id = entry.id + '-r' + i;
        if (!known[id]) pushEntry({ id: id, role: 'bot', text: String(r.text), suggestions: r.suggestions || null, at: Date.now() });
      });
    } catch (e) {
      hideTyping();
      if (e.status === 401) {
        state.busy = false;
        return sessionExpired();
      }
      if (e.network || e.retryable || e.status >= 500) {
        entry.status = 'failed';
        if (e.network || e.retryable) setStatus('error', 'networkFailed');
        else setStatus('error', 'errorPrefix', e.message);
      } else {
        entry.status = 'rejected';
        setStatus('error', 'errorPrefix', e.message);
      }
      refreshEntry(entry);
    } finally {
      if (state.session) {
        state.busy = false;
        saveTranscript();
        updateComposer();
        renderSuggestions();
        scrollToEnd();
      }
    }
  }

  /* ---------- events and start ---------- */

  function bindEvents() {
    ui.composer.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (send(ui.input.value)) {
        ui.input.value = '';
        autosize();
        updateCounter();
        updateComposer();
      }
    });
    ui.input.addEventListener('keydown', function (ev) {
      /* Enter while an IME is composing (Chinese input) confirms the candidate; it must not send. */
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
        ev.preventDefault();
        ui.composer.requestSubmit();
      }
    });
    ui.input.addEventListener('input', function () {
      autosize();
      updateCounter();
      updateComposer();
      if (state.status && state.status.key === 'tooLong') setStatus(null);
    });
    ui.langToggle.addEventListener('click', toggleLang);
    ui.switchMember.addEventListener('click', function () {
      endSession();
      applyLang();
      openPicker();
    });
    ui.noticeAction.addEventListener('click', function () {
      if (state.notice && state.notice.retry) state.notice.retry();
    });
    if (embedded && window.parent !== window) {
      ui.closeEmbed.hidden = false;
      var close = function () { window.parent.postMessage({ type: 'member-assistant:close' }, '*'); };
      ui.closeEmbed.addEventListener('click', close);
      document.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') close(); });
    }
    window.addEventListener('hashchange', function () {
      var token = takeFragmentToken();
      if (token) useToken(token);
    });
  }

  function useToken(token) {
    var p = payloadOf(token);
    var s = state.session;
    /* The shop issues a fresh token on every page view; the same member keeps the running conversation. */
    if (s && s.mode === 'token' && p && p.sub === s.sub && sessionValid(s)) {
      if (state.view !== 'chat') resume(s);
      return;
    }
    endSession();
    startSession({ memberToken: token }, 'token');
  }

  async function route() {
    showLoading('loading');
    var config;
    try {
      config = await api('/api/webchat/config');
    } catch (e) {
      return showNotice('loadFailed', route);
    }
    if (config && config.demoPicker) return openPicker();
    showNotice('noToken');
  }

  function boot() {
    document.documentElement.classList.toggle('is-embed', embedded);
    state.langOverride = load(STORE.lang);
    bindEvents();
    var stored = load(STORE.session);
    state.session = sessionValid(stored) ? stored : null;
    if (!state.session) endSession();
    applyLang();
    updateCounter();
    var token = takeFragmentToken();
    if (token) return useToken(token);
    if (state.session) return resume(state.session);
    route();
  }

  boot();
})();
`;

/** Styles of the chat page, served as /webchat/app.css (no inline styles: the CSP has no 'unsafe-inline'). */
// biome-ignore lint/complexity/noUselessStringRaw: raw on purpose, so a backslash added later reaches the browser unchanged
export const APP_CSS = String.raw`/* Member Assistant web chat styles: light and dark, phone to desktop, reduced motion respected. */
:root {
  --brand: #4f46e5;
  --brand-2: #7c3aed;
  --brand-ink: #ffffff;
  --brand-soft: #eef0ff;
  --bg: #eceef7;
  --surface: #ffffff;
  --surface-2: #f6f7fc;
  --ink: #1d2032;
  --muted: #686d84;
  --line: #e2e4ef;
  --danger: #b42318;
  --danger-soft: #fef1ef;
  --info-soft: #eef4ff;
  --agent-soft: #ecfdf5;
  --agent-line: #a7f3d0;
  --shadow: 0 24px 60px -28px rgba(30, 33, 72, 0.45), 0 2px 6px rgba(30, 33, 72, 0.06);
  --radius: 20px;
  --focus: 0 0 0 3px rgba(79, 70, 229, 0.35);
  color-scheme: light dark;
  font-family: system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 15px;
  line-height: 1.55;
  -webkit-text-size-adjust: 100%;
}
@media (prefers-color-scheme: dark) {
  :root {
    --brand: #8b84ff;
    --brand-2: #a78bfa;
    --brand-soft: #262a48;
    --bg: #0f111a;
    --surface: #171a26;
    --surface-2: #1e2231;
    --ink: #e8eaf3;
    --muted: #9aa0b8;
    --line: #2b3043;
    --danger: #ff8a7a;
    --danger-soft: #3a1f1d;
    --info-soft: #1d2740;
    --agent-soft: #10271f;
    --agent-line: #1f5a45;
    --shadow: 0 24px 60px -28px rgba(0, 0, 0, 0.8);
  }
}
*, *::before, *::after { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body {
  background: radial-gradient(1200px 600px at 10% -10%, rgba(124, 58, 237, 0.14), transparent 60%),
    radial-gradient(900px 500px at 110% 10%, rgba(79, 70, 229, 0.12), transparent 60%), var(--bg);
  color: var(--ink);
}
[hidden] { display: none !important; }
.sr-only {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0;
}
button { font: inherit; color: inherit; }
button:focus-visible, textarea:focus-visible, .messages:focus-visible { outline: none; box-shadow: var(--focus); }

.app {
  display: flex; flex-direction: column;
  width: min(100%, 780px); height: calc(100dvh - 48px); min-height: 420px;
  margin: 24px auto; background: var(--surface);
  border: 1px solid var(--line); border-radius: var(--radius); box-shadow: var(--shadow); overflow: hidden;
}
@media (max-width: 640px) {
  .app { margin: 0; height: 100dvh; border: 0; border-radius: 0; box-shadow: none; }
}
.is-embed body { background: var(--surface); }
.is-embed .app { margin: 0; width: 100%; height: 100dvh; border: 0; border-radius: 0; box-shadow: none; }

.bar {
  display: flex; align-items: center; justify-content: space-between; gap: 12px;
  padding: 14px 18px; color: var(--brand-ink);
  background: linear-gradient(120deg, #4338ca, #6d28d9 70%, #7c3aed);
}
.brand { display: flex; align-items: center; gap: 12px; min-width: 0; }
.logo {
  flex: none; display: grid; place-items: center; width: 40px; height: 40px; border-radius: 12px;
  background: rgba(255, 255, 255, 0.16); box-shadow: inset 0 0 0 1px rgba(255, 255, 255, 0.25);
}
.logo svg { width: 24px; height: 24px; }
.brand h1 { margin: 0; font-size: 17px; font-weight: 650; letter-spacing: 0.01em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.brand p { margin: 0; font-size: 12.5px; opacity: 0.85; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.brand > div { min-width: 0; }
.actions { display: flex; gap: 6px; flex: none; }
.ghost {
  min-height: 34px; padding: 0 12px; border-radius: 999px; cursor: pointer; font-size: 13px; font-weight: 600;
  border: 1px solid rgba(255, 255, 255, 0.35); background: rgba(255, 255, 255, 0.1); color: #fff;
}
.ghost:hover { background: rgba(255, 255, 255, 0.2); }
.ghost svg { width: 15px; height: 15px; flex: none; }
#switch-member { display: inline-flex; align-items: center; gap: 6px; }
.ghost:focus-visible { box-shadow: 0 0 0 3px rgba(255, 255, 255, 0.55); }
.icon-button { width: 34px; padding: 0; display: grid; place-items: center; }
.icon-button svg { width: 18px; height: 18px; }

main { flex: 1; min-height: 0; display: flex; flex-direction: column; }
.view { flex: 1; min-height: 0; }
.center {
  display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 10px;
  padding: 32px 28px; text-align: center; color: var(--muted);
}
.center h2 { margin: 6px 0 0; color: var(--ink); font-size: 19px; }
.center p { margin: 0; max-width: 30em; }
.notice-icon {
  display: grid; place-items: center; width: 64px; height: 64px; border-radius: 20px;
  background: var(--brand-soft); color: var(--brand);
}
.notice-icon svg { width: 32px; height: 32px; }
.spinner {
  width: 34px; height: 34px; border-radius: 50%;
  border: 3px solid var(--line); border-top-color: var(--brand); animation: spin 0.8s linear infinite;
}
@keyframes spin { to { transform: rotate(360deg); } }
.primary {
  margin-top: 8px; min-height: 40px; padding: 0 20px; border: 0; border-radius: 999px; cursor: pointer;
  background: var(--brand); color: #fff; font-weight: 600;
}

.picker { overflow-y: auto; padding: 24px 22px 28px; }
.picker h2 { margin: 0; font-size: 19px; }
.picker > p { margin: 4px 0 16px; color: var(--muted); }
.picker-error {
  margin: 0 0 14px; padding: 10px 12px; border-radius: 12px; background: var(--danger-soft); color: var(--danger); font-size: 14px;
}
.members { list-style: none; margin: 0; padding: 0; display: grid; gap: 10px; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); }
.members .empty { color: var(--muted); }
.member {
  width: 100%; display: flex; align-items: center; gap: 12px; padding: 12px 14px; text-align: left; cursor: pointer;
  border: 1px solid var(--line); border-radius: 16px; background: var(--surface-2);
  transition: border-color 0.15s, transform 0.15s, box-shadow 0.15s;
}
.member:hover { border-color: var(--brand); box-shadow: 0 8px 22px -16px rgba(79, 70, 229, 0.8); transform: translateY(-1px); }
.avatar {
  flex: none; display: grid; place-items: center; width: 42px; height: 42px; border-radius: 50%;
  color: #fff; font-weight: 700; font-size: 15px;
}
.hue-0 { background: linear-gradient(135deg, #6366f1, #8b5cf6); }
.hue-1 { background: linear-gradient(135deg, #0ea5e9, #2563eb); }
.hue-2 { background: linear-gradient(135deg, #10b981, #0d9488); }
.hue-3 { background: linear-gradient(135deg, #f59e0b, #ea580c); }
.hue-4 { background: linear-gradient(135deg, #ec4899, #db2777); }
.hue-5 { background: linear-gradient(135deg, #64748b, #334155); }
.member-main { flex: 1; min-width: 0; display: flex; flex-direction: column; }
.member-name { font-weight: 650; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.member-id { font-size: 12px; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.badges { display: flex; flex-direction: column; align-items: flex-end; gap: 4px; flex: none; }
.badge {
  padding: 1px 9px; border-radius: 999px; font-size: 12px; font-weight: 600; line-height: 20px;
  background: var(--brand-soft); color: var(--brand);
}
.tier-regular { background: #eef0f4; color: #4b5263; }
.tier-silver { background: linear-gradient(135deg, #eef1f5, #d7dde6); color: #3f4a5a; }
.tier-gold { background: linear-gradient(135deg, #fff4d1, #f6d77c); color: #7a5200; }
.tier-diamond { background: linear-gradient(135deg, #e0f2fe, #c7d2fe); color: #1e3a8a; }

.chat { display: flex; flex-direction: column; }
.messages {
  flex: 1; min-height: 0; overflow-y: auto; padding: 20px 18px 8px; display: flex; flex-direction: column; gap: 12px;
  scroll-behavior: smooth; overscroll-behavior: contain;
}
.row { display: flex; align-items: flex-end; gap: 10px; max-width: 100%; animation: rise 0.18s ease-out; }
@keyframes rise { from { opacity: 0; transform: translateY(6px); } to { opacity: 1; transform: none; } }
.row-user { justify-content: flex-end; }
.bot-avatar {
  flex: none; display: grid; place-items: center; width: 32px; height: 32px; border-radius: 10px; color: #fff;
  background: linear-gradient(135deg, #4f46e5, #7c3aed);
}
.bot-avatar svg { width: 18px; height: 18px; }
.agent-avatar {
  flex: none; display: grid; place-items: center; width: 32px; height: 32px; border-radius: 50%; color: #fff;
  font-size: 13px; font-weight: 700; background: linear-gradient(135deg, #10b981, #0d9488);
}
.author { font-size: 12px; color: var(--muted); margin: 0 0 3px 4px; }
.row-agent .bubble { background: var(--agent-soft); border-color: var(--agent-line); }
.stack { display: flex; flex-direction: column; align-items: flex-start; max-width: min(78%, 560px); min-width: 0; }
.row-user .stack { align-items: flex-end; }
.bubble {
  padding: 10px 14px; border-radius: 18px; white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word;
}
.row-bot .bubble { background: var(--surface-2); border: 1px solid var(--line); border-bottom-left-radius: 6px; }
.bubble a { color: inherit; text-decoration: underline; overflow-wrap: anywhere; }
.row-user .bubble { background: linear-gradient(135deg, #4f46e5, #6d28d9); color: #fff; border-bottom-right-radius: 6px; }
.row.is-pending .bubble { opacity: 0.7; }
.row.is-failed .bubble, .row.is-rejected .bubble { background: var(--danger-soft); color: var(--danger); border: 1px solid currentColor; }
.meta { display: flex; gap: 8px; align-items: center; margin-top: 4px; font-size: 12.5px; color: var(--danger); }
.link-button {
  border: 0; padding: 2px 4px; background: none; cursor: pointer; color: var(--brand); font-weight: 650; text-decoration: underline;
  border-radius: 6px;
}
.typing .bubble { display: flex; gap: 5px; align-items: center; padding: 14px 16px; }
.dot { width: 7px; height: 7px; border-radius: 50%; background: var(--muted); animation: blink 1.2s infinite ease-in-out; }
.dot:nth-child(2) { animation-delay: 0.15s; }
.dot:nth-child(3) { animation-delay: 0.3s; }
@keyframes blink { 0%, 80%, 100% { opacity: 0.25; transform: translateY(0); } 40% { opacity: 1; transform: translateY(-3px); } }
.suggestions { display: flex; flex-wrap: wrap; gap: 8px; padding-left: 42px; }
.chip {
  min-height: 34px; padding: 5px 14px; border-radius: 999px; cursor: pointer; font-size: 14px; font-weight: 550;
  border: 1px solid var(--brand); background: var(--surface); color: var(--brand);
  transition: background 0.15s, color 0.15s;
}
.chip:hover { background: var(--brand); color: #fff; }

.status-line { margin: 0 18px 8px; padding: 8px 12px; border-radius: 12px; font-size: 13.5px; }
.status-error { background: var(--danger-soft); color: var(--danger); }
.status-info { background: var(--info-soft); color: var(--brand); }
.composer { border-top: 1px solid var(--line); padding: 12px 14px 10px; background: var(--surface); }
.composer-row {
  display: flex; align-items: flex-end; gap: 10px; padding: 6px 6px 6px 14px;
  border: 1px solid var(--line); border-radius: 22px; background: var(--surface-2);
  transition: border-color 0.15s, box-shadow 0.15s;
}
.composer-row:focus-within { border-color: var(--brand); box-shadow: var(--focus); }
.composer textarea {
  flex: 1; min-height: 24px; max-height: 160px; resize: none; border: 0; padding: 7px 0; background: transparent;
  color: var(--ink); font: inherit; line-height: 1.5;
}
.composer textarea:focus-visible { box-shadow: none; }
.composer textarea::placeholder { color: var(--muted); }
.send {
  flex: none; display: grid; place-items: center; width: 40px; height: 40px; border: 0; border-radius: 50%; cursor: pointer;
  background: linear-gradient(135deg, #4f46e5, #7c3aed); color: #fff; transition: opacity 0.15s, transform 0.1s;
}
.send:active:not(:disabled) { transform: scale(0.94); }
.send:disabled { opacity: 0.4; cursor: default; }
.send svg { width: 18px; height: 18px; }
.composer-meta { display: flex; justify-content: space-between; gap: 12px; padding: 6px 6px 0; font-size: 12px; color: var(--muted); }
.counter { font-variant-numeric: tabular-nums; }
.counter.near { color: #b45309; }
.counter.full { color: var(--danger); font-weight: 650; }
@media (max-width: 480px) {
  .composer-meta .hint { display: none; }
  .composer-meta { justify-content: flex-end; }
  .stack { max-width: 86%; }
  .bar { padding: 12px 14px; }
  .logo { width: 36px; height: 36px; }
  .brand { gap: 10px; }
  /* The switch button keeps its accessible name but shows only its icon on a phone. */
  #switch-member { width: 34px; padding: 0; justify-content: center; }
  #switch-member .label { display: none; }
}
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation-duration: 0.01ms !important; animation-iteration-count: 1 !important; transition: none !important; scroll-behavior: auto !important; }
}
`;

/** The embed loader a shop adds to its pages (see page.ts for the snippet); it runs on the shop's origin. */
// biome-ignore lint/complexity/noUselessStringRaw: raw on purpose, so a backslash added later reaches the browser unchanged
export const LOADER_JS = String.raw`/*
 * Member Assistant embed loader. On the shop's pages (the token is signed on the shop's server with WEBCHAT_SECRET):
 *   <script src="https://ASSISTANT_HOST/webchat.js" data-member-token="TOKEN" async></script>
 * Optional attributes: data-locale="zh-CN|en" (button labels), data-position="left|right".
 * It adds a floating chat button; the chat opens in an iframe of ASSISTANT_HOST/?embed=1#token=TOKEN.
 * Styles are set through the CSSOM (no <style> element, no innerHTML), so a strict shop CSP does not block it.
 * window.MemberAssistant.open() / .close() / .toggle() control it from the shop's own code.
 */
(function () {
  'use strict';
  if (window.MemberAssistant && window.MemberAssistant.loaded) return;

  var script = document.currentScript;
  if (!script) {
    var candidates = document.querySelectorAll('script[src*="/webchat.js"]');
    script = candidates[candidates.length - 1];
  }
  if (!script) return;
  var origin = new URL(script.src, location.href).origin;
  var locale = script.getAttribute('data-locale') || (/^zh/i.test(navigator.language || '') ? 'zh-CN' : 'en');
  var side = script.getAttribute('data-position') === 'left' ? 'left' : 'right';
  var text = locale === 'zh-CN'
    ? { open: '打开会员助手', close: '关闭会员助手', title: '会员助手' }
    : { open: 'Open the member assistant', close: 'Close the member assistant', title: 'Member Assistant' };
  var SVG = 'http://www.w3.org/2000/svg';
  var launcher, panel, frame;
  var isOpen = false;

  function css(node, styles) {
    Object.keys(styles).forEach(function (k) { node.style.setProperty(k, styles[k]); });
  }

  function icon(paths) {
    var svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '26');
    svg.setAttribute('height', '26');
    svg.setAttribute('fill', 'none');
    svg.setAttribute('stroke', 'currentColor');
    svg.setAttribute('stroke-width', '2');
    svg.setAttribute('stroke-linecap', 'round');
    svg.setAttribute('stroke-linejoin', 'round');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    paths.forEach(function (d) {
      var p = document.createElementNS(SVG, 'path');
      p.setAttribute('d', d);
      svg.appendChild(p);
    });
    return svg;
  }

  var CHAT_ICON = ['M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z', 'M8.5 12h.01', 'M12 12h.01', 'M15.5 12h.01'];
  var CLOSE_ICON = ['M6 6l12 12', 'M18 6L6 18'];

  function layout() {
    if (!panel) return;
    var small = window.innerWidth < 520;
    if (small) {
      css(panel, { top: '0', bottom: '0', left: '0', right: '0', width: '100%', height: '100%', 'max-height': 'none', 'border-radius': '0' });
    } else {
      css(panel, { top: 'auto', bottom: '96px', width: '390px', height: '640px', 'max-height': 'calc(100vh - 120px)', 'border-radius': '18px' });
      panel.style.setProperty(side, '24px');
      panel.style.setProperty(side === 'right' ? 'left' : 'right', 'auto');
    }
    /* On a phone the panel covers the page, so the launcher hides while it is open (the page has its own close). */
    launcher.style.setProperty('display', small && isOpen ? 'none' : 'grid');
  }

  function build() {
    launcher = document.createElement('button');
    launcher.type = 'button';
    launcher.id = 'member-assistant-launcher';
    launcher.setAttribute('data-testid', 'member-assistant-launcher');
    launcher.setAttribute('aria-label', text.open);
    launcher.setAttribute('title', text.open);
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'member-assistant-panel');
    css(launcher, {
      position: 'fixed', bottom: '24px', width: '60px', height: '60px', padding: '0', margin: '0', border: '0',
      'border-radius': '50%', cursor: 'pointer', display: 'grid', 'place-items': 'center', color: '#fff',
      background: 'linear-gradient(135deg, #4f46e5, #7c3aed)', 'box-shadow': '0 12px 30px -8px rgba(49, 46, 129, 0.6)',
      'z-index': '2147483000', transition: 'transform 0.15s ease'
    });
    launcher.style.setProperty(side, '24px');
    launcher.appendChild(icon(CHAT_ICON));
    launcher.addEventListener('click', toggle);
    launcher.addEventListener('mouseenter', function () { launcher.style.setProperty('transform', 'scale(1.06)'); });
    launcher.addEventListener('mouseleave', function () { launcher.style.setProperty('transform', 'none'); });

    panel = document.createElement('div');
    panel.id = 'member-assistant-panel';
    panel.setAttribute('role', 'dialog');
    panel.setAttribute('aria-label', text.title);
    css(panel, {
      position: 'fixed', display: 'none', overflow: 'hidden', background: '#fff', 'max-width': '100vw',
      'box-shadow': '0 24px 60px -12px rgba(17, 24, 39, 0.45)', 'z-index': '2147483001'
    });
    document.body.appendChild(panel);
    document.body.appendChild(launcher);
    layout();
    window.addEventListener('resize', layout);
    window.addEventListener('message', function (ev) {
      /* Only the assistant's own frame may ask to close. */
      if (ev.origin !== origin || !frame || ev.source !== frame.contentWindow) return;
      if (ev.data && ev.data.type === 'member-assistant:close') close();
    });
    document.addEventListener('keydown', function (ev) { if (ev.key === 'Escape' && isOpen) close(); });
  }

  function ensureFrame() {
    if (frame) return;
    var token = script.getAttribute('data-member-token') || '';
    frame = document.createElement('iframe');
    frame.id = 'member-assistant-frame';
    frame.title = text.title;
    frame.setAttribute('data-testid', 'member-assistant-frame');
    /* The token travels in the fragment: it is never sent in a request line or logged by a server. */
    frame.src = origin + '/?embed=1' + (token ? '#token=' + encodeURIComponent(token) : '');
    css(frame, { width: '100%', height: '100%', border: '0', display: 'block' });
    panel.appendChild(frame);
  }

  function setOpen(value) {
    if (!launcher) return;
    isOpen = value;
    if (isOpen) ensureFrame();
    panel.style.setProperty('display', isOpen ? 'block' : 'none');
    launcher.setAttribute('aria-expanded', String(isOpen));
    launcher.setAttribute('aria-label', isOpen ? text.close : text.open);
    launcher.setAttribute('title', isOpen ? text.close : text.open);
    launcher.replaceChildren(icon(isOpen ? CLOSE_ICON : CHAT_ICON));
    layout();
    if (isOpen) frame.focus();
    else launcher.focus();
  }

  function open() { setOpen(true); }
  function close() { if (isOpen) setOpen(false); }
  function toggle() { setOpen(!isOpen); }

  window.MemberAssistant = { loaded: true, open: open, close: close, toggle: toggle };
  if (document.body) build();
  else document.addEventListener('DOMContentLoaded', build);
})();
`;

/** The assistant's mark (favicon and header logo): a chat bubble with a star. */
export const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#4f46e5"/><stop offset="1" stop-color="#7c3aed"/></linearGradient></defs><rect width="64" height="64" rx="16" fill="url(#g)"/><path d="M32 14c-10.5 0-19 7.2-19 16.1 0 5 2.7 9.5 7 12.4L18.5 50l8.3-4.4c1.7.4 3.4.6 5.2.6 10.5 0 19-7.2 19-16.1S42.5 14 32 14z" fill="#fff"/><path d="M32 21.5l2.6 5.3 5.8.8-4.2 4.1 1 5.8-5.2-2.7-5.2 2.7 1-5.8-4.2-4.1 5.8-.8z" fill="#6d28d9"/></svg>`;
