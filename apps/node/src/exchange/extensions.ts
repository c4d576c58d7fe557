import { Injectable } from '@nestjs/common';
import type { ComposeRequest } from '@liaison/notices';
import type { Queryable } from '../persistence/queryable';
import type { Classification, Opened } from './inbox.decide';
import type { PendingWrites } from './unit-of-work';

/**
 * What a feature module built on the exchange (cases, match) adds to it without the exchange knowing the
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

@Injectable()
export class ExchangeExtensions {
  /** Each feature's judgement (cases, match), run in order on the batch the previous one returned. */
  readonly inbox: InboxExtension[] = [];
  compose: ComposeExtension | null = null;
}
