/**
 * The terms a stored notice is matched (correlation) and searched by, from its validated body:
 * subjects' names, dates of birth and documents, selectors, the case references. The
 * node hashes each under its blind-index key; nothing here is stored in plaintext.
 */
import { dedupeTerms, normaliseSelector, normaliseSelectorList, selectorTerms, subjectTerms, type SubjectLike, type Term } from '@liaison/selectors';

type Body = Record<string, unknown>;

function reference(kind: 'case_reference', value: unknown): Term[] {
  if (value === undefined) return [];
  const normalised = normaliseSelector(kind, value);
  return normalised.ok ? [{ kind, value: normalised.value, correlates: false }] : [];
}

function listed(selectors: unknown): Term[] {
  if (selectors === undefined) return [];
  const result = normaliseSelectorList(selectors);
  return result.ok ? selectorTerms(result.selectors) : [];
}

/** A hit's matched identity lists several names: each with the date of birth and documents. */
function identityTerms(identity: { names?: SubjectLike['names'][]; date_of_birth?: string; identity_documents?: SubjectLike['identity_documents'] } | undefined): Term[] {
  if (!identity) return [];
  const [first, ...aliases] = identity.names ?? [];
  return subjectTerms({ names: first, aliases: aliases as NonNullable<SubjectLike['aliases']>, date_of_birth: identity.date_of_birth, identity_documents: identity.identity_documents });
}

/**
 * Every term of a notice body of this kind (kinds without people or selectors give none), and the
 * reference of the case its envelope's `case` claim names (decision 0023), so a search by case
 * reference finds the case's notices whatever their bodies say.
 */
export function noticeTerms(kind: string, body: unknown, caseReference?: string | null): Term[] {
  const claimed = caseReference ? reference('case_reference', caseReference) : [];
  if (body === null || typeof body !== 'object') return claimed;
  const b = body as Body;
  const terms: Term[] = [...claimed, ...reference('case_reference', b.case_reference), ...listed(b.selectors)];
  if (kind === 'response') {
    const details = (b.details ?? {}) as { identity?: Parameters<typeof identityTerms>[0]; subject?: SubjectLike };
    terms.push(...identityTerms(details.identity), ...subjectTerms(details.subject ?? {}));
  } else if (Array.isArray(b.subjects)) {
    for (const subject of b.subjects as SubjectLike[]) terms.push(...subjectTerms(subject));
  } else {
    terms.push(...subjectTerms(b as SubjectLike));
  }
  return dedupeTerms(terms);
}
