import { BadRequestException, ConflictException, ForbiddenException, InternalServerErrorException, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { ContentAlteredError, ContentBinding, ContentCipher } from './content-cipher';
import type { FieldError } from '@liaison/notices';

/** API refusals: a stable `error` code, a message naming what was wrong, never notice content. */
export const refuse = {
  invalid: (fields: FieldError[]) =>
    new BadRequestException({ error: 'invalid_request', message: fields.map((f) => `${f.field} ${f.message}`).join('; '), fields }),
  notFound: (what: string) => new NotFoundException({ error: 'not_found', message: `${what} not found` }),
  illegalTransition: (message: string) => new ConflictException({ error: 'illegal_transition', message }),
  /** Message ids are chosen by senders: two agencies may have used the same one. */
  ambiguous: (id: string, senders: string[]) =>
    new ConflictException({ error: 'ambiguous_id', message: `notice ${id} was received from ${senders.join(', ')}: add ?sender=<agency> to say which` }),
  handling: (message: string) => new ForbiddenException({ error: 'handling_restriction', message }),
  /** Integrity, not a client error: the stored notice was changed outside the node (see ContentCipher). */
  altered: (id: string) =>
    new InternalServerErrorException({ error: 'stored_content_altered', message: `notice ${id}: its stored content does not match its metadata; it was changed outside the node (the ledger keeps the original digest)` }),
  /** The node fails closed past its directory's expiry (decision 0008): nothing can be sealed until a fresh one arrives. */
  trustUnavailable: () =>
    new ServiceUnavailableException({ error: 'directory_expired', message: 'this node holds no valid federation directory (expired or missing): nothing can be sent until a fresh one arrives; nothing was written', retryAfterSeconds: 60 }),
  busy: (pending: number) =>
    new ServiceUnavailableException({ error: 'busy', message: `${pending} notices are waiting to be written; retry shortly (nothing was written)`, retryAfterSeconds: 1 }),
};

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
