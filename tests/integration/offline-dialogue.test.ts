// The offline brain's follow-ups over real HTTP (Bot Framework route, local connector): picking a listed coupon
// by its number, closing a topic with "不了"/"no thanks", shopping by category and price, and expiry dates.
import { and, asc, eq, gt } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coupons, feedback, handoffs, memberCoupons, members, orders, pointLots, pointsLedger, products } from '../../db/schema/index.js';
import { updateHandoffSettings } from '../../src/domain/handoffs/index.js';
import { expirePoints, getPointsSummary, getTierStatus, listTiers, pointsForAmount, redeemCoupon } from '../../src/domain/loyalty/index.js';
import { formatMoney, formatPoints } from '../../src/lib/money.js';
import { formatDate } from '../../src/lib/time.js';
import { orderEventSchema, recordOrder } from '../../src/domain/orders/index.js';
import { createTestApp, TEST_ADMIN_TOKEN, type TestApp } from '../support/app.js';
import { emulatorActivity, postActivity, startLocalConnector, type LocalConnector } from '../support/connector.js';
import { addMember, fixedClock, paidOrder, seedProgram } from '../support/fixtures.js';
import { buy, CATALOG, seedCatalog } from '../support/recs-fixtures.js';
import { startServer, type RunningServer } from '../support/server.js';

const clock = fixedClock('2026-06-01T08:00:00Z');
let t: TestApp;
let server: RunningServer;
let connector: LocalConnector;

async function say(userId: string, text: string) {
  const { status, replies } = await postActivity(server.url, connector, emulatorActivity(connector.url, userId, text));
  expect(status).toBe(200);
  return replies;
}

const balanceOf = async (memberId: string) => (await getPointsSummary({ ctx: t.deps.domain, input: { memberId } })).balance;
const buttons = (a: { suggestedActions?: { actions: { value: unknown }[] } }) => a.suggestedActions?.actions.map((x) => x.value) ?? [];
const heldCoupons = (memberId: string) =>
  t.store.db
    .select()
    .from(memberCoupons)
    .where(and(eq(memberCoupons.memberId, memberId), eq(memberCoupons.status, 'available')));
const handoffsOf = (conversationId: string) => t.store.db.select().from(handoffs).where(eq(handoffs.conversationId, conversationId));

const MEMBERS = [
  { id: 'zh-1', name: '王芳', locale: 'zh-CN', timeZone: 'Asia/Shanghai', user: 'u-zh' },
  { id: 'en-1', name: 'Emma Clark', locale: 'en', timeZone: 'Europe/London', user: 'u-en' },
  { id: 'zh-2', name: '李雷', locale: 'zh-CN', timeZone: 'Asia/Shanghai', user: 'u-zh2' },
  { id: 'shopper', name: 'Sam Shopper', locale: 'en', timeZone: 'Europe/London', user: 'u-shop' },
  { id: 'zh-3', name: '张伟', locale: 'zh-CN', timeZone: 'Asia/Shanghai', user: 'u-zh3' },
  { id: 'sp-1', name: '赵敏', locale: 'zh-CN', timeZone: 'Asia/Shanghai', user: 'u-sp' },
  { id: 'oos-1', name: '周杰', locale: 'zh-CN', timeZone: 'Asia/Shanghai', user: 'u-oos' },
  { id: 'cp-1', name: '孙丽', locale: 'zh-CN', timeZone: 'Asia/Shanghai', user: 'u-cp' },
  { id: 'ex-1', name: 'Ella Expiry', locale: 'en', timeZone: 'Europe/London', user: 'u-ex1' },
  { id: 'ex-2', name: '钱进', locale: 'zh-CN', timeZone: 'Asia/Shanghai', user: 'u-ex2' },
  { id: 'tr-1', name: 'Tom Rule', locale: 'en', timeZone: 'Europe/London', user: 'u-tr' },
  { id: 'sh-1', name: '吴静', locale: 'zh-CN', timeZone: 'Asia/Shanghai', user: 'u-sh1' },
  { id: 'sh-2', name: 'Sara Ship', locale: 'en', timeZone: 'Europe/London', user: 'u-sh2' },
  { id: 'th-1', name: 'Theo Thumb', locale: 'en', timeZone: 'Europe/London', user: 'u-th' },
  { id: 'cm-1', name: '郑洁', locale: 'zh-CN', timeZone: 'Asia/Shanghai', user: 'u-cm1' },
  { id: 'cm-2', name: 'Carl Moan', locale: 'en', timeZone: 'Europe/London', user: 'u-cm2' },
  { id: 'ea-1', name: 'Eve Earner', locale: 'en', timeZone: 'Europe/London', user: 'u-ea' },
  { id: 'nw-1', name: 'Nina New', locale: 'en', timeZone: 'Europe/London', user: 'u-nw' },
  { id: 'od-1', name: 'Otto Order', locale: 'en', timeZone: 'Europe/London', user: 'u-od' },
  { id: 'fb-1', name: 'Fay Feedback', locale: 'en', timeZone: 'Europe/London', user: 'u-fb' },
  { id: 'lg-1', name: 'Lee Lang', locale: 'en', timeZone: 'Asia/Shanghai', user: 'u-lg' },
  { id: 'pt-1', name: '潘婷', locale: 'zh-CN', timeZone: 'Asia/Shanghai', user: 'u-pt' },
  { id: 'vd-1', name: 'Val Verdict', locale: 'en', timeZone: 'Europe/London', user: 'u-vd' },
  { id: 'wi-1', name: 'Walt Wrong', locale: 'en', timeZone: 'Europe/London', user: 'u-wi' },
] as const;

beforeAll(async () => {
  connector = await startLocalConnector();
  t = await createTestApp({ clock, env: { PRODUCT_URL_TEMPLATE: 'https://shop.test/p/{id}?from=chat' } });
  await seedProgram(t.store);
  await seedCatalog(t.store);
  for (const m of MEMBERS) {
    await addMember(t.store, clock, {
      id: m.id,
      name: m.name,
      locale: m.locale,
      timeZone: m.timeZone,
      identity: { channelId: 'emulator', channelUserId: m.user },
    });
  }
  // Three earn dates for zh-1, so three expiry days; en-1 can afford the first coupon only.
  await paidOrder(t.deps.domain, 'zh-1', 'Z1', '1200', '2025-09-10T02:00:00Z');
  await paidOrder(t.deps.domain, 'zh-1', 'Z2', '800', '2025-12-24T02:00:00Z');
  await paidOrder(t.deps.domain, 'zh-1', 'Z3', '450', '2026-03-03T02:00:00Z');
  await paidOrder(t.deps.domain, 'en-1', 'N1', '700', '2026-04-02T00:00:00Z');
  await paidOrder(t.deps.domain, 'zh-2', 'L1', '2000', '2026-04-02T00:00:00Z');
  await paidOrder(t.deps.domain, 'tr-1', 'TR1', '2345.60', '2026-02-02T00:00:00Z');
  await paidOrder(t.deps.domain, 'sh-2', 'SH2', '5200', '2026-03-02T00:00:00Z');
  await paidOrder(t.deps.domain, 'ea-1', 'EA1', '5200', '2026-03-02T00:00:00Z');
  await paidOrder(t.deps.domain, 'od-1', 'SO2605200009', '64.50', '2026-05-20T02:00:00Z');
  await paidOrder(t.deps.domain, 'pt-1', 'PT1', '1200', '2026-05-20T02:00:00Z');
  await paidOrder(t.deps.domain, 'od-1', 'SO2605250010', '99', '2026-05-25T02:00:00Z');
  // zh-3: one order earned points, one was refunded (its points taken back), one is not paid yet.
  await paidOrder(t.deps.domain, 'zh-3', 'SO2605010001', '320', '2026-05-01T02:00:00Z');
  await paidOrder(t.deps.domain, 'zh-3', 'SO2605100002', '150', '2026-05-10T02:00:00Z');
  await paidOrder(t.deps.domain, 'zh-3', 'SO2605100002', '150', '2026-05-12T02:00:00Z', 'refunded');
  await recordOrder({
    ctx: t.deps.domain,
    input: orderEventSchema.parse({
      orderId: 'SO2605300003',
      memberId: 'zh-3',
      status: 'pending',
      orderedAt: '2026-05-30T02:00:00Z',
      lines: [{ productId: 'P1', quantity: 1, amount: '88' }],
    }),
  });
  // sp-1: spend this month (one order paid on May 31 UTC is June 1 in Shanghai), last month (one refunded), in the
  // 12-month window, and before it.
  await paidOrder(t.deps.domain, 'sp-1', 'S1', '100', '2026-06-01T01:00:00Z');
  await paidOrder(t.deps.domain, 'sp-1', 'S3', '80', '2026-05-31T17:00:00Z');
  await paidOrder(t.deps.domain, 'sp-1', 'S2', '250.50', '2026-05-15T02:00:00Z');
  await paidOrder(t.deps.domain, 'sp-1', 'S4', '60', '2026-05-20T02:00:00Z');
  await paidOrder(t.deps.domain, 'sp-1', 'S4', '60', '2026-05-21T02:00:00Z', 'refunded');
  await paidOrder(t.deps.domain, 'sp-1', 'S5', '999', '2025-12-01T02:00:00Z');
  await paidOrder(t.deps.domain, 'sp-1', 'S6', '500', '2025-05-01T02:00:00Z');
  // cp-1 holds the no-minimum coupon and the one for orders of ¥99 and up.
  await paidOrder(t.deps.domain, 'cp-1', 'CP1', '2000', '2026-05-02T02:00:00Z');
  for (const couponId of ['C5', 'C12']) {
    await redeemCoupon({ ctx: t.deps.domain, input: { memberId: 'cp-1', couponId, idempotencyKey: `cp-1-${couponId}` } });
  }
  // ex-1: two lots expiring within the next 30 days; ex-2: one.
  await paidOrder(t.deps.domain, 'ex-1', 'EX1', '300', '2025-06-10T02:00:00Z');
  await paidOrder(t.deps.domain, 'ex-1', 'EX2', '200', '2025-06-20T02:00:00Z');
  await paidOrder(t.deps.domain, 'ex-2', 'EX3', '150', '2025-06-15T02:00:00Z');
  // Sales of the whole catalog, so every product has a popularity to rank by.
  const all = CATALOG.map((p) => p.id);
  for (const day of ['2026-05-20', '2026-05-25', '2026-05-30']) await buy(t.deps.domain, 'shopper', `${day}T10:00:00Z`, all);
  server = await startServer(t.app.fetch);
});
afterAll(async () => {
  await server.close();
  await connector.close();
  t.close();
});

