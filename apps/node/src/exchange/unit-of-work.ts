import { Injectable } from '@nestjs/common';
import { LedgerEventInput, LedgerWriter } from '../ledger/ledger.port';
import { PoolName } from '../persistence/pools';
import { Transaction, Transactions } from '../persistence/transactions';
import { ExchangeRepository, OutboxRow } from './exchange.repository';
import { OutboxSignal } from './outbox-signal';

/** What one transaction will add to the ledger and the outbox, written together at its end. */
export class PendingWrites {
  readonly ledger: LedgerEventInput[] = [];
  readonly outbox: OutboxRow[] = [];
}

/**
 * Runs work in one database transaction that also writes its ledger entries and outbox rows:
 * a notice, its ledger events and the messages that carry it are committed together or not at
 * all (the transactional outbox). The ledger goes last, so its row lock is held for the
 * shortest time.
 */
@Injectable()
export class UnitOfWork {
  constructor(
    private readonly transactions: Transactions,
    private readonly repository: ExchangeRepository,
    private readonly ledger: LedgerWriter,
    private readonly outboxSignal: OutboxSignal,
  ) {}

  async run<T>(work: (tx: Transaction, pending: PendingWrites) => Promise<T>, pool: PoolName = 'api'): Promise<T> {
    let wroteOutbox = false;
    const result = await this.transactions.run(async (tx) => {
      const pending = new PendingWrites();
      const value = await work(tx, pending);
      if (pending.outbox.length > 0) {
        await this.repository.insertOutbox(tx, pending.outbox);
        wroteOutbox = true;
      }
      if (pending.ledger.length > 0) await this.ledger.append(tx, pending.ledger);
      return value;
    }, pool);
    if (wroteOutbox) this.outboxSignal.notify();
    return result;
  }
}
