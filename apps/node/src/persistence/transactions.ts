import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DatabasePools, PoolName } from './pools';

/** A transaction's handle: runs SQL (repositories take it as a Queryable) and is what the ledger appends in. */
export type Transaction = EntityManager;

/**
 * Work that one replica of a node does at a time (replicas share one database): each has its own
 * PostgreSQL advisory lock key, defined here once. The lock is transaction-scoped, so a replica
 * that dies (kill -9: its connection closes) releases it and another takes the work over.
 */
export const EXCLUSIVE_WORK = {
  checkpointRound: 1_001,
  expirySweep: 1_002,
  attachmentSweep: 1_003,
} as const;
export type ExclusiveWork = keyof typeof EXCLUSIVE_WORK;

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

  /**
   * Runs `work` unless another replica is doing it right now (then resolves to null without
   * waiting). The lock is held by a transaction of its own for as long as `work` runs; `work`
   * uses its own connections and transactions.
   */
  exclusive<T>(what: ExclusiveWork, work: () => Promise<T>): Promise<T | null> {
    return this.run(async (tx) => {
      const [row] = (await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [EXCLUSIVE_WORK[what]])) as { locked: boolean }[];
      return row.locked ? work() : null;
    });
  }
}
