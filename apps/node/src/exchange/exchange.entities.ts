import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** A notice this agency sent (outbound) or received (inbound); responses are notices too. */
@Entity({ name: 'notice' })
export class NoticeRecord {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') direction!: 'outbound' | 'inbound';
  @Column('text') sender!: string;
  @Column('text', { array: true }) recipients!: string[];
  @Column('text') kind!: string;
  @Column('text') priority!: 'urgent' | 'normal';
  @Column('text', { name: 'handling_code' }) handlingCode!: string;
  @Column('text', { name: 'handling_restriction', nullable: true }) handlingRestriction!: string | null;
  @Column('jsonb', { nullable: true }) grades!: { source: string; information: number } | null;
  @Column('uuid', { nullable: true }) re!: string | null;
  @Column('timestamptz', { name: 'issued_at' }) issuedAt!: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt!: Date;
  /** When an answer is due (queries only), from the federation's configured deadlines. */
  @Column('timestamptz', { nullable: true }) deadline!: Date | null;
  @Column('text') digest!: string;
  /** The body, encrypted at rest (AES-256-GCM); see ContentCipher. */
  @Column('bytea') content!: Buffer;
  @Column('text', { name: 'created_by', nullable: true }) createdBy!: string | null;
}

/** One recipient agency's progress on a notice: the workflow of libs/notices. */
@Entity({ name: 'notice_recipient' })
export class NoticeRecipientRecord {
  @PrimaryColumn('uuid', { name: 'notice_id' }) noticeId!: string;
  @PrimaryColumn('text') agency!: string;
  @Column('text') status!: string;
  @Column('bigint', { name: 'channel_seq', nullable: true }) channelSeq!: string | null;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
  /** Who made the last human transition (subject of the token, or the remote officer reference). */
  @Column('text', { name: 'acted_by', nullable: true }) actedBy!: string | null;
  /** The response notice that answered or declined it. */
  @Column('uuid', { name: 'response_id', nullable: true }) responseId!: string | null;
}

/** Messages waiting to be published; the relay deletes a row once Kafka accepted it. */
@Entity({ name: 'outbox' })
export class OutboxRecord {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  @Column('text') topic!: string;
  @Column('text', { name: 'message_key' }) key!: string;
  @Column('bytea') value!: Buffer;
  @Column('jsonb') headers!: Record<string, string>;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
}

/** Every envelope accepted from the inbox, by id: idempotence and replay detection. */
@Entity({ name: 'received_message' })
export class ReceivedMessageRecord {
  @PrimaryColumn('uuid', { name: 'message_id' }) messageId!: string;
  @Column('text') sender!: string;
  @Column('text') kind!: string;
  @Column('int') partition!: number;
  @Column('bigint') offset!: string;
  @Column('text') digest!: string;
  @Column('timestamptz', { name: 'received_at' }) receivedAt!: Date;
}

/** Messages refused by an envelope check; their bytes went to the dead-letter topic. */
@Entity({ name: 'rejected_message' })
export class RejectedMessageRecord {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id!: string;
  /** From the (unverified) headers, when well-formed. */
  @Column('text', { name: 'message_id', nullable: true }) messageId!: string | null;
  @Column('text', { name: 'claimed_sender', nullable: true }) claimedSender!: string | null;
  @Column('text') code!: string;
  @Column('text') detail!: string;
  @Column('text', { nullable: true }) digest!: string | null;
  @Column('int') partition!: number;
  @Column('bigint') offset!: string;
  @Column('timestamptz', { name: 'rejected_at' }) rejectedAt!: Date;
}

/** Next sequence number of each (sender, recipient) channel; see docs/PROTOCOL.md "chseq". */
@Entity({ name: 'channel_sequence' })
export class ChannelSequenceRecord {
  @PrimaryColumn('text') sender!: string;
  @PrimaryColumn('text') recipient!: string;
  @Column('bigint', { name: 'next_seq' }) nextSeq!: string;
}

/** The last verified signed directory (JWS), so a restart works without the directory source. */
@Entity({ name: 'directory_cache' })
export class DirectoryCacheRecord {
  @PrimaryColumn('int') id!: number;
  @Column('text') jws!: string;
  @Column('timestamptz', { name: 'saved_at' }) savedAt!: Date;
}
