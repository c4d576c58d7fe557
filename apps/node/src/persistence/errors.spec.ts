import { batchFailureReason, DependencyUnavailableError, describeFailure, isInfrastructureError, mustRetryBatch } from './errors';

describe('database failure classes', () => {
  it('retries connection, shutdown, deadlock and resource failures', () => {
    for (const code of ['08006', '57P01', '40P01', '53300', 'XX000', 'ECONNREFUSED']) expect(isInfrastructureError({ code })).toBe(true);
    expect(isInfrastructureError({ driverError: { code: '08001' } })).toBe(true);
    expect(isInfrastructureError(new Error('Connection terminated unexpectedly'))).toBe(true);
  });

  it('does not retry what the data caused: constraint violations, bad input, code errors', () => {
    for (const code of ['23505', '22P02', '23503']) expect(isInfrastructureError({ code })).toBe(false);
    expect(isInfrastructureError(new TypeError('x is undefined'))).toBe(false);
  });

  it('describes a failure without the values of the statement', () => {
    const error = Object.assign(new Error('invalid input syntax for type uuid: "secret-value"'), { code: '22P02', constraint: undefined });
    expect(describeFailure(error)).toBe('Error, 22P02');
    expect(describeFailure({ driverError: { code: '23505', constraint: 'notice_pkey' } })).toBe('object, 23505, constraint notice_pkey');
  });

  it('makes a batch wait, named by what failed, when the database or a dependency fails, never for a message of its own', () => {
    const ledger = new DependencyUnavailableError('ledger_damaged', 'ledger damaged, append refused');
    expect([mustRetryBatch(ledger), batchFailureReason(ledger)]).toEqual([true, 'ledger_damaged']);
    expect([mustRetryBatch({ code: '08006' }), batchFailureReason({ code: '08006' })]).toEqual([true, 'database']);
    expect([mustRetryBatch({ code: '23505' }), batchFailureReason(new TypeError('x'))]).toEqual([false, 'unexpected']);
  });
});
