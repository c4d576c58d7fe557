/**
 * Lists of selectors as notices carry them, and the terms a notice is matched and searched by.
 */
import { normaliseDateOfBirth, normaliseDocument, normaliseFullName, normaliseName } from './identifiers';
import { defaultSelectorKinds, indexTerm, MAX_SELECTORS, type SelectorKindRegistry } from './registry';

/** One selector as written in a notice body. */
export interface Selector {
  kind: string;
  value: string;
  /** Usernames: the platform (`telegram`, `x`, …). */
  platform?: string;
  /** Phone numbers written without their country code: the country to read them in. */
  country?: string;
}

export interface NormalisedSelector {
  kind: string;
  /** The normalised value (usernames: `<platform>:<name>`). */
  value: string;
  /** Index of the selector in its list. */
  index: number;
}

/** A problem with one selector: `field` is a JSON pointer (the caller's prefix + `/<index>/value`). */
export interface SelectorProblem {
  field: string;
  message: string;
}

export type SelectorsResult = { ok: true; selectors: NormalisedSelector[] } | { ok: false; errors: SelectorProblem[] };

/**
 * Normalises a list of selectors; every refusal names its place (`/body/selectors/3/value`).
 * A list longer than MAX_SELECTORS is refused as a whole before any item is read; two items
 * that normalise to the same value are refused (the second names the first). At most
 * `maxErrors` problems are reported.
 */
export function normaliseSelectorList(list: unknown, at = '/selectors', options: { maxErrors?: number; registry?: SelectorKindRegistry } = {}): SelectorsResult {
  const registry = options.registry ?? defaultSelectorKinds;
  const maxErrors = options.maxErrors ?? 50;
  if (!Array.isArray(list)) return { ok: false, errors: [{ field: at, message: 'must be a list of selectors' }] };
  if (list.length > MAX_SELECTORS) return { ok: false, errors: [{ field: at, message: `must have at most ${MAX_SELECTORS} selectors (has ${list.length})` }] };
  const errors: SelectorProblem[] = [];
  const selectors: NormalisedSelector[] = [];
  const seen = new Map<string, number>();
  const listable = new Set(registry.listable());
  for (let index = 0; index < list.length && errors.length < maxErrors; index++) {
    const item = list[index] as Partial<Selector> | null;
    const place = `${at}/${index}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      errors.push({ field: place, message: 'must be an object {kind, value}' });
      continue;
    }
    if (typeof item.kind !== 'string' || !listable.has(item.kind)) {
      errors.push({ field: `${place}/kind`, message: `must be one of: ${[...listable].join(', ')}` });
      continue;
    }
    const result = registry.normalise(item.kind, item.value, { platform: item.platform, country: item.country });
    if (!result.ok) {
      errors.push({ field: item.kind === 'username' && normaliseFailsOnPlatform(result.message) ? `${place}/platform` : `${place}/value`, message: result.message });
      continue;
    }
    const key = indexTerm(item.kind, result.value);
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({ field: `${place}/value`, message: `is the same ${item.kind} as ${at}/${first} once normalised` });
      continue;
    }
    seen.set(key, index);
    selectors.push({ kind: item.kind, value: result.value, index });
  }
  return errors.length ? { ok: false, errors } : { ok: true, selectors };
}

function normaliseFailsOnPlatform(message: string): boolean {
  return message.startsWith('needs its platform');
}

/** The person fields the terms are taken from (queries' subjects, reports' subjects, hit details). */
export interface SubjectLike {
  names?: { given?: string; family?: string };
  aliases?: { given?: string; family?: string }[];
  date_of_birth?: string;
  identity_documents?: { number?: string; issuing_country?: string }[];
}

/** A normalised term: what it is, and whether a match on it alone is a correlation worth showing. */
export interface Term {
  kind: string;
  value: string;
  /** Strong enough to correlate two notices (a selector, a document, a name with its date of birth); else search only. */
  correlates: boolean;
}

/**
 * The terms of one person: each name and alias (`name`, search only), the date of birth
 * (search only), each name with the date of birth (`person`, correlates) and each document
 * (`document`, correlates). Values that do not normalise are left out (the schema checked them).
 */
export function subjectTerms(subject: SubjectLike): Term[] {
  const terms: Term[] = [];
  const dob = subject.date_of_birth === undefined ? null : normaliseDateOfBirth(subject.date_of_birth);
  for (const name of [subject.names, ...(subject.aliases ?? [])]) {
    if (!name) continue;
    const full = normaliseFullName(name);
    if (full === null) continue;
    terms.push({ kind: 'name', value: full, correlates: false });
    const family = name.family === undefined ? null : normaliseName(name.family);
    if (family?.ok && family.value !== full) terms.push({ kind: 'name', value: family.value, correlates: false });
    if (dob?.ok) terms.push({ kind: 'person', value: `${full}|${dob.value}`, correlates: true });
  }
  if (dob?.ok) terms.push({ kind: 'date_of_birth', value: dob.value, correlates: false });
  for (const document of subject.identity_documents ?? []) {
    const normalised = normaliseDocument(document.number, { country: document.issuing_country });
    if (normalised.ok) terms.push({ kind: 'document', value: normalised.value, correlates: true });
  }
  return dedupeTerms(terms);
}

/** The terms of a list of selectors already normalised: every selector correlates. */
export function selectorTerms(selectors: readonly NormalisedSelector[]): Term[] {
  return selectors.map((s) => ({ kind: s.kind, value: s.value, correlates: true }));
}

export function dedupeTerms(terms: readonly Term[]): Term[] {
  const seen = new Map<string, Term>();
  for (const t of terms) {
    const key = indexTerm(t.kind, t.value);
    const before = seen.get(key);
    if (!before || (!before.correlates && t.correlates)) seen.set(key, t);
  }
  return [...seen.values()];
}
