import { Inject, Injectable } from '@nestjs/common';
import type { AttachmentReceiptBody } from '@liaison/notices';
import { NodeConfig } from '../config/node-config';
import { ExchangeExtensions, InboxExtension } from '../exchange/extensions';
import { ATTACHMENT_RECEIPT, Classification, Opened } from '../exchange/inbox.decide';
import type { PendingWrites } from '../exchange/unit-of-work';
import type { Queryable } from '../persistence/queryable';
import { Clock, NODE_CONFIG } from '../tokens';
import { AttachmentArrivals } from './attachment-arrivals';
import { AttachmentsRepository } from './attachments.repository';
import { deliveryEntry, transferOutcomes } from './attachments.decide';

/**
 * What the inbox's envelopes mean for attachments, in the inbox batch's transaction: a notice
 * declaring attachments (claim `att`) registers them, and takes any of their chunks that came
 * first; an attachment receipt from a recipient settles our transfers to it.
 */
@Injectable()
export class AttachmentsInbox implements InboxExtension {
  constructor(
    private readonly arrivals: AttachmentArrivals,
    private readonly repository: AttachmentsRepository,
    private readonly clock: Clock,
    @Inject(NODE_CONFIG) private readonly config: NodeConfig,
    extensions: ExchangeExtensions,
  ) {
    extensions.inbox.push(this);
  }

  async prepare(_tx: Queryable, opened: Opened[]) {
    const ours = opened.some(({ result }) => result.ok && (result.claims.att !== undefined || result.claims.kind === ATTACHMENT_RECEIPT));
    return ours ? { opened, write: (tx: Queryable, pending: PendingWrites, classified: Classification[]) => this.write(tx, pending, classified) } : null;
  }

  private async write(tx: Queryable, pending: PendingWrites, classified: Classification[]): Promise<void> {
    for (const c of classified) {
      if (c.as !== 'new') continue;
      const { claims } = c;
      if (claims.att) await this.arrivals.declared(tx, pending, claims.iss, claims.jti, claims.att);
      if (claims.kind === ATTACHMENT_RECEIPT && claims.re) {
        for (const outcome of transferOutcomes(claims.body as AttachmentReceiptBody)) {
          const changed = await this.repository.settleTransfer(tx, outcome.id, claims.iss, claims.re, outcome.status, outcome.code, this.clock.now());
          const row = changed ? await this.repository.find(tx, this.config.agency, outcome.id) : null;
          if (row) pending.ledger.push(deliveryEntry(row, claims.iss, claims.jti, outcome));
        }
      }
    }
  }
}
