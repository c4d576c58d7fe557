import { checkpointCheck, directoryCheck, ledgerCheck, outboxCheck, readiness, witnessCheck } from './readiness';

const now = new Date('2026-12-01T12:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);
const FRESH = { expired: false, stale: false, expiresAt: '2026-12-31T00:00:00Z' };
const EXPIRED = { expired: true, stale: true, expiresAt: null };

describe('readiness', () => {
  it('is not ready only when a check is down, and names every reason', () => {
    expect(readiness({ database: { status: 'up' }, outbox: { status: 'warn', reason: 'x' } }).status).toBe('ready');
    expect(readiness({ database: { status: 'up' }, ledger: ledgerCheck([{ kind: 'missing', seq: 27 }]) })).toEqual({
      status: 'not ready',
      checks: { database: { status: 'up' }, ledger: { status: 'down', reason: 'ledger damaged: missing at 27 (GET /audit/integrity)' } },
    });
  });

  it('names at most three damages and counts the rest', () => {
    const damage = [1, 2, 3, 4, 5].map((seq) => ({ kind: 'edited', seq }));
    expect(ledgerCheck(damage).reason).toBe('ledger damaged: edited at 1, edited at 2, edited at 3 and 2 more (GET /audit/integrity)');
    expect(ledgerCheck([{ kind: 'truncated', seq: 7, toSeq: 9 }]).reason).toMatch(/truncated at 7\.\.9/);
  });

  it('warns when entries wait for a checkpoint, or a checkpoint for its witnesses, too long', () => {
    const base = { now, limitSeconds: 30, startedAt: ago(100) };
    expect(checkpointCheck({ ...base, headSize: 10, checkpoint: { size: 10, createdAt: ago(999) } })).toEqual({ status: 'up' });
    expect(checkpointCheck({ ...base, headSize: 12, checkpoint: { size: 10, createdAt: ago(20) } })).toEqual({ status: 'up' });
    expect(checkpointCheck({ ...base, headSize: 12, checkpoint: { size: 10, createdAt: ago(45) } })).toEqual({ status: 'warn', reason: '2 entries not checkpointed for 45 s (limit 30 s)' });
    expect(checkpointCheck({ ...base, headSize: 3, checkpoint: null }).status).toBe('warn');
    expect(witnessCheck({ checkpoint: { size: 10, createdAt: ago(45), cosignatures: 1 }, quorum: 2, now, limitSeconds: 30 })).toEqual({
      status: 'warn',
      reason: 'checkpoint 10 has 1 of 2 cosignatures after 45 s',
    });
    expect(witnessCheck({ checkpoint: { size: 10, createdAt: ago(45), cosignatures: 2 }, quorum: 2, now, limitSeconds: 30 }).status).toBe('up');
  });

  it('warns when the outbox holds a message too long', () => {
    expect(outboxCheck({ count: 0, oldest: null, now, limitSeconds: 30 }).status).toBe('up');
    expect(outboxCheck({ count: 4, oldest: ago(60), now, limitSeconds: 30 })).toEqual({ status: 'warn', reason: '4 messages waiting in the outbox, the oldest for 60 s' });
  });

  it('is down without a verified directory or a valid signing key of ours, and warns before the key expires', () => {
    const directory = { serial: 4, issued_at: '2026-11-01T00:00:00Z' };
    expect(directoryCheck({ directory: null, trust: EXPIRED, ownKeys: [], agency: 'NL', now })).toEqual({ status: 'down', reason: 'no verified directory yet' });
    expect(directoryCheck({ directory, trust: FRESH, ownKeys: [], agency: 'NL', now })).toEqual({ status: 'down', reason: 'directory serial 4 holds no valid signing key of NL' });
    expect(directoryCheck({ directory, trust: FRESH, ownKeys: [{ not_after: '2026-12-06T12:00:00Z' }], agency: 'NL', now })).toEqual({
      status: 'warn',
      reason: 'the signing keys of NL expire in 5 days (directory serial 4)',
    });
    expect(directoryCheck({ directory, trust: FRESH, ownKeys: [{ not_after: '2026-12-06T12:00:00Z' }, { not_after: '2027-12-01T00:00:00Z' }], agency: 'NL', now })).toEqual({ status: 'up' });
    const keys = [{ not_after: '2027-12-01T00:00:00Z' }];
    expect(directoryCheck({ directory, trust: { ...EXPIRED, expiresAt: '2026-12-01T00:00:00Z' }, ownKeys: keys, agency: 'NL', now })).toEqual({
      status: 'down',
      reason: 'directory serial 4 expired at 2026-12-01T00:00:00Z: nothing is opened or sealed until a fresh one arrives',
    });
    expect(directoryCheck({ directory, trust: { expired: false, stale: true, expiresAt: '2026-12-05T00:00:00Z' }, ownKeys: keys, agency: 'NL', now })).toEqual({
      status: 'warn',
      reason: 'directory serial 4 expires at 2026-12-05T00:00:00Z: the federation must publish a fresh one',
    });
  });
});
