import { Module } from '@nestjs/common';
import { ExchangeModule } from '../exchange/exchange.module';
import { CasesController, ThreadController } from './cases.controller';
import { CasesQueries } from './cases.queries';
import { CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';

/**
 * Cases (joint operations) and threads, built on the exchange: case events travel as envelopes
 * through the exchange's dispatcher and inbox (judged here through ExchangeExtensions).
 */
@Module({
  imports: [ExchangeModule],
  controllers: [CasesController, ThreadController],
  providers: [CasesRepository, CasesService, CasesQueries],
})
export class CasesModule {}
