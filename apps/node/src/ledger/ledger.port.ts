import type { EntityManager } from 'typeorm';
import type { LedgerEntry } from '@liaison/ledger';

/** What the exchange records; the ledger adds the sequence number and the time. */
export type LedgerEventInput = Omit<LedgerEntry, 'seq' | 'time'>;

/**
 * Appends to the agency's log inside the caller's database transaction, so a notice and its
 * ledger entry are committed together or not at all. Entries get consecutive sequence numbers
 * in the order given; concurrent transactions (and node replicas) are serialised by one row lock.
 */
export abstract class LedgerWriter {
  abstract append(manager: EntityManager, events: LedgerEventInput[]): Promise<void>;
}
