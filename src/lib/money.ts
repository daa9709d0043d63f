// Money is integer cents in the store; these render it for members.

/** 123456 -> "1,234.56" (trailing .00 dropped). */
export function formatMoney(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const yuan = Math.floor(abs / 100);
  const fen = abs % 100;
  const whole = yuan.toLocaleString('en-US');
  return fen === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(fen).padStart(2, '0')}`;
}

/** 12345 -> "12,345" */
export function formatPoints(points: number): string {
  return points.toLocaleString('en-US');
}

/** Parses a decimal amount string ("12.30") into cents without float drift. */
export function parseCents(value: string | number): number {
  const s = String(value).trim();
  if (!/^-?\d+(\.\d{1,2})?$/.test(s)) {
    const n = Number(s);
    if (!Number.isFinite(n)) throw new Error(`not an amount: ${s}`);
    return Math.round(n * 100);
  }
  const neg = s.startsWith('-');
  const [whole, frac = ''] = s.replace('-', '').split('.');
  const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return neg ? -cents : cents;
}
