import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { EnvelopeOpener, NoticeClaims, OpenResult, HEADER_MESSAGE_ID, HEADER_SENDER, sha256Hex } from '@liaison/envelope';
import { NoticeEvent, NoticeState, isUuidV7, replyDeadline, transition } from '@liaison/notices';
import { FederationTopics, InboundMessage } from '@liaison/transport';
import { NodeConfig } from '../config/node-config';
import { Clock, NODE_CONFIG } from '../tokens';
import { ContentCipher } from './content-cipher';
import { EnvelopeDispatcher, EnvelopeDraft } from './dispatcher';
import { noticeRecordOf, replyDraft } from './envelope-records';
import { NoticeRecipientRecord, NoticeRecord, ReceivedMessageRecord, RejectedMessageRecord } from './exchange.entities';
import { ExchangeMetrics } from './exchange.metrics';
import { PendingWrites, UnitOfWork } from './unit-of-work';

/** Kinds that confirm or advance another envelope and are not themselves receipted. */
const RECEIPT = 'receipt';
const ACKNOWLEDGEMENT = 'acknowledgement';
const RESPONSE = 'response';
const AGENCY = /^[A-Z]{2,8}$/;

export type Opened = { message: InboundMessage; result: OpenResult };

type Accepted = { message: InboundMessage; claims: NoticeClaims; digest: string };
type InboundRows = { notices: Partial<NoticeRecord>[]; recipients: Partial<NoticeRecipientRecord>[] };

/** Rows per INSERT when recording a batch's message ids (7 parameters each). */
const RECORD_CHUNK = 1000;

/** The accepted envelopes of a batch, each message id once (later copies are refused as replays). */
function firstOccurrences(opened: Opened[]): Accepted[] {
  const seen = new Set<string>();
  const out: Accepted[] = [];
  for (const { message, result } of opened) {
    if (!result.ok || seen.has(result.claims.jti)) continue;
    seen.add(result.claims.jti);
    out.push({ message, claims: result.claims, digest: result.digest });
  }
  return out;
}

/**
 * Records one batch of the agency's inbox in one transaction: accepted envelopes, their effect on
 * the workflow, receipts to send, refusals (also copied to the dead-letter topic), and ledger
 * entries. A message already recorded from the same offset (a redelivery after a crash) changes
 * nothing; the same message id from another offset is a replay and is refused.
 */
@Injectable()
export class InboxProcessor {
  private readonly log = new Logger('Inbox');

