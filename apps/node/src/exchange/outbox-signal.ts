import { Injectable } from '@nestjs/common';

/**
 * How often the relay looks at the outbox without being woken: right after work at `minMs`, then
 * twice as long each time it finds nothing, up to `maxMs`. The look is only the fallback: a commit
 * in this process wakes the relay at once (OutboxSignal); the look finds rows whose publisher
 * never got to them (a replica that crashed after its commit, rows left by a restart).
 */
export const OUTBOX_POLL = { minMs: 250, maxMs: 5000 } as const;

/** The next fallback wait after a look that found work (`foundWork`) or nothing. */
export function nextPollDelay(previousMs: number, foundWork: boolean, poll: { minMs: number; maxMs: number } = OUTBOX_POLL): number {
  if (foundWork) return poll.minMs;
  return Math.min(poll.maxMs, Math.max(poll.minMs, previousMs * 2));
}

/**
 * Wakes the outbox relay right after a commit instead of waiting for its next look. A notify that
 * comes while the relay is busy is kept, so the relay's next wait returns at once: a commit is
 * never left waiting for the fallback.
 */
@Injectable()
export class OutboxSignal {
  private waiter: (() => void) | null = null;
  private pending = false;

  notify(): void {
    const wake = this.waiter;
    this.waiter = null;
    if (wake) wake();
    else this.pending = true;
  }

  /** Resolves on the next notify() (or at once if one came since the last wait) or after `ms`. */
  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve();
      }, ms);
      this.waiter = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
