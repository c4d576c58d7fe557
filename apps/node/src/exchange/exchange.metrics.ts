import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsRegistry } from '../metrics';

/** Prometheus metrics of the exchange, in the node's registry; labels carry kinds and refusal codes, never content. */
@Injectable()
export class ExchangeMetrics {
  readonly sent: Counter;
  readonly received: Counter;
  readonly redelivered: Counter;
  readonly rejected: Counter;
  readonly outboxBacklog: Gauge;
  readonly consumerLag: Gauge;
  readonly inboxLatency: Histogram;
  readonly batchFailures: Counter;
  readonly deadLetters: Counter;
  readonly overdue: Gauge;

  constructor(readonly registry: MetricsRegistry) {
    const registers = [registry];
    this.sent = new Counter({ name: 'liaison_notices_sent_total', help: 'Envelopes published', labelNames: ['topic_kind'], registers });
    this.received = new Counter({ name: 'liaison_notices_received_total', help: 'Envelopes accepted from the inbox', labelNames: ['kind'], registers });
    this.redelivered = new Counter({ name: 'liaison_notices_redelivered_total', help: 'Envelopes published again by their sender (same id and digest): recorded, no effect', registers });
    this.rejected = new Counter({ name: 'liaison_notices_rejected_total', help: 'Inbox messages refused', labelNames: ['code'], registers });
    this.outboxBacklog = new Gauge({ name: 'liaison_outbox_backlog', help: 'Messages waiting in the outbox', registers });
    this.consumerLag = new Gauge({ name: 'liaison_inbox_consumer_lag', help: 'Messages behind the inbox high watermark', labelNames: ['partition'], registers });
    this.batchFailures = new Counter({
      name: 'liaison_inbox_batch_failures_total',
      help: 'Inbox batches that failed and wait to be retried (database, ledger_damaged, trust_unavailable, unexpected)',
      labelNames: ['reason'],
      registers,
    });
    this.deadLetters = new Counter({ name: 'liaison_dead_letters_total', help: 'Refused inbox messages copied to the dead-letter topic', labelNames: ['code'], registers });
    this.overdue = new Gauge({ name: 'liaison_inbound_overdue', help: 'Received queries still open (delivered or acknowledged) past their reply deadline', registers });
    this.inboxLatency = new Histogram({
      name: 'liaison_inbox_latency_seconds',
      help: 'From the broker timestamp to the recording transaction commit',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }
}
