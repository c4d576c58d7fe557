import { describeProblem, parseProblem } from './node-client';

describe('the error answers the CLI prints', () => {
  it('reads RFC 9457 problem details with field errors as an extension', () => {
    const problem = parseProblem(422, {
      type: 'about:blank',
      title: 'Invalid request',
      status: 422,
      detail: 'the notice is not valid',
      errors: [
        { field: '/recipients/0', message: 'must be an agency code' },
        { field: '/expiresAt', message: 'must be in the future' },
      ],
    });
    expect(problem).toEqual({
      status: 422,
      title: 'Invalid request',
      detail: 'the notice is not valid',
      errors: [
        { field: '/recipients/0', message: 'must be an agency code' },
        { field: '/expiresAt', message: 'must be in the future' },
      ],
    });
    expect(describeProblem(problem)).toBe('HTTP 422: Invalid request: the notice is not valid\n  /recipients/0: must be an agency code\n  /expiresAt: must be in the future');
  });

  it('reads the older {error, message, fields} and Nest {message, error, statusCode} shapes', () => {
    expect(describeProblem(parseProblem(409, { error: 'illegal_transition', message: 'notice is already ANSWERED' }))).toBe('HTTP 409: illegal_transition: notice is already ANSWERED');
    const old = parseProblem(400, { error: 'invalid_request', message: '/reason must not be blank', fields: [{ field: '/reason', message: 'must not be blank' }] });
    expect(old.errors).toEqual([{ field: '/reason', message: 'must not be blank' }]);
    expect(describeProblem(old)).toBe('HTTP 400: invalid_request\n  /reason: must not be blank');
    expect(describeProblem(parseProblem(400, { statusCode: 400, error: 'Bad Request', message: ['limit must be a number'] }))).toBe('HTTP 400: Bad Request: limit must be a number');
  });

  it('says what it can of an answer that is not JSON, and cuts long text', () => {
    expect(describeProblem(parseProblem(502, 'Bad Gateway'))).toBe('HTTP 502: Bad Gateway');
    expect(parseProblem(500, 'x'.repeat(2000)).detail).toHaveLength(500);
    expect(describeProblem(parseProblem(500, ''))).toBe('HTTP 500');
  });
});
