import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** A transaction's handle: runs SQL (repositories take it as a Queryable) and is what the ledger appends in. */
export type Transaction = EntityManager;

/** Runs work in one database transaction: the only place outside repositories that touches the DataSource. */
@Injectable()
export class Transactions {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }
}
