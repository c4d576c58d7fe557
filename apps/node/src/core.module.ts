import { DynamicModule, Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AgencyKeyring, EnvelopeOpener, EnvelopeSealer, TrustStore } from '@liaison/envelope';
import { FederationTopics } from '@liaison/transport';
import { MetricsRegistry } from './metrics';
import { DatabasePools } from './persistence/pools';
import { Transactions } from './persistence/transactions';
import { createOpener, createSealer, NodeRuntime } from './runtime';
import { BROKER_PROBE, CHUNK_PUBLISHER, Clock, ConsumerFactory, LEDGER_DATA_SOURCE, NODE_CONFIG, PUBLISHER, SystemClock } from './tokens';

/** The node's runtime resources (opened before Nest starts), available to every module. */
@Global()
@Module({})
export class CoreModule {
  static forRuntime(runtime: NodeRuntime, clock: Clock = new SystemClock()): DynamicModule {
    const providers = [
      { provide: NODE_CONFIG, useValue: runtime.config },
      // Repositories serving HTTP requests take the API pool; the ledger's take its own.
      { provide: DatabasePools, useValue: runtime.pools },
      { provide: DataSource, useFactory: (pools: DatabasePools) => pools.get('api'), inject: [DatabasePools] },
      { provide: LEDGER_DATA_SOURCE, useFactory: (pools: DatabasePools) => pools.get('ledger'), inject: [DatabasePools] },
      { provide: Clock, useValue: clock },
      { provide: PUBLISHER, useValue: runtime.publisher },
      { provide: CHUNK_PUBLISHER, useValue: runtime.chunkPublisher },
      { provide: BROKER_PROBE, useValue: runtime.broker },
      { provide: ConsumerFactory, useValue: runtime.consumers },
      { provide: FederationTopics, useValue: runtime.topics },
      { provide: AgencyKeyring, useValue: runtime.keyring },
      { provide: TrustStore, useValue: runtime.trust },
      { provide: EnvelopeSealer, useValue: createSealer(runtime) },
      { provide: EnvelopeOpener, useValue: createOpener(runtime) },
      Transactions,
      { provide: MetricsRegistry, useValue: new MetricsRegistry(runtime.statements) },
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) };
  }
}
