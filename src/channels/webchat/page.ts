// The built-in web chat: the page at /, its script and styles, and the /webchat.js loader shops embed.
//
// Embedding on a shop's pages (sign the token on the shop's server with WEBCHAT_SECRET; see session.ts):
//
//   <script src="https://ASSISTANT_HOST/webchat.js" data-member-token="TOKEN" async></script>
//
// The loader adds a floating chat button that opens an iframe of https://ASSISTANT_HOST/?embed=1#token=TOKEN
// (the host is taken from the script's own src). Optional: data-locale="zh-CN|en", data-position="left|right";
// window.MemberAssistant.open()/close()/toggle() from the shop's code. A member token can also be given to the
// page directly as https://ASSISTANT_HOST/#token=TOKEN — always in the fragment, never the query string, so it
// never reaches a server log. In development (WEBCHAT_DEMO_PICKER) the page offers a demo-member picker instead.
import { Hono } from 'hono';
import type { AppEnv } from '../../http/app-env.js';
import { APP_CSS, APP_JS, ICON_SVG, LOADER_JS } from './page-assets.js';

/** FNV-1a: a cheap content hash for cache-busting asset URLs (no crypto needed, computed once). */
function contentHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

interface Asset {
  body: string;
  type: string;
  version: string;
}

let assets: Record<'js' | 'css' | 'icon', Asset> | undefined;
/** Built on first use, not at import (createApp does no work at import time). */
function getAssets() {
  assets ??= {
    js: { body: APP_JS, type: 'text/javascript; charset=utf-8', version: contentHash(APP_JS) },
    css: { body: APP_CSS, type: 'text/css; charset=utf-8', version: contentHash(APP_CSS) },
    icon: { body: ICON_SVG, type: 'image/svg+xml', version: contentHash(ICON_SVG) },
  };
  return assets;
}

/**
 * The page's policy: only its own script, styles and API. frame-ancestors decides framing (browsers ignore the
 * global X-Frame-Options: SAMEORIGIN when it is present): any site may frame the embed view, which holds no session
 * until it is given a shop-signed token; the standalone page stays same-origin only.
 */
function pageCsp(embed: boolean): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${embed ? '*' : "'self'"}`,
  ].join('; ');
}

const SEND_ICON =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M5 12h13"/><path d="M12 5l7 7-7 7"/></svg>';
const CLOSE_ICON =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" aria-hidden="true" focusable="false"><path d="M6 6l12 12"/><path d="M18 6L6 18"/></svg>';
const SPARK_ICON =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M12 3l2.3 5.4L20 9.2l-4.3 3.9 1.2 5.8L12 16l-4.9 2.9 1.2-5.8L4 9.2l5.7-.8z"/></svg>';
const SWAP_ICON =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><path d="M16 3l4 4-4 4"/><path d="M20 7H9"/><path d="M8 21l-4-4 4-4"/><path d="M4 17h11"/></svg>';
const LOCK_ICON =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false"><rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/></svg>';

/** The page shell; every text in it is replaced by app.js in the member's language (English is the fallback). */
function pageHtml(embed: boolean): string {
  const a = getAssets();
  return `<!doctype html>
