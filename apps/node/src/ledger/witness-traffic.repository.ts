// What the witness reads of the exchange to judge a watched log's silence: the first envelope
// this node received from the agency since it last cosigned the agency's checkpoint.
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LEDGER_DATA_SOURCE } from '../tokens';

@Injectable()
export class WitnessTrafficRepository {
  constructor(@Inject(LEDGER_DATA_SOURCE) private readonly db: DataSource) {}

  /** The earliest envelope received from `sender` after `since`. */
  async firstReceivedSince(sender: string, since: Date): Promise<Date | null> {
    const rows = (await this.db.query('SELECT min(received_at) AS at FROM received_message WHERE sender = $1 AND received_at > $2', [
      sender,
      since,
    ])) as { at: Date | null }[];
    return rows[0]?.at ? new Date(rows[0].at) : null;
  }
}
