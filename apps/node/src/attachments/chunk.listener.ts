import { Controller, Logger, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { BatchRetryPolicy, InboundMessage } from '@liaison/transport';
import { KeepBatchError } from '../exchange/inbox.listener';
import { describeFailure } from '../persistence/errors';
import { ChunkHandler } from './chunk.handler';

/** The pattern of the attachment topic's batches (KafkaInboxTransport on the agency's attachment topic). */
export const ATTACHMENT_BATCH = 'liaison.attach.batch';

const RETRY_MS = [500, 1000, 2000, 5000] as const;

/**
 * The attachment consumer's retry policy: a batch that failed for the database or a dependency
 * waits a growing backoff and is handled again in place (its chunks stay on the topic).
 */
export class ChunkRetryPolicy implements BatchRetryPolicy {
  private readonly log = new Logger('Attachments');
  private readonly failures = new Map<number, number>();

  failed(error: unknown, partition: number): number {
    const n = (this.failures.get(partition) ?? 0) + 1;
    this.failures.set(partition, n);
    const wait = RETRY_MS[Math.min(n, RETRY_MS.length) - 1];
    this.log.warn(`attachment batch on partition ${partition} failed ${n} time(s) (${describeFailure(error)}); retrying in ${wait} ms`);
    return wait;
  }

  succeeded(partition: number): void {
    this.failures.delete(partition);
  }
}

/** The attachment topic's pattern handler: batches of chunks go to the ChunkHandler. */
@Controller()
@UseFilters(new KeepBatchError())
export class ChunkListener {
  constructor(private readonly handler: ChunkHandler) {}

  @EventPattern(ATTACHMENT_BATCH)
  async batch(@Payload() messages: InboundMessage[]): Promise<void> {
    await this.handler.handleBatch(messages);
  }
}
