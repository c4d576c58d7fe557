import type { NoticeClaims } from '@liaison/envelope';
import { uuidv7 } from '@liaison/ids';
import type { InboundMessage } from '@liaison/transport';
import { RECEIPT_MAX_ENVELOPES, ReceiptBody } from '@liaison/notices';
import { BatchContext, Opened, classifyBatch, decideBatch, decideRecordingFailure, outboundRefs } from './inbox.decide';
import type { OutboundState, ReceivedRow } from './exchange.repository';

const NOW = new Date('2026-12-02T10:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);
let offset = 100;

function message(headers: Record<string, string> = {}, value = Buffer.from('envelope')): InboundMessage {
  return { topic: 'p.inbox.NL', partition: 0, offset: String(offset++), key: null, value, headers, timestamp: String(NOW.getTime()) };
}

function claims(overrides: Partial<NoticeClaims> = {}): NoticeClaims {
  return {
    iss: 'ES', aud: ['NL'], jti: uuidv7(() => NOW.getTime()), iat: T, exp: T + 7 * 86400, kind: 'identity-query',
    handling: { code: 'H1' }, grades: { source: 'B', information: 2 }, priority: 'urgent', chseq: { NL: 4 },
    body: { case_reference: 'C-1', names: { family: 'Janssen' } }, ...overrides,
  } as NoticeClaims;
}

const accepted = (c: NoticeClaims, digest = 'a'.repeat(64), m = message()): Opened => ({ message: m, result: { ok: true, claims: c, digest, signerKid: 'kid' } });
const refusedOpen = (code = 'bad_signature', m = message({ 'liaison-message-id': uuidv7(), 'liaison-sender': 'ES' })): Opened => ({
  message: m, result: { ok: false, code: code as never, detail: 'signature does not verify', digest: 'b'.repeat(64), messageId: null },
});

function context(overrides: Partial<BatchContext> = {}): BatchContext {
  return { me: 'NL', now: NOW, deadlines: { urgentHours: 8, normalDays: 7 }, deadLetterTopic: 'p.dead-letter.NL', received: [], recorded: [], outbound: [], untracked: [], ...overrides };
}

const receivedRow = (c: NoticeClaims, digest: string, at: InboundMessage): ReceivedRow => ({
  sender: c.iss, messageId: c.jti, kind: c.kind, partition: at.partition, offset: at.offset, digest, receivedAt: NOW,
});

describe('classifyBatch: each message classified exactly once', () => {
  it('tells new, our own redelivery, a sender redelivery, a replay and a refusal apart', () => {
    const fresh = claims();
    const again = claims();
    const replayed = claims();
    const mine = claims();
    const first = message();
    const opened = [accepted(fresh), accepted(again, 'd1'.padEnd(64, '0')), accepted(replayed, 'r2'.padEnd(64, '0')), accepted(mine, 'm'.repeat(64), first), refusedOpen()];
    const received = [receivedRow(again, 'd1'.padEnd(64, '0'), message()), receivedRow(replayed, 'r1'.padEnd(64, '0'), message()), receivedRow(mine, 'm'.repeat(64), first)];
    expect(classifyBatch(opened, received, []).map((c) => c.as)).toEqual(['new', 'redelivered', 'refused', 'recorded', 'refused']);
    const replay = classifyBatch(opened, received, [])[2];
    expect(replay).toMatchObject({ as: 'refused', code: 'replay' });
  });

  it('within one batch: the same envelope twice is a redelivery, the same id with another digest a replay', () => {
    const c = claims();
    const out = classifyBatch([accepted(c, 'x'.repeat(64)), accepted(c, 'x'.repeat(64)), accepted(c, 'y'.repeat(64))], [], []);
    expect(out.map((o) => o.as)).toEqual(['new', 'redelivered', 'refused']);
  });

  it('keys replays by sender: another agency using the same id first does not make a genuine notice a replay', () => {
    const genuine = claims({ iss: 'ES' });
    const preempt = { ...genuine, iss: 'CO' };
    expect(classifyBatch([accepted(preempt, 'c'.repeat(64)), accepted(genuine, 'e'.repeat(64))], [], []).map((o) => o.as)).toEqual(['new', 'new']);
    const earlier = receivedRow(preempt, 'c'.repeat(64), message());
    expect(classifyBatch([accepted(genuine, 'e'.repeat(64))], [earlier], [])[0].as).toBe('new');
  });

  it('skips positions already refused or recorded as redelivered (the batch seen again after a crash)', () => {
    const m = message();
    expect(classifyBatch([refusedOpen('malformed', m)], [], [{ partition: m.partition, offset: m.offset }])[0].as).toBe('seen');
  });
});

describe('decideBatch: the effects of each classification', () => {
  it('records a new query: received row and ledger entry on its channel, stored inbound with a deadline, DELIVERED, a receipt back', () => {
    const c = claims();
    const e = decideBatch([accepted(c)], context());
    expect(e.received).toEqual([expect.objectContaining({ sender: 'ES', messageId: c.jti, digest: 'a'.repeat(64) })]);
    expect(e.ledger.map((l) => l.event)).toEqual([expect.objectContaining({ event: 'received', counterpart: 'ES', channel: { sender: 'ES', recipient: 'NL', seq: 4 } })]);
    expect(e.notices).toHaveLength(1);
    expect(e.notices[0].row).toMatchObject({ id: c.jti, sender: 'ES', direction: 'inbound', handlingCode: 'H1', deadline: new Date(NOW.getTime() + 8 * 3600_000) });
    expect(e.notices[0].body).toEqual(c.body);
    expect(e.recipients).toEqual([expect.objectContaining({ noticeSender: 'ES', noticeId: c.jti, agency: 'NL', status: 'DELIVERED', channelSeq: 4 })]);
    expect(e.receipts).toEqual([expect.objectContaining({ iss: 'NL', aud: ['ES'], kind: 'receipt', handling: { code: 'H0' }, priority: 'urgent' })]);
    expect(e.receipts[0].re).toBeUndefined();
    expect(e.receipts[0].body).toEqual({ received_at: NOW.toISOString(), received: [{ id: c.jti, digest: 'a'.repeat(64) }] });
    expect(e.rejected).toEqual([]);
  });

  it('receipts a batch once per sender, naming every query and response it recorded by id and digest', () => {
    const es = [claims({ priority: 'normal' }), claims({ priority: 'normal' })];
    const co = claims({ iss: 'CO', exp: T + 30 * 86400, priority: 'urgent' });
    const ack = claims({ kind: 'acknowledgement', re: uuidv7(), body: { acknowledged_by: { role: 'liaison_officer', ref: 'o' }, at: NOW.toISOString() } });
    const e = decideBatch([accepted(es[0], '1'.repeat(64)), accepted(co, '2'.repeat(64)), accepted(ack), accepted(es[1], '3'.repeat(64))], context());
    expect(e.receipts.map((r) => [r.aud, r.priority, (r.body as ReceiptBody).received])).toEqual([
      [['ES'], 'normal', [{ id: es[0].jti, digest: '1'.repeat(64) }, { id: es[1].jti, digest: '3'.repeat(64) }]],
      [['CO'], 'urgent', [{ id: co.jti, digest: '2'.repeat(64) }]],
    ]);
    // A receipt lives as long as the longest-lived envelope it names.
    expect(e.receipts[1].exp).toBe(T + 30 * 86400);
  });

  it(`splits a sender's receipts at ${RECEIPT_MAX_ENVELOPES} envelopes`, () => {
    const many = Array.from({ length: RECEIPT_MAX_ENVELOPES + 1 }, () => accepted(claims()));
    const e = decideBatch(many, context());
    expect(e.receipts.map((r) => (r.body as ReceiptBody).received?.length)).toEqual([RECEIPT_MAX_ENVELOPES, 1]);
  });

  const ours = (status: OutboundState['status'], agency = 'ES', noticeId = '019cade2-11c0-7886-a631-a1e2f0ac83cc'): OutboundState => ({
    noticeId, agency, status, kind: 'identity-query', digest: 'f'.repeat(64),
  });

  it('a batch receipt delivers every notice it names with our digest, and only those', () => {
    const [a, b, c] = ['019cade2-11c0-7886-a631-00000000000a', '019cade2-11c0-7886-a631-00000000000b', '019cade2-11c0-7886-a631-00000000000c'].map((id) => ours('SENT', 'ES', id));
    const receipt = claims({
      kind: 'receipt', body: { received_at: NOW.toISOString(), received: [{ id: a.noticeId, digest: a.digest }, { id: b.noticeId, digest: '0'.repeat(64) }, { id: c.noticeId, digest: c.digest }] },
    });
    const e = decideBatch([accepted(receipt)], context({ outbound: [a, b, c] }));
    expect(e.outboundMoves.map((m) => [m.noticeId, m.status])).toEqual([[a.noticeId, 'DELIVERED'], [c.noticeId, 'DELIVERED']]);
    expect(e.ledger.map((l) => [l.event.event, l.event.messageId, l.event.re])).toEqual([
      ['received', receipt.jti, null], ['delivered', a.noticeId, receipt.jti], ['delivered', c.noticeId, receipt.jti],
    ]);
    // Another digest under our id is not a delivery of what we sent: noted, nothing moves.
    expect(e.ignored).toEqual([expect.stringContaining(`names ${b.noticeId} with another digest`)]);
    expect(outboundRefs([receipt])).toEqual([a, b, c].map((o) => ({ noticeId: o.noticeId, agency: 'ES' })));
  });

  it('a receipt for an envelope we sent without a workflow row (a case event) is still recorded as its delivery, once, and only with our digest', () => {
    const event = { messageId: '019cade2-11c0-7886-a631-0000000000e1', counterpart: 'ES', kind: 'case-invitation', digest: 'e'.repeat(64) };
    const forged = { ...event, messageId: '019cade2-11c0-7886-a631-0000000000e2' };
    const receipt = claims({ kind: 'receipt', body: { received_at: NOW.toISOString(), received: [{ id: event.messageId, digest: event.digest }, { id: forged.messageId, digest: '0'.repeat(64) }] } });
    const again = claims({ kind: 'receipt', body: { received_at: NOW.toISOString(), received: [{ id: event.messageId, digest: event.digest }] } });
    const e = decideBatch([accepted(receipt), accepted(again)], context({ untracked: [event, forged] }));
    expect(e.ledger.map((l) => [l.event.event, l.event.messageId, l.event.kind, l.event.counterpart, l.event.re])).toEqual([
      ['received', receipt.jti, 'receipt', 'ES', null], ['delivered', event.messageId, 'case-invitation', 'ES', receipt.jti], ['received', again.jti, 'receipt', 'ES', null],
    ]);
    expect(e.outboundMoves).toEqual([]);
    // From another agency than the one we sent it to, it is no delivery.
    const other = claims({ iss: 'CO', kind: 'receipt', body: { received_at: NOW.toISOString(), received: [{ id: event.messageId, digest: event.digest }] } });
    expect(decideBatch([accepted(other)], context({ untracked: [event] })).ledger.map((l) => l.event.event)).toEqual(['received']);
  });

  it('a single receipt (the earlier form, by re) moves our notice to DELIVERED with a delivered entry; no row stored, no receipt of a receipt', () => {
    const receipt = claims({ kind: 'receipt', re: ours('SENT').noticeId, body: { received_at: NOW.toISOString() } });
    const e = decideBatch([accepted(receipt)], context({ outbound: [ours('SENT')] }));
    expect(e.outboundMoves).toEqual([expect.objectContaining({ noticeId: ours('SENT').noticeId, agency: 'ES', status: 'DELIVERED' })]);
    expect(e.ledger.map((l) => l.event.event)).toEqual(['received', 'delivered']);
    expect(e.notices).toEqual([]);
    expect(e.receipts).toEqual([]);
  });

  it('an acknowledgement records who acknowledged, as ES:<ref>', () => {
    const ack = claims({ kind: 'acknowledgement', re: ours('DELIVERED').noticeId, body: { acknowledged_by: { role: 'liaison_officer', ref: 'officer-7' }, at: NOW.toISOString() } });
    const e = decideBatch([accepted(ack)], context({ outbound: [ours('DELIVERED')] }));
    expect(e.outboundMoves).toEqual([expect.objectContaining({ status: 'ACKNOWLEDGED', actedBy: 'ES:officer-7' })]);
    expect(e.ledger.map((l) => l.event)).toEqual([expect.objectContaining({ event: 'received' }), expect.objectContaining({ event: 'acknowledged', actor: 'ES:officer-7' })]);
  });

  it('a response before its receipt implies delivery, is stored, receipted, and answers our notice', () => {
    const response = claims({ kind: 'response', re: ours('SENT').noticeId, body: { outcome: 'hit', details: { summary: 'known' } } });
    const e = decideBatch([accepted(response)], context({ outbound: [ours('SENT')] }));
    expect(e.ledger.map((l) => l.event.event)).toEqual(['received', 'delivered', 'answered']);
    expect(e.outboundMoves).toEqual([expect.objectContaining({ status: 'ANSWERED', responseId: response.jti })]);
    expect(e.notices[0].row).toMatchObject({ kind: 'response', deadline: null });
    expect(e.recipients).toEqual([]);
    expect(e.receipts).toHaveLength(1);
  });

  it('a declining response declines our notice', () => {
    const response = claims({ kind: 'response', re: ours('ACKNOWLEDGED').noticeId, body: { outcome: 'declined', reason: 'not available' } });
    const e = decideBatch([accepted(response)], context({ outbound: [ours('ACKNOWLEDGED')] }));
    expect(e.outboundMoves).toEqual([expect.objectContaining({ status: 'DECLINED' })]);
    expect(e.ledger.map((l) => l.event.event)).toEqual(['received', 'declined']);
  });

  it('a received report is stored with no deadline; a response naming our report answers nothing', () => {
    const report = claims({ kind: 'intelligence-report', body: { narrative: 'n' } });
    const stored = decideBatch([accepted(report)], context());
    expect(stored.notices[0].row).toMatchObject({ kind: 'intelligence-report', deadline: null });
    expect(stored.recipients).toEqual([expect.objectContaining({ status: 'DELIVERED' })]);
    const ourReport = { ...ours('ACKNOWLEDGED'), kind: 'intelligence-report' };
    const response = claims({ kind: 'response', re: ourReport.noticeId, body: { outcome: 'no-hit' } });
    const e = decideBatch([accepted(response)], context({ outbound: [ourReport] }));
    expect(e.outboundMoves).toEqual([]);
    expect(e.ignored).toEqual([`answer of ${ourReport.noticeId} from ES: cannot answer a intelligence-report: it expects no answer`]);
  });

  it('a late or illegal step changes nothing and is noted; a step naming nothing we sent has no effect', () => {
    const ack = claims({ kind: 'acknowledgement', re: ours('ANSWERED').noticeId, body: { acknowledged_by: { role: 'liaison_officer', ref: 'o' }, at: NOW.toISOString() } });
    const late = decideBatch([accepted(ack)], context({ outbound: [ours('ANSWERED')] }));
    expect(late.outboundMoves).toEqual([]);
    expect(late.ignored).toHaveLength(1);
    expect(late.ledger.map((l) => l.event.event)).toEqual(['received']);
    const stray = decideBatch([accepted({ ...ack, re: '019cade2-11c0-7886-a631-000000000000' })], context({ outbound: [ours('DELIVERED')] }));
    expect(stray.outboundMoves).toEqual([]);
    expect(stray.ignored).toEqual([]);
  });

  it('a receipt from an agency that was not the recipient does not move our notice', () => {
    const receipt = claims({ iss: 'CO', kind: 'receipt', re: ours('SENT').noticeId, body: { received_at: NOW.toISOString() } });
    expect(decideBatch([accepted(receipt)], context({ outbound: [ours('SENT', 'ES')] })).outboundMoves).toEqual([]);
  });

  it('two steps on one notice in one batch are applied in order and written once', () => {
    const receipt = claims({ kind: 'receipt', re: ours('SENT').noticeId, body: { received_at: NOW.toISOString() } });
    const ack = claims({ kind: 'acknowledgement', re: ours('SENT').noticeId, body: { acknowledged_by: { role: 'liaison_officer', ref: 'o' }, at: NOW.toISOString() } });
    const e = decideBatch([accepted(receipt), accepted(ack)], context({ outbound: [ours('SENT')] }));
    expect(e.outboundMoves).toEqual([expect.objectContaining({ status: 'ACKNOWLEDGED', actedBy: 'ES:o' })]);
    expect(e.ledger.map((l) => l.event.event)).toEqual(['received', 'delivered', 'received', 'acknowledged']);
  });

  it('a refusal: rejected row, ledger entry and dead-letter copy tied to its position, headers made jsonb-safe', () => {
    const m = message({ 'liaison-message-id': uuidv7(), 'liaison-sender': 'ES', 'x-\u0000bad': 'a\u0000b' });
    const e = decideBatch([refusedOpen('bad_signature', m)], context());
    const at = { partition: m.partition, offset: m.offset };
    expect(e.rejected).toEqual([expect.objectContaining({ code: 'bad_signature', claimedSender: 'ES', ...at })]);
    expect(e.ledger).toEqual([{ position: at, event: expect.objectContaining({ event: 'rejected', reason: 'bad_signature: signature does not verify' }) }]);
    expect(e.deadLetters[0].position).toEqual(at);
    expect(e.deadLetters[0].row.headers).toMatchObject({ 'x-\ufffdbad': 'a\ufffdb', 'liaison-refusal': 'bad_signature', 'liaison-source': `p.inbox.NL/0/${m.offset}` });
    expect(e.received).toEqual([]);
  });

  it('keeps unverified header values out of the record unless well-formed', () => {
    const m = message({ 'liaison-message-id': 'not-a-uuid', 'liaison-sender': 'nl; drop' });
    expect(decideBatch([refusedOpen('malformed', m)], context()).rejected[0]).toMatchObject({ messageId: null, claimedSender: null });
  });

  it('a redelivery: recorded with a redelivered entry at its position, no other effect', () => {
    const c = claims();
    const before = receivedRow(c, 'a'.repeat(64), message());
    const m = message();
    const e = decideBatch([accepted(c, 'a'.repeat(64), m)], context({ received: [before] }));
    expect(e.redelivered).toEqual([expect.objectContaining({ sender: 'ES', messageId: c.jti, partition: 0, offset: m.offset })]);
    expect(e.ledger).toEqual([{ position: { partition: 0, offset: m.offset }, event: expect.objectContaining({ event: 'redelivered', counterpart: 'ES' }) }]);
    expect([e.received, e.notices, e.receipts, e.rejected]).toEqual([[], [], [], []]);
  });

  it('a message recorded before from the same offset, or a position seen before, has no effect at all', () => {
    const c = claims();
    const m = message();
    const e = decideBatch([accepted(c, 'a'.repeat(64), m)], context({ received: [receivedRow(c, 'a'.repeat(64), m)] }));
    expect([e.received, e.ledger, e.redelivered, e.rejected, e.receipts]).toEqual([[], [], [], [], []]);
  });
});

describe('decideRecordingFailure', () => {
  it('refuses the one message whose recording failed, with the reason, its ledger entry and dead-letter copy', () => {
    const m = message({ 'liaison-message-id': uuidv7(), 'liaison-sender': 'ES' });
    const e = decideRecordingFailure(m, 'recording the message failed (QueryFailedError, P0001)', { now: NOW, deadLetterTopic: 'p.dead-letter.NL' });
    expect(e.rejected).toEqual([expect.objectContaining({ code: 'recording_failed', detail: 'recording the message failed (QueryFailedError, P0001)' })]);
    expect(e.ledger[0].event).toMatchObject({ event: 'rejected', reason: expect.stringMatching(/^recording_failed: /) });
    expect(e.deadLetters[0].row.headers['liaison-refusal']).toBe('recording_failed');
  });
});
