import { BadRequestException, ConflictException, ForbiddenException, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
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
  busy: (pending: number) =>
    new ServiceUnavailableException({ error: 'busy', message: `${pending} notices are waiting to be written; retry shortly (nothing was written)`, retryAfterSeconds: 1 }),
};
