import { Inject, Injectable, Logger } from '@nestjs/common';
import { EnvelopeOpener, NoticeClaims } from '@liaison/envelope';
import { FederationTopics, InboundMessage } from '@liaison/transport';
import { NodeConfig } from '../config/node-config';
import { LedgerRepository } from '../ledger/ledger.repository';
import { DependencyUnavailableError, describeFailure, mustRetryBatch } from '../persistence/errors';
import type { Queryable } from '../persistence/queryable';
import { Clock, NODE_CONFIG } from '../tokens';
import { ContentCipher } from './content-cipher';
import { EnvelopeDispatcher } from './dispatcher';
import { ExchangeMetrics } from './exchange.metrics';
import { ExchangeRepository, senderKey } from './exchange.repository';
import { ExchangeExtensions, InboxExtension } from './extensions';
import { writeTogetherOrAlone } from './group-commit';
import { BatchContext, BatchEffects, Classification, Opened, classifyBatch, decideBatch, decideRecordingFailure, outboundRefs, positionKey } from './inbox.decide';
import { PendingWrites, UnitOfWork } from './unit-of-work';

/** The node cannot check envelopes now (no valid directory): the consumer retries the batch later. */
export class TrustUnavailableError extends DependencyUnavailableError {
  constructor(detail: string) {
    super('trust_unavailable', `inbox paused: ${detail}`);
  }
}

/** A batch's effects and the refusal/redelivery positions it recorded for the first time. */
type Written = { effects: BatchEffects; fresh: Set<string> };

/**
 * Records one partition's batch of the agency's inbox: opens every envelope, reads the rows the
 * batch refers to, decides (inbox.decide) and writes the effects in one transaction. If that
 * transaction fails, each message is recorded alone; a message whose own recording fails for a
 * reason of its own becomes a recorded refusal (`recording_failed`), so no message can stall the
 * partition. Only a failure of the database or of a dependency (the ledger refuses appends, the
 * directory expired: persistence/errors `mustRetryBatch`) fails the batch, which the consumer then
 * retries in place with backoff (InboxMonitor).
 */
@Injectable()
export class InboxHandler {
  private readonly log = new Logger('Inbox');

  constructor(
    private readonly unit: UnitOfWork,
    private readonly repository: ExchangeRepository,
    private readonly opener: EnvelopeOpener,
    private readonly dispatcher: EnvelopeDispatcher,
    private readonly cipher: ContentCipher,
    private readonly topics: FederationTopics,
    private readonly clock: Clock,
    private readonly metrics: ExchangeMetrics,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly extensions: ExchangeExtensions,
    private readonly ledger: LedgerRepository,
  ) {}

