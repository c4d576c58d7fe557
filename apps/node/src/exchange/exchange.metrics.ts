import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of the exchange; labels carry kinds and refusal codes, never content. */
@Injectable()
export class ExchangeMetrics {
  readonly registry = new Registry();
  readonly sent = new Counter({ name: 'liaison_notices_sent_total', help: 'Envelopes published', labelNames: ['topic_kind'], registers: [this.registry] });
  readonly received = new Counter({ name: 'liaison_notices_received_total', help: 'Envelopes accepted from the inbox', labelNames: ['kind'], registers: [this.registry] });
  readonly redelivered = new Counter({ name: 'liaison_notices_redelivered_total', help: 'Envelopes published again by their sender (same id and digest): recorded, no effect', registers: [this.registry] });
  readonly rejected = new Counter({ name: 'liaison_notices_rejected_total', help: 'Inbox messages refused', labelNames: ['code'], registers: [this.registry] });
  readonly outboxBacklog = new Gauge({ name: 'liaison_outbox_backlog', help: 'Messages waiting in the outbox', registers: [this.registry] });
  readonly consumerLag = new Gauge({ name: 'liaison_inbox_consumer_lag', help: 'Messages behind the inbox high watermark', labelNames: ['partition'], registers: [this.registry] });
  readonly inboxLatency = new Histogram({
    name: 'liaison_inbox_latency_seconds',
    help: 'From the broker timestamp to the recording transaction commit',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
