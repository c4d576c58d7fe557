import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ReplayGuard } from '@liaison/envelope';

/**
 * Answers the opener's "seen this message id before?" from the database. Lookups made in the
 * same tick (a whole batch opening concurrently) share one query.
 */
@Injectable()
export class DatabaseReplayGuard implements ReplayGuard {
  private pending: Map<string, Waiter[]> | null = null;

  constructor(private readonly dataSource: DataSource) {}

  seen(messageId: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (!this.pending) {
        this.pending = new Map();
        setImmediate(() => void this.flush());
      }
      this.pending.set(messageId, [...(this.pending.get(messageId) ?? []), { resolve, reject }]);
    });
  }

  /** Answers every waiter of the batch; a failed query fails them all (none is left pending). */
  private async flush(): Promise<void> {
    const batch = this.pending ?? new Map<string, Waiter[]>();
    this.pending = null;
    try {
      const ids = [...batch.keys()].filter((id) => /^[0-9a-f-]{36}$/.test(id));
      const rows: { message_id: string }[] = ids.length
        ? await this.dataSource.query('SELECT message_id FROM received_message WHERE message_id = ANY($1::uuid[])', [ids])
        : [];
      const seen = new Set(rows.map((r) => r.message_id));
      for (const [id, waiters] of batch) for (const w of waiters) w.resolve(seen.has(id));
    } catch (error) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
    }
  }
}

interface Waiter {
  resolve(seen: boolean): void;
  reject(error: unknown): void;
}
