import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { EnvelopeOpener, NoticeClaims, OpenResult, HEADER_MESSAGE_ID, HEADER_SENDER, sha256Hex } from '@liaison/envelope';
import { NoticeEvent, NoticeState, replyDeadline, transition } from '@liaison/notices';
import { AGENCY_CODE, isUuidV7 } from '@liaison/ids';
import { FederationTopics, InboundMessage } from '@liaison/transport';
import { NodeConfig } from '../config/node-config';
import { Clock, NODE_CONFIG } from '../tokens';
import { ContentCipher } from './content-cipher';
import { EnvelopeDispatcher, EnvelopeDraft } from './dispatcher';
import { noticeRecordOf, replyDraft } from './envelope-records';
import { NoticeRecipientRecord, NoticeRecord, ReceivedMessageRecord, RejectedMessageRecord } from './exchange.entities';
import { ExchangeMetrics } from './exchange.metrics';
import { insertNoticeRecipients, insertNotices, insertReceivedMessages } from './exchange.persistence';
import { PendingWrites, UnitOfWork } from './unit-of-work';

/** Kinds that confirm or advance another envelope and are not themselves receipted. */
const RECEIPT = 'receipt';
const ACKNOWLEDGEMENT = 'acknowledgement';
const RESPONSE = 'response';
/** Kinds whose arrival moves one of our outbound notices (the one named by `re`). */
const MOVES_OUTBOUND = new Set([RECEIPT, ACKNOWLEDGEMENT, RESPONSE]);

export type Opened = { message: InboundMessage; result: OpenResult };

