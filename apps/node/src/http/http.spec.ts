import { HttpException, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { ProblemFilter, toProblem } from './problem.filter';
import { queryErrors } from './request-shape';
import { bodyProblem } from './strict-json';
import { parseIdempotencyKey, requestFingerprint } from '../idempotency/idempotency-key';

describe('bodyProblem', () => {
  it('maps body-parser refusals to problems', () => {
    expect(bodyProblem({ type: 'entity.too.large' })).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(bodyProblem({ type: 'entity.parse.failed' })).toMatchObject({ status: 400, code: 'invalid_json', errors: [{ field: 'body' }] });
    expect(bodyProblem({ type: 'encoding.unsupported' })).toMatchObject({ status: 415 });
  });
});

describe('toProblem', () => {
  it("turns Nest's own and older error bodies into problems", () => {
    expect(toProblem(new NotFoundException('Cannot GET /x'))).toMatchObject({ status: 404, code: 'not_found', detail: 'Cannot GET /x', type: 'urn:liaison:problem:not_found' });
    expect(toProblem(new UnauthorizedException({ reason: 'expired', message: 'the token has expired' }))).toMatchObject({ status: 401, code: 'expired', detail: 'the token has expired' });
    expect(toProblem(new HttpException({ field: 'limit', message: 'limit must be at least 1' }, 400))).toMatchObject({ errors: [{ field: 'limit', message: 'limit must be at least 1' }] });
  });
});

describe('queryErrors', () => {
  it('refuses unknown and repeated parameters, naming them', () => {
    expect(queryErrors({ limit: '1' }, ['limit'])).toEqual([]);
    expect(queryErrors({ '__proto__[limit]': '1000' }, ['limit'])).toEqual([{ field: '__proto__[limit]', message: expect.stringMatching(/not a query parameter.*limit/) }]);
    expect(queryErrors({ limit: ['1', '2'] }, ['limit'])).toEqual([{ field: 'limit', message: 'must be given once, as a single value' }]);
    expect(queryErrors({ x: '1' }, [])).toEqual([{ field: 'x', message: expect.stringMatching(/takes none/) }]);
  });
});

describe('parseIdempotencyKey', () => {
  it.each([
    ['"8e03978e-40d5-43e8-bc93-6894a57f9324"', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['8e03978e-40d5-43e8-bc93-6894a57f9324', '8e03978e-40d5-43e8-bc93-6894a57f9324'],
    ['"with \\"quote\\""', 'with "quote"'],
    ['""', null],
    ['"open', null],
    ['two words', null],
    [`"${'k'.repeat(256)}"`, null],
    [['a', 'b'], null],
  ])('%j → %j', (header, expected) => {
    expect(parseIdempotencyKey(header as string)).toBe(expected);
  });

  it('fingerprints method, target and body bytes', () => {
    const a = requestFingerprint('POST', '/notices', Buffer.from('{}'));
    expect(requestFingerprint('POST', '/notices', Buffer.from('{}'))).toEqual(a);
    expect(requestFingerprint('POST', '/notices', Buffer.from('{ }'))).not.toEqual(a);
    expect(requestFingerprint('POST', '/inbox', Buffer.from('{}'))).not.toEqual(a);
  });
});

describe('ProblemFilter', () => {
  function answer(exception: unknown) {
    const headers: Record<string, string> = {};
    const res = { headersSent: false, statusCode: 0, body: '', setHeader: (n: string, v: string) => (headers[n] = v), end: (b: string) => (res.body = b) };
    const host = { switchToHttp: () => ({ getRequest: () => ({ method: 'GET', originalUrl: '/notices?limit=<script>' }), getResponse: () => res }) };
    new ProblemFilter().catch(exception, host as never);
    return { status: res.statusCode, headers, body: JSON.parse(res.body) };
  }

  it('answers an unexpected error with a 500 problem that says nothing of the cause', () => {
    const r = answer(new Error('invalid input syntax for type uuid: "secret"'));
    expect(r.status).toBe(500);
    expect(r.headers['Content-Type']).toBe('application/problem+json; charset=utf-8');
    expect(r.body).toMatchObject({ status: 500, code: 'internal_error', instance: '/notices' });
    expect(JSON.stringify(r.body)).not.toMatch(/uuid|secret/);
  });

  it('writes the instance without the query string', () => {
    expect(answer(new NotFoundException()).body.instance).toBe('/notices');
  });
});
