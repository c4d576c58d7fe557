import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '@liaison/auth';
import { AttachmentsModule } from './attachments/attachments.module';
import { CasesModule } from './cases/cases.module';
import { CaseworkModule } from './casework/casework.module';
import { ConsoleModule } from './console/console.module';
import { CoreModule } from './core.module';
import { DirectoryModule } from './directory/directory.module';
import { ExchangeModule } from './exchange/exchange.module';
import { HealthController } from './health/health.controller';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { HealthRepository } from './health/health.repository';
import { LedgerModule } from './ledger/ledger.module';
import { MatchModule } from './match/match.module';
import { NodeRuntime } from './runtime';
import { Clock } from './tokens';

/** The agency node: exchange of notices, the ledger, the directory, health and metrics. */
@Module({})
export class AppModule {
  static forRuntime(runtime: NodeRuntime, clock?: Clock): DynamicModule {
    const { auth, agency } = runtime.config;
    return {
      module: AppModule,
      imports: [
        CoreModule.forRuntime(runtime, clock),
        IdempotencyModule,
        AuthModule.forRoot({ issuer: auth.issuer, audience: auth.audience, agency, jwksUrl: auth.jwksUrl, jwks: auth.jwks as never }),
        LedgerModule,
        ExchangeModule,
        AttachmentsModule,
        CasesModule,
        CaseworkModule,
        MatchModule,
        DirectoryModule,
        ConsoleModule,
      ],
      // AuthModule guards every route: a valid token and a role, unless marked @Public().
      controllers: [HealthController],
      providers: [HealthRepository],
    };
  }
}
