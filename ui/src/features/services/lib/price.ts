/** Prices are typed in shekels (₪, up to 2 decimals) and sent as whole agorot. */

/** "120" / "99.9" / "" -> agorot (12000 / 9990 / null); undefined when not a price. */
export function shekelsToAgorot(input: string | number): number | null | undefined {
  const s = String(input).trim().replace(',', '.');
  if (s === '') return null;
  if (!/^\d{1,7}(\.\d{1,2})?$/.test(s)) return undefined;
  return Math.round(Number(s) * 100);
}

/** Agorot -> the editor's shekels ("120", "99.90"). */
export function agorotToShekels(agorot: number | null): string {
  if (agorot === null) return '';
  return agorot % 100 === 0 ? String(agorot / 100) : (agorot / 100).toFixed(2);
}

/** Agorot shown as money in the UI's language (₪120, ‏120 ₪). */
export function formatPrice(agorot: number | null, locale: string): string {
  if (agorot === null) return '';
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: 'ILS',
    minimumFractionDigits: agorot % 100 === 0 ? 0 : 2,
  }).format(agorot / 100);
}
