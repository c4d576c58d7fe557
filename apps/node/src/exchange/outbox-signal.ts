import { Injectable } from '@nestjs/common';

/** Wakes the outbox relay right after a commit instead of waiting for its next poll. */
@Injectable()
export class OutboxSignal {
  private waiter: (() => void) | null = null;

  notify(): void {
    const wake = this.waiter;
    this.waiter = null;
    wake?.();
  }

  /** Resolves on the next notify() or after `ms`, whichever comes first. */
  wait(ms: number): Promise<void> {
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
