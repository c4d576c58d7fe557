import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { InboundMessage } from '@liaison/transport';
import { Clock } from '../tokens';
import { ExchangeMetrics } from './exchange.metrics';
import { InboxHandler } from './inbox.handler';
import { INBOX_BATCH } from './inbox.transport';

/** The inbox's pattern handler: batches from KafkaInboxTransport go to the InboxHandler. */
@Controller()
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
