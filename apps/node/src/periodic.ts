import { Logger } from '@nestjs/common';

/**
 * Work a node repeats on a timer (sweeps, watches): `work` runs every `everyMs` once started; a
 * failure is logged as a warning and the next tick tries again, so one bad round never stops the
 * timer. The timer does not keep the process alive. Its owner starts it at bootstrap and stops it
 * at shutdown.
 */
export class Periodic {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly what: string,
    private readonly log: Logger,
    private readonly work: () => Promise<unknown>,
  ) {}

  start(everyMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.work().catch((e: Error) => this.log.warn(`${this.what} failed: ${e.message}`)), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
