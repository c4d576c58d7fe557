import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NoticeState } from '@liaison/notices';
import { insertRows } from '../persistence/insert-rows';
import { returnedRows } from '../persistence/returned-rows';
import type { Queryable } from '../persistence/queryable';

// Every statement the exchange runs, with plain inputs and outputs. Message ids are chosen by
// their sender, so a notice is identified by (sender, id) everywhere (migration 1764000400000).

/** A notice this agency sent (outbound) or received (inbound); responses are notices too. */
export interface NoticeRow {
  id: string;
  direction: 'outbound' | 'inbound';
  sender: string;
  recipients: string[];
  kind: string;
  priority: 'urgent' | 'normal';
  handlingCode: string;
  handlingRestriction: string | null;
  grades: { source: string; information: number } | null;
  re: string | null;
  /** The case the notice belongs to (the envelope's `case` claim). */
  caseId: string | null;
  issuedAt: Date;
  expiresAt: Date;
  /** When an answer is due (queries only), from the federation's configured deadlines. */
  deadline: Date | null;
  digest: string;
  /** The body, encrypted at rest; see ContentCipher. */
  content: Buffer;
  createdBy: string | null;
}

/** One recipient agency's progress on a notice: the workflow of libs/notices. */
export interface RecipientRow {
  noticeSender: string;
  noticeId: string;
  agency: string;
  status: NoticeState;
  channelSeq: number | null;
  updatedAt: Date;
  /** Who made the last human transition (subject of the token, or the remote officer reference). */
  actedBy: string | null;
  /** The response notice that answered or declined it. */
  responseId: string | null;
}

/** A message waiting to be published; the relay deletes the row once Kafka accepted it. */
export interface OutboxRow {
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
  createdAt: Date;
}

/** Where an inbox message sat in its topic: refusals and redeliveries are recorded once per offset. */
export interface InboxPosition {
  partition: number;
  offset: string;
}

/** An accepted envelope: idempotence and replay detection, by (sender, message id). */
export interface ReceivedRow extends InboxPosition {
  sender: string;
  messageId: string;
  kind: string;
  digest: string;
  receivedAt: Date;
}

export interface RedeliveredRow extends InboxPosition {
  sender: string;
  messageId: string;
  digest: string;
  redeliveredAt: Date;
}

export interface RejectedRow extends InboxPosition {
  /** From the (unverified) headers, when well-formed. */
  messageId: string | null;
  claimedSender: string | null;
  code: string;
  detail: string;
  digest: string;
  rejectedAt: Date;
}

/** Our outbound workflow row that an inbound receipt, acknowledgement or response refers to. */
export interface OutboundState {
  noticeId: string;
  agency: string;
  status: NoticeState;
  kind: string;
  /** SHA-256 of the envelope we sent (a batch receipt must name the same). */
  digest: string;
}

export interface OutboundMove {
  noticeId: string;
  agency: string;
  status: NoticeState;
  updatedAt: Date;
  actedBy: string | null;
  responseId: string | null;
}

export interface InboxFilter {
  status?: string;
  kind?: string;
  priority?: string;
  sender?: string;
  overdue?: boolean;
  limit: number;
}

export interface InboxRow {
  id: string;
  sender: string;
  kind: string;
  priority: string;
  handling: string;
  issuedAt: Date;
  /** Null for kinds that expect no answer (intelligence reports). */
  deadline: Date | null;
  expiresAt: Date;
  status: NoticeState;
  updatedAt: Date;
  content: Buffer;
  handlingRestriction: string | null;
  grades: NoticeRow['grades'];
  re: string | null;
  recipients: string[];
  digest: string;
}

/** The states in which a query still waits for this agency's officers. */
export const OPEN_STATES: readonly NoticeState[] = ['DELIVERED', 'ACKNOWLEDGED'];

