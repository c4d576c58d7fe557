import { Catch, Controller, RpcExceptionFilter, UseFilters } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Observable, throwError } from 'rxjs';
import type { InboundMessage } from '@liaison/transport';
import { Clock } from '../tokens';
import { ExchangeMetrics } from './exchange.metrics';
import { InboxHandler } from './inbox.handler';
import { INBOX_BATCH } from './inbox.transport';

/**
 * Hands a failed batch's error to the transport as it is: Nest's default filter would log it and
 * replace it with a generic object, and the retry policy (InboxMonitor) classifies the original.
 */
@Catch()
export class KeepBatchError implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/** The inbox's pattern handler: batches from KafkaInboxTransport go to the InboxHandler. */
@Controller()
@UseFilters(new KeepBatchError())
export class InboxListener {
  constructor(
    private readonly handler: InboxHandler,
    private readonly metrics: ExchangeMetrics,
    private readonly clock: Clock,
  ) {}

  @EventPattern(INBOX_BATCH)
  async batch(@Payload() messages: InboundMessage[]): Promise<void> {
    await this.handler.handleBatch(messages);
    const now = this.clock.now().getTime();
    for (const m of messages) this.metrics.inboxLatency.observe(Math.max(0, now - Number(m.timestamp)) / 1000);
  }
}
