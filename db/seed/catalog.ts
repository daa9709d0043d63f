// Demo program data as constants: a bilingual catalog, coupons and the name pools for fake members.
import type { Coupon, Product } from '../schema/index.js';

/** Category keys as stored in products.category, with their Chinese label. */
export const CATEGORIES = [
  { key: 'Fresh', zh: '生鲜' },
  { key: 'Snacks', zh: '零食' },
  { key: 'Drinks', zh: '饮品' },
  { key: 'Personal care', zh: '个护' },
  { key: 'Baby', zh: '母婴' },
  { key: 'Home', zh: '家居' },
  { key: 'Electronics', zh: '数码' },
] as const;

type P = [id: string, name: string, nameZh: string, category: string, brand: string, priceCents: number, stock?: number, minTierCode?: string];

// Prices are what a mainland online grocery/department store would charge (cents).
const ROWS: P[] = [
  ['P1001', 'Chilean cherries JJ grade 2.5kg', '智利车厘子 JJ级 2.5kg', 'Fresh', 'Joyvio', 29_900],
  ['P1002', 'Hass avocados, 6 pack', '牛油果 6 个装', 'Fresh', 'Mission', 3_990],
  ['P1003', 'Norwegian salmon fillet 500g', '挪威三文鱼柳 500g', 'Fresh', 'Lerøy', 8_990],
  ['P1004', 'Free-range eggs, 30 pack', '散养土鸡蛋 30 枚', 'Fresh', 'DQY Ecological', 3_990],
  ['P1005', 'Australian grain-fed ribeye 400g', '澳洲谷饲眼肉牛排 400g', 'Fresh', 'Kerry Beef', 12_800],
  ['P1006', 'Organic spinach 300g', '有机菠菜 300g', 'Fresh', 'Tony’s Farm', 1_290],
  ['P1007', 'Thai Monthong durian 3kg', '泰国金枕榴莲 3kg', 'Fresh', 'Pagoda', 26_800, 0],
  ['P1008', 'Fresh whole milk 950ml', '光明 优倍鲜牛奶 950ml', 'Fresh', 'Bright Dairy', 1_590],
  ['P1009', 'Ecuador white shrimp 1.5kg', '厄瓜多尔白虾 1.5kg', 'Fresh', 'Guolian', 12_900],
  ['P1010', 'Bananas 1kg', '香蕉 1kg', 'Fresh', 'Dole', 990],
  ['P1011', 'Yunnan shiitake mushrooms 500g', '云南香菇 500g', 'Fresh', 'Yunling', 2_990],
  ['P1012', 'Wuchang rice 5kg', '五常大米 5kg', 'Fresh', 'Liangpin Wuchang', 6_990],
  ['P1013', 'Gold members’ cherry gift box 5kg', '金卡专享 车厘子礼盒 5kg', 'Fresh', 'Joyvio', 52_800, 40, 'gold'],

  ['P2001', 'Daily mixed nuts 750g (30 bags)', '三只松鼠 每日坚果 750g（30 袋）', 'Snacks', 'Three Squirrels', 8_990],
  ['P2002', 'Oreo original cookies 388g', '奥利奥 原味夹心饼干 388g', 'Snacks', 'Oreo', 1_590],
  ['P2003', "Lay's potato chips 70g x 6", '乐事 薯片 70g×6 包', 'Snacks', "Lay's", 2_490],
  ['P2004', 'Want Want rice crackers 520g', '旺旺 雪饼 520g', 'Snacks', 'Want Want', 1_990],
  ['P2005', 'Dried mango 500g', '良品铺子 芒果干 500g', 'Snacks', 'Bestore', 2_490],
  ['P2006', 'Weilong spicy gluten strips 520g', '卫龙 大面筋辣条 520g', 'Snacks', 'Weilong', 1_290],
  ['P2007', 'Pocky chocolate sticks x 5', '百奇 巧克力棒 5 盒', 'Snacks', 'Glico', 2_990],
  ['P2008', 'Dove milk chocolate 252g', '德芙 丝滑牛奶巧克力 252g', 'Snacks', 'Dove', 3_990],
  ['P2009', 'Haribo gold bears 500g', '哈瑞宝 金熊软糖 500g', 'Snacks', 'Haribo', 3_290],
  ['P2010', 'Pork jerky 500g', '良品铺子 猪肉脯 500g', 'Snacks', 'Bestore', 4_990],
  ['P2011', 'Ferrero Rocher T30 gift box', '费列罗 榛果威化巧克力 30 粒礼盒', 'Snacks', 'Ferrero', 12_900],
  ['P2012', 'Sunflower seeds 1kg', '洽洽 香瓜子 1kg', 'Snacks', 'ChaCha', 2_690],

  ['P3001', 'Nongfu Spring water 550ml x 24', '农夫山泉 饮用天然水 550ml×24', 'Drinks', 'Nongfu Spring', 2_880],
  ['P3002', 'Coca-Cola 330ml x 24 cans', '可口可乐 330ml×24 罐', 'Drinks', 'Coca-Cola', 4_990],
  ['P3003', 'Satine whole milk 250ml x 12', '伊利 金典纯牛奶 250ml×12', 'Drinks', 'Yili', 6_990],
  ['P3004', 'Nescafé 1+2 instant coffee x 30', '雀巢 1+2 速溶咖啡 30 条', 'Drinks', 'Nescafé', 4_990],
  ['P3005', 'Starbucks espresso roast beans 1kg', '星巴克 浓缩烘焙咖啡豆 1kg', 'Drinks', 'Starbucks', 22_800],
  ['P3006', 'Genki Forest sparkling water x 12', '元气森林 气泡水 480ml×12', 'Drinks', 'Genki Forest', 5_990],
  ['P3007', 'Tsingtao lager 500ml x 12', '青岛啤酒 经典 500ml×12', 'Drinks', 'Tsingtao', 6_990],
  ['P3008', 'Lipton yellow label tea, 100 bags', '立顿 黄牌精选红茶 100 包', 'Drinks', 'Lipton', 3_990],
  ['P3009', 'Oatly barista oat drink 1L x 6', '噢麦力 咖啡大师燕麦奶 1L×6', 'Drinks', 'Oatly', 8_990],
  ['P3010', 'Anxi Tieguanyin oolong 250g', '八马 安溪铁观音 250g', 'Drinks', 'Bama Tea', 16_800],
  ['P3011', 'Penfolds Bin 389 Cabernet Shiraz 750ml', '奔富 Bin389 赤霞珠设拉子 750ml', 'Drinks', 'Penfolds', 69_900, 60, 'gold'],
  ['P3012', 'Kweichow Moutai Feitian 53% 500ml', '贵州茅台 飞天 53° 500ml', 'Drinks', 'Moutai', 149_900, 12, 'diamond'],

  ['P4001', 'Colgate whitening toothpaste x 3', '高露洁 美白牙膏 3 支', 'Personal care', 'Colgate', 3_990],
  ['P4002', 'Head & Shoulders shampoo 750ml', '海飞丝 去屑洗发水 750ml', 'Personal care', 'Head & Shoulders', 6_990],
  ['P4003', 'SK-II Facial Treatment Essence 230ml', 'SK-II 护肤精华露（神仙水）230ml', 'Personal care', 'SK-II', 159_000],
  ['P4004', 'Lancôme Advanced Génifique serum 50ml', '兰蔻 小黑瓶精华 50ml', 'Personal care', 'Lancôme', 108_000],
  ['P4005', 'Philips Sonicare electric toothbrush', '飞利浦 声波电动牙刷 HX6730', 'Personal care', 'Philips', 39_900],
  ['P4006', 'Safeguard soap, 6 bars', '舒肤佳 纯白香皂 6 块', 'Personal care', 'Safeguard', 2_990],
  ['P4007', 'Nivea body lotion 400ml', '妮维雅 润肤身体乳 400ml', 'Personal care', 'Nivea', 5_990],
  ['P4008', 'Senka perfect whip cleanser 120g', '珊珂 洗颜专科洁面乳 120g', 'Personal care', 'Senka', 5_500],
  ['P4009', 'Gillette Fusion razor + 4 blades', '吉列 锋隐 剃须刀 1 刀架 4 刀头', 'Personal care', 'Gillette', 14_900],
  ['P4010', 'Dove body wash 1kg', '多芬 滋养沐浴露 1kg', 'Personal care', 'Dove', 5_990],
  ['P4011', 'Anessa perfect UV sunscreen 60ml', '安热沙 金瓶防晒乳 60ml', 'Personal care', 'Anessa', 19_800],
  ['P4012', 'Dyson Supersonic hair dryer', '戴森 Supersonic 吹风机', 'Personal care', 'Dyson', 299_000, 20, 'diamond'],

  ['P5001', 'Aptamil Profutura stage 1 formula 900g', '爱他美 卓萃 1 段婴儿配方奶粉 900g', 'Baby', 'Aptamil', 39_800],
  ['P5002', 'Pampers Ichiban diapers L 52', '帮宝适 一级帮 纸尿裤 L 52 片', 'Baby', 'Pampers', 15_900],
  ['P5003', 'Huggies Platinum pull-ups XL 36', '好奇 心钻装 拉拉裤 XL 36 片', 'Baby', 'Huggies', 13_900],
  ['P5004', 'Pigeon wide-neck bottle 240ml', '贝亲 宽口径玻璃奶瓶 240ml', 'Baby', 'Pigeon', 12_900],
  ['P5005', 'Purcotton soft cotton tissues x 6', '全棉时代 棉柔巾 100 抽×6 包', 'Baby', 'Purcotton', 6_990],
  ['P5006', 'Heinz organic rice cereal 250g', '亨氏 有机高铁米粉 250g', 'Baby', 'Heinz', 3_990],
  ['P5007', "Johnson's baby lotion 300ml", '强生 婴儿润肤露 300ml', 'Baby', "Johnson's", 4_990],
  ['P5008', 'a2 Platinum stage 3 formula 900g', 'a2 至初 3 段幼儿配方奶粉 900g', 'Baby', 'a2', 32_800],
  ['P5009', 'LEGO DUPLO number train', '乐高 得宝系列 数字火车', 'Baby', 'LEGO', 29_900],
  ['P5010', 'Babycare lightweight stroller', 'Babycare 轻便婴儿推车', 'Baby', 'Babycare', 149_900, 0],
  ['P5011', 'Goodbaby convertible car seat', '好孩子 儿童安全座椅', 'Baby', 'Goodbaby', 199_900],
  ['P5012', 'Fisher-Price musical activity gym', '费雪 脚踏钢琴健身架', 'Baby', 'Fisher-Price', 19_900],

  ['P6001', 'Midea IH rice cooker 4L', '美的 IH 电饭煲 4L', 'Home', 'Midea', 39_900],
  ['P6002', 'Supor non-stick wok 32cm', '苏泊尔 不粘炒锅 32cm', 'Home', 'Supor', 29_900],
  ['P6003', 'Lock&Lock food containers, 10 pcs', '乐扣乐扣 保鲜盒 10 件套', 'Home', 'Lock&Lock', 12_900],
  ['P6004', 'Dettol laundry sanitiser 3L', '滴露 衣物除菌液 3L', 'Home', 'Dettol', 8_990],
  ['P6005', 'Blue Moon laundry liquid 3kg', '蓝月亮 深层洁净洗衣液 3kg', 'Home', 'Blue Moon', 5_990],
  ['P6006', 'Luolai cotton bedding set, 4 pcs', '罗莱 全棉四件套 1.8m', 'Home', 'Luolai', 89_900],
  ['P6007', 'Zojirushi vacuum mug 480ml', '象印 不锈钢保温杯 480ml', 'Home', 'Zojirushi', 19_900],
  ['P6008', 'Xiaomi air purifier 4 Pro', '小米 空气净化器 4 Pro', 'Home', 'Xiaomi', 99_900],
  ['P6009', 'MUJI ultrasonic aroma diffuser', '无印良品 超声波香薰机', 'Home', 'MUJI', 39_000],
  ['P6010', 'Grace cotton towels, 4 pack', '洁丽雅 纯棉毛巾 4 条装', 'Home', 'Grace', 4_990],
  ['P6011', 'Vinda 3-ply tissues, 24 packs', '维达 超韧抽纸 24 包', 'Home', 'Vinda', 5_990],
  ['P6012', 'Dyson V12 Detect Slim vacuum', '戴森 V12 Detect Slim 无线吸尘器', 'Home', 'Dyson', 449_000, 15, 'gold'],

  ['P7001', 'Apple AirPods Pro (2nd generation)', 'Apple AirPods Pro（第二代）', 'Electronics', 'Apple', 189_900],
  ['P7002', 'Redmi Note 13 Pro 256GB', '红米 Note 13 Pro 256GB', 'Electronics', 'Xiaomi', 139_900],
  ['P7003', 'Huawei FreeBuds 5i', '华为 FreeBuds 5i 降噪耳机', 'Electronics', 'Huawei', 44_900],
  ['P7004', 'Anker 20000mAh power bank', '安克 20000mAh 充电宝', 'Electronics', 'Anker', 16_900],
  ['P7005', 'Kindle Paperwhite 16GB', 'Kindle Paperwhite 16GB 电子书阅读器', 'Electronics', 'Amazon', 109_900],
  ['P7006', 'Logitech MX Master 3S mouse', '罗技 MX Master 3S 无线鼠标', 'Electronics', 'Logitech', 69_900],
  ['P7007', 'Sony WH-1000XM5 headphones', '索尼 WH-1000XM5 头戴式降噪耳机', 'Electronics', 'Sony', 249_900],
  ['P7008', 'Xiaomi Smart Band 9', '小米手环 9', 'Electronics', 'Xiaomi', 24_900],
  ['P7009', 'DJI Osmo Pocket 3', '大疆 Osmo Pocket 3 口袋云台相机', 'Electronics', 'DJI', 349_900, 0],
  ['P7010', 'Nintendo Switch OLED', '任天堂 Switch OLED 游戏机', 'Electronics', 'Nintendo', 209_900, 0],
  ['P7011', 'UGREEN 65W GaN charger', '绿联 65W 氮化镓充电器', 'Electronics', 'UGREEN', 12_900],
  ['P7012', 'SanDisk Extreme microSD 256GB', '闪迪 Extreme microSD 存储卡 256GB', 'Electronics', 'SanDisk', 15_900],
];

