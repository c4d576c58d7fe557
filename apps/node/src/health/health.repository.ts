// The statements the health checks run that belong to no feature: the database round trip and
// the outbox's backlog (read only, cheap: the outbox is kept short by the relay).
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

@Injectable()
export class HealthRepository {
  constructor(private readonly db: DataSource) {}

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  /** Messages waiting to be published, and when the oldest was written. */
  async outbox(): Promise<{ count: number; oldest: Date | null }> {
    const [row] = (await this.db.query('SELECT count(*) AS n, min(created_at) AS oldest FROM outbox')) as { n: string; oldest: Date | null }[];
    return { count: Number(row.n), oldest: row.oldest === null ? null : new Date(row.oldest) };
  }
}
