// Deterministic synthetic ledgers for tests and the verification benchmark (not production code).
import { createHash } from 'crypto';
import { LedgerEntry } from './entry';

const BASE_TIME = Date.UTC(2026, 10, 24, 7, 0, 0);

function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function entry(partial: Partial<LedgerEntry> & Pick<LedgerEntry, 'seq' | 'event'>): LedgerEntry {
  return {
    time: new Date(BASE_TIME + partial.seq * 1000).toISOString(),
    messageId: null,
    kind: null,
    counterpart: null,
    channel: null,
    digest: null,
    re: null,
    actor: null,
    reason: null,
    ...partial,
  };
}

/** Appends to one ledger, assigning seq and time in order. */
class LedgerWriter {
  readonly entries: LedgerEntry[] = [];
  add(e: Omit<Partial<LedgerEntry>, 'seq'> & Pick<LedgerEntry, 'event'>): void {
    const seq = this.entries.length;
    this.entries.push(entry({ ...e, seq }));
  }
}

/**
 * Two agencies exchanging `queries` requests from A to B, each answered by B: both sides log
 * sent/received, the sender logs 'delivered' when the receipt comes back, and the recipient
 * logs 'acknowledged' and 'answered'.
 */
export function simulateExchange(a: string, b: string, queries: number): { a: LedgerEntry[]; b: LedgerEntry[] } {
  const la = new LedgerWriter();
  const lb = new LedgerWriter();
  const channelSeq = { ab: 0, ba: 0 };
  const send = (from: LedgerWriter, to: LedgerWriter, sender: string, recipient: string, dir: 'ab' | 'ba', id: string, kind: string, re: string | null) => {
    const channel = { sender, recipient, seq: channelSeq[dir]++ };
    const digest = digestOf(`${id}/${kind}`);
    from.add({ event: 'sent', messageId: id, kind, counterpart: recipient, channel, digest, re, actor: `operator@${sender}` });
    to.add({ event: 'received', messageId: id, kind, counterpart: sender, channel: { ...channel }, digest, re });
    from.add({ event: 'delivered', messageId: id, kind, counterpart: recipient, re });
  };
  for (let i = 0; i < queries; i++) {
    const q = `q-${a}-${i}`;
    send(la, lb, a, b, 'ab', q, i % 2 === 0 ? 'identity-query' : 'location-query', null);
    lb.add({ event: 'acknowledged', messageId: q, counterpart: a, actor: `officer@${b}` });
    send(lb, la, b, a, 'ba', `r-${b}-${i}`, 'response', q);
    lb.add({ event: 'answered', messageId: q, counterpart: a, actor: `officer@${b}` });
  }
  return { a: la.entries, b: lb.entries };
}

/** A long single ledger, generated lazily (the benchmark streams a million of these). */
export function* syntheticLedger(agency: string, counterparts: readonly string[], count: number): Generator<LedgerEntry> {
  const events = ['sent', 'delivered', 'received', 'acknowledged', 'answered'] as const;
  for (let seq = 0; seq < count; seq++) {
    const counterpart = counterparts[seq % counterparts.length];
    const event = events[seq % events.length];
    const outgoing = event === 'sent';
    yield entry({
      seq,
      event,
      messageId: `m-${agency}-${Math.floor(seq / events.length)}`,
      kind: 'identity-query',
      counterpart,
      channel: outgoing || event === 'received' ? { sender: outgoing ? agency : counterpart, recipient: outgoing ? counterpart : agency, seq: Math.floor(seq / events.length) } : null,
      digest: outgoing || event === 'received' ? digestOf(`${agency}/${seq}`) : null,
      actor: outgoing ? `operator@${agency}` : null,
    });
  }
}
