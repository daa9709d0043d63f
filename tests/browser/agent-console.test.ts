// The agent console in real Chromium, against a member in the web chat: log in, see the request live, claim, reply, resolve.
import { and, eq } from 'drizzle-orm';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedback, handoffs } from '../../db/schema/index.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { addMember, openSupportAllDay, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { haveChromium, launchChromium, openTrackedPage } from '../support/chromium.js';
import { startServer, type RunningServer } from '../support/server.js';
import { addStaff, type TestStaff } from '../support/staff.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
let t: TestApp;
let server: RunningServer;
let browser: Browser;
let agent: TestStaff;
const contexts: BrowserContext[] = [];

const openPage = () => openTrackedPage(browser, contexts, { width: 1280, height: 900, timeoutMs: 15_000 });

beforeAll(async () => {
  if (!haveChromium) return;
  t = await createTestApp({ clock, demoMemberIds: ['c-1'] });
  await seedProgram(t.store);
  await addMember(t.store, clock, { id: 'c-1', name: '陈静', locale: 'zh-CN', timeZone: 'Asia/Shanghai' });
  await paidOrder(t.deps.domain, 'c-1', 'C1', '2680', '2026-05-02T00:00:00Z');
  await openSupportAllDay(t.deps.domain, ['zh-CN']);
  agent = await addStaff(t.deps, 'agent', 'Lily Zhang');
  server = await startServer(t.app.fetch);
  browser = await launchChromium();
});

afterAll(async () => {
  if (!haveChromium) return;
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
  t?.close();
});

describe.skipIf(!haveChromium)('agent console in Chromium', () => {
  it('an agent logs in, sees the request arrive live, claims, replies, and resolves; the member rates in the web chat', async () => {
    // The agent signs in and waits on the inbox.
    const { page: console_, errors: consoleErrors } = await openPage();
    await console_.goto(`${server.url}/console/inbox`);
    expect(new URL(console_.url()).pathname).toBe('/console/login');
    await console_.getByTestId('login-email').fill(agent.email);
    await console_.getByTestId('login-password').fill('not my password');
    await console_.getByTestId('login-submit').click();
    await console_.getByText('Wrong email or password.').waitFor();
    consoleErrors.length = 0; // the refused sign-in is a 401 the browser reports; nothing after it may fail
    await console_.getByTestId('login-password').fill(agent.password);
    await console_.getByTestId('login-submit').click();
    await console_.waitForURL(`${server.url}/console/inbox`);
    expect(await console_.getByTestId('staff-name').textContent()).toBe('Lily Zhang');
    expect(await console_.getByTestId('inbox-row').count()).toBe(0);

    // The member asks for a person in the web chat.
    const { page: chat, errors: chatErrors } = await openPage();
    await chat.goto(`${server.url}/`);
    await chat.locator('[data-testid="demo-member"][data-member-id="c-1"]').click();
    await chat.getByTestId('message-bot').first().waitFor();
    await chat.getByTestId('chat-input').fill('转人工');
    await chat.getByTestId('chat-input').press('Enter');
    await chat.getByText(/排在第 1 位/).waitFor();

    // It shows up in the agent's inbox without a reload (server-sent events).
    const row = console_.locator('[data-testid="inbox-row"][data-member-id="c-1"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('陈静');
    await row.getByTestId('claim').click();
    await console_.waitForURL(/\/console\/handoffs\/[\w-]+\?notice=claimed$/);
    expect(await console_.getByTestId('handoff-status').textContent()).toBe('assigned');
    expect(await console_.getByTestId('card-points').textContent()).toBe('2,680');

    // The member is told who joined, live; what they write next reaches the agent live, and the bot stays quiet.
    await chat.getByText('客服Lily Zhang已加入对话。').waitFor();
    const botBefore = await chat.getByTestId('message-bot').count();
    await chat.getByTestId('chat-input').fill('我的订单什么时候到？');
    await chat.getByTestId('chat-input').press('Enter');
    await console_.locator('[data-testid="transcript-message"][data-author="member"]', { hasText: '我的订单什么时候到？' }).waitFor();
    expect(await chat.getByTestId('message-bot').count()).toBe(botBefore);

    // A canned reply fills the box; the agent edits and sends it; the member sees it under the agent's name.
    await console_.getByTestId('canned-replies').selectOption({ label: '查询中' });
    expect(await console_.getByTestId('reply-text').inputValue()).toBe('好的，我正在为您查询，请稍等一两分钟。');
    await console_.getByTestId('reply-text').fill('您的订单 C1 已发货，预计明天送达。');
    await console_.getByTestId('send-reply').click();
    await console_.waitForURL(/notice=sent$/);
    const sent = console_.locator('[data-testid="transcript-message"][data-author="agent"]', { hasText: '您的订单 C1 已发货' });
    await sent.waitFor();
    expect(await sent.getByTestId('delivery-status').textContent()).toContain('Delivered');
    const agentBubble = chat.getByTestId('message-agent').last();
    await agentBubble.waitFor();
    expect(await agentBubble.textContent()).toBe('您的订单 C1 已发货，预计明天送达。');

    // A note for colleagues.
    await console_.getByTestId('note-text').fill('Asked about delivery; told tomorrow.');
    await console_.getByTestId('add-note').click();
    await console_.getByTestId('notes').getByText('Asked about delivery; told tomorrow.').waitFor();

    if (process.env.CONSOLE_SCREENSHOT)
      await console_.screenshot({ path: process.env.CONSOLE_SCREENSHOT.replace(/\.png$/, '-conversation.png'), fullPage: true });

    // Resolve: back to the inbox, and the member gets the rating buttons.
    console_.once('dialog', (d) => d.accept());
    await console_.getByTestId('resolve').click();
    await console_.waitForURL(`${server.url}/console/inbox?notice=resolved`);
    const five = chat.getByTestId('suggestion').filter({ hasText: '5 ★★★★★' });
    await five.waitFor();
    expect(await chat.getByTestId('suggestion').count()).toBe(5);
    await five.click();
    await chat.getByText('感谢您的评分：5/5').waitFor();

    const [h] = await t.store.db.select().from(handoffs).where(eq(handoffs.memberId, 'c-1'));
    expect(h).toMatchObject({ status: 'resolved', agentId: agent.id });
    const ratings = await t.store.db
      .select()
      .from(feedback)
      .where(and(eq(feedback.handoffId, h.id), eq(feedback.kind, 'csat')));
    expect(ratings.map((r) => r.score)).toEqual([5]);

    // The conversation page shows the rating, and the reports count it.
    await console_.goto(`${server.url}/console/handoffs/${h.id}`);
    expect(await console_.getByTestId('csat-score').textContent()).toBe('5/5');
    await console_.goto(`${server.url}/console/reports`);
    expect(await console_.getByTestId('csat-average').textContent()).toBe('5 / 5');
    if (process.env.CONSOLE_SCREENSHOT) await console_.screenshot({ path: process.env.CONSOLE_SCREENSHOT, fullPage: true });

    expect(consoleErrors).toEqual([]);
    expect(chatErrors).toEqual([]);
  });
});
