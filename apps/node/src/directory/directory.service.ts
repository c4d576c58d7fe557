import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { Gauge } from 'prom-client';
import { TrustStore, TrustStatus, sha256Hex } from '@liaison/envelope';
import { FederationTopics, MessageConsumer } from '@liaison/transport';
import { NodeConfig } from '../config/node-config';
import { MetricsRegistry } from '../metrics';
import { LedgerWriter } from '../ledger/ledger.port';
import { Transactions } from '../persistence/transactions';
import { ConsumerFactory, NODE_CONFIG } from '../tokens';

const ALARM_INTERVAL_MS = 15 * 60_000;

/**
 * Feeds the trust store: the compacted directory topic (pushed by the federation admin) and,
 * when configured, an HTTP source polled at start. Every accepted change is a ledger entry;
 * a refused directory (unsigned, other key, rollback) is logged and the last verified one stays.
 */
@Injectable()
export class DirectoryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Directory');
  private consumer: MessageConsumer | null = null;
  private alarm: NodeJS.Timeout | null = null;

  constructor(
    private readonly trust: TrustStore,
    private readonly transactions: Transactions,
    private readonly ledger: LedgerWriter,
    private readonly consumers: ConsumerFactory,
    private readonly topics: FederationTopics,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    @Optional() registry?: MetricsRegistry,
  ) {
    if (registry) {
      const status = () => this.status();
      new Gauge({
        name: 'liaison_directory_age_seconds', help: 'Seconds since the held directory was issued (-1: none)', registers: [registry],
        collect() { this.set(status().ageSeconds ?? -1); },
      });
      new Gauge({
        name: 'liaison_directory_expires_in_seconds', help: 'Seconds until the held directory expires (negative: expired, the node refuses to open and seal)', registers: [registry],
        collect() { this.set(status().expiresInSeconds ?? -1); },
      });
    }
  }

  /** Age, expiry and staleness of the held directory (for /health and alerts). */
  status(): TrustStatus {
    return this.trust.status();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.alarm = setInterval(() => this.checkExpiry(), ALARM_INTERVAL_MS);
    this.alarm.unref();
    if (this.config.directoryUrl) await this.fetchOverHttp(this.config.directoryUrl);
    this.consumer = this.consumers.create({
      // Bootstrapped, the node holds no directory while the shared group's offset lies past the
      // latest one: a group of its own reads the compacted topic again from its start.
      groupId: `${this.topics.groupPrefix(this.config.agency)}directory${this.config.directoryBootstrap ? `-bootstrap-${randomUUID()}` : ''}`,
      topic: this.topics.directory,
      fromBeginning: true,
    });
    await this.consumer.start(async (batch) => {
      for (const message of batch) if (message.value) await this.offer(message.value.toString('utf8'), 'kafka');
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.alarm) clearInterval(this.alarm);
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
      this.log.log(`directory serial ${result.directory.serial} accepted from ${source}, expires ${result.directory.expires_at}`);
      this.checkExpiry();
      await this.transactions.run((tx) =>
        this.ledger.append(tx, [{
          event: 'directory-updated', messageId: null, kind: null, counterpart: null, channel: null,
          digest: sha256Hex(Buffer.from(jws)), re: null, actor: null, reason: `serial ${result.directory.serial} from ${source}`,
        }]),
      );
    }
    return true;
  }

  /** The alert: a warning through the warning period, an error once the node fails closed. */
  private checkExpiry(): void {
    const s = this.status();
    if (s.serial === null) this.log.warn('no verified federation directory yet: this node opens and seals nothing until one arrives');
    else if (s.expired) this.log.error(`directory serial ${s.serial} expired at ${s.expiresAt}: this node refuses to open and to seal envelopes until a newer signed directory arrives`);
    else if (s.stale) this.log.warn(`directory serial ${s.serial} expires at ${s.expiresAt} (in ${Math.floor((s.expiresInSeconds ?? 0) / 3600)} h): the federation must publish a newer one`);
  }

  private async fetchOverHttp(url: string): Promise<void> {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'error' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      await this.offer((await response.text()).trim(), url);
    } catch (error) {
      // Keep working on the last verified directory (brief: an outage must not stop traffic).
      this.log.warn(`directory source ${url} unreachable (${(error as Error).message}); using the last verified directory`);
    }
  }
}
