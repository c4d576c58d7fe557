import { Global, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { NodeConfig } from '../config/node-config';
import { Clock, NODE_CONFIG } from '../tokens';
import { IDEMPOTENCY_TTL, IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyRepository } from './idempotency.repository';

/** How often expired keys are deleted. */
const SWEEP_MS = 10 * 60_000;

@Injectable()
class IdempotencySweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: IdempotencyRepository,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.store.sweep(this.clock.now()).catch((error: unknown) => new Logger('Idempotency').warn(`sweep failed: ${(error as Error).message}`));
    }, SWEEP_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
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