describe('picking a listed coupon by its number', () => {
  it('lists the options with a button for each coupon the balance covers, and a bare "2" asks to confirm the second', async () => {
    const before = await balanceOf('zh-1');
    expect(before).toBeGreaterThanOrEqual(1_000);
    const [list] = await say('u-zh', '兑换');
    expect(list.text).toContain('1. 5 元无门槛券：500 积分');
    expect(list.text).toContain('2. 满 99 减 12 元券：1,000 积分');
    expect(buttons(list)).toEqual(['兑换 1', '兑换 2']);
    // Asked to redeem, the member gets what the points buy, not how points are earned.
    expect(list.text).not.toContain('每笔已支付订单');

    const [ask] = await say('u-zh', '2');
    expect(ask.text).toContain('满 99 减 12 元券');
    expect(ask.text).toContain(`从 ${formatPoints(before)} 变为 ${formatPoints(before - 1_000)}`);
    // "不了" answers the confirmation: nothing is redeemed.
    const [no] = await say('u-zh', '不了');
    expect(no.text).toContain('已取消');
    expect(await balanceOf('zh-1')).toBe(before);

    // Chinese numerals and "第…个" pick too, and "确认" redeems exactly once.
    const [again] = await say('u-zh', '第一个');
    expect(again.text).toContain('5 元无门槛券');
    await say('u-zh', '确认');
    expect(await balanceOf('zh-1')).toBe(before - 500);
  });

  it('offers buttons only for what the balance covers', async () => {
    expect(await balanceOf('en-1')).toBe(700);
    const [list] = await say('u-en', 'how do I redeem points');
    expect(list.text).toContain('2. ¥12 off ¥99: 1,000 points');
    expect(buttons(list)).toEqual(['Redeem 1']);
    expect(list.text).not.toContain('You earn');
    const [ask] = await say('u-en', 'option 1');
    expect(ask.text).toContain('Redeem 500 points for "¥5 off, no minimum"?');
    expect((await say('u-en', 'no thanks'))[0].text).toContain('did not redeem anything');
    expect(await balanceOf('en-1')).toBe(700);
  });

  it('puts the earn rule, with the tier multiplier from the tier table, first when the member asks how points are earned', async () => {
    const { tier } = await getTierStatus({ ctx: t.deps.domain, input: { memberId: 'ea-1' } });
    expect(tier.multiplierPct).toBeGreaterThan(100);
    const [reply] = await say('u-ea', 'how do I earn more points');
    expect(reply.text).toMatch(new RegExp(`^You earn 1 point per yuan .*\\(${tier.nameEn}: x${tier.multiplierPct / 100}\\)`));
    expect(reply.text).toContain('1. ¥5 off, no minimum: 500 points');
  });

  it('answers "积分有什么用" and "够不够换券" with what the points buy, from the store, not the balance alone', async () => {
    const balance = await balanceOf('pt-1');
    for (const text of ['积分有什么用', '我的积分够不够换券', '最便宜的券要多少积分', '一积分等于多少钱', '有积分商城吗']) {
      const [reply] = await say('u-pt', text);
      expect(reply.text, text).toMatch(
        new RegExp(`^您有 ${formatPoints(balance)} 积分。可用积分兑换的优惠券：\n1\\. 5 元无门槛券：500 积分`),
      );
      expect(buttons(reply), text).toEqual(['兑换 1', '兑换 2']);
    }
  });

  it('does not read a lone number as a pick when no list was shown', async () => {
    const before = await balanceOf('zh-2');
    const [reply] = await say('u-zh2', '2');
    expect(reply.text).not.toContain('确认用');
    expect(await balanceOf('zh-2')).toBe(before);
  });
});

describe('closing a topic', () => {
  it('acknowledges "不了" and "no thanks" with nothing pending, and they never count as failed answers', async () => {
    for (const [user, words, expected] of [
      ['u-zh2', ['不了', '不用了', '好的谢谢'], '随时告诉我'],
      ['u-en', ['no thanks', 'ok', "that's all"], 'just ask'],
    ] as const) {
      for (const w of words) {
        const [reply] = await say(user, w);
        expect(reply.text, w).toContain(expected);
      }
      // Three in a row, yet no handoff: two answers the assistant could not give would have opened one.
      expect(await handoffsOf(`emulator:conv-${user}`)).toHaveLength(0);
    }
  });

  it('takes a 👍 as an acknowledgement and "???" as a cue to say what it can do, neither a failed answer', async () => {
    const [thumb] = await say('u-th', '👍');
    expect(thumb.text).toContain('just ask');
    const [puzzled] = await say('u-th', '???');
    expect(puzzled.text).toContain('I can check your points');
    expect(buttons(puzzled)).toContain('My points');
    await say('u-th', '???');
    // "help" and "menu" on their own get the same list with the menu.
    for (const text of ['help', 'menu']) expect(buttons((await say('u-th', text))[0]), text).toContain('My points');
    expect(await handoffsOf('emulator:conv-u-th')).toHaveLength(0);
  });

  it('confirms a redemption with 👍 (once) and cancels one with 👎', async () => {
    await paidOrder(t.deps.domain, 'th-1', 'TH1', '600', '2026-05-20T02:00:00Z');
    const before = await balanceOf('th-1');
    await say('u-th', 'redeem');
    expect((await say('u-th', '1'))[0].text).toContain('Redeem 500 points');
    expect((await say('u-th', '👎'))[0].text).toContain('did not redeem anything');
    expect(await balanceOf('th-1')).toBe(before);
    await say('u-th', 'redeem');
    await say('u-th', '1');
    const [done] = await say('u-th', '👍🏻');
    expect(done.text).toContain('500 points were redeemed');
    expect(await balanceOf('th-1')).toBe(before - 500);
    // A second thumbs-up has nothing left to confirm: just an acknowledgement.
    expect((await say('u-th', '👍'))[0].text).toContain('just ask');
    expect(await balanceOf('th-1')).toBe(before - 500);
  });
});

