import type { ConsumerOptions, MessageConsumer, MessagePublisher } from '@liaison/transport';

/**
 * The node's side effects sit behind these small seams, injected where they are used, so the
 * logic above them is tested against the real broker and database and never imports kafkajs.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** Publishes to Kafka (acks=all). */
export const PUBLISHER = Symbol('MessagePublisher');
export type Publisher = MessagePublisher;
/** Publishes attachment chunks (acks=all), on a producer of its own (NodeRuntime.chunkPublisher). */
export const CHUNK_PUBLISHER = Symbol('ChunkPublisher');

/** Creates consumers for this agency's groups (inbox, witness, directory). */
export abstract class ConsumerFactory {
  abstract create(options: ConsumerOptions): MessageConsumer;
}

export const NODE_CONFIG = Symbol('NodeConfig');

/** The ledger's own connection pool (DatabasePools 'ledger'): checkpoints, witnessing, self-audit, audit reads. */
export const LEDGER_DATA_SOURCE = Symbol('LedgerDataSource');

/** Readiness probe of the broker. */
export const BROKER_PROBE = Symbol('BrokerProbe');
