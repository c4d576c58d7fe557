import { Injectable } from '@nestjs/common';
import { EnvelopeSealer, NoticeClaims, SealedEnvelope } from '@liaison/envelope';
import { FederationTopics } from '@liaison/transport';
import type { LedgerEventInput } from '../ledger/ledger.port';
import type { Queryable } from '../persistence/queryable';
import { Clock } from '../tokens';
import { ExchangeRepository, OutboxRow } from './exchange.repository';
import { PendingWrites } from './unit-of-work';

export type EnvelopeDraft = Omit<NoticeClaims, 'chseq'>;
/** `key`: the Kafka message key when not the message id (case events: the case id, so they stay in order). */
export type DispatchItem = { draft: EnvelopeDraft; actor: string | null; key?: string };
export type Dispatched = { sealed: SealedEnvelope; chseq: Record<string, number> };

const channel = (sender: string, recipient: string) => `${sender} ${recipient}`;

/** How many numbers each (sender, recipient) channel needs for these drafts. */
export function channelDemand(items: DispatchItem[]): { sender: string; recipient: string; count: number }[] {
  const counts = new Map<string, { sender: string; recipient: string; count: number }>();
  for (const { draft } of items) {
    for (const recipient of draft.aud) {
      const c = counts.get(channel(draft.iss, recipient)) ?? { sender: draft.iss, recipient, count: 0 };
      c.count++;
      counts.set(channel(draft.iss, recipient), c);
    }
  }
  return [...counts.values()];
}

/** Numbers the drafts in order from each channel's first reserved number. */
export function numberDrafts(items: DispatchItem[], first: Map<string, number>): Record<string, number>[] {
  const next = new Map(first);
  return items.map(({ draft }) => {
    const chseq: Record<string, number> = {};
    for (const recipient of draft.aud) {
      const key = channel(draft.iss, recipient);
      const seq = next.get(key) as number;
      chseq[recipient] = seq;
      next.set(key, seq + 1);
    }
    return chseq;
  });
}

/** One outbox row and one `sent` ledger entry per recipient of each sealed envelope, in the drafts' order. */
export function dispatchEffects(items: DispatchItem[], dispatched: Dispatched[], topics: FederationTopics, now: Date): { outbox: OutboxRow[]; ledger: LedgerEventInput[] } {
  const outbox: OutboxRow[] = [];
  const ledger: LedgerEventInput[] = [];
  items.forEach(({ draft, actor, key }, i) => {
    const { sealed, chseq } = dispatched[i];
    for (const recipient of sealed.recipients) {
      outbox.push({ topic: topics.inbox(recipient), key: key ?? sealed.messageId, value: sealed.value, headers: sealed.headersFor(recipient), createdAt: now });
      ledger.push({
        event: 'sent', messageId: sealed.messageId, kind: draft.kind, counterpart: recipient,
        channel: { sender: draft.iss, recipient, seq: chseq[recipient] }, digest: sealed.digest, re: draft.re ?? null, actor, reason: null,
      });
    }
  });
  return { outbox, ledger };
}

/**
 * Sends any envelopes (notices, responses, receipts, acknowledgements) in the caller's
 * transaction: numbers them on each (sender, recipient) channel with one statement per channel,
 * seals each once for all its recipients (synchronous crypto, decision 0007), and queues the
 * outbox rows and `sent` ledger entries.
 */
@Injectable()
export class EnvelopeDispatcher {
  constructor(
    private readonly sealer: EnvelopeSealer,
    private readonly repository: ExchangeRepository,
    private readonly topics: FederationTopics,
    private readonly clock: Clock,
  ) {}

  async dispatch(tx: Queryable, pending: PendingWrites, items: DispatchItem[]): Promise<Dispatched[]> {
    if (items.length === 0) return [];
    const first = new Map<string, number>();
    for (const c of channelDemand(items)) first.set(channel(c.sender, c.recipient), await this.repository.reserveChannelSeqs(tx, c.sender, c.recipient, c.count));
    const chseqs = numberDrafts(items, first);
    const sealed = await Promise.all(items.map(({ draft }, i) => this.sealer.seal({ ...draft, chseq: chseqs[i] })));
    const dispatched = sealed.map((s, i) => ({ sealed: s, chseq: chseqs[i] }));
    const effects = dispatchEffects(items, dispatched, this.topics, this.clock.now());
    pending.outbox.push(...effects.outbox);
    pending.ledger.push(...effects.ledger);
    return dispatched;
  }
}
