import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { NodeConfig } from '../config/node-config';
import { NODE_CONFIG } from '../tokens';
import { ContentCipher } from './content-cipher';
import { EnvelopeDispatcher } from './dispatcher';
import { InboxController, NoticesController, RejectedController } from './exchange.controllers';
import { ExchangeMetrics } from './exchange.metrics';
import { ExchangeRepository } from './exchange.repository';
import { ExpirySweeper } from './expiry.sweeper';
import { InboxHandler } from './inbox.handler';
import { InboxListener } from './inbox.listener';
import { InboxMonitor } from './inbox.monitor';
import { NoticeQueries } from './notice.queries';
import { NoticeService } from './notice.service';
import { OutboxRelay } from './outbox.relay';
import { OutboxSignal } from './outbox-signal';
import { UnitOfWork } from './unit-of-work';

/**
 * Sending, receiving and the workflow of notices: the HTTP controllers, the inbox's pattern
 * handler (InboxListener, fed by KafkaInboxTransport), the outbox relay and the expiry sweeper.
 * Uses the global CoreModule (runtime resources) and the LedgerModule's LedgerWriter.
 */
@Module({
  imports: [LedgerModule],
  controllers: [NoticesController, InboxController, RejectedController, InboxListener],
  providers: [
    { provide: ContentCipher, useFactory: (config: NodeConfig) => new ContentCipher(config.contentSecret), inject: [NODE_CONFIG] },
    ExchangeMetrics,
    ExchangeRepository,
    UnitOfWork, OutboxSignal, EnvelopeDispatcher, NoticeService, NoticeQueries, InboxHandler, InboxMonitor, OutboxRelay, ExpirySweeper,
  ],
  exports: [NoticeQueries, ExchangeRepository, ExchangeMetrics, InboxMonitor, ContentCipher],
})
export class ExchangeModule {}
