import { Injectable } from '@nestjs/common';
import type { AttachmentDescriptor } from '@liaison/attachments';
import type { Principal } from '@liaison/auth';
import type { ComposeRequest } from '@liaison/notices';
import type { Queryable } from '../persistence/queryable';
import type { Classification, Opened } from './inbox.decide';
import type { OutboundItem } from './notice.decide';
import type { PendingWrites } from './unit-of-work';

/**
 * What a feature module built on the exchange (cases, attachments, match) adds to it without the exchange knowing the
 * feature: a judgement of the inbox messages it owns, inside the batch's transaction, and a check
 * of composed notices. Registered by the feature at start; absent, the exchange behaves as before.
 */
export interface InboxExtension {
  /**
   * Before a batch is decided: may turn messages into refusals (their `result` replaced, in
   * order) and returns what to write once the batch's effects are written, given how each
   * message was finally classified (only `new` ones had effects). Null when the batch holds
   * nothing of the feature's.
   */
  prepare(
    tx: Queryable,
    opened: Opened[],
    classify: (opened: Opened[]) => Classification[],
  ): Promise<{ opened: Opened[]; write(tx: Queryable, pending: PendingWrites, classified: Classification[]): Promise<void> } | null>;
}

export interface ComposeExtension {
  /** Checks a validated request that names a case (throws a ProblemException); may complete its recipients. */
  resolve(request: ComposeRequest): Promise<ComposeRequest>;
}

export interface AttachmentExtension {
  /** The descriptors (claim `att`) of the uploads a request names, checked against its body; throws a ProblemException naming the field under `at`. */
  describe(principal: Principal, ids: string[], body: unknown, at: string): Promise<AttachmentDescriptor[]>;
  /**
   * In a pass-on's transaction: the received notice's attachments, copied as this agency's to go
   * with the new notice (their descriptors); throws a ProblemException while any is not available.
   */
  carryOn(tx: Queryable, principal: Principal, sender: string, noticeId: string): Promise<AttachmentDescriptor[]>;
  /** In the send's transaction, after sealing: what the notices' attachments add (transfers, ledger entries). */
  write(tx: Queryable, pending: PendingWrites, items: OutboundItem[]): Promise<void>;
}

@Injectable()
export class ExchangeExtensions {
  /** Run in the order registered; each sees the messages as the previous one left them. */
  readonly inbox: InboxExtension[] = [];
  compose: ComposeExtension | null = null;
  attachments: AttachmentExtension | null = null;
}
