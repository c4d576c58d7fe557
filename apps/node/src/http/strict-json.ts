// The API's JSON body parser: well-formed UTF-8 only (no silent U+FFFD replacement) and no
// duplicate member names (JSON.parse keeps the last, so two readers of one body could disagree).
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

/**
 * The JSON pointer of the first member whose name repeats within one object, or null. Scans the
 * text once, iteratively (deeply nested input cannot overflow the stack); text that is not JSON is
 * left to JSON.parse to refuse.
 */
export function duplicateMember(text: string): string | null {
  interface Frame {
    object: boolean;
    names: Set<string>;
    path: string;
    index: number;
    expectName: boolean;
    last?: string;
  }
  const stack: Frame[] = [];
  const pointer = (f: Frame | undefined) => (f ? `${f.path}/${f.object ? (f.last ?? '').replace(/~/g, '~0').replace(/\//g, '~1') : String(f.index)}` : '');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (top?.object && top.expectName) {
        let name: string;
        try {
          name = JSON.parse(text.slice(i, j + 1)) as string; // "\u0061" and "a" are the same name
        } catch {
          return null;
        }
        if (top.names.has(name)) return `${top.path}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        top.names.add(name);
        top.last = name;
        top.expectName = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      stack.push({ object: c === '{', names: new Set(), path: pointer(top), index: 0, expectName: c === '{' });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',' && top) {
      if (top.object) top.expectName = true;
      else top.index++;
    }
  }
  return null;
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
