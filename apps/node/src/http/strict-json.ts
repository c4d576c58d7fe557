// The API's JSON body parser: well-formed UTF-8 only (no silent U+FFFD replacement) and no
// duplicate member names (JSON.parse keeps the last, so two readers of one body could disagree).
import { duplicateMember } from '@liaison/json';
import { problem, ProblemDetails } from './problem';
import { instanceOf, ProblemResponse, sendProblem } from './problem.filter';

/** Bodies are small JSON documents; anything larger is refused before it is parsed. */
export const MAX_BODY = '256kb';

class BodyRefusal extends Error {
  readonly status = 400;
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as received, kept for the Idempotency-Key fingerprint. */
export interface RawBodyRequest {
  rawBody?: Buffer;
}

function verify(req: RawBodyRequest, _res: unknown, buf: Buffer): void {
  req.rawBody = buf;
  let text: string;
  try {
    text = UTF8.decode(buf);
  } catch {
    throw new BodyRefusal('entity.invalid.utf8', 'the body is not well-formed UTF-8');
  }
  const repeated = duplicateMember(text);
  if (repeated !== null) throw new BodyRefusal('entity.duplicate.member', `the member ${repeated.slice(0, 80)} appears more than once in one object`);
}

/** body-parser's error (its `type`) as a problem. */
export function bodyProblem(error: { type?: string; status?: number; message?: string }): ProblemDetails {
  switch (error.type) {
    case 'entity.too.large':
      return problem(413, 'payload_too_large', `the body is larger than ${MAX_BODY}`);
    case 'entity.parse.failed':
      return problem(400, 'invalid_json', 'the body is not valid JSON', { errors: [{ field: 'body', message: 'is not valid JSON' }] });
    case 'entity.invalid.utf8':
    case 'entity.duplicate.member':
      return problem(400, 'invalid_json', error.message as string, { errors: [{ field: 'body', message: error.message as string }] });
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return problem(415, 'unsupported_media_type', 'the body must be JSON in UTF-8, without content encoding');
    default:
      return problem(error.status && error.status >= 400 && error.status < 500 ? error.status : 400, 'invalid_request', 'the body could not be read');
  }
}

/** Options for Nest's useBodyParser('json'): its typings omit `verify`, which body-parser honours. */
export const STRICT_JSON_OPTIONS = { limit: MAX_BODY, strict: true, inflate: false, verify } as const;

/** Express error middleware placed right after the parser: its refusals leave as problems too. */
export function bodyErrorHandler(error: unknown, req: { originalUrl?: string }, res: ProblemResponse, next: (error?: unknown) => void): void {
  const type = (error as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !/^(entity|charset|encoding|request)\./.test(type)) return next(error);
  sendProblem(res, { ...bodyProblem(error as never), instance: instanceOf(req.originalUrl) });
}
