// What casework does, decided by plain functions: the terms a notice is indexed by, the terms a
// search asks for, how a correlation reads. No database, no clock, no key here.
import { FieldError, noticeTerms } from '@liaison/notices';
import { isCaseEventKind } from '@liaison/cases';
import { normaliseSelector, type Term } from '@liaison/selectors';
import type { CorrelatedRow, NoticeKey, TermRow } from './casework.repository';

/** The index rows of one notice (with the reference of the case it names): each term hashed by `hash` (the blind index). */
export function indexRowsOf(key: NoticeKey, kind: string, body: unknown, caseReference: string | null, hash: (kind: string, value: string) => Buffer): TermRow[] {
  // Membership events name their case too, but are not what a search by case reference looks for.
  return noticeTerms(kind, body, isCaseEventKind(kind) ? null : caseReference).map((t) => ({ term: hash(t.kind, t.value), noticeSender: key.sender, noticeId: key.id, termKind: t.kind, correlates: t.correlates }));
}

/** The search's query parameters (GET /search). */
export const SEARCH_PARAMS = ['case_reference', 'name', 'date_of_birth', 'document', 'document_country', 'selector', 'selector_kind', 'platform', 'country', 'limit'] as const;
export const MAX_SEARCH_RESULTS = 100;

export type SearchRequest = { terms: Pick<Term, 'kind' | 'value'>[]; limit: number };

/**
 * Turns the search parameters into normalised terms (all must match). Every refusal names its
 * parameter; at least one criterion is required; values are never echoed.
 */
export function parseSearch(query: Record<string, unknown>): { ok: true; value: SearchRequest } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const terms: SearchRequest['terms'] = [];
  const text = (name: string): string | undefined => {
    const v = query[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') {
      errors.push({ field: name, message: 'must be a non-empty text' });
      return undefined;
    }
    return v;
  };
  const add = (param: string, kind: string, value: string | undefined, context: { platform?: string; country?: string } = {}) => {
    if (value === undefined) return;
    const normalised = normaliseSelector(kind, value, context);
    if (normalised.ok) terms.push({ kind, value: normalised.value });
    else errors.push({ field: param, message: normalised.message });
  };
  add('case_reference', 'case_reference', text('case_reference'));
  add('name', 'name', text('name'));
  add('date_of_birth', 'date_of_birth', text('date_of_birth'));
  const document = text('document');
  const documentCountry = text('document_country');
  if (document !== undefined && documentCountry === undefined) errors.push({ field: 'document_country', message: 'is required with document' });
  else add('document', 'document', document, { country: documentCountry });
  const selector = text('selector');
  const selectorKind = text('selector_kind');
  if (selector !== undefined) {
    if (selectorKind === undefined) errors.push({ field: 'selector_kind', message: 'is required with selector' });
    else if (!['phone', 'email', 'url', 'username'].includes(selectorKind)) errors.push({ field: 'selector_kind', message: 'must be one of: phone, email, url, username' });
    else add('selector', selectorKind, selector, { platform: text('platform'), country: text('country') });
  }
  const rawLimit = text('limit') ?? '50';
  const limit = /^\d{1,3}$/.test(rawLimit) ? Number(rawLimit) : NaN;
  if (!(limit >= 1 && limit <= MAX_SEARCH_RESULTS)) errors.push({ field: 'limit', message: `must be from 1 to ${MAX_SEARCH_RESULTS}` });
  if (errors.length === 0 && terms.length === 0) errors.push({ field: 'query', message: 'name at least one of case_reference, name, date_of_birth, document, selector' });
  return errors.length ? { ok: false, errors } : { ok: true, value: { terms, limit } };
}

/** What each term kind is called when a correlation is shown. */
const TERM_LABELS: Record<string, string> = {
  phone: 'phone number', email: 'e-mail address', url: 'URL', username: 'username', document: 'document number', person: 'name and date of birth',
};

export interface CorrelationView {
  id: string;
  sender: string;
  direction: 'outbound' | 'inbound';
  kind: string;
  issuedAt: string;
  /** The kinds of the terms both notices hold (`phone`, `document`, …). */
  shared: string[];
  /** The case its envelope names (decision 0023), else null. */
  case: string | null;
  /** That case's reference; for a notice of no case, the case reference its body gives. */
  caseReference: string | null;
  /** One line for officers: "phone number also in intelligence-report from NL (case NL-2026-0042), 3 days ago". */
  text: string;
}

function ago(from: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - from.getTime()) / 60_000));
  if (minutes < 60) return minutes <= 1 ? 'just now' : `${minutes} minutes ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/**
 * A correlated notice as officers see it: metadata, the kinds shared, and its case reference: the
 * reference of the case its envelope names, else the one its sealed body gives (`bodyReference`).
 */
export function correlationView(row: CorrelatedRow, bodyReference: string | null, me: string, now: Date): CorrelationView {
  const caseReference = row.caseReference ?? bodyReference;
  const what = row.termKinds.map((k) => TERM_LABELS[k] ?? k).join(', ');
  const party = row.direction === 'inbound' ? `from ${row.sender}` : `sent by ${me} to ${row.recipients.join(', ')}`;
  const inCase = caseReference ? ` (case ${caseReference})` : '';
  return {
    id: row.id, sender: row.sender, direction: row.direction, kind: row.kind, issuedAt: row.issuedAt.toISOString(), shared: row.termKinds, case: row.caseId, caseReference,
    text: `${what} also in ${row.kind} ${party}${inCase}, ${ago(row.issuedAt, now)}`,
  };
}
