import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DirectoryCache, TrustStore, sha256Hex } from '@liaison/envelope';
import { FederationTopics, MessageConsumer } from '@liaison/transport';
import { NodeConfig } from '../config/node-config';
import { LedgerWriter } from '../ledger/ledger.port';
import { ConsumerFactory, NODE_CONFIG } from '../tokens';

/** Keeps the last verified directory in the node's database, so a restart needs no source. */
export class DatabaseDirectoryCache implements DirectoryCache {
  constructor(private readonly dataSource: DataSource) {}

  async load(): Promise<string | null> {
    const rows: { jws: string }[] = await this.dataSource.query('SELECT jws FROM directory_cache WHERE id = 1');
    return rows[0]?.jws ?? null;
  }

  async save(jws: string): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO directory_cache (id, jws, saved_at) VALUES (1, $1, now()) ON CONFLICT (id) DO UPDATE SET jws = $1, saved_at = now()',
      [jws],
    );
  }
}

/**
 * Feeds the trust store: the compacted directory topic (pushed by the federation admin) and,
 * when configured, an HTTP source polled at start. Every accepted change is a ledger entry;
 * a refused directory (unsigned, other key, rollback) is logged and the last verified one stays.
 */
@Injectable()
export class DirectoryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Directory');
  private consumer: MessageConsumer | null = null;

  constructor(
    private readonly trust: TrustStore,
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerWriter,
    private readonly consumers: ConsumerFactory,
    private readonly topics: FederationTopics,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.directoryUrl) await this.fetchOverHttp(this.config.directoryUrl);
    this.consumer = this.consumers.create({
      groupId: `${this.topics.groupPrefix(this.config.agency)}directory`,
      topic: this.topics.directory,
      fromBeginning: true,
    });
    await this.consumer.start(async (batch) => {
      for (const message of batch) if (message.value) await this.offer(message.value.toString('utf8'), 'kafka');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  /** Offers a signed directory from any source; returns whether it is now the current one. */
  async offer(jws: string, source: string): Promise<boolean> {
    const result = await this.trust.accept(jws);
    if (!result.ok) {
      this.log.warn(`refused directory from ${source}: ${result.reason} (${result.detail})`);
      return false;
    }
    if (result.changed) {
      this.log.log(`directory serial ${result.directory.serial} accepted from ${source}`);
      await this.dataSource.transaction((manager) =>
        this.ledger.append(manager, [{
          event: 'directory-updated', messageId: null, kind: null, counterpart: null, channel: null,
          digest: sha256Hex(Buffer.from(jws)), re: null, actor: null, reason: `serial ${result.directory.serial} from ${source}`,
        }]),
      );
    }
    return true;
  }

  private async fetchOverHttp(url: string): Promise<void> {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      await this.offer((await response.text()).trim(), url);
    } catch (error) {
      // Keep working on the last verified directory (brief: an outage must not stop traffic).
      this.log.warn(`directory source ${url} unreachable (${(error as Error).message}); using the last verified directory`);
    }
  }
}
