import { Module } from '@nestjs/common';
import { NodeConfig } from '../config/node-config';
import { ExchangeModule } from '../exchange/exchange.module';
import { NODE_CONFIG } from '../tokens';
import { AttachmentKeys } from './attachment-keys';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';
import { AttachmentArrivals } from './attachment-arrivals';
import { AttachmentsInbox } from './attachments.inbox';
import { AttachmentsMetrics } from './attachments.metrics';
import { ChunkHandler } from './chunk.handler';
import { ChunkListener } from './chunk.listener';
import { ChunkRelay } from './chunk.relay';
import { AttachmentSweeper } from './attachment.sweeper';

/**
 * Attachments of notices, built on the exchange (decision 0014): uploads into encrypted storage,
 * the claim `att` of sent notices (through ExchangeExtensions), the chunk outbox and its relay,
 * downloads. Chunks travel on each agency's attachment topic, apart from its inbox.
 */
@Module({
  imports: [ExchangeModule],
  controllers: [AttachmentsController, ChunkListener],
  providers: [
    { provide: AttachmentKeys, useFactory: (config: NodeConfig) => new AttachmentKeys(config.contentSecret), inject: [NODE_CONFIG] },
    AttachmentsRepository,
    AttachmentsService,
    AttachmentsMetrics,
    AttachmentArrivals,
    AttachmentsInbox,
    ChunkHandler,
    ChunkRelay,
    AttachmentSweeper,
  ],
  exports: [AttachmentsRepository, AttachmentsService, AttachmentKeys],
})
export class AttachmentsModule {}
