/**
 * Canned replies' variables, filled in the browser before the text goes into
 * the composer: {{first_name}} (the lead's), {{business_name}}, {{next_open}}
 * (when the business opens next, or "now" while open) and {{my_name}} (the
 * signed-in user). Spaces inside the braces are allowed; an unknown variable
 * stays as written, so a typo shows instead of vanishing.
 */
import { formatDateTime } from './format';

export type CannedVariables = {
  first_name: string;
  business_name: string;
  next_open: string;
  my_name: string;
};

export const CANNED_VARIABLES: readonly (keyof CannedVariables)[] = [
  'first_name',
  'business_name',
  'next_open',
  'my_name',
];

export function fillCannedReply(body: string, vars: CannedVariables): string {
  return body.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? vars[name as keyof CannedVariables] : whole,
  );
}

/**
 * {{next_open}}: `nowWord` while the business is open, else its next opening
 * in the business's zone and the UI's language; empty when unknown.
 */
export function nextOpenText(
  business: { open_now: boolean; next_open_at: string | null } | null | undefined,
  lng: string,
  tz: string | null | undefined,
  nowWord: string,
): string {
  if (!business) return '';
  if (business.open_now) return nowWord;
  return business.next_open_at ? formatDateTime(business.next_open_at, lng, tz) : '';
}
