// Ledger test helpers: a deterministic clock, sample events, in-memory publisher and consumers.
import { createHash } from 'crypto';
import type { InboundMessage, MessagePublisher, OutboundMessage } from '@liaison/transport';
import { LedgerEventInput } from '../../apps/node/src/ledger/ledger.port';
import { Clock } from '../../apps/node/src/tokens';

/** Advances one millisecond per reading, from a fixed instant. */
export class SteppingClock extends Clock {
  constructor(private ms = Date.parse('2026-11-24T08:00:00.000Z')) {
    super();
  }
  now(): Date {
    return new Date(this.ms++);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `n` plausible 'sent' events to counterpart AG1 (digests only, never content). */
export function sampleEvents(n: number, tag: string, counterpart = 'AG1'): LedgerEventInput[] {
  return Array.from({ length: n }, (_, i) => ({
    event: 'sent' as const,
    messageId: `${tag}-${i}`,
    kind: i % 2 === 0 ? 'identity-query' : 'location-query',
    counterpart,
    channel: { sender: 'AG0', recipient: counterpart, seq: i },
    digest: digestOf(`${tag}-${i}`),
    re: null,
    actor: 'officer-1',
    reason: null,
  }));
}

/** Records what would have gone to Kafka. */
export class MemoryPublisher implements MessagePublisher {
  readonly sent: OutboundMessage[] = [];
  async publish(messages: OutboundMessage[]): Promise<void> {
    this.sent.push(...messages);
  }
  take(): OutboundMessage[] {
    return this.sent.splice(0, this.sent.length);
  }
}

/** An outbound message as a consumer would receive it. */
export function asInbound(m: OutboundMessage, offset = 0): InboundMessage {
  return { topic: m.topic, partition: 0, offset: String(offset), key: Buffer.from(m.key), value: m.value, headers: { ...m.headers }, timestamp: String(Date.now()) };
}

export function rawInbound(topic: string, value: string | null, headers: Record<string, string> = {}): InboundMessage {
  return { topic, partition: 0, offset: '0', key: null, value: value === null ? null : Buffer.from(value), headers, timestamp: '0' };
}