describe('shopping by category and price', () => {
  const names = (text = '') => CATALOG.filter((p) => text.includes(p.nameZh) || text.includes(p.name)).map((p) => p.id);

  it('reads "100元以内的零食" as snacks up to ¥100 and lists only in-stock snacks from the catalog', async () => {
    const [reply] = await say('u-zh2', '100元以内的零食');
    expect(reply.text).toContain('为您精选');
    expect(names(reply.text).sort()).toEqual(['CHIPS', 'NUTS']);
  });

  it('applies the band and the category together in English, and a bare category word is a request too', async () => {
    const [cheap] = await say('u-en', 'snacks under 10 yuan');
    expect(names(cheap.text)).toEqual(['CHIPS']);
    const [drinks] = await say('u-zh2', '饮料');
    // Cola only: the reserve wine is for gold members and up.
    expect(names(drinks.text)).toEqual(['COLA']);
  });

  it('shows three more on "换一批" and cheaper ones on "便宜一点的", never repeating what was shown', async () => {
    /** The products of a recommendation reply, as its lines show them: "- Name, ¥9.90 ...: reason". */
    const picked = (text = '') =>
      [...text.matchAll(/^(?:-|·) (.+?)(?:,|，) ¥([\d,.]+)/gm)].map((m) => ({ name: m[1], price: Number(m[2].replaceAll(',', '')) }));
    const [first] = await say('u-en', 'what would you recommend?');
    expect(buttons(first)).toEqual(['Show me more', 'Cheaper ones']);
    const firstNames = picked(first.text).map((x) => x.name);
    expect(firstNames).toHaveLength(3);
    const [more] = await say('u-en', 'Show me more');
    const morePicked = picked(more.text);
    expect(morePicked.length).toBeGreaterThan(0);
    for (const x of morePicked) expect(firstNames).not.toContain(x.name);
    // Cheaper than the cheapest of the last three.
    const cheapest = Math.min(...morePicked.map((x) => x.price));
    const [cheaper] = await say('u-en', 'cheaper ones');
    const cheaperPicked = picked(cheaper.text);
    expect(cheaperPicked.length).toBeGreaterThan(0);
    for (const x of cheaperPicked) expect(x.price).toBeLessThan(cheapest);

    // In Chinese, with the category kept: the two in-stock snacks, then nothing more.
    const [snacks] = await say('u-zh2', '零食');
    expect(names(snacks.text).sort()).toEqual(['CHIPS', 'NUTS']);
    expect(buttons(snacks)).toEqual(['便宜一点的']);
    const [none] = await say('u-zh2', '换一批');
    expect(none.text).toContain('暂时没有更多可推荐的了');
  });

  it('does not take a price alone for shopping: hotels and flights have prices too', async () => {
    for (const text of [
      '帮我推荐一个价格在100-200元之间的酒店',
      'i want to fly to atlanta for under 300 from pittsburgh',
      '附近有什么好吃的餐馆',
    ]) {
      const [reply] = await say('u-oos', text);
      expect(reply.text, text).not.toMatch(/为您精选|Picked for you/);
      // The first failed answer offers what it can do and a person (the second in a row opens a handoff itself).
      if (text.startsWith('帮我')) expect(buttons(reply)).toEqual(['我的积分', '我的等级', '我的优惠券', '我的订单', '转人工']);
    }
  });

  it('answers "cheaper ones" with no list shown, and "any new products?", with recommendations, not a failed answer', async () => {
    for (const text of ['cheaper ones', 'do you have any new products?']) {
      const [reply] = await say('u-nw', text);
      expect(reply.text, text).toContain('Picked for you');
      expect(names(reply.text).length, text).toBeGreaterThan(0);
    }
    // "有什么好吃的" is a snack request: the in-stock snacks of the catalog.
    const [tasty] = await say('u-pt', '有什么好吃的');
    expect(names(tasty.text).sort()).toEqual(['CHIPS', 'NUTS']);
    expect(await handoffsOf('emulator:conv-u-nw')).toHaveLength(0);
  });
});

describe('when points expire', () => {
  it('says which day soon-expiring points go, from the lots in the store', async () => {
    const one = await getPointsSummary({ ctx: t.deps.domain, input: { memberId: 'ex-1' } });
    expect(one.expiringSoon.points).toBeGreaterThan(one.nextExpiry?.points ?? 0);
    const [en] = await say('u-ex1', 'how many points do I have?');
    expect(en.text).toContain(
      `${formatPoints(one.expiringSoon.points)} of them expire in the next 30 days, the first ${formatPoints(one.nextExpiry?.points ?? 0)} on ${formatDate(one.nextExpiry?.at ?? new Date(0), 'Europe/London')}`,
    );
    const single = await getPointsSummary({ ctx: t.deps.domain, input: { memberId: 'ex-2' } });
    const [zhReply] = await say('u-ex2', '我有多少积分');
    expect(zhReply.text).toContain(
      `其中 ${formatPoints(single.expiringSoon.points)} 积分将于 ${formatDate(single.nextExpiry?.at ?? new Date(0), 'Asia/Shanghai')} 过期`,
    );
  });

  it('answers with the next expiry days and their points, as the store holds them', async () => {
    const lots = await t.store.db
      .select()
      .from(pointLots)
      .where(and(eq(pointLots.memberId, 'zh-1'), gt(pointLots.remaining, 0)))
      .orderBy(asc(pointLots.expiresAt));
    expect(lots.length).toBe(3);
    const [reply] = await say('u-zh', '我的积分什么时候过期？');
    const lines = lots.map((l) => `${formatDate(l.expiresAt, 'Asia/Shanghai')}  ${formatPoints(l.remaining)} 积分`);
    expect(reply.text?.startsWith(['即将过期的积分：', ...lines].join('\n'))).toBe(true);
    expect(reply.text).toContain(`您当前有 ${formatPoints(await balanceOf('zh-1'))} 积分。`);
    // "清零" and "延期" ask the same: when the points go.
    for (const q of ['积分什么时候清零', '积分可以延期吗']) {
      expect((await say('u-zh', q))[0].text?.startsWith(['即将过期的积分：', ...lines].join('\n')), q).toBe(true);
    }

    for (const q of ['when do my points expire', 'how long are my points valid?']) {
      const [en] = await say('u-en', q);
      expect(en.text, q).toMatch(/^Your next points to expire:\n\d{4}-\d\d-\d\d {2}[\d,]+ points\n/);
    }
  });
});

describe('reaching a named tier', () => {
  it('answers "钻石会员要消费多少" with the gap to Diamond from the store, not what the member spent', async () => {
    const diamond = (await listTiers(t.store.db)).find((x) => x.code === 'diamond');
    const status = await getTierStatus({ ctx: t.deps.domain, input: { memberId: 'pt-1' } });
    if (!diamond) throw new Error('fixture tiers missing');
    const [reply] = await say('u-pt', '钻石会员要消费多少');
    expect(reply.text).toContain(`12 个月内再消费 ¥${formatMoney(diamond.thresholdCents - status.rollingSpendCents)} 即可升级为钻石`);
  });

  it('gives the gap to the tier the member named as well as to the next one, from the store', async () => {
    const status = await getTierStatus({ ctx: t.deps.domain, input: { memberId: 'en-1' } });
    expect(status.tier.code).toBe('regular');
    const gold = (await listTiers(t.store.db)).find((x) => x.code === 'gold');
    if (!gold || !status.nextTier) throw new Error('fixture tiers missing');
    const [reply] = await say('u-en', 'how do I get to gold?');
    expect(reply.text).toContain(`Spend ¥${formatMoney(status.nextTier.spendNeededCents)} more within 12 months to reach Silver.`);
    expect(reply.text).toContain(
      `Spend ¥${formatMoney(gold.thresholdCents - status.rollingSpendCents)} more within 12 months to reach Gold.`,
    );
  });
});

describe('points of an order', () => {
  it('answers "积分没到账" order by order from the store: earned, taken back on a refund, not paid yet', async () => {
    const rows = await t.store.db.select().from(orders).where(eq(orders.memberId, 'zh-3'));
    const byId = new Map(rows.map((o) => [o.id, o]));
    const earned = byId.get('SO2605010001');
    const refunded = byId.get('SO2605100002');
    expect(earned?.pointsEarned).toBeGreaterThan(0);
    expect(refunded?.status).toBe('refunded');
    expect(byId.get('SO2605300003')?.status).toBe('pending');

    const [reply] = await say('u-zh3', '我的积分没到账');
    expect(reply.text).toContain('订单积分情况：');
    expect(reply.text).toContain(`订单 SO2605010001（2026-05-01，¥320）：已获得 ${formatPoints(earned?.pointsEarned ?? 0)} 积分`);
    expect(reply.text).toContain(`订单 SO2605100002（2026-05-10，¥150）：已退款，${formatPoints(refunded?.pointsEarned ?? 0)} 积分已扣回`);
    expect(reply.text).toContain('订单 SO2605300003（2026-05-30，¥88）：尚未支付，支付后发放积分');

    // Naming one order and points answers for that order only.
    const [one] = await say('u-zh3', '订单SO2605010001的积分呢');
    expect(one.text).toContain('SO2605010001');
    expect(one.text).not.toContain('SO2605300003');
    const [en] = await say('u-en', "I didn't get points for my order");
    expect(en.text).toMatch(/^Points for your orders:\n- Order N1 \(2026-04-02, ¥700\): 700 points earned/);
  });
});

