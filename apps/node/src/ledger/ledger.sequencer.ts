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
      // The cheap check on every batch: the rows at the head must be exactly what the head says.
      // A row already at the next seq was never written by the sequencer: appending stops, named.
      const damage = await this.integrity.checkAppendPoint(q, head.size);
      if (damage?.kind === 'inserted') throw new LedgerDamagedError(damage.detail);
      await this.repo.writeAppend(q, { entries, leaves, nodes: next.nodes, head: next });
    });
  }
}
