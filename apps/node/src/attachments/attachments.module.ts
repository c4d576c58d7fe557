import { Module } from '@nestjs/common';
import { NodeConfig } from '../config/node-config';
import { ExchangeModule } from '../exchange/exchange.module';
import { NODE_CONFIG } from '../tokens';
import { AttachmentKeys } from './attachment-keys';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';
import { ChunkRelay } from './chunk.relay';

/**
 * Attachments of notices, built on the exchange (decision 0014): uploads into encrypted storage,
 * the claim `att` of sent notices (through ExchangeExtensions), the chunk outbox and its relay,
 * downloads. Chunks travel on each agency's attachment topic, apart from its inbox.
 */
@Module({
  imports: [ExchangeModule],
  controllers: [AttachmentsController],
  providers: [
    { provide: AttachmentKeys, useFactory: (config: NodeConfig) => new AttachmentKeys(config.contentSecret), inject: [NODE_CONFIG] },
    AttachmentsRepository,
    AttachmentsService,
    ChunkRelay,
  ],
  exports: [AttachmentsRepository, AttachmentsService, AttachmentKeys],
})
export class AttachmentsModule {}
