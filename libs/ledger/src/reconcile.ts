// Cross-ledger reconciliation: two agencies' ledgers must tell the same story about the
// messages between them. Pure; memory grows with the entries that concern the pair.
import { LedgerEntry, validateEntry } from './entry';

export interface LedgerSide {
  /** Agency code whose ledger this is. */
  agency: string;
  entries: Iterable<LedgerEntry> | AsyncIterable<LedgerEntry>;
}

export interface ReconcileOptions {
  /**
   * Kinds that are themselves receipts and get no 'delivered' entry back. The ledger knows no
   * notice kinds: the caller names them (Liaison's are @liaison/notices RECEIPT_KINDS).
   */
  receiptKinds: readonly string[];
}

export interface MessageRef {
  /** The entry's seq in the ledger it comes from. */
  seq: number;
  channelSeq: number | null;
  messageId: string | null;
}

export interface ChannelGap {
  /** Missing channel sequence numbers first..last (inclusive). */
  first: number;
  last: number;
}

export interface Mismatch {
  channelSeq: number;
  field: 'digest' | 'messageId' | 'kind';
  senderSeq: number;
  recipientSeq: number;
  senderValue: string | null;
  recipientValue: string | null;
}

/** Messages from `sender` to `recipient`, as both ledgers record them. */
export interface DirectionReport {
  sender: string;
  recipient: string;
  /** 'sent' entries in the sender's ledger for this channel. */
  sent: number;
  /** 'received' entries in the recipient's ledger for this channel. */
  received: number;
  matched: number;
  /** Sent (per the sender) but never recorded as received. */
  notReceived: MessageRef[];
  /** Recorded as received, but the sender has no 'sent' entry for it. */
  notSent: MessageRef[];
  mismatches: Mismatch[];
  /** Received (not a receipt kind) but the sender has no 'delivered' entry for the message id. */
  notDelivered: MessageRef[];
  /** The sender recorded 'delivered' for a message id the recipient never recorded as received. */
  deliveredNotReceived: MessageRef[];
  /** Holes in the channel sequence between the lowest and highest seq each side recorded. */
  senderGaps: ChannelGap[];
  recipientGaps: ChannelGap[];
  /** Channel seqs recorded twice by one side. */
  duplicates: { side: 'sender' | 'recipient'; channelSeq: number; seq: number }[];
  /** Entries naming the counterpart whose channel does not name this sender and recipient. */
  misrouted: { side: 'sender' | 'recipient'; seq: number }[];
}

export interface ReconcileReport {
  ok: boolean;
  aToB: DirectionReport;
  bToA: DirectionReport;
}

/** What one ledger says about traffic with one counterpart. */
interface SideIndex {
  sent: Map<number, LedgerEntry>;
  received: Map<number, LedgerEntry>;
  delivered: Map<string, LedgerEntry>;
  duplicateSent: LedgerEntry[];
  duplicateReceived: LedgerEntry[];
  misrouted: LedgerEntry[];
}

async function indexSide(self: string, other: string, entries: LedgerSide['entries']): Promise<SideIndex> {
  const idx: SideIndex = { sent: new Map(), received: new Map(), delivered: new Map(), duplicateSent: [], duplicateReceived: [], misrouted: [] };
  for await (const e of entries) {
    if (e.counterpart !== other) continue;
    if (e.event === 'delivered') {
      if (e.messageId !== null) idx.delivered.set(e.messageId, e);
      continue;
    }
    if (e.event !== 'sent' && e.event !== 'received') continue;
    const outgoing = e.event === 'sent';
    const ch = e.channel;
    const [sender, recipient] = outgoing ? [self, other] : [other, self];
    if (ch === null || ch.sender !== sender || ch.recipient !== recipient) {
      idx.misrouted.push(e);
      continue;
    }
    const map = outgoing ? idx.sent : idx.received;
    if (map.has(ch.seq)) (outgoing ? idx.duplicateSent : idx.duplicateReceived).push(e);
    else map.set(ch.seq, e);
  }
  return idx;
}

function ref(e: LedgerEntry): MessageRef {
  return { seq: e.seq, channelSeq: e.channel?.seq ?? null, messageId: e.messageId };
}

function gaps(seqs: Iterable<number>): ChannelGap[] {
  const sorted = [...seqs].sort((x, y) => x - y);
  const out: ChannelGap[] = [];
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] > sorted[i - 1] + 1) out.push({ first: sorted[i - 1] + 1, last: sorted[i] - 1 });
  }
  return out;
}

