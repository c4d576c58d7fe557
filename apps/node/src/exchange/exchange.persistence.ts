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