const NOTICE_COLUMNS = [
  'id', 'direction', 'sender', 'recipients', 'kind', 'priority', 'handling_code', 'handling_restriction',
  'grades', 're', 'issued_at', 'expires_at', 'deadline', 'digest', 'content', 'created_by', 'case_id',
] as const;
const RECIPIENT_COLUMNS = ['notice_sender', 'notice_id', 'agency', 'status', 'channel_seq', 'updated_at', 'acted_by', 'response_id'] as const;
const OUTBOX_COLUMNS = ['topic', 'message_key', 'value', 'headers', 'created_at'] as const;
const RECEIVED_COLUMNS = ['sender', 'message_id', 'kind', 'partition', '"offset"', 'digest', 'received_at'] as const;
const REDELIVERED_COLUMNS = ['sender', 'message_id', 'digest', 'partition', '"offset"', 'redelivered_at'] as const;
const REJECTED_COLUMNS = ['message_id', 'claimed_sender', 'code', 'detail', 'digest', 'partition', '"offset"', 'rejected_at'] as const;

export const NOTICE_SELECT = `id, direction, sender, recipients, kind, priority, handling_code AS "handlingCode",
  handling_restriction AS "handlingRestriction", grades, re, issued_at AS "issuedAt", expires_at AS "expiresAt",
  deadline, digest, content, created_by AS "createdBy", case_id AS "caseId"`;
export const RECIPIENT_SELECT = `notice_sender AS "noticeSender", notice_id AS "noticeId", agency, status,
  channel_seq::float8 AS "channelSeq", updated_at AS "updatedAt", acted_by AS "actedBy", response_id AS "responseId"`;

/** Key of a row named by (sender, id) in maps and sets. */
export const senderKey = (sender: string, id: string): string => `${sender} ${id}`;

@Injectable()
export class ExchangeRepository {
  constructor(private readonly db: DataSource) {}

  // --- writes of the send and inbox transactions (multi-row statements: see insertRows) ---

  insertNotices(q: Queryable, rows: NoticeRow[]): Promise<unknown[]> {
    return insertRows(q, 'notice', NOTICE_COLUMNS, rows.map((n) => [
      n.id, n.direction, n.sender, n.recipients, n.kind, n.priority, n.handlingCode, n.handlingRestriction,
      n.grades === null ? null : JSON.stringify(n.grades), n.re, n.issuedAt, n.expiresAt, n.deadline, n.digest, n.content, n.createdBy, n.caseId,
    ]));
  }

  insertRecipients(q: Queryable, rows: RecipientRow[]): Promise<unknown[]> {
    return insertRows(q, 'notice_recipient', RECIPIENT_COLUMNS, rows.map((r) => [
      r.noticeSender, r.noticeId, r.agency, r.status, r.channelSeq, r.updatedAt, r.actedBy, r.responseId,
    ]));
  }

  insertOutbox(q: Queryable, rows: OutboxRow[]): Promise<unknown[]> {
    return insertRows(q, 'outbox', OUTBOX_COLUMNS, rows.map((o) => [o.topic, o.key, o.value, JSON.stringify(o.headers), o.createdAt]));
  }

  /** Records accepted envelopes; a (sender, id) already recorded is left as it was. */
  insertReceived(q: Queryable, rows: ReceivedRow[]): Promise<unknown[]> {
    return insertRows(q, 'received_message', RECEIVED_COLUMNS,
      rows.map((r) => [r.sender, r.messageId, r.kind, r.partition, r.offset, r.digest, r.receivedAt]), 'ON CONFLICT (sender, message_id) DO NOTHING');
  }

  /** The received records of these (sender, id) pairs. */
  async findReceived(q: Queryable, keys: { sender: string; messageId: string }[]): Promise<ReceivedRow[]> {
    if (keys.length === 0) return [];
    return q.query(
      `SELECT sender, message_id AS "messageId", kind, partition, "offset"::text AS "offset", digest, received_at AS "receivedAt"
         FROM received_message WHERE (sender, message_id) IN (SELECT * FROM unnest($1::text[], $2::uuid[]))`,
      [keys.map((k) => k.sender), keys.map((k) => k.messageId)],
    );
  }

