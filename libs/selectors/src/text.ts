/** Character rules every selector kind applies before its own: a hostile value is refused, never cleaned silently. */

/** C0 and C1 controls, DEL, bidi overrides and isolates (Trojan-Source spoofing), lone surrogates. */
const FORBIDDEN = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/u;

/** Longest raw value of any selector, before normalisation (a URL of 2,048 characters is the common browser limit). */
export const MAX_SELECTOR_LENGTH = 2048;

export type Normalised = { ok: true; value: string } | { ok: false; message: string };

export const refused = (message: string): Normalised => ({ ok: false, message });
export const accepted = (value: string): Normalised => ({ ok: true, value });

/**
 * The common first step: a string, at most MAX_SELECTOR_LENGTH characters, no control or
 * bidi characters, Unicode NFC, surrounding spaces removed. Null when acceptable.
 */
export function commonRefusal(value: unknown, max = MAX_SELECTOR_LENGTH): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > max) return `must be at most ${max} characters`;
  if (FORBIDDEN.test(value)) return 'contains control or bidirectional-override characters';
  if (value.trim() === '') return 'must not be empty';
  return null;
}

export function tidy(value: string): string {
  return value.normalize('NFC').trim();
}
