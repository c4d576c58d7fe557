import {
  ChannelSequenceRecord,
  DirectoryCacheRecord,
  NoticeRecipientRecord,
  NoticeRecord,
  OutboxRecord,
  ReceivedMessageRecord,
  RejectedMessageRecord,
} from './exchange.entities';
import { Exchange1764000200000 } from './migrations/1764000200000-Exchange';
import type { Queryable } from '../persistence/queryable';
import { insertRows } from '../persistence/insert-rows';

export const EXCHANGE_ENTITIES = [
  NoticeRecord,
  NoticeRecipientRecord,
  OutboxRecord,
  ReceivedMessageRecord,
  RejectedMessageRecord,
  ChannelSequenceRecord,
  DirectoryCacheRecord,
];
export const EXCHANGE_MIGRATIONS = [Exchange1764000200000];

const NOTICE_COLUMNS = [
  'id', 'direction', 'sender', 'recipients', 'kind', 'priority', 'handling_code', 'handling_restriction',
  'grades', 're', 'issued_at', 'expires_at', 'deadline', 'digest', 'content', 'created_by',
] as const;
const RECIPIENT_COLUMNS = ['notice_id', 'agency', 'status', 'channel_seq', 'updated_at', 'acted_by', 'response_id'] as const;
const OUTBOX_COLUMNS = ['topic', 'message_key', 'value', 'headers', 'created_at'] as const;
const RECEIVED_COLUMNS = ['message_id', 'sender', 'kind', 'partition', '"offset"', 'digest', 'received_at'] as const;

/** The hot tables' rows, written with one multi-row statement each (see insertRows). */
export function insertNotices(q: Queryable, rows: NoticeRecord[]): Promise<unknown[]> {
  return insertRows(q, 'notice', NOTICE_COLUMNS, rows.map((n) => [
    n.id, n.direction, n.sender, n.recipients, n.kind, n.priority, n.handlingCode, n.handlingRestriction,
    n.grades === null ? null : JSON.stringify(n.grades), n.re, n.issuedAt, n.expiresAt, n.deadline, n.digest, n.content, n.createdBy,
  ]));
}

export function insertNoticeRecipients(q: Queryable, rows: NoticeRecipientRecord[]): Promise<unknown[]> {
  return insertRows(q, 'notice_recipient', RECIPIENT_COLUMNS, rows.map((r) => [r.noticeId, r.agency, r.status, r.channelSeq, r.updatedAt, r.actedBy, r.responseId]));
}

export function insertOutbox(q: Queryable, rows: Omit<OutboxRecord, 'id'>[]): Promise<unknown[]> {
  return insertRows(q, 'outbox', OUTBOX_COLUMNS, rows.map((o) => [o.topic, o.key, o.value, JSON.stringify(o.headers), o.createdAt]));
}

/** Records accepted message ids; answers the ids that were new (a known id is left as it was). */
export function insertReceivedMessages(q: Queryable, rows: ReceivedMessageRecord[]): Promise<{ message_id: string }[]> {
  return insertRows<{ message_id: string }>(
    q,
    'received_message',
    RECEIVED_COLUMNS,
    rows.map((r) => [r.messageId, r.sender, r.kind, r.partition, r.offset, r.digest, r.receivedAt]),
    'ON CONFLICT (message_id) DO NOTHING RETURNING message_id',
  );
}
