import { Injectable, Logger } from '@nestjs/common';
import type { BatchRetryPolicy } from '@liaison/transport';
import { batchFailureReason, describeFailure, DependencyUnavailableError } from '../persistence/errors';
import { Clock } from '../tokens';
import { ExchangeMetrics } from './exchange.metrics';
import { FailureStreaks, INBOX_STREAK_POLICY } from './failure-streaks';

/**
 * The inbox consumer's retry policy and its state for readiness: every failed batch is counted
 * (`liaison_inbox_batch_failures_total{reason}`) and waits its backoff; a streak reaching the
 * threshold is logged at error once and makes the `inbox` check down; the next success recovers.
 */
@Injectable()
export class InboxMonitor implements BatchRetryPolicy {
  private readonly log = new Logger('Inbox');
  private readonly streaks = new FailureStreaks(INBOX_STREAK_POLICY);

  constructor(
    private readonly metrics: ExchangeMetrics,
    private readonly clock: Clock,
  ) {}

  failed(error: unknown, partition: number): number {
    const reason = batchFailureReason(error);
    // A dependency's message names what to fix (no message content); otherwise only the error's kind and code.
    const detail = error instanceof DependencyUnavailableError ? error.message : describeFailure(error);
    this.metrics.batchFailures.inc({ reason });
    const { delayMs, failures, alert } = this.streaks.failed(partition, reason, detail, this.clock.now());
    const line = `batch on partition ${partition} failed ${failures} time(s) (${reason}: ${detail}); retrying in ${delayMs} ms`;
    if (alert) this.log.error(`inbox consumer failing, not ready until a batch succeeds: ${line}`);
    else this.log.warn(line);
    return delayMs;
  }

  succeeded(partition: number): void {
    const { recovered, failures } = this.streaks.succeeded(partition);
    if (recovered) this.log.log(`inbox consumer recovered on partition ${partition} after ${failures} failed attempts`);
  }

  /** The readiness check `inbox`. */
  check() {
    return this.streaks.check(this.clock.now());
  }
}
