import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { LedgerEventInput, LedgerWriter } from '../ledger/ledger.port';
import { OutboxRecord } from './exchange.entities';
import { insertOutbox } from './exchange.persistence';
import { OutboxSignal } from './outbox-signal';

/** What one transaction will add to the ledger and the outbox, written together at its end. */
export class PendingWrites {
  readonly ledger: LedgerEventInput[] = [];
  readonly outbox: Omit<OutboxRecord, 'id'>[] = [];
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
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerWriter,
    private readonly outboxSignal: OutboxSignal,
  ) {}

  async run<T>(work: (manager: EntityManager, pending: PendingWrites) => Promise<T>): Promise<T> {
    let wroteOutbox = false;
    const result = await this.dataSource.transaction(async (manager) => {
      const pending = new PendingWrites();
      const value = await work(manager, pending);
      if (pending.outbox.length > 0) {
        await insertOutbox(manager, pending.outbox);
        wroteOutbox = true;
      }
      if (pending.ledger.length > 0) await this.ledger.append(manager, pending.ledger);
      return value;
    });
    if (wroteOutbox) this.outboxSignal.notify();
    return result;
  }
}
