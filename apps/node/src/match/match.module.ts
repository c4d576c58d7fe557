import { Module } from '@nestjs/common';
import { ExchangeModule } from '../exchange/exchange.module';
import { MatchController } from './match.controller';
import { MatchRepository } from './match.repository';
import { MatchService } from './match.service';

/**
 * Private hit/no-hit (issue 18), built on the exchange: filters, requests and answers travel as
 * envelopes through the exchange's dispatcher and inbox (judged here through ExchangeExtensions).
 */
@Module({
  imports: [ExchangeModule],
  controllers: [MatchController],
  providers: [MatchRepository, MatchService],
})
export class MatchModule {}
