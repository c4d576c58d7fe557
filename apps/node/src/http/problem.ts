// RFC 9457 problem details: the one error format of the node's HTTP API (docs/api.md).
import { STATUS_CODES } from 'http';
import { HttpException } from '@nestjs/common';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
/** Problem types are URNs: stable identifiers, documented in docs/api.md, not links to follow. */
export const PROBLEM_TYPE_PREFIX = 'urn:liaison:problem:';

/** One problem with the input: `field` names a JSON pointer into the body, a query parameter, a path parameter or a header. */
export interface ProblemField {
  field: string;
  message: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  /** Stable machine-readable code (the last segment of `type`). */
  code: string;
  /** What was wrong with the input, one entry per field (empty when no field is to blame). */
  errors: ProblemField[];
  [extension: string]: unknown;
}

/** Titles per code: the same for every occurrence of the type (RFC 9457 §3.1.3). */
const TITLES: Record<string, string> = {
  invalid_request: 'The request is invalid',
  invalid_json: 'The body is not valid JSON',
  unsupported_media_type: 'The body has a media type this API does not take',
  payload_too_large: 'The body is too large',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  illegal_transition: 'The notice is not in a state that allows this',
  handling_restriction: 'The handling code forbids this',
  busy: 'The node is busy',
  not_ready: 'The node is not ready',
  not_checkpointed: 'The range is not yet covered by a cosigned checkpoint',
  idempotency_key_in_use: 'A request with this Idempotency-Key is still being processed',
  idempotency_key_reused: 'This Idempotency-Key was used for a different request',
  internal_error: 'Internal error',
};

/** Status → code for errors raised without one (Nest's own 404, a bare HttpException). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  503: 'unavailable',
};

export function codeForStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'error');
}

export function problem(status: number, code: string, detail: string, extensions: { errors?: ProblemField[]; [k: string]: unknown } = {}): ProblemDetails {
  const { errors, ...rest } = extensions;
  return {
    type: `${PROBLEM_TYPE_PREFIX}${code}`,
    title: TITLES[code] ?? STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    errors: errors ?? [],
    ...rest,
  };
}

/**
 * An API refusal already in problem form. `headers` go out with it (Retry-After, WWW-Authenticate).
 * The filter writes it as it is; any other exception is mapped (see problem.filter.ts).
 */
export class ProblemException extends HttpException {
  constructor(
    readonly problem: ProblemDetails,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem, problem.status);
  }
}

export const invalid = (errors: ProblemField[]): ProblemException =>
  new ProblemException(problem(400, 'invalid_request', errors.map((f) => `${f.field} ${f.message}`).join('; '), { errors }));

/** A refusal naming one field: a query or path parameter, or a header. */
export const invalidField = (field: string, message: string): ProblemException => invalid([{ field, message }]);
