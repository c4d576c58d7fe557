// The sequencer of the agency's log: appends inside the caller's transaction, serialised by a
// row lock on ledger_head (held until that transaction ends, so appenders and replicas queue).
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LedgerEntry, appendLeaves, entryLeafHash, validateEntry } from '@liaison/ledger';
import { DependencyUnavailableError } from '../persistence/errors';
import { Clock } from '../tokens';
import { LedgerEventInput, LedgerWriter } from './ledger.port';
import { LedgerRepository } from './ledger.repository';
import { LedgerIntegrity } from './ledger.integrity';

/** The insert met a row already at one of the seqs it appends (ledger_entry's primary key). */
function isEntryConflict(error: unknown): boolean {
  const e = (error ?? {}) as { code?: unknown; constraint?: unknown; driverError?: { code?: unknown; constraint?: unknown } };
  const d = e.driverError ?? e;
  return d.code === '23505' && d.constraint === 'ledger_entry_pkey';
}

/** The entries `events` become at `size`, with the time of the append. Throws on an event that would not verify. */
export function sequenceEntries(size: bigint, time: string, events: readonly LedgerEventInput[]): LedgerEntry[] {
  return events.map((e, i) => {
    const entry: LedgerEntry = {
      seq: Number(size) + i,
      time,
      event: e.event,
      messageId: e.messageId ?? null,
      kind: e.kind ?? null,
      counterpart: e.counterpart ?? null,
      channel: e.channel === null || e.channel === undefined ? null : { sender: e.channel.sender, recipient: e.channel.recipient, seq: e.channel.seq },
      digest: e.digest ?? null,
      re: e.re ?? null,
      actor: e.actor ?? null,
      reason: e.reason ?? null,
    };
    const valid = validateEntry(entry);
    // The caller's bug, not the auditor's problem: nothing unverifiable enters the log.
    if (!valid.ok) throw new TypeError(`ledger event ${i}: ${valid.error}`);
    return entry;
  });
}

/** The stored ledger does not allow the append (an operator must look: docs/runbook-ledger-damage.md). */
export class LedgerDamagedError extends DependencyUnavailableError {
  constructor(detail: string) {
    super('ledger_damaged', `ledger damaged, append refused: ${detail}`);
  }
}

@Injectable()
export class LedgerSequencer extends LedgerWriter {
  constructor(
    private readonly repo: LedgerRepository,
    private readonly clock: Clock,
    private readonly integrity: LedgerIntegrity,
  ) {
    super();
  }

  /** Appends `events` with consecutive seqs, in the caller's transaction when it has one. */
  async append(manager: EntityManager, events: LedgerEventInput[]): Promise<void> {
    if (events.length === 0) return;
    await this.repo.inTransaction(manager, async (q) => {
      const head = await this.repo.lockHead(q);
      const entries = sequenceEntries(head.size, this.clock.now().toISOString(), events);
      const leaves = entries.map(entryLeafHash);
      const next = appendLeaves(head.size, head.frontier, leaves);
      try {
        await this.repo.writeAppend(q, { entries, leaves, nodes: next.nodes, head: next });
      } catch (error) {
        if (!isEntryConflict(error)) throw error;
        // A row already at the next seq was never written by the sequencer: appending stops,
        // named. Found by the insert itself, so the lock that orders every append is held for
        // no extra round trip; the damage is reported (and named) outside the failed transaction.
        void this.integrity.checkAppendPoint(undefined, head.size).catch(() => undefined);
        throw new LedgerDamagedError(`an entry at seq ${head.size} or beyond was never written by the sequencer (the head says ${head.size})`);
      }
    });
  }
}
