// The inbox's failure streaks, as plain state: a batch that fails again and again (the database
// is down, the ledger refuses appends, the directory expired) is retried in place after a bounded
// exponential backoff; from the threshold on, the inbox is not ready and one alert is raised per
// streak; the next batch that succeeds on that partition ends the streak.
export interface StreakPolicy {
  /** The wait after the first failure; it doubles with each further one. */
  initialMs: number;
  maxMs: number;
  /** Consecutive failures from which the inbox is down and the alert is raised. */
  threshold: number;
}

/** 0.5 s, 1 s, 2 s … up to 30 s; down after 3 failures in a row (about 1.5 s of retrying). */
export const INBOX_STREAK_POLICY: StreakPolicy = { initialMs: 500, maxMs: 30_000, threshold: 3 };

interface Streak {
  failures: number;
  since: Date;
  reason: string;
  detail: string;
}

export class FailureStreaks {
  private readonly streaks = new Map<number, Streak>();

  constructor(private readonly policy: StreakPolicy) {}

  /** A batch of `partition` failed: how long to wait, and whether this failure starts the alert. */
  failed(partition: number, reason: string, detail: string, now: Date): { delayMs: number; failures: number; alert: boolean } {
    const previous = this.streaks.get(partition);
    const failures = (previous?.failures ?? 0) + 1;
    this.streaks.set(partition, { failures, since: previous?.since ?? now, reason, detail });
    const delayMs = Math.min(this.policy.maxMs, this.policy.initialMs * 2 ** Math.min(failures - 1, 30));
    return { delayMs, failures, alert: failures === this.policy.threshold };
  }

  /** A batch of `partition` succeeded: the streak ends; `recovered` when it had raised the alert. */
  succeeded(partition: number): { recovered: boolean; failures: number } {
    const streak = this.streaks.get(partition);
    this.streaks.delete(partition);
    return { recovered: (streak?.failures ?? 0) >= this.policy.threshold, failures: streak?.failures ?? 0 };
  }

  /** The readiness check `inbox`: down while a partition's streak is at or past the threshold. */
  check(now: Date): { status: 'up' | 'down'; reason?: string } {
    const stuck = [...this.streaks].filter(([, s]) => s.failures >= this.policy.threshold).sort(([a], [b]) => a - b);
    if (stuck.length === 0) return { status: 'up' };
    const named = stuck.map(([partition, s]) => {
      const seconds = Math.floor((now.getTime() - s.since.getTime()) / 1000);
      return `partition ${partition}: ${s.failures} failed attempts in ${seconds} s (${s.reason}: ${s.detail})`;
    });
    return { status: 'down', reason: `inbox consumer failing, batches retried with backoff; ${named.join('; ')}` };
  }
}