  /** Records redeliveries; returns the positions that were new (a position seen before is not recorded twice). */
  async insertRedelivered(q: Queryable, rows: RedeliveredRow[]): Promise<InboxPosition[]> {
    return insertRows<InboxPosition>(q, 'redelivered_message', REDELIVERED_COLUMNS,
      rows.map((r) => [r.sender, r.messageId, r.digest, r.partition, r.offset, r.redeliveredAt]),
      'ON CONFLICT (partition, "offset") DO NOTHING RETURNING partition, "offset"::text AS "offset"');
  }

  /** Records refusals; returns the positions that were new (an offset refused before a crash is not refused twice). */
  async insertRejected(q: Queryable, rows: RejectedRow[]): Promise<InboxPosition[]> {
    return insertRows<InboxPosition>(q, 'rejected_message', REJECTED_COLUMNS,
      rows.map((r) => [r.messageId, r.claimedSender, r.code, r.detail, r.digest, r.partition, r.offset, r.rejectedAt]),
      'ON CONFLICT (partition, "offset") DO NOTHING RETURNING partition, "offset"::text AS "offset"');
  }

  /** The positions among these that were already refused or recorded as redelivered (a batch seen again after a crash). */
  async recordedPositions(q: Queryable, positions: InboxPosition[]): Promise<InboxPosition[]> {
    if (positions.length === 0) return [];
    return q.query(
      `SELECT partition, "offset"::text AS "offset" FROM rejected_message WHERE (partition, "offset") IN (SELECT * FROM unnest($1::int[], $2::bigint[]))
       UNION ALL
       SELECT partition, "offset"::text FROM redelivered_message WHERE (partition, "offset") IN (SELECT * FROM unnest($1::int[], $2::bigint[]))`,
      [positions.map((p) => p.partition), positions.map((p) => p.offset)],
    );
  }

  /**
   * Locks and reads our outbound workflow rows named by (notice id, recipient agency), in key
   * order so that two consumers of the same agency cannot deadlock on them.
   */
  async lockOutbound(q: Queryable, me: string, refs: { noticeId: string; agency: string }[]): Promise<OutboundState[]> {
    if (refs.length === 0) return [];
    return q.query(
      `SELECT r.notice_id AS "noticeId", r.agency, r.status, n.kind, n.digest
         FROM notice_recipient r JOIN notice n ON n.sender = r.notice_sender AND n.id = r.notice_id
        WHERE r.notice_sender = $1 AND (r.notice_id, r.agency) IN (SELECT * FROM unnest($2::uuid[], $3::text[]))
        ORDER BY r.notice_id, r.agency FOR UPDATE OF r`,
      [me, refs.map((r) => r.noticeId), refs.map((r) => r.agency)],
    );
  }

  /** One UPDATE for many of our outbound rows; acted_by and response_id keep their value unless set. */
  async moveOutbound(q: Queryable, me: string, moves: OutboundMove[]): Promise<void> {
    if (moves.length === 0) return;
    await q.query(
      `UPDATE notice_recipient r
          SET status = u.status, updated_at = u.updated_at,
              acted_by = COALESCE(u.acted_by, r.acted_by), response_id = COALESCE(u.response_id, r.response_id)
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::uuid[])
              AS u(notice_id, agency, status, updated_at, acted_by, response_id)
        WHERE r.notice_sender = $1 AND r.notice_id = u.notice_id AND r.agency = u.agency`,
      [me, moves.map((m) => m.noticeId), moves.map((m) => m.agency), moves.map((m) => m.status),
        moves.map((m) => m.updatedAt), moves.map((m) => m.actedBy), moves.map((m) => m.responseId)],
    );
  }