type Accepted = { message: InboundMessage; claims: NoticeClaims; digest: string };
type InboundRows = { notices: NoticeRecord[]; recipients: NoticeRecipientRecord[] };

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
      const accepted = firstOccurrences(opened);
      const recordedAs = await this.recordReceivedAll(manager, accepted);
      // Receipts, acknowledgements and responses move our outbound rows: lock and read them at once.
      const outbound = await OutboundRows.lock(
        manager,
        accepted.filter((a) => recordedAs.get(a.claims.jti) === 'new' && a.claims.re && MOVES_OUTBOUND.has(a.claims.kind)),
      );
      for (const { message, result } of opened) {
        if (result.ok && !seenInBatch.has(result.claims.jti)) {
          seenInBatch.add(result.claims.jti);
          const recorded = recordedAs.get(result.claims.jti);
          if (recorded === 'new') this.apply(pending, outbound, result.claims, result.digest, receipts, inbound);
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
      if (inbound.notices.length > 0) await insertNotices(manager, inbound.notices);
      if (inbound.recipients.length > 0) await insertNoticeRecipients(manager, inbound.recipients);
      await outbound.write(manager);
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
    if (items.length === 0) return out;
    const now = this.clock.now();
    const inserted = await insertReceivedMessages(manager, items.map(({ message, claims, digest }) => ({
      messageId: claims.jti, sender: claims.iss, kind: claims.kind, partition: message.partition, offset: message.offset, digest, receivedAt: now,
    })));
    const fresh = new Set(inserted.map((r) => r.message_id));
    const known = items.filter((c) => !fresh.has(c.claims.jti)).map((c) => c.claims.jti);
    const previous = known.length ? await manager.find(ReceivedMessageRecord, { where: { messageId: In(known) } }) : [];
    const byId = new Map(previous.map((p) => [p.messageId, p]));
    for (const { message, claims } of items) {
      const p = byId.get(claims.jti);
      out.set(claims.jti, fresh.has(claims.jti) ? 'new' : p && p.partition === message.partition && p.offset === message.offset ? 'redelivered' : 'replay');
    }
    return out;
  }

  private apply(pending: PendingWrites, outbound: OutboundRows, claims: NoticeClaims, digest: string, receipts: EnvelopeDraft[], inbound: InboundRows): void {
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
      this.advance(pending, outbound, claims, 'deliver', 'delivered', null);
      return;
    }
    if (claims.kind === ACKNOWLEDGEMENT) {
      const by = (claims.body as { acknowledged_by: { ref: string } }).acknowledged_by.ref;
      this.advance(pending, outbound, claims, 'acknowledge', 'acknowledged', `${claims.iss}:${by}`);
      return;
    }
    this.storeInbound(inbound, claims, digest);
    if (claims.kind === RESPONSE) {
      const declined = (claims.body as { outcome: string }).outcome === 'declined';
      this.advance(pending, outbound, claims, declined ? 'decline' : 'answer', declined ? 'declined' : 'answered', null, claims.jti);
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
  private advance(
    pending: PendingWrites,
    outbound: OutboundRows,
    claims: NoticeClaims,
    event: NoticeEvent,
    ledgerEvent: 'delivered' | 'acknowledged' | 'answered' | 'declined',
    actor: string | null,
    responseId: string | null = null,
  ): void {
    if (!claims.re) return;
    const row = outbound.get(claims.re, claims.iss);
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
    outbound.move(row, result.state, this.clock.now(), actor, responseId);
    if (result.state !== 'DELIVERED' || ledgerEvent === 'delivered') pending.ledger.push(entry(ledgerEvent, actor));
  }

  private async recordRejected(manager: EntityManager, pending: PendingWrites, message: InboundMessage, code: string, detail: string, digest: string | null): Promise<void> {
    const headerId = message.headers[HEADER_MESSAGE_ID];
    const headerSender = message.headers[HEADER_SENDER];
    const messageId = headerId && isUuidV7(headerId) ? headerId : null;
    const claimedSender = headerSender && AGENCY_CODE.test(headerSender) ? headerSender : null;
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

interface OutboundRow {
  noticeId: string;
  agency: string;
  status: NoticeState;
  kind: string;
  /** Set once the batch moved it: what to write back. */
  change?: { updatedAt: Date; actedBy: string | null; responseId: string | null };
}

/**
 * The rows of our outbound notices that one inbox batch refers to (by `re`, per sending agency):
 * locked and read in one statement, moved in memory in the batch's order, written back in one,
 * instead of a SELECT … FOR UPDATE and an UPDATE for every receipt.
 */
class OutboundRows {
  private constructor(private readonly rows: Map<string, OutboundRow>) {}

  private static key(noticeId: string, agency: string): string {
    return `${noticeId} ${agency}`;
  }

  static async lock(manager: EntityManager, refs: Accepted[]): Promise<OutboundRows> {
    const rows = new Map<string, OutboundRow>();
    if (refs.length === 0) return new OutboundRows(rows);
    // Locked in key order, so two consumers of the same agency cannot deadlock on them.
    const found: OutboundRow[] = await manager.query(
      `SELECT r.notice_id AS "noticeId", r.agency, r.status, n.kind
         FROM notice_recipient r JOIN notice n ON n.id = r.notice_id
        WHERE (r.notice_id, r.agency) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))
        ORDER BY r.notice_id, r.agency FOR UPDATE OF r`,
      [refs.map((r) => r.claims.re), refs.map((r) => r.claims.iss)],
    );
    for (const row of found) rows.set(OutboundRows.key(row.noticeId, row.agency), row);
    return new OutboundRows(rows);
  }

  get(noticeId: string, agency: string): OutboundRow | undefined {
    return this.rows.get(OutboundRows.key(noticeId, agency));
  }

  move(row: OutboundRow, status: NoticeState, at: Date, actor: string | null, responseId: string | null): void {
    row.status = status;
    row.change = { updatedAt: at, actedBy: actor ?? row.change?.actedBy ?? null, responseId: responseId ?? row.change?.responseId ?? null };
  }

  /** One UPDATE for every moved row; acted_by and response_id keep their value unless set. */
  async write(manager: EntityManager): Promise<void> {
    const moved = [...this.rows.values()].filter((r) => r.change);
    if (moved.length === 0) return;
    await manager.query(
      `UPDATE notice_recipient r
          SET status = u.status, updated_at = u.updated_at,
              acted_by = COALESCE(u.acted_by, r.acted_by), response_id = COALESCE(u.response_id, r.response_id)
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::uuid[])
              AS u(notice_id, agency, status, updated_at, acted_by, response_id)
        WHERE r.notice_id = u.notice_id AND r.agency = u.agency`,
      [
        moved.map((r) => r.noticeId),
        moved.map((r) => r.agency),
        moved.map((r) => r.status),
        moved.map((r) => r.change?.updatedAt),
        moved.map((r) => r.change?.actedBy ?? null),
        moved.map((r) => r.change?.responseId ?? null),
      ],
    );
  }
}
