/**
 * What an officer needs to tell one row of an inbox from the next without opening it: the case
 * reference and who the query is about. Derived from the (already validated) body; never logged.
 */
export interface NoticeSummary {
  caseReference: string | null;
  /** The person's name, else a document, else "photo only"; null when the body names no subject. */
  subject: string | null;
}

type Name = { given?: string; family?: string };
type Document = { type?: string; number?: string; issuing_country?: string };

export function summarizeNotice(body: unknown): NoticeSummary {
  const b = (typeof body === 'object' && body !== null ? body : {}) as {
    case_reference?: unknown;
    names?: Name;
    identity_documents?: Document[];
    photo?: unknown;
    subjects?: { names?: Name; identity_documents?: Document[]; photo?: unknown }[];
  };
  // A report names its subjects in a list: the first stands for the report in the inbox.
  if (Array.isArray(b.subjects) && b.subjects.length > 0) return summarizeNotice({ case_reference: b.case_reference, ...b.subjects[0] });
  const caseReference = typeof b.case_reference === 'string' ? b.case_reference : null;
  const name = [b.names?.given, b.names?.family].filter((p): p is string => typeof p === 'string').join(' ');
  const document = Array.isArray(b.identity_documents) ? b.identity_documents[0] : undefined;
  const subject =
    name !== ''
      ? name
      : document?.number
        ? `${(document.type ?? 'document').replace(/_/g, ' ')} ${document.number}${document.issuing_country ? ` (${document.issuing_country})` : ''}`
        : b.photo
          ? 'photo only'
          : null;
  return { caseReference, subject };
}
