import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EnvelopeSealer, NoticeClaims, SealedEnvelope } from '@liaison/envelope';
import { FederationTopics } from '@liaison/transport';
import { Clock } from '../tokens';
import { PendingWrites } from './unit-of-work';

export type EnvelopeDraft = Omit<NoticeClaims, 'chseq'>;

/**
 * Sends any envelope (notice, response, receipt, acknowledgement): numbers it on each
 * (sender, recipient) channel, seals it once for all recipients, and queues one outbox row and
 * one `sent` ledger entry per recipient — all inside the caller's transaction.
 */
@Injectable()
export class EnvelopeDispatcher {
  constructor(
    private readonly sealer: EnvelopeSealer,
    private readonly topics: FederationTopics,
    private readonly clock: Clock,
  ) {}

  async dispatch(manager: EntityManager, pending: PendingWrites, draft: EnvelopeDraft, actor: string | null): Promise<{ sealed: SealedEnvelope; chseq: Record<string, number> }> {
    return (await this.dispatchMany(manager, pending, [{ draft, actor }]))[0];
  }

  /**
   * Sends many envelopes in the caller's transaction (group commit of API sends): numbers them with
   * one statement per channel, seals them concurrently (WebCrypto runs on libuv's pool), then queues
   * outbox rows and `sent` entries in the drafts' order, as {@link dispatch} would one by one.
   */
  async dispatchMany(
    manager: EntityManager,
    pending: PendingWrites,
    items: { draft: EnvelopeDraft; actor: string | null }[],
  ): Promise<{ sealed: SealedEnvelope; chseq: Record<string, number> }[]> {
    const channel = (sender: string, recipient: string) => `${sender} ${recipient}`;
    const counts = new Map<string, { sender: string; recipient: string; count: number }>();
    for (const { draft } of items) {
      for (const recipient of draft.aud) {
        const c = counts.get(channel(draft.iss, recipient)) ?? { sender: draft.iss, recipient, count: 0 };
        c.count++;
        counts.set(channel(draft.iss, recipient), c);
      }
    }
    const next = new Map<string, number>();
    for (const [key, c] of counts) next.set(key, await reserveChannelSeqs(manager, c.sender, c.recipient, c.count));
    const chseqs = items.map(({ draft }) => {
      const chseq: Record<string, number> = {};
      for (const recipient of draft.aud) {
        const key = channel(draft.iss, recipient);
        const seq = next.get(key) as number;
        chseq[recipient] = seq;
        next.set(key, seq + 1);
      }
      return chseq;
    });
    const sealed = await Promise.all(items.map(({ draft }, i) => this.sealer.seal({ ...draft, chseq: chseqs[i] })));
    const now = this.clock.now();
    items.forEach(({ draft, actor }, i) => {
      const s = sealed[i];
      for (const recipient of s.recipients) {
        pending.outbox.push({ topic: this.topics.inbox(recipient), key: s.messageId, value: s.value, headers: s.headersFor(recipient), createdAt: now });
        pending.ledger.push({
          event: 'sent',
          messageId: s.messageId,
          kind: draft.kind,
          counterpart: recipient,
          channel: { sender: draft.iss, recipient, seq: chseqs[i][recipient] },
          digest: s.digest,
          re: draft.re ?? null,
          actor,
          reason: null,
        });
      }
    });
    return sealed.map((s, i) => ({ sealed: s, chseq: chseqs[i] }));
  }
}

/** Reserves `count` consecutive numbers on a channel (starting at 0); returns the first. The row lock orders concurrent senders. */
export async function reserveChannelSeqs(manager: EntityManager, sender: string, recipient: string, count: number): Promise<number> {
  const rows: { first: string }[] = await manager.query(
    `INSERT INTO channel_sequence (sender, recipient, next_seq) VALUES ($1, $2, $3)
     ON CONFLICT (sender, recipient) DO UPDATE SET next_seq = channel_sequence.next_seq + $3
     RETURNING next_seq - $3 AS first`,
    [sender, recipient, count],
  );
  return Number(rows[0].first);
}