<html lang="en"${embed ? ' class="is-embed"' : ''}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>Member Assistant</title>
<link rel="icon" type="image/svg+xml" href="/webchat/icon.svg?v=${a.icon.version}">
<link rel="stylesheet" href="/webchat/app.css?v=${a.css.version}">
<script src="/webchat/app.js?v=${a.js.version}" defer></script>
</head>
<body>
<div class="app" id="app">
  <header class="bar">
    <div class="brand">
      <span class="logo" aria-hidden="true">${SPARK_ICON}</span>
      <div>
        <h1 data-i18n="title">Member Assistant</h1>
        <p id="subtitle">Points · tier · benefits · coupons · orders</p>
      </div>
    </div>
    <div class="actions">
      <button type="button" class="ghost" id="switch-member" data-testid="switch-member" data-i18n-label="switchMember" aria-label="Switch member" hidden>${SWAP_ICON}<span class="label" data-i18n="switchMember">Switch member</span></button>
      <button type="button" class="ghost" id="lang-toggle" data-testid="lang-toggle">中文</button>
      <button type="button" class="ghost icon-button" id="close-embed" data-testid="close-embed" data-i18n-label="close" aria-label="Close the member assistant" hidden>${CLOSE_ICON}</button>
    </div>
  </header>
  <main>
    <section class="view center" id="view-loading" aria-live="polite">
      <div class="spinner" aria-hidden="true"></div>
      <p id="loading-text">Loading…</p>
      <noscript><p>会员助手需要启用 JavaScript。 The member assistant needs JavaScript.</p></noscript>
    </section>
    <section class="view center" id="view-notice" role="alert" hidden>
      <div class="notice-icon" aria-hidden="true">${LOCK_ICON}</div>
      <h2 id="notice-title"></h2>
      <p id="notice-text"></p>
      <button type="button" class="primary" id="notice-action" hidden>Retry</button>
    </section>
    <section class="view picker" id="view-picker" aria-labelledby="picker-title" hidden>
      <h2 id="picker-title" data-i18n="pickTitle">Choose a demo member</h2>
      <p data-i18n="pickText">Development mode: pick a member to chat as them.</p>
      <p class="picker-error" id="picker-error" role="alert" hidden></p>
      <ul class="members" id="member-list"></ul>
    </section>
    <section class="view chat" id="view-chat" hidden>
      <div class="messages" id="messages" role="log" aria-live="polite" data-i18n-label="messagesLabel" aria-label="Conversation" tabindex="0"></div>
      <p class="status-line" id="status-line" role="status" hidden></p>
      <form class="composer" id="composer" novalidate>
        <label class="sr-only" for="chat-input" data-i18n="inputLabel">Message</label>
        <div class="composer-row">
          <textarea id="chat-input" data-testid="chat-input" rows="1" maxlength="2000" autocomplete="off" enterkeyhint="send" aria-describedby="composer-hint counter" data-i18n-placeholder="placeholder"></textarea>
          <button type="submit" class="send" id="send-button" data-testid="send-button" data-i18n-label="send" aria-label="Send" disabled>${SEND_ICON}</button>
        </div>
        <div class="composer-meta">
          <span class="hint" id="composer-hint" data-i18n="hint">Enter to send · Shift+Enter for a new line</span>
          <span class="counter" id="counter"></span>
        </div>
      </form>
    </section>
  </main>
</div>
<template id="bot-avatar"><span class="bot-avatar">${SPARK_ICON}</span></template>
</body>
</html>
`;
}

function serveAsset(asset: Asset, requestedVersion: string | undefined): Response {
  // A versioned URL never changes content, so it may be cached for good; anything else is revalidated.
  const cache = requestedVersion === asset.version ? 'public, max-age=31536000, immutable' : 'no-cache';
  return new Response(asset.body, { headers: { 'content-type': asset.type, 'cache-control': cache } });
}

export function webchatPageRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', (c) => {
    const embed = c.req.query('embed') === '1';
    c.header('content-security-policy', pageCsp(embed));
    c.header('cache-control', 'no-cache');
    return c.html(pageHtml(embed));
  });

  app.get('/webchat/app.js', (c) => serveAsset(getAssets().js, c.req.query('v')));
  app.get('/webchat/app.css', (c) => serveAsset(getAssets().css, c.req.query('v')));
  app.get('/webchat/icon.svg', (c) => serveAsset(getAssets().icon, c.req.query('v')));

  // Shops reference this URL unversioned, so it is cached briefly and revalidated.
  app.get(
    '/webchat.js',
    () =>
      new Response(LOADER_JS, { headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' } }),
  );

  return app;
}