describe('an order number alone, and damaged goods', () => {
  it('answers a pasted order number with that order, and "my order arrived damaged" with a complaint and a ticket', async () => {
    const [one] = await say('u-od', 'SO2605200009');
    expect(one.text).toMatch(/^Order SO2605200009 \(2026-05-20, ¥64\.50, 1 item\): .+\. Status: /);
    expect(one.text).not.toContain('SO2605250010');
    const [asked] = await say('u-od', "what's the status of SO2605250010?");
    expect(asked.text).toContain('Order SO2605250010 (2026-05-25, ¥99');
    // Someone else's order number is not shown.
    expect((await say('u-od', 'where is SO2605010001'))[0].text).toContain("can't find order SO2605010001");

    const [sorry, queued] = await say('u-od', 'my order arrived damaged');
    expect(sorry.text).toContain('complaint');
    expect(queued?.text).toBeTruthy();
    expect(await t.store.db.select().from(feedback).where(eq(feedback.memberId, 'od-1'))).toMatchObject([
      { kind: 'complaint', text: 'my order arrived damaged' },
    ]);
    expect(await handoffsOf('emulator:conv-u-od')).toHaveLength(1);
  });
});

describe('the account around the chat', () => {
  it('says the chat is already linked, sends password trouble to the shop sign-in and a person, and keeps points to the member', async () => {
    const [linked] = await say('u-vd', 'how do I link my account?');
    expect(linked.text).toBe(
      'This chat is already linked to your membership vd-1 (Regular tier), so you can ask me about your points, coupons and orders here.',
    );
    const [login] = await say('u-vd', 'I forgot my password');
    expect(login.text).toContain('"Forgot password" on the shop\'s sign-in page');
    expect(buttons(login)).toContain('Talk to a person');
    expect((await say('u-vd', 'can my wife use my points?'))[0].text).toContain("can't be transferred");
    expect(await handoffsOf('emulator:conv-u-vd')).toHaveLength(0);
  });
});

describe('the language the member asks for', () => {
  it('"speak Chinese" answers in Chinese and sets the member\'s language for offers; "说英文" sets it back; a repeat changes nothing', async () => {
    const locale = async () => (await t.store.db.select({ l: members.locale }).from(members).where(eq(members.id, 'lg-1')))[0].l;
    const [zh] = await say('u-lg', 'can you speak Chinese?');
    expect(zh.text).toBe('好的，改用中文。我会用您写的语言回复，优惠和提醒消息今后也用中文发送。');
    expect(await locale()).toBe('zh-CN');
    expect((await say('u-lg', '说中文'))[0].text).toContain('您的语言已经是中文');
    const [en] = await say('u-lg', '请用英文回复');
    expect(en.text).toMatch(/^Sure, English it is\./);
    expect(await locale()).toBe('en');
  });
});

describe('what the member spent', () => {
  it('answers "上个月我花了多少钱" with the tier window, this month and last month in the member\'s time zone', async () => {
    const status = await getTierStatus({ ctx: t.deps.domain, input: { memberId: 'sp-1' } });
    // S1 + S3 + S2 + S5: the refunded S4 and S6 (before the window) do not count.
    expect(status.rollingSpendCents).toBe(142_950);
    const [reply] = await say('u-sp', '上个月我花了多少钱');
    expect(reply.text).toContain(`近 12 个月您共消费 ¥${formatMoney(status.rollingSpendCents)}，4 笔订单，计入会员等级。`);
    expect(reply.text).toContain('2026-06：¥180，2 笔订单');
    expect(reply.text).toContain('2026-05：¥250.50，1 笔订单');
    expect(reply.text).toContain(`即可升级为`);
    const [en] = await say('u-en', 'how much have I spent?');
    expect(en.text).toMatch(/^In the last 12 months you spent ¥700 on 1 order;/);
  });
});

describe('changing an order', () => {
  it('says the support team cancels, returns and changes orders and offers a person, without opening a ticket itself', async () => {
    const [zhReply] = await say('u-zh3', '帮我取消订单');
    expect(zhReply.text).toContain('需要人工客服处理');
    expect(buttons(zhReply)).toContain('转人工');
    const [again] = await say('u-zh3', '我要退货');
    expect(again.text).toContain('需要人工客服处理');
    const [en] = await say('u-shop', 'I want to return an item');
    expect(en.text).toContain('our support team does that');
    expect(buttons(en)).toContain('Talk to a person');
    // Where a refund has got to: the orders as the shop reported them, a refunded one saying so, then a person.
    const [refund] = await say('u-zh3', '退款到账了吗');
    expect(refund.text).toMatch(/订单 SO2605100002（2026-05-10，¥150，共 1 件）：已退款/);
    expect(refund.text).toContain('订单状态会显示为「已退款」');
    expect(buttons(refund)).toContain('转人工');
    // So is an exchange for a size that does not fit ("尺码" reads like a coupon code to the model).
    const [size] = await say('u-zh3', '尺码不合适');
    expect(size.text).toContain('需要人工客服处理');
    // A payment problem is theirs too.
    const [charged] = await say('u-shop', 'I was charged twice for my order');
    expect(charged.text).toContain('sort out payments');
    expect(buttons(charged)).toContain('Talk to a person');
    // Two in a row are not "failed answers": no handoff until the member asks for one.
    expect(await handoffsOf('emulator:conv-u-zh3')).toHaveLength(0);
    await say('u-zh3', '转人工');
    const [h] = await handoffsOf('emulator:conv-u-zh3');
    expect(h).toBeDefined();
    // The agent's summary names what the member wanted done.
    const detail = await fetch(`${server.url}/api/agent/handoffs/${h.id}`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } });
    const body = (await detail.json()) as { summary: string[] };
    expect(body.summary.join(' ')).toMatch(/Asked about: [^.]*changing an order \(cancel, return, refund, address or invoice\)/);
  });
});

describe('the member number', () => {
  it('tells the member their own number and tier', async () => {
    const { tier } = await getTierStatus({ ctx: t.deps.domain, input: { memberId: 'zh-2' } });
    const [zhReply] = await say('u-zh2', '我的会员号是多少');
    expect(zhReply.text).toBe(`您的会员号是 zh-2（${tier.nameZh}）。`);
    const [en] = await say('u-en', "what's my member number?");
    expect(en.text).toBe('Your member number is en-1 (Regular tier).');
  });
});

