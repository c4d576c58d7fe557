import { Controller, Get, Header, HttpCode, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@liaison/auth';
import { problem, ProblemException } from '../http/problem';
import { TrustStore } from '@liaison/envelope';
import { FederationTopics, type BrokerProbe } from '@liaison/transport';
import { ExchangeMetrics } from '../exchange/exchange.metrics';
import { ExchangeRepository } from '../exchange/exchange.repository';
import { InboxMonitor } from '../exchange/inbox.monitor';
import { NodeConfig } from '../config/node-config';
import { CheckpointService } from '../ledger/checkpoint.service';
import { LedgerIntegrity } from '../ledger/ledger.integrity';
import { LedgerMetrics } from '../ledger/ledger.metrics';
import { LedgerProofs } from '../ledger/ledger.proofs';
import { signingKeysOf } from '../ledger/checkpoint.protocol';
import { BROKER_PROBE, Clock, NODE_CONFIG } from '../tokens';
import { HealthRepository } from './health.repository';
import { Check, checkpointCheck, directoryCheck, ledgerCheck, outboxCheck, readiness, witnessCheck } from './readiness';

/** How long a probe may take before it counts as down. */
const PROBE_TIMEOUT_MS = 3000;
/** Outbox messages older than this mean the broker is not taking ours. */
const OUTBOX_LIMIT_SECONDS = 30;

/** Liveness (the process answers), readiness (each check with its reason), Prometheus metrics. */
@ApiTags('operations')
@Controller()
export class HealthController {
  private readonly startedAt: Date;

  constructor(
    private readonly repo: HealthRepository,
    @Inject(BROKER_PROBE) private readonly broker: BrokerProbe,
    private readonly topics: FederationTopics,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly metrics: ExchangeMetrics,
    private readonly ledgerMetrics: LedgerMetrics,
    private readonly integrity: LedgerIntegrity,
    private readonly checkpoints: CheckpointService,
    private readonly ledger: LedgerProofs,
    private readonly clock: Clock,
    private readonly trust: TrustStore,
    private readonly inbox: InboxMonitor,
    private readonly exchange: ExchangeRepository,
  ) {
    this.startedAt = clock.now();
  }

  @Public()
  @Get('health/live')
  live() {
    return { status: 'live' };
  }

  @Public()
  @Get('health/ready')
  @HttpCode(200)
  async ready() {
    const [database, broker] = await Promise.all([this.probe(() => this.repo.ping()), this.probe(() => this.broker.check())]);
    const directory = this.trust.current();
    const now = this.clock.now();
    const checks: Record<string, Check> = {
      database,
      broker,
      directory: directoryCheck({ directory, trust: this.trust.status(), ownKeys: signingKeysOf(directory, this.config.agency, now), agency: this.config.agency, now }),
      ledger: ledgerCheck(this.integrity.status().damage),
      inbox: this.inbox.check(),
    };
    if (database.status === 'up') {
      Object.assign(checks, await this.ledgerChecks().catch((e: unknown) => ({ checkpoint: { status: 'warn' as const, reason: `not measured: ${(e as Error).message}` } })));
    }
    const result = readiness(checks);
    if (result.status !== 'ready') {
      const down = Object.entries(result.checks).filter(([, c]) => c.status === 'down').map(([name, c]) => `${name}: ${c.reason ?? 'down'}`);
      throw new ProblemException(problem(503, 'not_ready', down.join('; '), { checks: result.checks }), { 'Retry-After': '5' });
    }
    return result;
  }

  private async ledgerChecks(): Promise<Record<string, Check>> {
    const now = this.clock.now();
    const limit = this.config.checkpoint.everySeconds * 3;
    const [head, latest, outbox] = await Promise.all([this.ledger.head(), this.checkpoints.status(), this.repo.outbox()]);
    const checkpoint = latest === null ? null : { size: latest.size, createdAt: new Date(latest.createdAt), cosignatures: latest.cosignatures.length };
    return {
      checkpoint: checkpointCheck({ headSize: Number(head.size), checkpoint, now, limitSeconds: limit, startedAt: this.startedAt }),
      witnesses: witnessCheck({ checkpoint, quorum: this.config.checkpoint.witnessQuorum, now, limitSeconds: limit }),
      outbox: outboxCheck({ ...outbox, now, limitSeconds: OUTBOX_LIMIT_SECONDS }),
    };
  }

  @Public()
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async prometheus(): Promise<string> {
    await this.refreshGauges();
    await this.refreshLag().catch(() => undefined); // a broker outage must not break scraping
    return this.metrics.registry.metrics();
  }

  private async refreshLag(): Promise<void> {
    const lag = await this.broker.lag(this.topics.inboxGroup(this.config.agency), this.topics.inbox(this.config.agency));
    for (const [partition, behind] of lag) this.metrics.consumerLag.set({ partition: String(partition) }, behind);
  }

  private async refreshGauges(): Promise<void> {
    const [outbox, head, latest, witnessed, overdue] = await Promise.all([
      this.repo.outbox(),
      this.ledger.head(),
      this.checkpoints.latest(),
      this.checkpoints.latestWitnessed(),
      this.exchange.countOverdue(this.config.agency, this.clock.now()),
    ]);
    this.metrics.outboxBacklog.set(outbox.count);
    this.metrics.overdue.set(overdue);
    this.ledgerMetrics.size.set(Number(head.size));
    this.ledgerMetrics.checkpointSize.set(latest?.size ?? 0);
    this.ledgerMetrics.witnessedSize.set(witnessed?.size ?? 0);
    if (latest) this.ledgerMetrics.checkpointAge.set(Math.max(0, (this.clock.now().getTime() - Date.parse(latest.createdAt)) / 1000));
  }

  private async probe(probe: () => Promise<unknown>): Promise<Check> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([probe(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS)))]);
      return { status: 'up' };
    } catch (error) {
      return { status: 'down', reason: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}
