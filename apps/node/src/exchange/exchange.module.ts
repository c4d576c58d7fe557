import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { EnvelopeDispatcher } from './dispatcher';
import { InboxController, NoticesController, RejectedController } from './exchange.controllers';
import { ExpirySweeper } from './expiry.sweeper';
import { InboxConsumer } from './inbox.consumer';
import { InboxProcessor } from './inbox.processor';
import { NoticeQueries } from './notice.queries';
import { NoticeService } from './notice.service';
import { OutboxRelay } from './outbox.relay';
import { OutboxSignal } from './outbox-signal';
import { UnitOfWork } from './unit-of-work';

/**
 * Sending, receiving and the workflow of notices. Uses the global CoreModule (runtime
 * resources) and the LedgerModule's LedgerWriter.
 */
@Module({
  imports: [LedgerModule],
  controllers: [NoticesController, InboxController, RejectedController],
  providers: [
    UnitOfWork,
    OutboxSignal,
    EnvelopeDispatcher,
    NoticeService,
    NoticeQueries,
    InboxProcessor,
    InboxConsumer,
    OutboxRelay,
    ExpirySweeper,
  ],
  exports: [NoticeService, NoticeQueries, OutboxRelay, ExpirySweeper, InboxProcessor],
})
export class ExchangeModule {}