  constructor(
    private readonly unit: UnitOfWork,
    private readonly opener: EnvelopeOpener,
    private readonly dispatcher: EnvelopeDispatcher,
    private readonly cipher: ContentCipher,
    private readonly topics: FederationTopics,
    private readonly clock: Clock,
    private readonly metrics: ExchangeMetrics,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  async handleBatch(messages: InboundMessage[]): Promise<void> {
    // Crypto runs concurrently on libuv's pool; the database work is one transaction.
    const opened: Opened[] = await Promise.all(
      messages.map(async (message) => ({ message, result: await this.opener.open(message.value ?? Buffer.alloc(0), message.headers) })),
    );
    if (opened.some((o) => !o.result.ok && o.result.code === 'internal_error')) {
      // Not the envelope's fault (e.g. the database behind the replay guard): retry the batch.
      throw new Error('envelope opener failed internally; batch will be retried');
    }
    await this.unit.run(async (manager, pending) => {
      const seenInBatch = new Set<string>();
      // Receipts of the whole batch are numbered and sealed together (concurrently) at its end.
      const receipts: EnvelopeDraft[] = [];
      // Inbound notice rows of the batch, inserted together after the loop (two statements).
      const inbound: InboundRows = { notices: [], recipients: [] };
      const recordedAs = await this.recordReceivedAll(manager, firstOccurrences(opened));
      for (const { message, result } of opened) {
        if (result.ok && !seenInBatch.has(result.claims.jti)) {
          seenInBatch.add(result.claims.jti);
          const recorded = recordedAs.get(result.claims.jti);
          if (recorded === 'new') await this.apply(manager, pending, result.claims, result.digest, receipts, inbound);
          else if (recorded === 'replay') await this.recordRejected(manager, pending, message, 'replay', 'message id already received from another offset', result.digest);
        } else if (result.ok) {
          await this.recordRejected(manager, pending, message, 'replay', 'message id repeated within one batch', result.digest);
        } else if (result.code === 'replay') {
          // The opener saw the id before: decide between redelivery and replay by offset.
          const previous = result.messageId ? await manager.findOne(ReceivedMessageRecord, { where: { messageId: result.messageId } }) : null;
          const redelivered = previous && previous.partition === message.partition && previous.offset === message.offset;
          if (!redelivered) await this.recordRejected(manager, pending, message, result.code, result.detail, result.digest);
        } else {
          await this.recordRejected(manager, pending, message, result.code, result.detail, result.digest);
        }
      }
      if (inbound.notices.length > 0) await manager.insert(NoticeRecord, inbound.notices);
      if (inbound.recipients.length > 0) await manager.insert(NoticeRecipientRecord, inbound.recipients);
      if (receipts.length > 0) await this.dispatcher.dispatchMany(manager, pending, receipts.map((draft) => ({ draft, actor: null })));
    });
    for (const { result } of opened) {
      if (result.ok) this.metrics.received.inc({ kind: result.claims.kind });
      else if (result.code !== 'replay') this.metrics.rejected.inc({ code: result.code });
    }
  }

  /**
   * Inserts the ids of a batch in one statement; tells each first delivery from a redelivery
   * (same partition and offset as recorded) or a replay (the id recorded from another offset).
   */
  private async recordReceivedAll(manager: EntityManager, items: Accepted[]): Promise<Map<string, 'new' | 'redelivered' | 'replay'>> {
    const out = new Map<string, 'new' | 'redelivered' | 'replay'>();
    const now = this.clock.now();
    for (let start = 0; start < items.length; start += RECORD_CHUNK) {
      const chunk = items.slice(start, start + RECORD_CHUNK);
      const params: unknown[] = [];
      const rows = chunk.map(({ message, claims, digest }, i) => {
        params.push(claims.jti, claims.iss, claims.kind, message.partition, message.offset, digest, now);
        return `(${Array.from({ length: 7 }, (_, k) => `$${i * 7 + k + 1}`).join(', ')})`;
      });
      const inserted: { message_id: string }[] = await manager.query(
        `INSERT INTO received_message (message_id, sender, kind, partition, "offset", digest, received_at)
         VALUES ${rows.join(', ')} ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
        params,
      );
      const fresh = new Set(inserted.map((r) => r.message_id));
      const known = chunk.filter((c) => !fresh.has(c.claims.jti)).map((c) => c.claims.jti);
      const previous = known.length ? await manager.find(ReceivedMessageRecord, { where: { messageId: In(known) } }) : [];
      const byId = new Map(previous.map((p) => [p.messageId, p]));
      for (const { message, claims } of chunk) {
        const p = byId.get(claims.jti);
        out.set(claims.jti, fresh.has(claims.jti) ? 'new' : p && p.partition === message.partition && p.offset === message.offset ? 'redelivered' : 'replay');
      }
    }
    return out;
  }

  private async apply(manager: EntityManager, pending: PendingWrites, claims: NoticeClaims, digest: string, receipts: EnvelopeDraft[], inbound: InboundRows): Promise<void> {
    const me = this.config.agency;
    pending.ledger.push({
      event: 'received',
      messageId: claims.jti,
      kind: claims.kind,
      counterpart: claims.iss,
      channel: { sender: claims.iss, recipient: me, seq: claims.chseq[me] },
      digest,
      re: claims.re ?? null,
      actor: null,
      reason: null,
    });
    if (claims.kind === RECEIPT) {
      await this.advance(manager, pending, claims, 'deliver', 'delivered', null);
      return;
    }
    if (claims.kind === ACKNOWLEDGEMENT) {
      const by = (claims.body as { acknowledged_by: { ref: string } }).acknowledged_by.ref;
      await this.advance(manager, pending, claims, 'acknowledge', 'acknowledged', `${claims.iss}:${by}`);
      return;
    }
    this.storeInbound(inbound, claims, digest);
    if (claims.kind === RESPONSE) {
      const declined = (claims.body as { outcome: string }).outcome === 'declined';
      await this.advance(manager, pending, claims, declined ? 'decline' : 'answer', declined ? 'declined' : 'answered', null, claims.jti);
    }
    const now = this.clock.now();
    const original = { id: claims.jti, sender: claims.iss, expiresAt: new Date(claims.exp * 1000), priority: claims.priority };
    receipts.push(replyDraft(me, original, RECEIPT, { received_at: now.toISOString() }, { code: 'H0' }, now));
  }

  private storeInbound(inbound: InboundRows, claims: NoticeClaims, digest: string): void {
    const issuedAt = new Date(claims.iat * 1000);
    const isQuery = claims.kind !== RESPONSE;
    inbound.notices.push(noticeRecordOf(claims, 'inbound', {
      digest,
      deadline: isQuery ? replyDeadline(claims.priority, issuedAt, this.config.deadlines) : null,
      content: this.cipher.seal(claims.jti, claims.body),
      createdBy: null,
    }));
    if (isQuery) {
      inbound.recipients.push({
        noticeId: claims.jti,
        agency: this.config.agency,
        status: 'DELIVERED',
        channelSeq: String(claims.chseq[this.config.agency]),
        updatedAt: this.clock.now(),
        actedBy: null,
        responseId: null,
      });
    }
  }

  /** Moves our outbound notice `claims.re` for recipient `claims.iss`; a late or repeated step is a no-op. */
  private async advance(
    manager: EntityManager,
    pending: PendingWrites,
    claims: NoticeClaims,
    event: NoticeEvent,
    ledgerEvent: 'delivered' | 'acknowledged' | 'answered' | 'declined',
    actor: string | null,
    responseId: string | null = null,
  ): Promise<void> {
    if (!claims.re) return;
    const rows: { status: NoticeState; kind: string }[] = await manager.query(
      `SELECT r.status, n.kind FROM notice_recipient r JOIN notice n ON n.id = r.notice_id
       WHERE r.notice_id = $1 AND r.agency = $2 FOR UPDATE OF r`,
      [claims.re, claims.iss],
    );
    const row = rows[0];
    if (!row) return; // refers to nothing we sent to this agency: recorded as received, no effect
    const entry = (event: typeof ledgerEvent, entryActor: string | null) => ({
      event, messageId: claims.re as string, kind: row.kind, counterpart: claims.iss, channel: null, digest: null, re: claims.jti, actor: entryActor, reason: null,
    });
    // A response or acknowledgement implies delivery, even if its receipt is still on its way.
    let state = row.status;
    if (state === 'SENT' && event !== 'deliver') {
      state = 'DELIVERED';
      pending.ledger.push(entry('delivered', null));
    }
    const result = transition(state, event);
    if (!result.ok) {
      this.log.warn(`ignored ${event} of ${claims.re} from ${claims.iss}: ${result.message}`);
      return;
    }
    if (result.state === row.status) return;
    await manager.update(NoticeRecipientRecord, { noticeId: claims.re, agency: claims.iss }, {
      status: result.state,
      updatedAt: this.clock.now(),
      ...(actor ? { actedBy: actor } : {}),
      ...(responseId ? { responseId } : {}),
    });
    if (result.state !== 'DELIVERED' || ledgerEvent === 'delivered') pending.ledger.push(entry(ledgerEvent, actor));
  }

  private async recordRejected(manager: EntityManager, pending: PendingWrites, message: InboundMessage, code: string, detail: string, digest: string | null): Promise<void> {
    const headerId = message.headers[HEADER_MESSAGE_ID];
    const headerSender = message.headers[HEADER_SENDER];
    const messageId = headerId && isUuidV7(headerId) ? headerId : null;
    const claimedSender = headerSender && AGENCY.test(headerSender) ? headerSender : null;
    const value = message.value ?? Buffer.alloc(0);
    const inserted: unknown[] = await manager.query(
      `INSERT INTO rejected_message (message_id, claimed_sender, code, detail, digest, partition, "offset", rejected_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (partition, "offset") DO NOTHING RETURNING id`,
      [messageId, claimedSender, code, detail, digest ?? sha256Hex(value), message.partition, message.offset, this.clock.now()],
    );
    if (inserted.length === 0) return; // this offset was already refused before a crash
    this.log.warn(`refused message at ${message.topic}/${message.partition}@${message.offset}: ${code}`);
    pending.ledger.push({
      event: 'rejected',
      messageId,
      kind: null,
      counterpart: claimedSender,
      channel: null,
      digest: digest ?? sha256Hex(value),
      re: null,
      actor: null,
      reason: `${code}: ${detail}`.slice(0, 500),
    });
    // Headers are stored as jsonb until relayed: PostgreSQL refuses NUL there, and a refused row
    // would roll back the whole batch forever (a poison message). Binary headers were already
    // decoded lossily as UTF-8; NUL becomes U+FFFD.
    const headers: Record<string, string> = {};
    for (const [name, v] of Object.entries(message.headers)) if (v !== undefined) headers[jsonbSafe(name)] = jsonbSafe(v);
    pending.outbox.push({
      topic: this.topics.deadLetter(this.config.agency),
      key: `${message.partition}-${message.offset}`,
      value,
      headers: { ...headers, 'liaison-refusal': code, 'liaison-refusal-detail': detail.slice(0, 500), 'liaison-source': `${message.topic}/${message.partition}/${message.offset}` },
      createdAt: this.clock.now(),
    });
  }
}

function jsonbSafe(text: string): string {
  return text.replace(/\u0000/g, '\ufffd');
}