describe('money questions', () => {
  it("works out the points an amount earns at the member's tier now", async () => {
    const { tier } = await getTierStatus({ ctx: t.deps.domain, input: { memberId: 'cp-1' } });
    const [reply] = await say('u-cp', '买500块钱能得多少积分');
    expect(reply.text).toBe(
      `按您当前的${tier.nameZh}等级（积分 ${tier.multiplierPct / 100} 倍），¥500 的订单支付后可得 ${formatPoints(pointsForAmount(50_000, tier.multiplierPct))} 积分。`,
    );
    const en1 = (await getTierStatus({ ctx: t.deps.domain, input: { memberId: 'en-1' } })).tier;
    const [en] = await say('u-en', 'how many points will I get for a ¥88.50 order?');
    expect(en.text).toBe(
      `A ¥88.50 order earns ${formatPoints(pointsForAmount(8_850, en1.multiplierPct))} points at your ${en1.nameEn} tier (x${en1.multiplierPct / 100}), added once it is paid.`,
    );
  });

  it('lists the coupons an order of that amount can use, by their minimum spend', async () => {
    const [both] = await say('u-cp', '200元的订单能用哪张券');
    expect(both.text).toContain('¥200 的订单可用的优惠券（2 张）');
    expect(both.text).toContain('5 元无门槛券');
    expect(both.text).toContain('满 99 减 12 元券');
    const [one] = await say('u-cp', '50元能用什么券');
    expect(one.text).toContain('¥50 的订单可用的优惠券（1 张）');
    expect(one.text).not.toContain('满 99 减 12 元券');
    // A coupon's own value is not an order amount: "is the ¥5 coupon still valid" gets the coupons held.
    const [held] = await say('u-cp', '5元的券还能用吗');
    expect(held.text).toMatch(/^您的优惠券（2 张）/);
  });

  it('answers "how many points for ¥12 off" with what the coupons cost in points, not what a ¥12 order earns', async () => {
    for (const q of [
      'how many points for ¥12 off?',
      'How many points do I need for the 12 yuan coupon?',
      "what's the exchange rate of points?",
    ]) {
      const [cost] = await say('u-ea', q);
      expect(cost.text, q).toMatch(/^You have [\d,]+ points\. Coupons you can redeem with points:/);
      expect(cost.text, q).toContain('2. ¥12 off ¥99: 1,000 points');
    }
  });

  it('compares two named tiers with their thresholds from the tier table', async () => {
    const tiers = await listTiers(t.store.db);
    const gold = tiers.find((x) => x.code === 'gold');
    const diamond = tiers.find((x) => x.code === 'diamond');
    const [reply] = await say('u-en', "what's the difference between diamond and gold?");
    const goldAt = reply.text?.indexOf(`Gold (from ¥${formatMoney(gold?.thresholdCents ?? -1)} in 12 months, points x1.5):`) ?? -1;
    const diamondAt = reply.text?.indexOf(`Diamond (from ¥${formatMoney(diamond?.thresholdCents ?? -1)} in 12 months, points x2):`) ?? -1;
    expect(goldAt).toBeGreaterThanOrEqual(0);
    expect(diamondAt).toBeGreaterThan(goldAt);
    for (const b of [...(gold?.benefitsEn ?? []), ...(diamond?.benefitsEn ?? [])]) expect(reply.text).toContain(`- ${b}`);
  });

  it('answers "积分不对" with the history that explains the balance and a person to check it', async () => {
    const [reply] = await say('u-cp', '积分不对');
    expect(reply.text).toContain('您最近的积分变动');
    expect(reply.text).toContain(`您当前有 ${formatPoints(await balanceOf('cp-1'))} 积分`);
    expect(reply.text).toContain('客服会为您核实');
    expect(buttons(reply)).toEqual(['转人工']);
  });
});

describe('birthday', () => {
  it("answers with the birthday on file, the tier's birthday benefits from the tier table, and a missing birthday", async () => {
    await t.store.db.update(members).set({ birthday: '1990-03-14' }).where(eq(members.id, 'cp-1'));
    const { tier } = await getTierStatus({ ctx: t.deps.domain, input: { memberId: 'cp-1' } });
    const [zhReply] = await say('u-cp', '我的生日有什么福利');
    expect(zhReply.text).toContain('您会员资料中的生日是 3月14日。');
    expect(zhReply.text).toContain(`您的${tier.nameZh}等级可享受：`);
    for (const b of tier.benefitsZh.filter((x) => x.includes('生日'))) expect(zhReply.text).toContain(`· ${b}`);
    for (const b of tier.benefitsZh.filter((x) => !x.includes('生日'))) expect(zhReply.text).not.toContain(`· ${b}`);

    const [en] = await say('u-en', 'my birthday gift?');
    expect(en.text).toContain("Your birthday isn't on your member profile yet");
    expect(en.text).toContain('Your Regular tier gives you:');
  });
});

