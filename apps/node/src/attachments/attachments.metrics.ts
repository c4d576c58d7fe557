import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsRegistry } from '../metrics';

/** Prometheus metrics of attachments; labels carry effects and refusal codes, never content or ids. */
@Injectable()
export class AttachmentsMetrics {
  readonly chunksPublished: Counter;
  readonly chunks: Counter;
  readonly settled: Counter;
  readonly transfers: Gauge;

  constructor(registry: MetricsRegistry) {
    const registers = [registry];
    this.chunksPublished = new Counter({ name: 'liaison_attachment_chunks_published_total', help: 'Attachment chunks published to recipients (acks=all)', registers });
    this.chunks = new Counter({ name: 'liaison_attachment_chunks_received_total', help: 'Attachment chunk messages read, by effect (record, redelivered, hold, settled, refused)', labelNames: ['effect', 'code'], registers });
    this.settled = new Counter({ name: 'liaison_attachments_settled_total', help: 'Received attachments settled, by status (available, refused, stalled)', labelNames: ['status'], registers });
    this.transfers = new Gauge({ name: 'liaison_attachment_transfers_sending', help: 'Transfers (attachment, recipient) with chunks left to publish', registers });
  }
}