/** ~85 products; a few out of stock (stock 0) and a few members-only (minTierCode gold/diamond). */
export const DEMO_PRODUCTS: Product[] = ROWS.map(([id, name, nameZh, category, brand, priceCents, stock, minTierCode]) => ({
  id,
  name,
  nameZh,
  category,
  brand,
  priceCents,
  // Deterministic, varied stock levels without another PRNG stream.
  stock: stock ?? 100 + (Math.floor(priceCents / 10) % 400),
  minTierCode: minTierCode ?? null,
}));

/** Coupons priced at about one cent of value per point (C5/C12/C40) plus gift-only ones (pointsCost null). */
export const DEMO_COUPONS: Coupon[] = [
  { id: 'C5', nameZh: '5 元无门槛券', nameEn: '¥5 off, no minimum', valueCents: 500, minSpendCents: 0, pointsCost: 500, validDays: 30, active: true },
  { id: 'C12', nameZh: '满 99 减 12 元券', nameEn: '¥12 off orders of ¥99+', valueCents: 1_200, minSpendCents: 9_900, pointsCost: 1_000, validDays: 30, active: true },
  { id: 'C40', nameZh: '满 299 减 40 元券', nameEn: '¥40 off orders of ¥299+', valueCents: 4_000, minSpendCents: 29_900, pointsCost: 3_000, validDays: 30, active: true },
  { id: 'C100', nameZh: '满 999 减 100 元券', nameEn: '¥100 off orders of ¥999+', valueCents: 10_000, minSpendCents: 99_900, pointsCost: 8_000, validDays: 60, active: true },
  { id: 'G-SHIP', nameZh: '免运费券', nameEn: 'Free shipping coupon', valueCents: 1_000, minSpendCents: 0, pointsCost: null, validDays: 30, active: true },
  { id: 'G-BDAY', nameZh: '生日礼券 满 100 减 20 元', nameEn: 'Birthday gift: ¥20 off orders of ¥100+', valueCents: 2_000, minSpendCents: 10_000, pointsCost: null, validDays: 31, active: true },
  { id: 'G-WELCOME', nameZh: '新会员 满 59 减 10 元券', nameEn: 'Welcome: ¥10 off orders of ¥59+', valueCents: 1_000, minSpendCents: 5_900, pointsCost: null, validDays: 14, active: true },
];

