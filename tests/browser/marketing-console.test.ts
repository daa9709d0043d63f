// The marketer console in real Chromium: sign in, build a segment with a live count, create a campaign, preview, launch, watch it finish.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { members, segments } from '../../db/schema/index.js';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../support/app.js';
import { emulatorActivity, startLocalConnector, type LocalConnector } from '../support/connector.js';
import { addMember, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { haveChromium, launchChromium, openTrackedPage } from '../support/chromium.js';
import { startServer, type RunningServer } from '../support/server.js';
import { addStaff, type TestStaff } from '../support/staff.js';

// 08:40 UTC: inside the members' quiet hours (21:00-09:00; they live in UTC here), so a launch holds its messages.
const clock = fixedClock('2026-06-01T08:40:00Z');
let t: TestApp;
let server: RunningServer;
let connector: LocalConnector;
let browser: Browser;
let marketer: TestStaff;
const contexts: BrowserContext[] = [];

/** Gold members g-1..g-3 (two opted in, one who sent STOP), one silver member who is not in the segment. */
const GOLD = ['g-1', 'g-2', 'g-3'];

const openPage = () => openTrackedPage(browser, contexts, { width: 1280, height: 900, timeoutMs: 20_000, httpErrors: 'path' });

/** A member writes once on the Emulator, so we hold their conversation reference (how broadcasts reach them). */
async function chat(userId: string, text: string) {
  const res = await fetch(`${server.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(emulatorActivity(connector.url, userId, text)),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  if (!haveChromium) return;
  connector = await startLocalConnector();
  t = await createTestApp({ clock });
  await seedProgram(t.store);
  for (const id of [...GOLD, 's-1']) {
    await addMember(t.store, clock, {
      id,
      name: `Member ${id}`,
      locale: 'en',
      identity: { channelId: 'emulator', channelUserId: `u-${id}` },
    });
  }
  await t.store.db.update(members).set({ marketingConsent: true, marketingConsentAt: clock() });
  for (const id of GOLD) await paidOrder(t.deps.domain, id, `O-${id}`, '6000', '2026-05-01T00:00:00Z');
  await paidOrder(t.deps.domain, 's-1', 'O-s-1', '88', '2026-05-01T00:00:00Z');
  server = await startServer(t.app.fetch);
  for (const id of [...GOLD, 's-1']) await chat(`u-${id}`, 'hello');
  // g-3 opts out in chat: the campaign must skip them at send time.
  await chat('u-g-3', 'STOP');
  expect((await t.store.db.select().from(members).where(eq(members.id, 'g-3')))[0].marketingConsent).toBe(false);
  marketer = await addStaff(t.deps, 'marketer', 'Mia Marketer');
  browser = await launchChromium();
});

afterAll(async () => {
  if (!haveChromium) return;
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await server?.close();
  await connector?.close();
  t?.close();
});

describe.skipIf(!haveChromium)('marketer console in Chromium', () => {
  it('builds a segment with a live count, creates a campaign, previews, launches and watches it reach completed', async () => {
    const { page, errors } = await openPage();
    await page.goto(`${server.url}/console/marketing/segments`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await page.getByTestId('login-email').fill(marketer.email);
    await page.getByTestId('login-password').fill(marketer.password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${server.url}/console/marketing/segments`);

    // Everyone, then only gold: the count follows the controls without a reload.
    const count = page.getByTestId('segment-count');
    await page.locator('[data-testid="segment-count"][data-count="4"]').waitFor();
    await page.locator('input[name="tier"][value="gold"]').check();
    await page.locator('[data-testid="segment-count"][data-count="3"]').waitFor();
    await page.getByTestId('seg-spend_min').fill('100000');
    await page.locator('[data-testid="segment-count"][data-count="0"]').waitFor();
    await page.getByTestId('seg-spend_min').fill('');
    await page.locator('[data-testid="segment-count"][data-count="3"]').waitFor();
    expect(await count.textContent()).toBe('3');
    expect(await page.getByTestId('segment-sample').locator('li').count()).toBe(3);
    expect(JSON.parse(await page.getByTestId('seg-definition').inputValue())).toEqual({
      op: 'and',
      rules: [{ field: 'tier', in: ['gold'] }],
    });
    await page.getByTestId('seg-name').fill('Gold members');
    await page.getByTestId('seg-save').click();
    await page.waitForURL(/notice=segment_saved/);
    await page.getByTestId('saved-segments').getByText('Gold members').waitFor();

    // A campaign from it: one variant for everyone in the segment, a template with a typo first.
    await page.getByTestId('saved-segments').getByText('New campaign').click();
    await page.getByTestId('cmp-name').fill('June gold offer');
    await page.locator('input[name="A.split"]').fill('100');
    await page.getByTestId('cmp-holdout').fill('0');
    await page.getByTestId('cmp-A-en').fill('Hi {{name}}, you have {{point}} points.');
    await page.getByTestId('cmp-save').click();
    await page.getByText('unknown variable {{point}}').waitFor();
    expect(errors).toEqual(['400 /console/marketing/campaigns', expect.stringContaining('400 (Bad Request)')]);
    errors.length = 0; // the refused save is a 400 page; nothing after it may fail
    await page.getByTestId('cmp-A-en').fill('Hi {{name}}, as a {{tier}} member you have {{points}} points.');
    await page.getByTestId('cmp-save').click();
    await page.waitForURL(/\/console\/marketing\/campaigns\/cmp_[\w-]+\?notice=created$/);
    await page.getByTestId('launch-ready').waitFor();
    expect(await page.getByTestId('campaign-status').first().textContent()).toBe('draft');

    // Preview for one member: their name and balance, and how to opt out.
    await page.getByTestId('preview-member').fill('g-1');
    await page.getByTestId('preview-submit').click();
    const preview = page.getByTestId('preview-message');
    await preview.waitFor();
    const text = (await preview.textContent()) ?? '';
    expect(text).toContain('Hi Member g-1, as a Gold member you have');
    expect(text).toMatch(/STOP/);

    // Launch inside quiet hours: the messages are held, nothing is sent yet.
    const before = connector.captured.length;
    await page.getByTestId('cmp-launch').click();
    await page.waitForURL(/notice=launched$/);
    const progress = page.getByTestId('campaign-progress');
    await page.locator('[data-testid="campaign-progress"][data-status="running"]').waitFor();
    await page.locator('[data-testid="count-held"]', { hasText: '2' }).waitFor();
    expect(await page.getByTestId('count-skipped').textContent()).toBe('1');
    expect(connector.captured.length).toBe(before);

    // The window opens and the dispatcher runs: the page, polling the API, follows it to completed without a reload.
    clock.set('2026-06-01T09:05:00Z');
    await t.deps.broadcast.dispatch();
    await page.locator('[data-testid="campaign-progress"][data-status="completed"]').waitFor();
    expect(await progress.getAttribute('data-polled')).toBeTruthy();
    expect(await page.getByTestId('count-sent').textContent()).toBe('2');
    expect(await page.getByTestId('count-held').textContent()).toBe('0');
    expect(await page.getByTestId('count-skipped').textContent()).toBe('1');
    expect(await page.locator('[data-skip-reasons]').textContent()).toContain('no_consent 1');

    // The local connector received exactly one message for each opted-in gold member, none for g-3 or s-1.
    const sent = connector.captured.slice(before);
    const to = sent.map((c) => c.conversationId).sort();
    expect(to).toEqual(['conv-u-g-1', 'conv-u-g-2']);
    expect(sent.every((c) => (c.activity.text ?? '').includes('STOP'))).toBe(true);

    // The report shows the variant's recipients.
    await page.reload();
    expect(await page.getByTestId('report-A').locator('td').nth(1).textContent()).toBe('2');
    expect(errors).toEqual([]);
  });

  it('combines condition groups with AND / OR: gold members AND (born in June OR big spenders), then either', async () => {
    // g-1 (gold) and s-1 (silver) were born in June; nobody has spent ¥100,000.
    for (const id of ['g-1', 's-1']) await t.store.db.update(members).set({ birthday: '1990-06-15' }).where(eq(members.id, id));
    const { page, errors } = await openPage();
    await page.goto(`${server.url}/console/login?next=/console/marketing/segments`);
    await page.getByTestId('login-email').fill(marketer.email);
    await page.getByTestId('login-password').fill(marketer.password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${server.url}/console/marketing/segments`);
    const counted = (n: number) => page.locator(`[data-testid="segment-count"][data-count="${n}"]`).waitFor();
    await counted(4);

    const first = page.getByTestId('seg-group').nth(0);
    await first.locator('input[name="tier"][value="gold"]').check();
    await counted(3);
    await page.getByTestId('seg-add-group').click();
    const second = page.getByTestId('seg-group').nth(1);
    expect(await second.locator('input[name="tier"][value="gold"]').isChecked()).toBe(false);
    await second.locator('select[name="op"]').selectOption('or');
    await second.locator('input[name="birthday_month"][value="6"]').check();
    await second.locator('[name="spend_min"]').fill('100000');
    // Gold AND (June OR ¥100,000+): g-1 only, which neither group alone gives (3 and 2).
    await counted(1);
    expect(JSON.parse(await page.getByTestId('seg-definition').inputValue())).toEqual({
      op: 'and',
      rules: [
        { op: 'and', rules: [{ field: 'tier', in: ['gold'] }] },
        {
          op: 'or',
          rules: [
            { field: 'birthday_month', in: [6] },
            { field: 'total_spend', min: 10_000_000 },
          ],
        },
      ],
    });
    // Either group: the three gold members and s-1.
    await page.getByTestId('seg-groups-op').selectOption('or');
    await counted(4);
    await page.getByTestId('seg-groups-op').selectOption('and');
    await counted(1);
    await page.getByTestId('seg-name').fill('Gold June birthdays');
    await page.getByTestId('seg-save').click();
    await page.waitForURL(/notice=segment_saved/);
    const [saved] = await t.store.db.select().from(segments).where(eq(segments.name, 'Gold June birthdays'));
    expect(saved.definition).toMatchObject({ op: 'and', rules: [{ op: 'and' }, { op: 'or' }] });

    // Removing the second group leaves the first as it was.
    await page.getByTestId('seg-add-group').click();
    await page.getByTestId('seg-group').nth(1).locator('input[name="locale"][value="zh-CN"]').check();
    await counted(0);
    await page.getByTestId('seg-group').nth(1).locator('[data-remove-group]').click();
    await counted(4);
    expect(await page.getByTestId('seg-group').count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
