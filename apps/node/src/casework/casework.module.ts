import { Module } from '@nestjs/common';
import { NodeConfig } from '../config/node-config';
import { ExchangeModule } from '../exchange/exchange.module';
import { NODE_CONFIG } from '../tokens';
import { BlindIndex } from './blind-index';
import { InboxCaseworkController, NoticesCaseworkController, SearchController } from './casework.controllers';
import { CaseworkRepository } from './casework.repository';
import { CaseworkService } from './casework.service';
import { TermIndexer } from './term-indexer';

/**
 * Casework on stored notices, beside the exchange (never on its hot path): the blind index and
 * its indexer, correlations, search, assignment and internal notes.
 */
@Module({
  imports: [ExchangeModule],
  controllers: [InboxCaseworkController, NoticesCaseworkController, SearchController],
  providers: [
    { provide: BlindIndex, useFactory: (config: NodeConfig) => new BlindIndex(config.blindIndexSecret), inject: [NODE_CONFIG] },
    CaseworkRepository, CaseworkService, TermIndexer,
  ],
})
export class CaseworkModule {}