export const ZH_SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈'.split('');
export const ZH_GIVEN = [
  '伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞',
  '平', '刚', '桂英', '晓雯', '子涵', '浩然', '雨桐', '欣怡', '梓萱', '宇轩', '思远', '佳怡', '俊杰', '晨曦', '一鸣', '诗涵',
  '嘉怡', '文博', '志强', '海燕', '建华', '丽华', '春梅', '晓明', '婷婷', '鹏飞', '天宇', '雅琴', '慧敏', '梦琪',
];
export const EN_FIRST = [
  'Emily', 'James', 'Olivia', 'William', 'Sophia', 'Benjamin', 'Charlotte', 'Lucas', 'Amelia', 'Henry', 'Grace', 'Daniel',
  'Chloe', 'Samuel', 'Hannah', 'Matthew', 'Isabella', 'Thomas', 'Zoe', 'Ethan', 'Ava', 'Jack', 'Lily', 'Noah', 'Mia',
  'Oliver', 'Ella', 'Ryan', 'Sarah', 'Michael', 'Priya', 'Arjun', 'Wei Ling', 'Hui Min', 'Marcus', 'Nora', 'Aisha',
  'David', 'Rachel', 'Leo',
];
export const EN_LAST = [
  'Smith', 'Johnson', 'Brown', 'Taylor', 'Wilson', 'Davies', 'Evans', 'Thomas', 'Roberts', 'Walker', 'Wright', 'Thompson',
  'White', 'Hughes', 'Edwards', 'Green', 'Hall', 'Wood', 'Harris', 'Lewis', 'Martin', 'Jackson', 'Clarke', 'Tan', 'Lim',
  'Ng', 'Wong', 'Chen', 'Patel', 'Sharma', 'Nguyen', 'Garcia', 'Miller', 'Anderson', 'Carter', 'Mitchell', 'Turner',
  'Parker', 'Collins', 'Murphy',
];

/** Where the English-speaking members live, with a phone prefix and digit count for plausible numbers. */
export const EN_ZONES: { tz: string; phone: string; digits: number; weight: number }[] = [
  { tz: 'Asia/Singapore', phone: '+65 8', digits: 7, weight: 4 },
  { tz: 'Asia/Hong_Kong', phone: '+852 9', digits: 7, weight: 2 },
  { tz: 'Europe/London', phone: '+44 7', digits: 9, weight: 3 },
  { tz: 'Europe/Berlin', phone: '+49 15', digits: 9, weight: 1 },
  { tz: 'America/Los_Angeles', phone: '+1 415', digits: 7, weight: 2 },
  { tz: 'America/New_York', phone: '+1 212', digits: 7, weight: 2 },
  { tz: 'America/Toronto', phone: '+1 416', digits: 7, weight: 1 },
  { tz: 'Australia/Sydney', phone: '+61 4', digits: 8, weight: 2 },
];

export const CARRIERS = {
  sf: { zh: '顺丰速运', en: 'SF Express', prefix: 'SF', digits: 13 },
  jd: { zh: '京东物流', en: 'JD Logistics', prefix: 'JDX', digits: 12 },
} as const;
