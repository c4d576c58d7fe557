import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** What a request with an Idempotency-Key finds. */
export type Claim =
  | { state: 'new' }
  | { state: 'in_flight' }
  | { state: 'mismatch' }
  | { state: 'done'; status: number; body: string };

/** The idempotency_key table: claim a key, record its answer, release it, sweep expired keys. */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly db: DataSource) {}

  /** Takes the key for this request, or reports what holds it. An expired row counts as absent. */
  async claim(subject: string, key: string, fingerprint: Buffer, now: Date, expiresAt: Date): Promise<Claim> {
    const taken: unknown[] = await this.db.query(
      `INSERT INTO idempotency_key (subject, key, fingerprint, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (subject, key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, status = NULL, body = NULL, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
         WHERE idempotency_key.expires_at <= EXCLUDED.created_at
       RETURNING 1`,
      [subject, key, fingerprint, now, expiresAt],
    );
    if (taken.length === 1) return { state: 'new' };
    const [row] = (await this.db.query('SELECT fingerprint, status, body FROM idempotency_key WHERE subject = $1 AND key = $2', [subject, key])) as {
      fingerprint: Buffer;
      status: number | null;
      body: string | null;
    }[];
    // Released between the two statements: the first attempt failed, so this one is still in flight as far as the client can tell.
    if (!row) return { state: 'in_flight' };
    if (!row.fingerprint.equals(fingerprint)) return { state: 'mismatch' };
    if (row.status === null || row.body === null) return { state: 'in_flight' };
    return { state: 'done', status: row.status, body: row.body };
  }

  async complete(subject: string, key: string, status: number, body: string): Promise<void> {
    await this.db.query('UPDATE idempotency_key SET status = $3, body = $4 WHERE subject = $1 AND key = $2 AND status IS NULL', [subject, key, status, body]);
  }

  /** The attempt failed (and wrote nothing): the key may be used again. */
  async release(subject: string, key: string): Promise<void> {
    await this.db.query('DELETE FROM idempotency_key WHERE subject = $1 AND key = $2 AND status IS NULL', [subject, key]);
  }

  async sweep(now: Date): Promise<number> {
    const result = (await this.db.query('DELETE FROM idempotency_key WHERE expires_at <= $1', [now])) as [unknown[], number];
    return result[1];
  }
}
