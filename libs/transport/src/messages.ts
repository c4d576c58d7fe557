/** What crosses the broker, in the project's own terms, so nothing above this lib sees kafkajs. */
export type MessageHeaders = Record<string, string>;

export interface OutboundMessage {
  topic: string;
  /** Partitioning key: a message's id keeps its retries on one partition. */
  key: string;
  value: Buffer;
  headers: MessageHeaders;
}

export interface InboundMessage {
  topic: string;
  partition: number;
  /** Kafka offset as a decimal string (64-bit). */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string | undefined>;
  timestamp: string;
}

export interface MessagePublisher {
  /** Resolves once the broker acknowledged every message (acks=all); rejects otherwise. */
  publish(messages: OutboundMessage[]): Promise<void>;
}

/**
 * Handles one batch of one partition. The consumer commits offset+1 of the last message only
 * after the handler resolved, so a crash before that redelivers the batch (handlers are idempotent).
 */
export type BatchHandler = (messages: InboundMessage[]) => Promise<void>;

export interface MessageConsumer {
  start(handler: BatchHandler): Promise<void>;
  stop(): Promise<void>;
}
