import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DatabasePools, PoolName } from './pools';

/** A transaction's handle: runs SQL (repositories take it as a Queryable) and is what the ledger appends in. */
export type Transaction = EntityManager;

/**
 * Runs work in one database transaction on the pool of its kind of work (HTTP requests by
 * default): the only place outside repositories that touches a DataSource.
 */
@Injectable()
export class Transactions {
  constructor(private readonly pools: DatabasePools) {}

  run<T>(work: (tx: Transaction) => Promise<T>, pool: PoolName = 'api'): Promise<T> {
    return this.pools.get(pool).transaction(work);
  }
}