  /** Reserves `count` consecutive numbers on a channel (starting at 0); returns the first. The row lock orders concurrent senders. */
  async reserveChannelSeqs(q: Queryable, sender: string, recipient: string, count: number): Promise<number> {
    const rows: { first: string }[] = await q.query(
      `INSERT INTO channel_sequence (sender, recipient, next_seq) VALUES ($1, $2, $3)
       ON CONFLICT (sender, recipient) DO UPDATE SET next_seq = channel_sequence.next_seq + $3
       RETURNING next_seq - $3 AS first`,
      [sender, recipient, count],
    );
    return Number(rows[0].first);
  }

  // --- an officer's action on one inbound query ---

  /** Inbound queries to `me` with this id (normally one; several only if senders chose the same id), workflow rows locked. */
  async inboundForUpdate(q: Queryable, me: string, noticeId: string): Promise<{ notice: NoticeRow; state: RecipientRow }[]> {
    const states: RecipientRow[] = await q.query(
      `SELECT ${RECIPIENT_SELECT} FROM notice_recipient WHERE notice_id = $1 AND agency = $2 AND notice_sender <> $2 ORDER BY notice_sender FOR UPDATE`,
      [noticeId, me],
    );
    if (states.length === 0) return [];
    const notices: NoticeRow[] = await q.query(
      `SELECT ${NOTICE_SELECT} FROM notice WHERE id = $1 AND direction = 'inbound' AND kind <> 'response' AND sender = ANY($2::text[])`,
      [noticeId, states.map((s) => s.noticeSender)],
    );
    const bySender = new Map(notices.map((n) => [n.sender, n]));
    return states.flatMap((state) => {
      const notice = bySender.get(state.noticeSender);
      return notice ? [{ notice, state }] : [];
    });
  }

  async setInboundStatus(q: Queryable, key: { noticeSender: string; noticeId: string; agency: string }, change: { status: NoticeState; updatedAt: Date; actedBy: string; responseId?: string }): Promise<void> {
    await q.query(
      `UPDATE notice_recipient SET status = $4, updated_at = $5, acted_by = $6, response_id = COALESCE($7, response_id)
        WHERE notice_sender = $1 AND notice_id = $2 AND agency = $3`,
      [key.noticeSender, key.noticeId, key.agency, change.status, change.updatedAt, change.actedBy, change.responseId ?? null],
    );
  }

  // --- relay and sweeper ---

  /** Claims the oldest outbox rows for this transaction (replicas skip each other's). */
  claimOutbox(q: Queryable, limit: number): Promise<(OutboxRow & { id: string })[]> {
    return q.query(
      'SELECT id, topic, message_key AS key, value, headers, created_at AS "createdAt" FROM outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED',
      [limit],
    );
  }

