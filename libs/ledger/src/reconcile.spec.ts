import { LedgerEntry } from './entry';
import { simulateExchange } from './fixtures';
import { reconcile, reconcileBundles } from './reconcile';
import { bundleLine } from './bundle';

const A = 'EE-PPA';
const B = 'NL-KLPD';
// The receipt kinds of Liaison's notices (@liaison/notices RECEIPT_KINDS), as the CLI passes them.
const KINDS = { receiptKinds: ['receipt', 'acknowledgement', 'attachment-receipt'] };
const clone = (xs: LedgerEntry[]): LedgerEntry[] => xs.map((e) => ({ ...e, channel: e.channel && { ...e.channel } }));

async function* stream(xs: LedgerEntry[]): AsyncGenerator<LedgerEntry> {
  yield* xs;
}

describe('reconcile', () => {
  const { a, b } = simulateExchange(A, B, 6);

  it('finds two honest ledgers consistent, in both directions', async () => {
    const r = await reconcile({ agency: A, entries: a }, { agency: B, entries: stream(b) }, KINDS);
    expect(r.ok).toBe(true);
    expect(r.aToB).toMatchObject({ sender: A, recipient: B, sent: 6, received: 6, matched: 6 });
    expect(r.bToA).toMatchObject({ sender: B, recipient: A, sent: 6, received: 6, matched: 6 });
  });

  it('is symmetric: swapping the ledgers swaps the directions', async () => {
    const bb = clone(b).filter((e) => !(e.event === 'received' && e.channel?.seq === 2));
    const r1 = await reconcile({ agency: A, entries: a }, { agency: B, entries: bb }, KINDS);
    const r2 = await reconcile({ agency: B, entries: bb }, { agency: A, entries: a }, KINDS);
    expect(r1.aToB).toEqual(r2.bToA);
    expect(r1.bToA).toEqual(r2.aToB);
    expect(r1.ok).toBe(false);
  });

  it('reports a message the recipient never logged, and the hole in its channel sequence', async () => {
    const bb = clone(b).filter((e) => !(e.event === 'received' && e.channel?.seq === 2));
    const r = await reconcile({ agency: A, entries: a }, { agency: B, entries: bb }, KINDS);
    expect(r.aToB.notReceived).toEqual([{ seq: expect.any(Number), channelSeq: 2, messageId: `q-${A}-2` }]);
    expect(r.aToB.recipientGaps).toEqual([{ first: 2, last: 2 }]);
    expect(r.aToB.senderGaps).toEqual([]);
    // A holds a 'delivered' for a message B says it never received.
    expect(r.aToB.deliveredNotReceived.map((x) => x.messageId)).toEqual([`q-${A}-2`]);
    expect(r.bToA.matched).toBe(6);
  });

  it('reports a received message the sender never logged as sent', async () => {
    const aa = clone(a).filter((e) => !(e.event === 'sent' && e.channel?.seq === 4));
    const r = await reconcile({ agency: A, entries: aa }, { agency: B, entries: b }, KINDS);
    expect(r.aToB.notSent.map((x) => x.channelSeq)).toEqual([4]);
    expect(r.aToB.senderGaps).toEqual([{ first: 4, last: 4 }]);
  });

  it('reports digest and kind mismatches', async () => {
    const bb = clone(b).map((e) => (e.event === 'received' && e.channel?.seq === 1 ? { ...e, digest: '0'.repeat(64), kind: 'other' } : e));
    const r = await reconcile({ agency: A, entries: a }, { agency: B, entries: bb }, KINDS);
    expect(r.aToB.mismatches.map((m) => m.field)).toEqual(['digest', 'kind']);
    expect(r.aToB.mismatches[0]).toMatchObject({ channelSeq: 1, recipientValue: '0'.repeat(64) });
    expect(r.aToB.matched).toBe(5);
  });

  it('reports a missing delivery record, except for receipt kinds', async () => {
    const bb = clone(b).filter((e) => !(e.event === 'delivered' && e.messageId === `r-${B}-3`));
    const r = await reconcile({ agency: A, entries: a }, { agency: B, entries: bb }, KINDS);
    expect(r.bToA.notDelivered.map((x) => x.messageId)).toEqual([`r-${B}-3`]);
    const r2 = await reconcile({ agency: A, entries: a }, { agency: B, entries: bb }, { receiptKinds: ['response'] });
    expect(r2.bToA.notDelivered).toEqual([]);
  });

  it('reports duplicates and misrouted channels', async () => {
    const aa = clone(a);
    const firstSent = aa.find((e) => e.event === 'sent') as LedgerEntry;
    aa.push({ ...firstSent, seq: aa.length });
    aa.push({ ...firstSent, seq: aa.length, channel: { sender: 'XX', recipient: B, seq: 99 } });
    const r = await reconcile({ agency: A, entries: aa }, { agency: B, entries: b }, KINDS);
    expect(r.aToB.duplicates).toEqual([{ side: 'sender', channelSeq: 0, seq: aa.length - 2 }]);
    expect(r.aToB.misrouted).toEqual([{ side: 'sender', seq: aa.length - 1 }]);
    expect(r.ok).toBe(false);
  });

  it('ignores traffic with third parties', async () => {
    const other = simulateExchange(A, 'FR-DGPN', 3).a.map((e, i) => ({ ...e, seq: a.length + i }));
    const r = await reconcile({ agency: A, entries: [...a, ...other] }, { agency: B, entries: b }, KINDS);
    expect(r.ok).toBe(true);
  });

  it('reconciles two audit bundles read line by line', async () => {
    const header = (agency: string, n: number) =>
      JSON.stringify({ type: 'liaison-audit-bundle', version: 1, origin: `o/${agency}`, agency, from: 0, to: n, treeSize: n, directory: null, keys: { log: null, witnesses: [] }, quorum: 0 });
    const lines = (agency: string, xs: LedgerEntry[]) => [header(agency, xs.length), ...xs.map((entry) => bundleLine({ type: 'entry', entry })), '{"type":"checkpoint","note":""}'];
    expect((await reconcileBundles(lines(A, a), lines(B, b), KINDS))?.ok).toBe(true);
    const r = await reconcileBundles(lines(A, a), lines(B, b.filter((e) => e.event !== 'received')), KINDS);
    expect(r?.aToB.notReceived).toHaveLength(6);
    expect(await reconcileBundles(['{"type":"other"}'], lines(B, b), KINDS)).toBeNull();
    expect(await reconcileBundles(['nope'], lines(B, b), KINDS)).toBeNull();
  });
});
