import { Controller, Get, Header, HttpCode, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '@liaison/auth';
import { problem, ProblemException } from '../http/problem';
import { ExchangeMetrics } from '../exchange/exchange.metrics';
import { BROKER_PROBE, NODE_CONFIG } from '../tokens';
import { FederationTopics, type BrokerProbe } from '@liaison/transport';
import { NodeConfig } from '../config/node-config';

/** Liveness (the process answers), readiness (database and broker reachable), Prometheus metrics. */
@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(BROKER_PROBE) private readonly broker: BrokerProbe,
    private readonly topics: FederationTopics,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    private readonly metrics: ExchangeMetrics,
  ) {}

  @Public()
  @Get('health/live')
  live() {
    return { status: 'live' };
  }

  @Public()
  @Get('health/ready')
  @HttpCode(200)
  async ready() {
    const checks = { database: await this.check(() => this.dataSource.query('SELECT 1')), broker: await this.check(() => this.broker.check()) };
    if (checks.database !== 'up' || checks.broker !== 'up') {
      throw new ProblemException(problem(503, 'not_ready', 'the database or the broker cannot be reached', { checks }), { 'Retry-After': '5' });
    }
    return { status: 'ready', checks };
  }

  @Public()
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async prometheus(): Promise<string> {
    await this.refreshBacklog();
    await this.refreshLag().catch(() => undefined); // a broker outage must not break scraping
    return this.metrics.registry.metrics();
  }

  private async refreshLag(): Promise<void> {
    const lag = await this.broker.lag(this.topics.inboxGroup(this.config.agency), this.topics.inbox(this.config.agency));
    for (const [partition, behind] of lag) this.metrics.consumerLag.set({ partition: String(partition) }, behind);
  }

  private async refreshBacklog(): Promise<void> {
    const rows: { n: string }[] = await this.dataSource.query('SELECT count(*) AS n FROM outbox');
    this.metrics.outboxBacklog.set(Number(rows[0].n));
  }

  private async check(probe: () => Promise<unknown>): Promise<'up' | string> {
    try {
      await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 3000))]);
      return 'up';
    } catch (error) {
      return `down: ${(error as Error).message}`;
    }
  }
}