function direction(sender: string, recipient: string, s: SideIndex, r: SideIndex, receiptKinds: ReadonlySet<string>): DirectionReport {
  const report: DirectionReport = {
    sender,
    recipient,
    sent: s.sent.size,
    received: r.received.size,
    matched: 0,
    notReceived: [],
    notSent: [],
    mismatches: [],
    notDelivered: [],
    deliveredNotReceived: [],
    senderGaps: gaps(s.sent.keys()),
    recipientGaps: gaps(r.received.keys()),
    duplicates: [
      ...s.duplicateSent.map((e) => ({ side: 'sender' as const, channelSeq: e.channel?.seq ?? -1, seq: e.seq })),
      ...r.duplicateReceived.map((e) => ({ side: 'recipient' as const, channelSeq: e.channel?.seq ?? -1, seq: e.seq })),
    ],
    misrouted: [
      ...s.misrouted.filter((e) => e.event === 'sent').map((e) => ({ side: 'sender' as const, seq: e.seq })),
      ...r.misrouted.filter((e) => e.event === 'received').map((e) => ({ side: 'recipient' as const, seq: e.seq })),
    ],
  };
  for (const [channelSeq, sent] of s.sent) {
    const got = r.received.get(channelSeq);
    if (got === undefined) {
      report.notReceived.push(ref(sent));
      continue;
    }
    let same = true;
    for (const field of ['digest', 'messageId', 'kind'] as const) {
      if (sent[field] !== got[field]) {
        same = false;
        report.mismatches.push({ channelSeq, field, senderSeq: sent.seq, recipientSeq: got.seq, senderValue: sent[field], recipientValue: got[field] });
      }
    }
    if (same) report.matched++;
  }
  const receivedIds = new Set<string>();
  for (const [channelSeq, got] of r.received) {
    if (got.messageId !== null) receivedIds.add(got.messageId);
    if (!s.sent.has(channelSeq)) report.notSent.push(ref(got));
    const needsReceipt = got.kind === null || !receiptKinds.has(got.kind);
    if (needsReceipt && (got.messageId === null || !s.delivered.has(got.messageId))) report.notDelivered.push(ref(got));
  }
  for (const [messageId, d] of s.delivered) {
    if (!receivedIds.has(messageId)) report.deliveredNotReceived.push(ref(d));
  }
  return report;
}

function clean(d: DirectionReport): boolean {
  return (
    d.notReceived.length === 0 &&
    d.notSent.length === 0 &&
    d.mismatches.length === 0 &&
    d.notDelivered.length === 0 &&
    d.deliveredNotReceived.length === 0 &&
    d.senderGaps.length === 0 &&
    d.recipientGaps.length === 0 &&
    d.duplicates.length === 0 &&
    d.misrouted.length === 0
  );
}

/**
 * Pairs A's 'sent' with B's 'received' by channel (sender, recipient, seq) and compares
 * digest, message id and kind; pairs B's 'received' with A's 'delivered' by message id; and
 * the same from B to A. Both ledgers should cover the same period: entries near the edges of
 * partial ranges show up as unmatched.
 */
export async function reconcile(a: LedgerSide, b: LedgerSide, options: ReconcileOptions): Promise<ReconcileReport> {
  const receiptKinds = new Set(options.receiptKinds);
  const ia = await indexSide(a.agency, b.agency, a.entries);
  const ib = await indexSide(b.agency, a.agency, b.entries);
  const aToB = direction(a.agency, b.agency, ia, ib, receiptKinds);
  const bToA = direction(b.agency, a.agency, ib, ia, receiptKinds);
  return { ok: clean(aToB) && clean(bToA), aToB, bToA };
}

async function* asAsync<T>(items: Iterable<T> | AsyncIterable<T>): AsyncGenerator<T> {
  yield* items;
}

/**
 * A reconcile side read from audit bundle lines: the agency from the header, then the valid
 * entries, streamed. Checking the bundle itself is verifyBundle's job; lines that are not
 * valid entries are skipped here.
 */
export async function bundleSide(lines: Iterable<string> | AsyncIterable<string>): Promise<LedgerSide | null> {
  const it = asAsync(lines);
  let header: unknown = null;
  for (let next = await it.next(); !next.done; next = await it.next()) {
    if (next.value.trim() === '') continue;
    try {
      header = JSON.parse(next.value);
    } catch {
      return null;
    }
    break;
  }
  const agency = (header as { type?: unknown; agency?: unknown } | null)?.agency;
  if (typeof agency !== 'string' || (header as { type?: unknown }).type !== 'liaison-audit-bundle') return null;
  async function* entries(): AsyncGenerator<LedgerEntry> {
    for await (const line of it) {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      const v = (value as { type?: unknown } | null)?.type === 'entry' ? validateEntry((value as { entry?: unknown }).entry) : null;
      if (v?.ok) yield v.entry;
    }
  }
  return { agency, entries: entries() };
}

/** reconcile() over two audit bundles; null when either does not start with a bundle header. */
export async function reconcileBundles(
  a: Iterable<string> | AsyncIterable<string>,
  b: Iterable<string> | AsyncIterable<string>,
  options: ReconcileOptions,
): Promise<ReconcileReport | null> {
  const sa = await bundleSide(a);
  const sb = await bundleSide(b);
  return sa === null || sb === null ? null : reconcile(sa, sb, options);
}
