/**
 * Identifiers of a person, normalised for matching and search (docs/selectors.md): names,
 * dates of birth and identity documents. Names are folded (accents, case, punctuation), so
 * "José-María  O'Neill" and "JOSE MARIA ONEILL" meet; a document is its issuing country and
 * its number without separators.
 */
import { accepted, commonRefusal, refused, tidy, type Normalised } from './text';

/**
 * A name folded for matching: Unicode NFKD, combining marks removed, lowercased, apostrophes
 * removed, every other run of non-letters and non-digits one space. Letters of every script
 * are kept (a Cyrillic name stays Cyrillic: transliteration is not normalisation).
 */
export function normaliseName(raw: unknown): Normalised {
  const bad = commonRefusal(raw, 200);
  if (bad) return refused(bad);
  const folded = tidy(raw as string)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’ʼ`´]/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  // ß folds to "ss" (its uppercase form) so German spellings meet.
  const value = folded.replace(/ß/g, 'ss');
  return value === '' ? refused('has no letters') : accepted(value);
}

/** A person's full name, given names first, folded: null when neither part has letters. */
export function normaliseFullName(name: { given?: string; family?: string }): string | null {
  const parts = [name.given, name.family].map((p) => (p === undefined ? null : normaliseName(p))).flatMap((r) => (r && r.ok ? [r.value] : []));
  return parts.length ? parts.join(' ') : null;
}

const PARTIAL_DATE = /^\d{4}(?:-\d{2}(?:-\d{2})?)?$/;

/** A date of birth as notices carry it (YYYY, YYYY-MM or YYYY-MM-DD), unchanged: the schema checked the calendar. */
export function normaliseDateOfBirth(raw: unknown): Normalised {
  if (typeof raw !== 'string' || !PARTIAL_DATE.test(raw)) return refused('must be a date written YYYY, YYYY-MM or YYYY-MM-DD');
  return accepted(raw);
}

/**
 * A case reference as agencies write them (`NL-2026-0042`): surrounding spaces removed, runs of
 * spaces one, uppercased — references are identifiers, compared without regard to case.
 */
export function normaliseCaseReference(raw: unknown): Normalised {
  const bad = commonRefusal(raw, 100);
  if (bad) return refused(bad);
  return accepted(tidy(raw as string).replace(/\s+/g, ' ').toUpperCase());
}

const ISSUING_COUNTRY = /^[A-Z]{2}$/;

/**
 * A document number with its issuing country: `NL:NX12AB345` — uppercase, separators (space,
 * ".", "/", "-") removed, letters and digits only. The country is required: the same number
 * from two countries is two documents.
 */
export function normaliseDocument(raw: unknown, context: { country?: string } = {}): Normalised {
  const bad = commonRefusal(raw, 40);
  if (bad) return refused(bad);
  const country = (context.country ?? '').toUpperCase();
  if (!ISSUING_COUNTRY.test(country)) return refused('needs its issuing country (ISO 3166-1 alpha-2)');
  const number = tidy(raw as string).toUpperCase().replace(/[\s./-]+/g, '');
  if (!/^[A-Z0-9]{1,40}$/.test(number)) return refused('may contain only letters, digits and the separators " ", ".", "/", "-"');
  return accepted(`${country}:${number}`);
}
