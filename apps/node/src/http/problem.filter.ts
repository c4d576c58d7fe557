// Every exception that reaches the HTTP layer leaves as application/problem+json: our refusals,
// Nest's own 404s, the auth guard's 401/403/503, and unexpected errors (a 500 that says nothing
// about the cause; the cause goes to the log).
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import { STATUS_CODES } from 'http';
import { codeForStatus, PROBLEM_CONTENT_TYPE, problem, ProblemDetails, ProblemException, ProblemField } from './problem';

export interface ProblemResponse {
  headersSent: boolean;
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body: string): unknown;
}

/** Longest `instance` written back (the path is client input). */
const MAX_INSTANCE = 256;
const CODE = /^[a-z][a-z0-9_]{0,63}$/;
/** Members of older error bodies that stay as problem extensions. */
const KEPT_EXTENSIONS = ['retryAfterSeconds', 'checks'] as const;

export function sendProblem(res: ProblemResponse, body: ProblemDetails, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.statusCode = body.status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (body.status === 503 && headers['Retry-After'] === undefined && typeof body.retryAfterSeconds === 'number') res.setHeader('Retry-After', String(body.retryAfterSeconds));
  res.setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(JSON.stringify(body));
}

/** The request path (never the query) as the occurrence's `instance`. */
export function instanceOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const path = url.split('?')[0];
  return path.length > MAX_INSTANCE ? `${path.slice(0, MAX_INSTANCE)}…` : path;
}

/** An HttpException raised without a problem body (Nest's, the auth library's, older code) in problem form. */
export function toProblem(error: HttpException): ProblemDetails {
  if (error instanceof ProblemException) return error.problem;
  const status = error.getStatus();
  const raw = error.getResponse();
  const body: Record<string, unknown> = typeof raw === 'string' ? { message: raw } : ((raw ?? {}) as Record<string, unknown>);
  const pick = (name: string) => (typeof body[name] === 'string' && CODE.test(body[name] as string) ? (body[name] as string) : undefined);
  const code = pick('code') ?? pick('reason') ?? pick('error') ?? codeForStatus(status);
  const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
  const detail = typeof body.detail === 'string' ? body.detail : typeof message === 'string' ? message : (STATUS_CODES[status] ?? 'error');
  const errors: ProblemField[] = Array.isArray(body.fields)
    ? (body.fields as ProblemField[])
    : typeof body.field === 'string'
      ? [{ field: body.field, message: detail }]
      : [];
  const extensions: Record<string, unknown> = { errors };
  for (const name of KEPT_EXTENSIONS) if (body[name] !== undefined) extensions[name] = body[name];
  return problem(status, code, detail, extensions);
}

/** The methods a documented path takes (from the OpenAPI document), for 405 + Allow. */
export type AllowedMethods = (path: string) => string[];

/** Nest's router answers a path it has no route for with exactly this. */
const NO_ROUTE = /^Cannot [A-Z]+ /;

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  constructor(private readonly allowedMethods: AllowedMethods = () => []) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<{ originalUrl?: string; url?: string; method?: string }>();
    const res = http.getResponse<ProblemResponse>();
    let body: ProblemDetails;
    let headers: Record<string, string> = {};
    const path = instanceOf(req.originalUrl ?? req.url);
    const allow = exception instanceof NotFoundException && NO_ROUTE.test(exception.message) && path ? this.allowedMethods(path) : [];
    if (allow.length > 0) {
      body = problem(405, 'method_not_allowed', `${path} takes ${allow.join(', ')}`);
      headers = { Allow: allow.join(', ') };
    } else if (exception instanceof HttpException) {
      body = toProblem(exception);
      if (exception instanceof ProblemException) headers = exception.headers;
    } else {
      // Only the error's class and message: its text must not reach the client.
      const e = exception as Error | undefined;
      this.logger.error(`${req.method ?? '?'} ${instanceOf(req.originalUrl ?? req.url) ?? ''} failed: ${e?.name ?? 'error'}: ${e?.message ?? String(exception)}`, e?.stack);
      body = problem(500, 'internal_error', 'the node could not complete the request; the cause is in its log');
    }
    sendProblem(res, { ...body, instance: path }, headers);
  }
}
