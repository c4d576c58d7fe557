import { applyDecorators, CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import { catchError, from, mergeMap, Observable, of, throwError } from 'rxjs';
import { PRINCIPAL_KEY, type Principal } from '@liaison/auth';
import { invalidField, problem, ProblemException } from '../http/problem';
import type { RawBodyRequest } from '../http/strict-json';
import { Clock } from '../tokens';
import { IDEMPOTENCY_HEADER, MAX_KEY_LENGTH, parseIdempotencyKey, requestFingerprint } from './idempotency-key';
import { IdempotencyRepository } from './idempotency.repository';

export const IDEMPOTENCY_TTL = Symbol('IdempotencyTtlSeconds');

interface Request extends RawBodyRequest {
  method: string;
  originalUrl: string;
  headers: Record<string, string | string[] | undefined>;
  [PRINCIPAL_KEY]?: Principal;
}

/**
 * A retry with the same key (same principal, same request) gets the first answer and does
 * nothing again; the same key for another request → 422; while the first is in flight → 409.
 * Only successes are kept: a refused or failed attempt wrote nothing, so its key is released.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly store: IdempotencyRepository,
    private readonly reflector: Reflector,
    private readonly clock: Clock,
    @Inject(IDEMPOTENCY_TTL) private readonly ttlSeconds: number,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<{ setHeader(name: string, value: string): void }>();
    const header = req.headers[IDEMPOTENCY_HEADER.toLowerCase()];
    if (header === undefined) return next.handle();
    const key = parseIdempotencyKey(header);
    if (key === null) throw invalidField(IDEMPOTENCY_HEADER, `must be a string of 1 to ${MAX_KEY_LENGTH} characters, e.g. "8e03978e-40d5-43e8-bc93-6894a57f9324"`);
    const subject = req[PRINCIPAL_KEY]?.subject ?? '';
    const status = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? 201;
    const now = this.clock.now();
    const fingerprint = requestFingerprint(req.method, req.originalUrl, req.rawBody);
    return from(this.store.claim(subject, key, fingerprint, now, new Date(now.getTime() + this.ttlSeconds * 1000))).pipe(
      mergeMap((claim) => {
        switch (claim.state) {
          case 'done':
            res.setHeader('Idempotent-Replayed', 'true');
            return of(JSON.parse(claim.body) as unknown);
          case 'mismatch':
            throw new ProblemException(problem(422, 'idempotency_key_reused', `this ${IDEMPOTENCY_HEADER} was used for a different request; use a new key for a new request`));
          case 'in_flight':
            throw new ProblemException(problem(409, 'idempotency_key_in_use', `a request with this ${IDEMPOTENCY_HEADER} is still being processed; retry shortly`, { retryAfterSeconds: 1 }), {
              'Retry-After': '1',
            });
          case 'new':
            return next.handle().pipe(
              mergeMap(async (body: unknown) => {
                await this.store.complete(subject, key, status, JSON.stringify(body)).catch((error: unknown) => {
                  // The action happened; its key stays "in flight" (409) until it expires rather than letting a retry act twice.
                  this.logger.warn(`answer for an idempotency key not recorded: ${(error as Error).message}`);
                });
                return body;
              }),
              catchError((error: unknown) => from(this.store.release(subject, key).catch(() => undefined)).pipe(mergeMap(() => throwError(() => error)))),
            );
        }
      }),
    );
  }
}

/** The route acts (creates or changes something): it takes an Idempotency-Key (docs/api.md). */
export const Idempotent = () =>
  applyDecorators(
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: IDEMPOTENCY_HEADER,
      required: false,
      description:
        'A key of your choosing (a UUID is a good one) so that a retry does not act twice: a repeat with the same key and the same request gets the first answer (header Idempotent-Replayed: true); the same key for a different request is refused with 422; a repeat while the first is still being processed with 409. Keys are kept 24 hours by default.',
      schema: { type: 'string', minLength: 1, maxLength: MAX_KEY_LENGTH, example: '"8e03978e-40d5-43e8-bc93-6894a57f9324"' },
    }),
  );