  async handleBatch(messages: InboundMessage[]): Promise<void> {
    const opened: Opened[] = await Promise.all(
      messages.map(async (message) => ({ message, result: await this.opener.open(message.value ?? Buffer.alloc(0), message.headers) })),
    );
    // Past its directory's expiry the node fails closed: nothing is recorded, the batch waits on the topic.
    const unavailable = opened.find((o) => !o.result.ok && o.result.code === 'trust_unavailable');
    if (unavailable && !unavailable.result.ok) throw new TrustUnavailableError(unavailable.result.detail);
    const committed: Written[] = [];
    const outcomes = await writeTogetherOrAlone(opened, (group) => this.record(group).then((w) => void committed.push(w)));
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.status === 'fulfilled') continue;
      if (mustRetryBatch(outcome.reason)) throw outcome.reason;
      const { message } = opened[i];
      const reason = `recording the message failed (${describeFailure(outcome.reason)})`;
      this.log.error(`${message.topic}/${message.partition}@${message.offset}: ${reason}; refused so the partition moves on`);
      const effects = decideRecordingFailure(message, reason, this.context());
      committed.push(await this.unit.run((tx, pending) => this.write(tx, pending, effects), 'inbox'));
    }
    for (const written of committed) this.report(written);
  }

  /** Counts and logs what a committed transaction recorded (ids, codes and counts only). */
  private report({ effects, fresh }: Written): void {
    for (const r of effects.rejected) if (fresh.has(positionKey(r))) this.log.warn(`refused message at ${r.partition}@${r.offset}: ${r.code}`);
    for (const d of effects.deadLetters) if (fresh.has(positionKey(d.position))) this.metrics.deadLetters.inc({ code: d.row.headers['liaison-refusal'] });
    for (const note of effects.ignored) this.log.warn(`ignored ${note}`);
    for (const c of effects.classified) {
      if (c.as === 'new') this.metrics.received.inc({ kind: c.claims.kind });
      else if (c.as === 'refused') this.metrics.rejected.inc({ code: c.code });
      else if (c.as === 'redelivered') this.metrics.redelivered.inc();
    }
  }

  private context() {
    return { me: this.config.agency, now: this.clock.now(), deadlines: this.config.deadlines, deadLetterTopic: this.topics.deadLetter(this.config.agency) };
  }

  private record(opened: Opened[]): Promise<Written> {
    return this.unit.run(async (tx, pending) => {
      const accepted = opened.flatMap(({ result }) => (result.ok ? [result.claims] : []));
      const received = await this.repository.findReceived(tx, accepted.map((c) => ({ sender: c.iss, messageId: c.jti })));
      const recorded = await this.repository.recordedPositions(tx, opened.map(({ message }) => message));
      // A feature (cases, attachments, match) may refuse messages it owns, judged in order against what it holds.
      const classify = (batch: Opened[]) => classifyBatch(batch, received, recorded);
      const writes: ((tx: Queryable, pending: PendingWrites, classified: Classification[]) => Promise<void>)[] = [];
      let judged = opened;
      for (const extension of this.extensions.inbox) {
        const prepared = await extension.prepare(tx, judged, classify);
        if (!prepared) continue;
        judged = prepared.opened;
        writes.push(prepared.write);
      }
      const effects = decideBatch(judged, {
        ...this.context(),
        received,
        recorded,
        ...(await this.sentNamed(tx, accepted)),
      });
      const written = await this.write(tx, pending, effects);
      for (const write of writes) await write(tx, pending, effects.classified);
      return written;
    }, 'inbox');
  }

  /**
   * Our sent envelopes the batch's receipts, acknowledgements and responses name: the workflow
   * rows (locked, they move), and for the rest, the envelopes we sent without one that no
   * 'delivered' entry records yet.
   */
  private async sentNamed(tx: Queryable, accepted: NoticeClaims[]): Promise<Pick<BatchContext, 'outbound' | 'untracked'>> {
    const refs = outboundRefs(accepted);
    const outbound = await this.repository.lockOutbound(tx, this.config.agency, refs);
    const tracked = new Set(outbound.map((r) => senderKey(r.agency, r.noticeId)));
    const rest = refs.filter((r) => !tracked.has(senderKey(r.agency, r.noticeId))).map((r) => ({ messageId: r.noticeId, counterpart: r.agency }));
    return { outbound, untracked: await this.ledger.sentUndelivered(tx, rest) };
  }

  /** Writes a batch's effects; a refusal or redelivery (and its ledger entry and dead-letter copy) once per offset. */
  private async write(tx: Queryable, pending: PendingWrites, effects: BatchEffects): Promise<Written> {
    const fresh = new Set([...(await this.repository.insertRejected(tx, effects.rejected)), ...(await this.repository.insertRedelivered(tx, effects.redelivered))].map(positionKey));
    pending.ledger.push(...effects.ledger.filter((l) => !l.position || fresh.has(positionKey(l.position))).map((l) => l.event));
    pending.outbox.push(...effects.deadLetters.filter((d) => fresh.has(positionKey(d.position))).map((d) => d.row));
    await this.repository.insertReceived(tx, effects.received);
    await this.repository.insertNotices(tx, effects.notices.map(({ row, body }) => ({ ...row, content: this.cipher.seal(row, body) })));
    await this.repository.insertRecipients(tx, effects.recipients);
    await this.repository.moveOutbound(tx, this.config.agency, effects.outboundMoves);
    await this.dispatcher.dispatch(tx, pending, effects.receipts.map((draft) => ({ draft, actor: null })));
    return { effects, fresh };
  }
}
