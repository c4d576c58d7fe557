import type { FieldError } from '@liaison/notices';
import { invalid, problem, ProblemException } from '../http/problem';

/** API refusals as RFC 9457 problems: a stable `code`, a detail naming what was wrong, never notice content. */
export const refuse = {
  invalid: (fields: FieldError[]) => invalid(fields),
  notFound: (what: string) => new ProblemException(problem(404, 'not_found', `${what} not found`)),
  illegalTransition: (message: string) => new ProblemException(problem(409, 'illegal_transition', message)),
  handling: (message: string) => new ProblemException(problem(403, 'handling_restriction', message)),
  busy: (pending: number) =>
    new ProblemException(problem(503, 'busy', `${pending} notices are waiting to be written; retry shortly (nothing was written)`, { retryAfterSeconds: 1 }), { 'Retry-After': '1' }),
};
