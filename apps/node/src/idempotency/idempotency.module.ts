import { Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { NodeConfig } from '../config/node-config';
import { Periodic } from '../periodic';
import { Clock, NODE_CONFIG } from '../tokens';
import { IDEMPOTENCY_TTL, IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyRepository } from './idempotency.repository';

/** How often expired keys are deleted. */
const SWEEP_MS = 10 * 60_000;

@Injectable()
class IdempotencySweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly periodic = new Periodic('idempotency sweep', new Logger('Idempotency'), () => this.store.sweep(this.clock.now()));

  constructor(
    private readonly store: IdempotencyRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(SWEEP_MS);
  }

  onModuleDestroy(): void {
    this.periodic.stop();
  }
}

/** Idempotency-Key for the routes marked @Idempotent(); global so any feature's controller can use it. */
@Global()
@Module({
  providers: [
    IdempotencyRepository,
    IdempotencyInterceptor,
    IdempotencySweeper,
    { provide: IDEMPOTENCY_TTL, useFactory: (config: NodeConfig) => config.idempotencyTtlSeconds, inject: [NODE_CONFIG] },
  ],
  exports: [IdempotencyRepository, IdempotencyInterceptor, IDEMPOTENCY_TTL],
})
export class IdempotencyModule {}
