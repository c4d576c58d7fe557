import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ContentAlteredError, ContentCipher } from '../exchange/content-cipher';
import { Periodic } from '../periodic';
import { Transactions } from '../persistence/transactions';
import { Clock } from '../tokens';
import { BlindIndex } from './blind-index';
import { indexRowsOf } from './casework.decide';
import { CaseworkRepository } from './casework.repository';

// Each look for unindexed notices is an anti-join over every stored notice, so it runs rarely
// and takes many at once: at 50 per look every second it took most of PostgreSQL's CPU under
// load (npm run bench). Requests that read the index catch up first, so answers stay current.
const EVERY_MS = 5000;
/** Notices indexed per transaction. */
const BATCH = 500;

/**
 * Indexes stored notices (sent and received) into the blind index, off the exchange's hot path:
 * every five seconds, and before each correlation or search request (so answers are never stale). A
 * notice whose stored content no longer opens is recorded as indexed with no terms, and alerted
 * (ids only); the API's detail of it already answers 500. Each notice is recorded with the id of
 * the key it was indexed under: after a change of key (LIAISON_BLIND_INDEX_KEY, or the content
 * secret it defaults to) every notice is indexed again, its old terms replaced, with no step by
 * the operator; a search catches up first, so it waits for that rather than missing notices.
 * Replicas running different keys would undo each other's work: change the key on all at once.
 */
@Injectable()
export class TermIndexer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('TermIndexer');
  private readonly periodic = new Periodic('indexing', this.log, () => this.catchUp());
  private running: Promise<number> | null = null;

  constructor(
    private readonly transactions: Transactions,
    private readonly repository: CaseworkRepository,
    private readonly cipher: ContentCipher,
    private readonly index: BlindIndex,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(EVERY_MS);
  }

  onApplicationShutdown(): void {
    this.periodic.stop();
  }

  /** Indexes everything stored so far; concurrent callers share one run. Returns the notices indexed. */
  catchUp(): Promise<number> {
    this.running ??= this.drain().finally(() => (this.running = null));
    return this.running;
  }

  private async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await this.batch();
      total += done;
      if (done < BATCH) return total;
    }
  }

  private batch(): Promise<number> {
    return this.transactions.run(async (tx) => {
      const notices = await this.repository.unindexed(tx, this.index.keyId, BATCH);
      // Indexed under another key (or before keys were recorded): its old terms no longer match any search.
      await this.repository.deleteTerms(tx, notices.filter((n) => n.stale).map((n) => ({ sender: n.sender, id: n.id })));
      const indexed = notices.map((n) => {
        const key = { sender: n.sender, id: n.id };
        try {
          return { key, rows: indexRowsOf(key, n.kind, this.cipher.open(n, n.content), n.caseReference, (kind, value) => this.index.hash(kind, value)) };
        } catch (error) {
          if (!(error instanceof ContentAlteredError)) throw error;
          this.log.error(`NOTICE INTEGRITY ALERT: stored notice ${n.sender}/${n.id} does not open under its metadata; not indexed`);
          return { key, rows: [] };
        }
      });
      await this.repository.insertTerms(tx, indexed.flatMap((i) => i.rows));
      await this.repository.markIndexed(tx, indexed.map((i) => ({ key: i.key, terms: i.rows.length })), this.index.keyId, this.clock.now());
      return notices.length;
    });
  }
}