  async deleteOutbox(q: Queryable, ids: string[]): Promise<void> {
    await q.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [ids]);
  }

  async outboxBacklog(): Promise<number> {
    const rows: { n: string }[] = await this.db.query('SELECT count(*) AS n FROM outbox');
    return Number(rows[0].n);
  }

  /** Received queries still open past their reply deadline (until the expiry sweeper marks them EXPIRED). */
  async countOverdue(me: string, now: Date): Promise<number> {
    const rows: { n: string }[] = await this.db.query(
      `SELECT count(*) AS n FROM notice n JOIN notice_recipient r ON r.notice_sender = n.sender AND r.notice_id = n.id AND r.agency = $1
        WHERE n.direction = 'inbound' AND n.kind <> 'response' AND r.status = ANY($2::text[]) AND n.deadline < $3`,
      [me, OPEN_STATES, now],
    );
    return Number(rows[0].n);
  }

  /** Marks EXPIRED every open workflow row whose notice passed its expiry or reply deadline. */
  async expireOpen(q: Queryable, now: Date): Promise<{ noticeSender: string; noticeId: string; agency: string; kind: string; direction: string }[]> {
    const result: unknown = await q.query(
      `UPDATE notice_recipient r SET status = 'EXPIRED', updated_at = $1
         FROM notice n
        WHERE n.sender = r.notice_sender AND n.id = r.notice_id AND n.kind <> 'response'
          AND r.status IN ('SENT', 'DELIVERED', 'ACKNOWLEDGED')
          AND (n.expires_at <= $1 OR n.deadline <= $1)
        RETURNING r.notice_sender AS "noticeSender", r.notice_id AS "noticeId", r.agency, n.kind, n.direction`,
      [now],
    );
    return returnedRows(result) as never;
  }

  // --- reads for the API ---

  /** The liaison officer's inbox: open work first, then urgent first and soonest due. */
  inbox(me: string, filter: InboxFilter, now: Date): Promise<InboxRow[]> {
    const where = ["n.direction = 'inbound'", "n.kind <> 'response'"];
    const params: unknown[] = [me, OPEN_STATES];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.status) add('r.status = ?', filter.status);
    if (filter.kind) add('n.kind = ?', filter.kind);
    if (filter.priority) add('n.priority = ?', filter.priority);
    if (filter.sender) add('n.sender = ?', filter.sender);
    if (filter.overdue) add('n.deadline < ? AND r.status = ANY($2::text[])', now);
    params.push(filter.limit);
    return this.db.query(
      `SELECT n.id, n.sender, n.kind, n.priority, n.handling_code AS handling, n.handling_restriction AS "handlingRestriction",
              n.grades, n.re, n.recipients, n.digest, n.issued_at AS "issuedAt", n.deadline, n.expires_at AS "expiresAt",
              n.content, r.status, r.updated_at AS "updatedAt"
         FROM notice n JOIN notice_recipient r ON r.notice_sender = n.sender AND r.notice_id = n.id AND r.agency = $1
        WHERE ${where.join(' AND ')}
        ORDER BY CASE WHEN r.status = ANY($2::text[]) THEN 0 ELSE 1 END,
                 CASE n.priority WHEN 'urgent' THEN 0 ELSE 1 END, n.deadline ASC, n.id
        LIMIT $${params.length}`,
      params,
    );
  }

  /** Our latest outbound queries (not responses), newest first. */
  sent(me: string, limit: number): Promise<NoticeRow[]> {
    return this.db.query(
      `SELECT ${NOTICE_SELECT} FROM notice WHERE direction = 'outbound' AND sender = $1 AND kind <> 'response' ORDER BY issued_at DESC, id DESC LIMIT $2`,
      [me, limit],
    );
  }

  /** Queries (not responses) with this id in one direction. */
  notices(id: string, direction: NoticeRow['direction']): Promise<NoticeRow[]> {
    return this.db.query(`SELECT ${NOTICE_SELECT} FROM notice WHERE id = $1 AND direction = $2 AND kind <> 'response' ORDER BY sender`, [id, direction]);
  }

  /** Responses to the notice `re` sent by one of `senders`, oldest first. */
  responses(re: string, senders: string[], recipient: string | null): Promise<NoticeRow[]> {
    return this.db.query(
      `SELECT ${NOTICE_SELECT} FROM notice WHERE re = $1 AND kind = 'response' AND sender = ANY($2::text[])
          AND ($3::text IS NULL OR recipients = ARRAY[$3::text]) ORDER BY issued_at, id`,
      [re, senders, recipient],
    );
  }

  /** Workflow rows of these notices, by agency. */
  recipients(keys: { sender: string; id: string }[]): Promise<RecipientRow[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.db.query(
      `SELECT ${RECIPIENT_SELECT} FROM notice_recipient WHERE (notice_sender, notice_id) IN (SELECT * FROM unnest($1::text[], $2::uuid[])) ORDER BY agency`,
      [keys.map((k) => k.sender), keys.map((k) => k.id)],
    );
  }

  rejected(limit: number): Promise<unknown[]> {
    return this.db.query(
      `SELECT id, message_id AS "messageId", claimed_sender AS "claimedSender", code, detail, digest, partition, "offset", rejected_at AS "rejectedAt"
         FROM rejected_message ORDER BY id DESC LIMIT $1`,
      [limit],
    );
  }
}