describe('what points cannot do', () => {
  it('says points are not transferable or cash, and come from paid orders only, with the tier multiplier from the store', async () => {
    const { tier } = await getTierStatus({ ctx: t.deps.domain, input: { memberId: 'zh-2' } });
    const [transfer] = await say('u-zh2', '积分能转给别人吗');
    expect(transfer.text).toContain('不能转给他人');
    expect(buttons(transfer)).toEqual(['兑换积分', '我的积分']);
    expect((await say('u-zh2', '积分能换现金吗'))[0].text).toContain('积分不能兑换现金');
    expect((await say('u-zh2', '签到有积分吗'))[0].text).toContain(`（${tier.nameZh}：${tier.multiplierPct / 100} 倍）`);
    // The button lists the coupons points can buy.
    const [list] = await say('u-zh2', '兑换积分');
    expect(list.text).toContain('可用积分兑换的优惠券');
    expect((await say('u-en', 'can I transfer my points to a friend?'))[0].text).toContain("can't be transferred");
  });

  it('says points do not pay at checkout and lists the coupons they buy, with the balance and a button each, from the store', async () => {
    const balance = await balanceOf('ea-1');
    const [pay] = await say('u-ea', 'can I pay for my order with points?');
    expect(pay.text).toMatch(/^Points don't pay for an order directly/);
    expect(pay.text).toContain(`You have ${formatPoints(balance)} points.`);
    expect(pay.text).toContain('2. ¥12 off ¥99: 1,000 points');
    expect(buttons(pay)).toEqual(['Redeem 1', 'Redeem 2']);
    expect(pay.text).not.toContain('You earn');
  });
});

describe('marketing consent in words', () => {
  it('answers "unsubscribe me from marketing" with the STOP button, and only the keyword changes consent', async () => {
    await t.store.db.update(members).set({ marketingConsent: true }).where(eq(members.id, 'ex-1'));
    const consentOf = async () =>
      (await t.store.db.select({ c: members.marketingConsent }).from(members).where(eq(members.id, 'ex-1')))[0]?.c;
    const [how] = await say('u-ex1', 'unsubscribe me from marketing please');
    expect(how.text).toContain('reply STOP');
    expect(buttons(how)).toEqual(['STOP']);
    expect(await consentOf()).toBe(true);
    const [done] = await say('u-ex1', 'STOP');
    expect(done.text).toContain("you won't receive marketing messages");
    expect(await consentOf()).toBe(false);
    const [back] = await say('u-ex1', 'I want to receive offers again');
    expect(buttons(back)).toEqual(['START']);
    expect(await consentOf()).toBe(false);

    const [zhHow] = await say('u-ex2', '别再给我发广告了');
    expect(buttons(zhHow)).toEqual(['退订']);
  });
});

describe('the last purchase and deals', () => {
  it('answers "我上次买了什么" with the latest order and its products, and "any deals?" with coupons', async () => {
    const [zhReply] = await say('u-cp', '我上次买了什么');
    expect(zhReply.text).toBe('您最近一笔订单 CP1（2026-05-02，¥2,000，共 1 件）：绿茶。状态：已支付，待发货。');
    const [en] = await say('u-shop', 'what did I buy last time?');
    // The shopper's orders hold the whole catalog: the first three products, "and more".
    expect(en.text).toMatch(/^Your last order, T\d+ \(2026-05-30, ¥[\d,.]+, 9 items\): Milk, Butter, Bread and more\. Status: /);
    // "my last order" is that one order, not the latest three.
    const [lastOrder] = await say('u-cp', '最近一笔订单到哪了');
    expect(lastOrder.text).toMatch(/^您最近一笔订单 CP1/);
    const [deals] = await say('u-ex2', 'do you have any deals?');
    expect(deals.text).toMatch(/coupon|优惠券/);
  });
});

describe('how tiers and refunds work', () => {
  it('answers "how are tiers calculated?" with the thresholds of the tier table and then the member\'s own standing', async () => {
    const tiers = (await listTiers(t.store.db)).filter((x) => x.thresholdCents > 0);
    const status = await getTierStatus({ ctx: t.deps.domain, input: { memberId: 'tr-1' } });
    expect(status.rollingSpendCents).toBe(234_560);
    const [reply] = await say('u-tr', 'how are tiers calculated?');
    expect(reply.text).toContain(
      `over the last 12 months, a rolling window: ${tiers.map((x) => `${x.nameEn} from ¥${formatMoney(x.thresholdCents)}`).join(', ')}.`,
    );
    expect(reply.text).toContain(`Your spend in the last 12 months is ¥${formatMoney(status.rollingSpendCents)}.`);
    // Whether points count toward a tier is the same rule.
    expect((await say('u-tr', 'do my points count toward my tier?'))[0].text).toContain('Points do not count toward tiers.');
    const [zh] = await say('u-zh2', '我会被降级吗');
    const zhStatus = await getTierStatus({ ctx: t.deps.domain, input: { memberId: 'zh-2' } });
    expect(zh.text).toContain(`${tiers.map((x) => `${x.nameZh} ¥${formatMoney(x.thresholdCents)}`).join('，')}。`);
    expect(zh.text).toContain(`您当前的会员等级是${zhStatus.tier.nameZh}`);
  });

  it('says what a refund does to points, with a person for the refund itself, and opens no ticket on its own', async () => {
    const [zh] = await say('u-cp', '我退货了积分会怎样');
    expect(zh.text).toContain('这笔订单获得的积分会被扣回');
    expect(buttons(zh)).toContain('转人工');
    const [en] = await say('u-ex1', 'do I lose points if I return something?');
    expect(en.text).toContain('the points it earned are taken back');
    expect(buttons(en)).toContain('Talk to a person');
    expect(await handoffsOf('emulator:conv-u-cp')).toHaveLength(0);
  });
});

describe('shipping and support hours', () => {
  it('answers "包邮吗" with the tier\'s shipping benefits from the tier table, the first tier that has one, and the coupons held', async () => {
    const tiers = await listTiers(t.store.db);
    const silver = tiers.find((x) => x.code === 'silver');
    const ship = (x: string) => /运费|包邮|shipping/i.test(x);
    if (!silver) throw new Error('fixture tiers missing');
    // A Regular member: no shipping benefit of their own, so the first tier up that has one, with its threshold.
    const [zh] = await say('u-sh1', '包邮吗');
    expect(zh.text).toContain('您当前的普通会员等级暂无免运费权益。');
    expect(zh.text).toContain(
      `银卡（近 12 个月消费满 ¥${formatMoney(silver.thresholdCents)}）起可享：${silver.benefitsZh.filter(ship).join('、')}。`,
    );
    expect(zh.text).not.toContain('您持有的免运费券');
    expect(zh.text).toContain('以下单结算页显示为准');

    // A Gold member holding a free-shipping coupon: their own benefit and the coupon, with its expiry.
    const { tier } = await getTierStatus({ ctx: t.deps.domain, input: { memberId: 'sh-2' } });
    expect(tier.code).toBe('gold');
    await t.store.db.insert(coupons).values({ id: 'SHIP', nameZh: '免运费券', nameEn: 'Free shipping coupon', valueCents: 1_000 });
    await t.store.db.insert(memberCoupons).values({
      id: 'mc-ship',
      memberId: 'sh-2',
      couponId: 'SHIP',
      source: 'gift',
      idempotencyKey: 'gift:sh-2:ship',
      issuedAt: clock(),
      expiresAt: new Date('2026-06-20T12:00:00Z'),
    });
    const [en] = await say('u-sh2', 'do I get free shipping?');
    expect(en.text).toContain('Shipping with your Gold tier:');
    for (const b of tier.benefitsEn.filter(ship)) expect(en.text).toContain(`- ${b}`);
    for (const b of tier.benefitsEn.filter((x) => !ship(x))) expect(en.text).not.toContain(`- ${b}`);
    expect(en.text).toContain('Free-shipping coupons you hold:\n- Free shipping coupon, valid until 2026-06-20');
    // Shipping words in a complaint stay a complaint.
    expect((await say('u-sh2', 'the shipping fee on my last order was a rip-off, terrible service'))[0].text).not.toContain(
      'Shipping with',
    );
  });

  it("says when the member's support team is in, and when it next opens, from the handoff settings", async () => {
    // Monday 2026-06-01 08:00 UTC: 16:00 in Shanghai, the Chinese team (every day 09:00-21:00) is in.
    const [zh] = await say('u-sh1', '你们几点上班');
    expect(zh.text).toBe('人工客服服务时间：每天 09:00–21:00（Asia/Shanghai）。客服现在在线，点击「转人工」即可联系。');
    expect(buttons(zh)).toContain('转人工');
    // The English team moved to weekends: closed now, next in on Saturday 09:00 London time.
    await updateHandoffSettings({
      ctx: t.deps.domain,
      input: {
        settings: {
          hours: {
            'zh-CN': { timeZone: 'Asia/Shanghai', days: [1, 2, 3, 4, 5, 6, 7], open: '09:00', close: '21:00', closedDates: [] },
            en: { timeZone: 'Europe/London', days: [6, 7], open: '09:00', close: '17:00', closedDates: [] },
          },
          queueTimeoutMinutes: 15,
          minutesPerWaitingMember: 3,
          csatWindowHours: 24,
        },
      },
    });
    const [en] = await say('u-sh2', 'when is customer service available?');
    expect(en.text).toContain(
      "Our support team's hours: Sat, Sun 09:00–17:00 (Europe/London). They are not in now; they are next in on Sat 6 Jun, 09:00.",
    );
    expect(buttons(en)).toContain('Talk to a person');
    // Asking is not asking for a person: no ticket until they tap it.
    expect(await handoffsOf('emulator:conv-u-sh2')).toHaveLength(0);
  });
});

describe('after redeeming', () => {
  it('answers "what did I just redeem" with the coupons held, the new one among them, not the list of what points buy', async () => {
    await paidOrder(t.deps.domain, 'sh-1', 'SH1', '800', '2026-05-20T02:00:00Z');
    await redeemCoupon({ ctx: t.deps.domain, input: { memberId: 'sh-1', couponId: 'C5', idempotencyKey: 'sh-1-C5' } });
    const [h] = await t.store.db.select().from(memberCoupons).where(eq(memberCoupons.memberId, 'sh-1'));
    const [zh] = await say('u-sh1', '我刚兑换了什么');
    expect(zh.text).toContain(`· 5 元无门槛券，有效期至 ${formatDate(h.expiresAt, 'Asia/Shanghai')}`);
    expect(zh.text).not.toContain('可用积分兑换的优惠券');
  });
});

describe('how the program works', () => {
  it("explains earning, spending and tiers with every number from the tier table and rules, then the member's standing", async () => {
    const tiers = await listTiers(t.store.db);
    const balance = await balanceOf('sh-2');
    const { tier } = await getTierStatus({ ctx: t.deps.domain, input: { memberId: 'sh-2' } });
    const [en] = await say('u-sh2', 'how does the loyalty program work?');
    expect(en.text).toContain(`(${tiers.map((x) => `${x.nameEn} x${x.multiplierPct / 100}`).join(', ')})`);
    expect(en.text).toContain(
      tiers
        .filter((x) => x.thresholdCents > 0)
        .map((x) => `${x.nameEn} from ¥${formatMoney(x.thresholdCents)}`)
        .join(', '),
    );
    expect(en.text).toContain('Points expire 12 months after you earn them.');
    expect(en.text).toContain(`You are ${tier.nameEn} with ${formatPoints(balance)} points.`);
    expect(en.text).not.toContain('Your coupons');
    // A newcomer's question also lists the coupons they hold (a welcome coupon among them, when the shop gave one).
    const held = await heldCoupons('sh-1');
    expect(held.length).toBeGreaterThan(0);
    const [zh] = await say('u-sh1', '有什么新人福利');
    expect(zh.text).toContain('会员计划是这样运作的');
    expect(zh.text).toContain(`您的优惠券（${held.length} 张）`);
  });
});

describe('account requests', () => {
  it('sends profile changes to the shop account page and closing the membership to a person, opening no ticket unasked', async () => {
    const [phone] = await say('u-th', 'how do I change my email address?');
    expect(phone.text).toContain('changed in My Account on our shop');
    expect(buttons(phone)).toContain('Talk to a person');
    const [close] = await say('u-sh1', '注销会员');
    expect(close.text).toContain('需要客服核实身份后为您办理');
    expect(buttons(close)).toContain('转人工');
    // "个人中心" (the account page) is not a request for a person, whatever the model makes of its 人.
    expect((await say('u-sh1', '个人中心'))[0].text).toContain('我的账户');
    expect(await handoffsOf('emulator:conv-u-th')).toHaveLength(0);
    expect(await handoffsOf('emulator:conv-u-sh1')).toHaveLength(0);
  });

  it('says how a coupon is used when asked how, after the coupons held', async () => {
    const [how] = await say('u-sh2', 'how do I use my coupon?');
    expect(how.text).toContain('Free shipping coupon, valid until 2026-06-20');
    expect(how.text).toContain('pick it under Coupons at checkout');
    const [list] = await say('u-sh2', 'my coupons');
    expect(list.text).not.toContain('at checkout');
    // "How do I use it?" with nothing named: a coupon, in this chat.
    expect((await say('u-sh2', 'how do I use it?'))[0].text).toContain('pick it under Coupons at checkout');
  });

  it('answers "when will I get my points" order by order from the store, with the rule that points come on payment', async () => {
    const [zh] = await say('u-zh2', '我的积分什么时候到账');
    expect(zh.text).toContain('订单 L1');
    expect(zh.text).toContain('积分在订单支付后自动发放');
  });
});

describe('two facts in one message', () => {
  it('answers "what\'s my tier and how many points do I have" with both, from the store', async () => {
    const balance = await balanceOf('sh-2');
    const status = await getTierStatus({ ctx: t.deps.domain, input: { memberId: 'sh-2' } });
    const [reply] = await say('u-sh2', "what's my tier and how many points do I have?");
    expect(reply.text).toContain(`You have ${formatPoints(balance)} points.`);
    expect(reply.text).toContain(`You are a ${status.tier.nameEn} member`);
    expect(reply.text?.indexOf('You have')).toBeLessThan(reply.text?.indexOf('You are a') ?? -1);
    const [zh] = await say('u-zh2', '我的积分和优惠券');
    expect(zh.text).toContain(`您当前有 ${formatPoints(await balanceOf('zh-2'))} 积分`);
    const held = await heldCoupons('zh-2');
    expect(zh.text).toContain(held.length ? `您的优惠券（${held.length} 张）` : '您目前没有可用的优惠券。');
  });
});

describe('asking for a coupon by what it is', () => {
  it('"我想要那个满99减12的券" asks to confirm that coupon, and redeems it on "确认", once', async () => {
    await paidOrder(t.deps.domain, 'zh-2', 'L2', '1500', '2026-05-21T02:00:00Z');
    const before = await balanceOf('zh-2');
    const [ask] = await say('u-zh2', '我想要那个满99减12的券');
    expect(ask.text).toContain('满 99 减 12 元券');
    expect(ask.text).toContain(`从 ${formatPoints(before)} 变为 ${formatPoints(before - 1_000)}`);
    await say('u-zh2', '确认');
    expect(await balanceOf('zh-2')).toBe(before - 1_000);
    await say('u-zh2', '确认');
    expect(await balanceOf('zh-2')).toBe(before - 1_000);
  });

  it('"redeem the 12 off one" names the coupon by its value alone, and "no" redeems nothing', async () => {
    const before = await balanceOf('ea-1');
    const [ask] = await say('u-ea', 'redeem the 12 off one');
    expect(ask.text).toContain(
      `Redeem 1,000 points for "¥12 off ¥99"? Your balance would go from ${formatPoints(before)} to ${formatPoints(before - 1_000)}.`,
    );
    await say('u-ea', 'no');
    expect(await balanceOf('ea-1')).toBe(before);
  });
});

describe('one of the products just recommended', () => {
  it('links each recommendation to its shop page, and "第一个" / "I\'ll take the second one" answer with that product read now', async () => {
    const [list] = await say('u-th', 'what would you recommend?');
    const shown = [...(list.text ?? '').matchAll(/https:\/\/shop\.test\/p\/(\w+)\?from=chat/g)].map((m) => m[1]);
    expect(shown).toHaveLength(3);
    const rows = await t.store.db.select().from(products);
    const product = (id: string) => rows.find((p) => p.id === id) ?? { name: '', priceCents: -1 };
    // The price comes from the store in this turn: change it after the list was shown.
    await t.store.db.update(products).set({ priceCents: 4_321 }).where(eq(products.id, shown[1]));
    const [second] = await say('u-th', "I'll take the second one");
    expect(second.text).toContain(`${product(shown[1]).name}: ¥43.21, in stock`);
    expect(second.text).toContain(`Buy it here: https://shop.test/p/${shown[1]}?from=chat`);
    await t.store.db
      .update(products)
      .set({ priceCents: product(shown[1]).priceCents })
      .where(eq(products.id, shown[1]));
    const [first] = await say('u-th', 'the first one');
    expect(first.text).toContain(`${product(shown[0]).name}: ¥${formatMoney(product(shown[0]).priceCents)}`);
    // "How do I buy it?" is about the product just asked about.
    const [buy] = await say('u-th', 'how do I buy it?');
    expect(buy.text).toContain(`Buy it here: https://shop.test/p/${shown[0]}?from=chat`);
    expect((await say('u-th', 'is it in stock?'))[0].text).toContain(`${product(shown[0]).name}: ¥`);
    // "第一个" with no list shown is not a product pick.
    const [cold] = await say('u-ex2', '第一个');
    expect(cold.text).not.toContain('购买链接');
  });

  it('after a coupon list, then recommendations, "第一个" means the first product (the latest list wins)', async () => {
    const before = await balanceOf('sp-1');
    await say('u-sp', '兑换');
    const [list] = await say('u-sp', '推荐点东西');
    const firstId = /https:\/\/shop\.test\/p\/(\w+)\?from=chat/.exec(list.text ?? '')?.[1] ?? '';
    expect(firstId).not.toBe('');
    const [pick] = await say('u-sp', '第一个');
    expect(pick.text).toContain(`购买链接：https://shop.test/p/${firstId}?from=chat`);
    expect(pick.text).not.toContain('确认');
    expect(await balanceOf('sp-1')).toBe(before);
  });
});

describe('narrowing recommendations by price', () => {
  it('takes "有没有10元以内的" right after recommendations as the same request with that price band', async () => {
    await say('u-nw', 'what would you recommend?');
    const [cheap] = await say('u-nw', 'anything under 7 yuan?');
    const prices = [...(cheap.text ?? '').matchAll(/^- .+?, ¥([\d,.]+)/gm)].map((m) => Number(m[1]));
    expect(prices.length).toBeGreaterThan(0);
    for (const p of prices) expect(p).toBeLessThanOrEqual(7);
    const [zh] = await say('u-pt', '推荐点东西');
    expect(zh.text).toContain('为您精选');
    const [band] = await say('u-pt', '有没有10元以内的');
    const zhPrices = [...(band.text ?? '').matchAll(/^· .+?，¥([\d,.]+)/gm)].map((m) => Number(m[1]));
    expect(zhPrices.length).toBeGreaterThan(0);
    for (const p of zhPrices) expect(p).toBeLessThanOrEqual(10);
  });
});

describe('a coupon the member cannot find', () => {
  it('lists the coupons held and those that expired unused in the last 30 days, with their dates, and a person', async () => {
    await t.store.db.insert(memberCoupons).values([
      // Expired ten days ago: shown. Expired forty days ago: too old. Still valid: among those held.
      {
        id: 'mc-old',
        memberId: 'ex-2',
        couponId: 'C5',
        source: 'gift',
        idempotencyKey: 'gift:ex-2:old',
        issuedAt: new Date('2026-03-01T00:00:00Z'),
        expiresAt: new Date('2026-04-22T00:00:00Z'),
      },
      {
        id: 'mc-gone',
        memberId: 'ex-2',
        couponId: 'C12',
        source: 'gift',
        idempotencyKey: 'gift:ex-2:gone',
        issuedAt: new Date('2026-04-01T00:00:00Z'),
        expiresAt: new Date('2026-05-22T04:00:00Z'),
      },
      {
        id: 'mc-live',
        memberId: 'ex-2',
        couponId: 'C5',
        source: 'gift',
        idempotencyKey: 'gift:ex-2:live',
        issuedAt: new Date('2026-05-01T00:00:00Z'),
        expiresAt: new Date('2026-06-30T00:00:00Z'),
      },
    ]);
    const [reply] = await say('u-ex2', '我的券怎么不见了');
    expect(reply.text).toContain('· 5 元无门槛券，有效期至 2026-06-30');
    expect(reply.text).toContain('最近 30 天内过期未用的优惠券：\n· 满 99 减 12 元券，已于 2026-05-22 过期');
    expect(reply.text?.match(/已于/g)).toHaveLength(1);
    expect(buttons(reply)).toContain('转人工');
    // A coupon that did not apply: the coupons held, when one applies, and a person for the order.
    const [problem] = await say('u-ex2', '券用不了');
    expect(problem.text).toContain('· 5 元无门槛券，有效期至 2026-06-30');
    expect(problem.text).toContain('订单满足最低消费时');
    expect(buttons(problem)).toContain('转人工');
    expect(await handoffsOf('emulator:conv-u-ex2')).toHaveLength(0);
    // Asking for the expired ones by name reads them too.
    expect((await say('u-ex2', '我过期的券'))[0].text).toContain('满 99 减 12 元券，已于 2026-05-22 过期');
    const [none] = await say('u-th', 'my coupon disappeared');
    expect(none.text).toContain('None of your coupons expired in the last 30 days.');
  });
});

describe('the whole points history', () => {
  it('offers the full history after the latest five, and "全部积分明细" / "show my full points history" list up to 20 from the ledger', async () => {
    // Six small orders on top of tr-1's earlier ones make more than five entries.
    for (let i = 0; i < 6; i++) await paidOrder(t.deps.domain, 'tr-1', `TRH${i}`, '10', `2026-05-2${i}T02:00:00Z`);
    const ledger = await t.store.db.select().from(pointsLedger).where(eq(pointsLedger.memberId, 'tr-1'));
    expect(ledger.length).toBeGreaterThan(5);
    const [latest] = await say('u-tr', 'points history');
    expect(latest.text?.match(/^\d{4}-\d{2}-\d{2} /gm)).toHaveLength(5);
    expect(buttons(latest)).toEqual(['Full points history']);
    const [all] = await say('u-tr', 'Full points history');
    expect(all.text).toContain(`Your last ${Math.min(ledger.length, 20)} points changes:`);
    expect(all.text?.match(/^\d{4}-\d{2}-\d{2} /gm)).toHaveLength(Math.min(ledger.length, 20));
    const [zh] = await say('u-zh', '全部积分明细');
    const zhLedger = await t.store.db.select().from(pointsLedger).where(eq(pointsLedger.memberId, 'zh-1'));
    expect(zh.text).toContain(`您最近的 ${Math.min(zhLedger.length, 20)} 条积分变动：`);
  });
});

describe('a higher tier by name', () => {
  it('lists what the named tier gives and how far the member is from it, from the tier table and their spend', async () => {
    const diamond = (await listTiers(t.store.db)).find((x) => x.code === 'diamond');
    const status = await getTierStatus({ ctx: t.deps.domain, input: { memberId: 'sh-2' } });
    if (!diamond) throw new Error('fixture tiers missing');
    const [reply] = await say('u-sh2', 'what do diamond members get?');
    for (const b of diamond.benefitsEn) expect(reply.text).toContain(`- ${b}`);
    expect(reply.text).toContain(
      `Spend ¥${formatMoney(diamond.thresholdCents - status.rollingSpendCents)} more within 12 months to reach Diamond.`,
    );
    // A tier below the member's has no gap to give.
    const [lower] = await say('u-sh2', 'what do silver members get?');
    expect(lower.text).not.toContain('more within 12 months');
  });
});

describe('a complaint without words', () => {
  it('asks what happened after a bare "投诉", then files the answer as the complaint (a ticket), once', async () => {
    const [ask] = await say('u-cm1', '投诉');
    expect(ask.text).toContain('请告诉我发生了什么');
    expect(await t.store.db.select().from(feedback).where(eq(feedback.memberId, 'cm-1'))).toHaveLength(0);
    const [filed] = await say('u-cm1', '订单SO123456的牛奶漏了，包装也破了');
    expect(filed.text).toContain('您的投诉已记录');
    const rows = await t.store.db.select().from(feedback).where(eq(feedback.memberId, 'cm-1'));
    expect(rows).toMatchObject([{ kind: 'complaint', text: '订单SO123456的牛奶漏了，包装也破了' }]);
    expect(await handoffsOf('emulator:conv-u-cm1')).toHaveLength(1);
    // The next message goes to the support queue the complaint opened, and is not filed a second time.
    await say('u-cm1', '请尽快处理');
    expect(await t.store.db.select().from(feedback).where(eq(feedback.memberId, 'cm-1'))).toHaveLength(1);
  });

  it('asks for the feedback after "I want to give feedback", then files the answer as feedback (no ticket), once', async () => {
    const [ask] = await say('u-fb', 'I want to give feedback');
    expect(ask.text).toBe("Please go ahead: what would you like to tell us? I'll pass it on to our team.");
    expect(await t.store.db.select().from(feedback).where(eq(feedback.memberId, 'fb-1'))).toHaveLength(0);
    const [thanks] = await say('u-fb', 'the app is lovely, the new coupons are easy to find');
    expect(thanks.text).toContain('Thank you for the feedback');
    expect(await t.store.db.select().from(feedback).where(eq(feedback.memberId, 'fb-1'))).toMatchObject([
      { kind: 'text', text: 'the app is lovely, the new coupons are easy to find' },
    ]);
    expect(await handoffsOf('emulator:conv-u-fb')).toHaveLength(0);
  });

  it('files "I received the wrong item" as a complaint with a ticket, not as thanks for feedback', async () => {
    const [sorry] = await say('u-wi', 'I received the wrong item');
    expect(sorry.text).toContain('complaint');
    expect(await t.store.db.select().from(feedback).where(eq(feedback.memberId, 'wi-1'))).toMatchObject([
      { kind: 'complaint', text: 'I received the wrong item' },
    ]);
    expect(await handoffsOf('emulator:conv-u-wi')).toHaveLength(1);
  });

  it('files "我的积分被盗了" as a complaint with a ticket, not a points history', async () => {
    const [sorry, ticket] = await say('u-lg', '我的积分被盗了');
    expect(sorry.text).toContain('您的投诉已记录');
    expect(ticket?.text).toBeTruthy();
    expect(await t.store.db.select().from(feedback).where(eq(feedback.memberId, 'lg-1'))).toMatchObject([
      { kind: 'complaint', text: '我的积分被盗了' },
    ]);
    expect(await handoffsOf('emulator:conv-u-lg')).toHaveLength(1);
  });

  it('takes a verdict in a few words as feedback: an apology and a person for "you\'re useless", thanks for "I love this app"', async () => {
    const [sorry] = await say('u-vd', "you're useless");
    expect(sorry.text).toMatch(/^Sorry to hear that\./);
    expect(buttons(sorry)).toContain('Talk to a person');
    const [thanks] = await say('u-vd', 'I love this app');
    expect(thanks.text).toContain('Thank you for the feedback');
    expect(await t.store.db.select().from(feedback).where(eq(feedback.memberId, 'vd-1')).orderBy(asc(feedback.createdAt))).toMatchObject([
      { kind: 'text', text: "you're useless", sentiment: 'negative' },
      { kind: 'text', text: 'I love this app', sentiment: 'positive' },
    ]);
    expect(await handoffsOf('emulator:conv-u-vd')).toHaveLength(0);
    // In Chinese too, and about the app failing.
    const [zh] = await say('u-pt', '这个机器人好笨');
    expect(zh.text).toMatch(/^很抱歉给您不好的体验/);
    expect(buttons(zh)).toContain('转人工');
    expect((await say('u-pt', 'APP老是闪退'))[0].text).toMatch(/^很抱歉给您不好的体验/);
  });

  it('files nothing when the member drops it, and answers a question asked instead', async () => {
    await say('u-cm2', 'I want to complain');
    expect((await say('u-cm2', 'never mind'))[0].text).toContain('just ask');
    await say('u-cm2', 'I want to complain');
    const [answer] = await say('u-cm2', 'how much have I spent?');
    expect(answer.text).toMatch(/^In the last 12 months you spent ¥/);
    expect(await t.store.db.select().from(feedback).where(eq(feedback.memberId, 'cm-2'))).toHaveLength(0);
  });
});

describe('the usual opener', () => {
  it('greets "在吗" by name with the menu', async () => {
    const [hi] = await say('u-ex2', '在吗');
    expect(hi.text).toBe('钱进您好！今天想了解会员的哪些信息？');
    expect(buttons(hi)).toEqual(['我的积分', '我的等级', '我的优惠券', '我的订单']);
  });
});

describe('points already expired', () => {
  it('shows what expired and when, from the ledger, says expired points are not restored here, and offers a person', async () => {
    await paidOrder(t.deps.domain, 'cm-2', 'CMX', '321', '2025-05-01T02:00:00Z');
    await expirePoints({ ctx: t.deps.domain, input: {} });
    const [expired] = await t.store.db
      .select()
      .from(pointsLedger)
      .where(and(eq(pointsLedger.memberId, 'cm-2'), eq(pointsLedger.kind, 'expire')));
    expect(expired.points).toBe(-321);
    const [reply] = await say('u-cm2', 'my points expired, can you restore them?');
    expect(reply.text).toContain(`Points that expired lately:\n${formatDate(expired.createdAt, 'Europe/London')}  -321  expired`);
    expect(reply.text).toContain("I can't restore expired points here");
    expect(buttons(reply)).toContain('Talk to a person');
  });
});
