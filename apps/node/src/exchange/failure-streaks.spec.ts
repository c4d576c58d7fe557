import { FailureStreaks, INBOX_STREAK_POLICY } from './failure-streaks';

const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 1, 0, s));

describe('inbox failure streaks', () => {
  it('backs off exponentially up to the bound, instead of retrying at once', () => {
    const streaks = new FailureStreaks(INBOX_STREAK_POLICY);
    const delays = Array.from({ length: 10 }, (_, i) => streaks.failed(0, 'database', 'ECONNREFUSED', at(i)).delayMs);
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
  });

  it('is down with the reason from the threshold on, alerting once per streak, and recovers on the next success', () => {
    const streaks = new FailureStreaks(INBOX_STREAK_POLICY);
    const alerts = [1, 2, 3, 4, 5].map((s) => streaks.failed(1, 'ledger_damaged', 'ledger damaged, append refused: entry 9', at(s)).alert);
    expect(alerts).toEqual([false, false, true, false, false]);
    expect(streaks.check(at(11))).toEqual({
      status: 'down',
      reason: 'inbox consumer failing, batches retried with backoff; partition 1: 5 failed attempts in 10 s (ledger_damaged: ledger damaged, append refused: entry 9)',
    });
    expect(streaks.succeeded(1)).toEqual({ recovered: true, failures: 5 });
    expect(streaks.check(at(12))).toEqual({ status: 'up' });
    // A new streak starts from the first wait again and alerts again.
    expect(streaks.failed(1, 'database', 'x', at(13))).toEqual({ delayMs: 500, failures: 1, alert: false });
  });

  it('stays up below the threshold, and one partition succeeding does not hide another failing', () => {
    const streaks = new FailureStreaks(INBOX_STREAK_POLICY);
    streaks.failed(0, 'database', 'x', at(0));
    streaks.failed(0, 'database', 'x', at(1));
    expect(streaks.check(at(2)).status).toBe('up');
    expect(streaks.succeeded(0)).toEqual({ recovered: false, failures: 2 });
    for (let i = 0; i < 3; i++) streaks.failed(2, 'trust_unavailable', 'directory expired', at(i));
    expect(streaks.succeeded(0).recovered).toBe(false);
    expect(streaks.check(at(3))).toMatchObject({ status: 'down', reason: expect.stringContaining('partition 2: 3 failed attempts') });
  });
});
