import { Logger } from '@nestjs/common';
import { TrustStore, encryptionKeyFor } from '@liaison/envelope';
import { isAgencyCode } from '@liaison/ids';
import type { FieldError } from '@liaison/notices';
import { ContentAlteredError, ContentBinding, ContentCipher } from './content-cipher';
import { invalid, problem, ProblemDetails, ProblemException } from '../http/problem';
import { describeFailure, isInfrastructureError } from '../persistence/errors';

/** API refusals as RFC 9457 problems: a stable `code`, a detail naming what was wrong, never notice content. */
export const refuse = {
  invalid: (fields: FieldError[]) => invalid(fields),
  notFound: (what: string) => new ProblemException(problem(404, 'not_found', `${what} not found`)),
  illegalTransition: (message: string) => new ProblemException(problem(409, 'illegal_transition', message)),
  handling: (message: string) => new ProblemException(problem(403, 'handling_restriction', message)),
  /** Message ids are chosen by senders: two agencies may have used the same one. */
  ambiguous: (id: string, senders: string[]) =>
    new ProblemException(problem(409, 'ambiguous_id', `notice ${id} was received from ${senders.join(', ')}: add ?sender=<agency> to say which`)),
  /** Integrity, not a client error: the stored notice was changed outside the node (see ContentCipher). */
  altered: (id: string) =>
    new ProblemException(problem(500, 'stored_content_altered', `notice ${id}: its stored content does not match its metadata; it was changed outside the node (the ledger keeps the original digest)`)),
  /** The node fails closed past its directory's expiry (decision 0008): nothing can be sealed until a fresh one arrives. */
  trustUnavailable: () =>
    new ProblemException(problem(503, 'directory_expired', 'this node holds no valid federation directory (expired or missing): nothing can be sent until a fresh one arrives; nothing was written', { retryAfterSeconds: 60 }), { 'Retry-After': '60' }),
  busy: (pending: number) =>
    new ProblemException(problem(503, 'busy', `${pending} notices are waiting to be written; retry shortly (nothing was written)`, { retryAfterSeconds: 1 }), { 'Retry-After': '1' }),
};

/**
 * Why one notice of a batch send was not written, as a problem for that notice only: the
 * database's unavailability says so (retry it), anything else says nothing of its cause.
 */
export function writeFailure(error: unknown): ProblemDetails {
  if (isInfrastructureError(error)) return problem(503, 'unavailable', 'the database was unavailable; this notice was not written, send it again', { retryAfterSeconds: 1 });
  new Logger('Notices').error(`a notice of a batch send could not be written (${describeFailure(error)})`);
  return problem(500, 'internal_error', 'this notice could not be written; nothing of it was sent');
}

/** Every agency named must have a valid encryption key in the current directory (else 400 naming each), and the directory must be valid (else 503). */
export function requireReachable(trust: TrustStore, agencies: readonly string[], field: string, now: Date): void {
  if (trust.status().expired) throw refuse.trustUnavailable();
  const directory = trust.current();
  const errors: FieldError[] = agencies.flatMap((agency, i) =>
    encryptionKeyFor(directory, agency, now) ? [] : [{ field: `${field}/${i}`, message: `${agency} is not an agency with a valid key in the federation directory` }],
  );
  if (errors.length) throw refuse.invalid(errors);
}

/** The `?sender=` that picks one of several inbound notices sharing an id: absent, or an agency code. */
export function requireSenderParam(sender: string | undefined): void {
  if (sender !== undefined && !isAgencyCode(sender)) throw refuse.invalid([{ field: 'sender', message: 'must be an agency code' }]);
}

const integrity = new Logger('Integrity');

/** A stored body for the API: an altered row answers 500 stored_content_altered and raises an alert (ids only). */
export function openStoredBody(cipher: ContentCipher, notice: ContentBinding & { content: Buffer }): unknown {
  try {
    return cipher.open(notice, notice.content);
  } catch (error) {
    if (!(error instanceof ContentAlteredError)) throw error;
    integrity.error(`NOTICE INTEGRITY ALERT: stored notice ${notice.sender}/${notice.id} does not open under its metadata`);
    throw refuse.altered(notice.id);
  }
}
