import { isApiError } from './api-client';

/**
 * The server's 400 about one field (`{error: "invalid_input", message, hint,
 * field}`), to show next to that field: "message — hint", or null when the
 * error is about another field (or none).
 */
export function fieldError(error: unknown, ...fields: string[]): string | null {
  if (!isApiError(error) || !error.field) return null;
  const f = error.field;
  if (!fields.some((name) => f === name || f.startsWith(`${name}.`) || f.startsWith(`${name}[`))) return null;
  return error.hint ? `${error.message} — ${error.hint}` : error.message;
}

/** Whether the error names one of `fields` (else show it as a whole-form alert). */
export const isFieldError = (error: unknown, fields: readonly string[]): boolean =>
  fieldError(error, ...fields) !== null;
