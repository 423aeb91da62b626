/**
 * Formatting for people: short hashes, token amounts, times, reason codes.
 * @module
 */

/** `0x1234…cdef` for long hex; other text unchanged. */
export function short(value: string, keep = 6): string {
  if (value.length <= keep * 2 + 3) return value;
  const head = value.startsWith('0x') ? keep + 2 : keep;
  return `${value.slice(0, head)}…${value.slice(-keep)}`;
}

/** CERE has 10 decimals on chain. Amounts arrive as decimal strings of planck. */
export const DECIMALS = 10;
export const SYMBOL = 'CERE';

/** `12.3456 CERE` from a planck string; exact (string arithmetic), trailing zeros trimmed. */
export function amount(
  planck: string | number | bigint | null | undefined,
  symbol = SYMBOL
): string {
  if (planck === null || planck === undefined) return '—';
  let s = String(planck);
  const neg = s.startsWith('-');
  if (neg) s = s.slice(1);
  if (!/^\d+$/.test(s)) return String(planck);
  s = s.padStart(DECIMALS + 1, '0');
  const whole = s.slice(0, -DECIMALS).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = s.slice(-DECIMALS).replace(/0+$/, '');
  return `${neg ? '−' : ''}${whole}${frac ? `.${frac}` : ''}${symbol ? ` ${symbol}` : ''}`;
}

/** A planck string as a number of tokens, for charts (precision beyond ~15 digits is lost). */
export function tokens(planck: string | number | null | undefined): number {
  if (planck === null || planck === undefined) return 0;
  return Number(planck) / 10 ** DECIMALS;
}

/** `2026-11-18 09:46:40 UTC`. */
export function time(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return d
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('en-US');
}

export function percent(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`;
}

/** `12 ms`, `1.24 s`. */
export function duration(ms: number): string {
  return ms < 1000
    ? `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`
    : `${(ms / 1000).toFixed(2)} s`;
}
