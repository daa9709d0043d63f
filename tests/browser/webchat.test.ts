// The built-in web chat in real Chromium: demo picker, both languages, suggestions, reload, retries, the embed loader.
import { Hono } from 'hono';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMemberToken } from '../../src/channels/webchat/session.js';
import { getPointsSummary } from '../../src/domain/loyalty/index.js';
import { formatPoints } from '../../src/lib/money.js';
import { createTestApp, TEST_WEBCHAT_SECRET, type TestApp } from '../support/app.js';
import { addMember, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { haveChromium, launchChromium, openTrackedPage } from '../support/chromium.js';
import { startServer, type RunningServer } from '../support/server.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
let t: TestApp;
let noPicker: TestApp;
let server: RunningServer;
let noPickerServer: RunningServer;
let shop: RunningServer;
let browser: Browser;
/** Every URL the assistant served: the member token must never appear in one (it travels in the fragment). */
const requested: string[] = [];
const contexts: BrowserContext[] = [];
let embedToken: string;

const balanceOf = async (memberId: string) => (await getPointsSummary({ ctx: t.deps.domain, input: { memberId } })).balance;

/** The formatted number as a whole token (not a piece of a longer number). */
const exactNumber = (n: number) => new RegExp(`(^|[^\\d,.])${formatPoints(n)}(?![\\d,]|\\.\\d)`);

const openPage = () => openTrackedPage(browser, contexts, { width: 1100, height: 820, timeoutMs: 15_000, httpErrors: 'url' });

/** Waits until `count` messages of the role are on screen and returns the text of the last one. */
async function nthMessage(scope: Page | ReturnType<Page['frameLocator']>, role: 'user' | 'bot', count: number): Promise<string> {
  const loc = scope.getByTestId(role === 'user' ? 'message-user' : 'message-bot').nth(count - 1);
  await loc.waitFor({ state: 'visible' });
  return (await loc.textContent()) ?? '';
}

async function ask(scope: Page | ReturnType<Page['frameLocator']>, text: string, botCountAfter: number): Promise<string> {
  const input = scope.getByTestId('chat-input');
  await input.fill(text);
  await input.press('Enter');
  return nthMessage(scope, 'bot', botCountAfter);
}

beforeAll(async () => {
  if (!haveChromium) return;
  t = await createTestApp({ clock, demoMemberIds: ['zh-1', 'en-1'], env: { PRODUCT_URL_TEMPLATE: 'https://shop.test/p/{id}' } });
  await seedProgram(t.store);
  await addMember(t.store, clock, { id: 'zh-1', name: '王芳', locale: 'zh-CN', timeZone: 'Asia/Shanghai' });
  await addMember(t.store, clock, { id: 'en-1', name: 'Emma Clark', locale: 'en', timeZone: 'Europe/London' });
  await addMember(t.store, clock, { id: 'emb-1', name: '李雷', locale: 'zh-CN', timeZone: 'Asia/Shanghai' });
  await paidOrder(t.deps.domain, 'zh-1', 'Z1', '5321.50', '2026-03-01T00:00:00Z');
  await paidOrder(t.deps.domain, 'zh-1', 'Z2', '42', '2026-05-20T00:00:00Z');
  await paidOrder(t.deps.domain, 'en-1', 'N1', '2345.67', '2026-04-02T00:00:00Z');
  await paidOrder(t.deps.domain, 'emb-1', 'E1', '1288', '2026-05-02T00:00:00Z');
  server = await startServer((req) => {
    requested.push(req.url);
    return t.app.fetch(req);
  });

  noPicker = await createTestApp({ clock, env: { WEBCHAT_DEMO_PICKER: 'false' } });
  noPickerServer = await startServer(noPicker.app.fetch);

  // A stand-in for a shop's page on another origin, embedding the loader exactly as the README shows.
  embedToken = await signMemberToken(TEST_WEBCHAT_SECRET, 'emb-1');
  const shopApp = new Hono();
  shopApp.get('/', (c) =>
    c.html(
      `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Shop</title></head><body><h1>Tea shop</h1><p>Products…</p>` +
        `<script src="${server.url}/webchat.js" data-member-token="${embedToken}" async></script></body></html>`,
    ),
  );
  shop = await startServer(shopApp.fetch);

  browser = await launchChromium();
});

afterAll(async () => {
  if (!haveChromium) return;
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
  await noPickerServer?.close();
  await shop?.close();
  t?.close();
  noPicker?.close();
});

describe.skipIf(!haveChromium)('web chat page in Chromium', () => {
  it('lets the Chinese demo member ask for points and answers with the balance from the store', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${server.url}/`);
    const entry = page.locator('[data-testid="demo-member"][data-member-id="zh-1"]');
    await entry.waitFor();
    expect(await entry.textContent()).toContain('王芳');
    await entry.click();

    expect(await nthMessage(page, 'bot', 1)).toContain('王芳'); // the greeting
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.getByTestId('chat-input').getAttribute('placeholder')).toMatch(/积分/);

    const balance = await balanceOf('zh-1');
    expect(balance).toBeGreaterThan(999); // so the thousands separator is exercised
    const answer = await ask(page, '我有多少积分', 2);
    expect(await nthMessage(page, 'user', 1)).toBe('我有多少积分');
    expect(answer).toMatch(exactNumber(balance));
    expect(answer).toContain(`${formatPoints(balance)} 积分`);
    if (process.env.WEBCHAT_SCREENSHOT) await page.screenshot({ path: process.env.WEBCHAT_SCREENSHOT });
    expect(errors).toEqual([]);
  });

  it('answers the English member in English, runs a suggestion, and keeps the conversation across a reload', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${server.url}/`);
    await page.locator('[data-testid="demo-member"][data-member-id="en-1"]').click();
    await nthMessage(page, 'bot', 1);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');

    const balance = await balanceOf('en-1');
    const answer = await ask(page, 'what is my points balance', 2);
    expect(answer).toMatch(exactNumber(balance));
    expect(answer).toContain(`${formatPoints(balance)} points`);

    // Suggestion buttons come from the reply; clicking one sends its value as the member's message.
    const chips = page.getByTestId('suggestion');
    await chips.first().waitFor();
    const title = (await chips.first().textContent()) ?? '';
    expect(title.length).toBeGreaterThan(0);
    await chips.first().click();
    expect(await nthMessage(page, 'user', 2)).toBe(title);
    const followUp = await nthMessage(page, 'bot', 3);
    expect(followUp.trim().length).toBeGreaterThan(0);
    expect(followUp).not.toBe(answer);

    // A reload resumes the same session and shows the transcript from sessionStorage.
    await page.reload();
    expect(await nthMessage(page, 'bot', 3)).toBe(followUp);
    expect(await page.getByTestId('message-user').count()).toBe(2);
    expect(await ask(page, 'how many points do I have', 4)).toMatch(exactNumber(balance));
    expect(errors).toEqual([]);
  });

  it("turns the assistant's product links into links that open the shop in a new tab, and a member's text never", async () => {
    const { page, errors } = await openPage();
    await page.goto(`${server.url}/`);
    await page.locator('[data-testid="demo-member"][data-member-id="en-1"]').click();
    await nthMessage(page, 'bot', 1);
    const before = await page.getByTestId('message-bot').count();
    // ask() waits for the nth bot message (1-based): the reply after the greeting.
    await ask(page, 'what would you recommend?', before + 1);
    const bubble = page.getByTestId('message-bot').nth(before);
    const links = bubble.getByTestId('message-link');
    expect(await links.count()).toBeGreaterThan(0);
    const href = (await links.first().getAttribute('href')) ?? '';
    expect(href).toMatch(/^https:\/\/shop\.test\/p\/\w+$/);
    expect(await links.first().textContent()).toBe(href);
    expect(await links.first().getAttribute('target')).toBe('_blank');
    expect(await links.first().getAttribute('rel')).toBe('noopener noreferrer');
    // What the member types stays text, links and markup alike.
    await ask(page, 'https://evil.test/<b>x</b>', before + 2);
    const mine = page.getByTestId('message-user').last();
    expect(await mine.locator('a, b').count()).toBe(0);
    expect(await mine.textContent()).toBe('https://evil.test/<b>x</b>');
    expect(errors).toEqual([]);
  });

  it('resends a message with the same clientMessageId after a network failure and shows one answer', async () => {
    const { page } = await openPage();
    await page.goto(`${server.url}/`);
    await page.locator('[data-testid="demo-member"][data-member-id="en-1"]').click();
    await nthMessage(page, 'bot', 1);

    const ids: string[] = [];
    let calls = 0;
    await page.route('**/api/webchat/messages', async (route) => {
      ids.push(JSON.parse(route.request().postData() ?? '{}').clientMessageId);
      // The first attempt reaches the server but its answer is lost on the way back; the retry gets the stored answer.
      if (calls++ === 0) {
        await route.fetch();
        return route.abort('connectionreset');
      }
      return route.continue();
    });
    const answer = await ask(page, 'what is my points balance', 2);
    expect(answer).toMatch(exactNumber(await balanceOf('en-1')));
    expect(ids.length).toBe(2);
    expect(ids[1]).toBe(ids[0]);
    expect(await page.getByTestId('message-bot').count()).toBe(2);
    expect(await page.getByTestId('message-user').count()).toBe(1);
  });

  it('shows the API error message politely on a 4xx', async () => {
    const { page } = await openPage();
    await page.goto(`${server.url}/`);
    await page.locator('[data-testid="demo-member"][data-member-id="zh-1"]').click();
    await nthMessage(page, 'bot', 1);
    await page.route('**/api/webchat/messages', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'bad_request', message: 'Invalid request: text', requestId: 'r1' } }),
      }),
    );
    const input = page.getByTestId('chat-input');
    await input.fill('你好');
    await page.getByTestId('send-button').click();
    const line = page.locator('#status-line');
    await line.waitFor({ state: 'visible' });
    expect(await line.textContent()).toContain('Invalid request: text');
    expect(await page.getByTestId('message-bot').count()).toBe(1);
    // The composer is usable again.
    expect(await page.getByTestId('send-button').isDisabled()).toBe(true);
    await input.fill('再试一次');
    expect(await page.getByTestId('send-button').isDisabled()).toBe(false);
  });

  it('keeps Shift+Enter as a newline and counts characters up to the limit', async () => {
    const { page } = await openPage();
    await page.goto(`${server.url}/`);
    await page.locator('[data-testid="demo-member"][data-member-id="en-1"]').click();
    await nthMessage(page, 'bot', 1);
    const input = page.getByTestId('chat-input');
    await input.click();
    await input.pressSequentially('line one');
    await input.press('Shift+Enter');
    await input.pressSequentially('two');
    expect(await input.inputValue()).toBe('line one\ntwo');
    expect(await page.getByTestId('message-user').count()).toBe(0);
    expect(await page.locator('#counter').textContent()).toContain('12');
    await input.fill('x'.repeat(2500));
    expect((await input.inputValue()).length).toBe(2000);
    expect(await page.locator('#counter').textContent()).toContain('2000');
  });

  it('serves the page under a strict CSP and the loader as JavaScript', async () => {
    const page = await fetch(`${server.url}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect((await fetch(`${server.url}/?embed=1`)).headers.get('content-security-policy')).toContain('frame-ancestors *');
    const loader = await fetch(`${server.url}/webchat.js`);
    expect(loader.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await loader.text()).toContain('data-member-token');
  });

  it('asks for a shop sign-in when there is no token and no demo picker', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${noPickerServer.url}/`);
    const notice = page.locator('#view-notice');
    await notice.waitFor({ state: 'visible' });
    expect(await page.locator('#notice-title').textContent()).toMatch(/shop|商城/);
    expect(await page.getByTestId('demo-member').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('opens from the embed loader on a shop page of another origin and chats with the signed member', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${shop.url}/`);
    const launcher = page.getByTestId('member-assistant-launcher');
    await launcher.click();
    expect(await launcher.getAttribute('aria-expanded')).toBe('true');

    const iframe = page.locator('#member-assistant-frame');
    const src = (await iframe.getAttribute('src')) ?? '';
    expect(src.startsWith(`${server.url}/?embed=1#token=`)).toBe(true);

    const frame = page.frameLocator('#member-assistant-frame');
    expect(await nthMessage(frame, 'bot', 1)).toContain('李雷');
    const balance = await balanceOf('emb-1');
    const answer = await ask(frame, '我有多少积分', 2);
    expect(answer).toMatch(exactNumber(balance));

    // The page's close button asks the loader (by postMessage) to fold the panel away.
    await frame.getByTestId('close-embed').click();
    await page.waitForFunction(() => document.getElementById('member-assistant-launcher')?.getAttribute('aria-expanded') === 'false');
    expect(await page.locator('#member-assistant-panel').isVisible()).toBe(false);

    // The token came in the fragment: no request carried it, and the page removed it from its address.
    expect(requested.some((u) => u.includes(embedToken))).toBe(false);
    const chatFrame = page.frames().find((f) => f.url().startsWith(server.url));
    expect(chatFrame?.url()).toBe(`${server.url}/?embed=1`);
    expect(errors).toEqual([]);
  });
});
