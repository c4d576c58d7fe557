import { CaseDefinition, CaseEvent, CaseState, caseEventBody, caseEventKind, foldCaseLog } from '@liaison/cases';
import type { NoticeClaims } from '@liaison/envelope';
import { epochSeconds, uuidv7 } from '@liaison/ids';
import type { InboundMessage } from '@liaison/transport';
import type { Opened } from '../exchange/inbox.decide';
import { decideCaseBatch, ownEvent } from './cases.decide';

const NOW = new Date('2026-12-02T10:00:00Z');
const caseId = uuidv7(() => NOW.getTime() - 1000);
const definition: CaseDefinition = {
  reference: 'NL-2026-0001', title: 'Lantern', purpose: 'p', legal_basis: 'b', handling: { code: 'H1' }, period: { from: '2026-12-01', until: '2026-12-04' }, owner: 'NL',
};
/** NL's case with ES invited. */
const nl = foldCaseLog([
  { event: { type: 'open', caseId, agency: 'NL', seq: 0, definition }, signer: 'NL' },
  { event: { type: 'invite', caseId, agency: 'ES', seq: 1, definition, members: ['NL'], invited: ['ES'] }, signer: 'NL' },
], 'NL') as CaseState;

let offset = 0;
function opened(signer: string, event: CaseEvent, withCase = true): Opened {
  const claims: NoticeClaims = {
    iss: signer, aud: ['NL'], jti: uuidv7(), iat: epochSeconds(NOW), exp: epochSeconds(NOW) + 3600, kind: caseEventKind(event.type), handling: { code: 'H0' },
    priority: 'normal', ...(withCase ? { case: event.caseId } : {}), chseq: { NL: offset }, body: caseEventBody(event),
  };
  const message = { topic: 'p.inbox.NL', partition: 0, offset: String(offset++), key: null, value: Buffer.from('x'), headers: {}, timestamp: '0' } as InboundMessage;
  return { message, result: { ok: true, claims, digest: 'd'.repeat(64), signerKid: 'k' } };
}
const query = (): Opened => {
  const o = opened('ES', { type: 'accept', caseId, agency: 'ES' });
  (o.result as { claims: NoticeClaims }).claims.kind = 'identity-query';
  return o;
};

describe('decideCaseBatch', () => {
  it('answers an acceptance at the owner with its signed join, to every member, keyed by the case', () => {
    const d = decideCaseBatch([opened('ES', { type: 'accept', caseId, agency: 'ES' })], () => true, new Map([[caseId, nl]]), 'NL', NOW);
    expect(d.accepted).toEqual([0]);
    expect(d.states.get(caseId)).toMatchObject({ members: ['ES', 'NL'], accepted: [], ownerSeq: 2 });
    expect(d.events.map((e) => [e.type, e.direction, e.signer])).toEqual([['accept', 'inbound', 'ES'], ['join', 'outbound', 'NL']]);
    expect(d.dispatch).toHaveLength(1);
    expect(d.dispatch[0]).toMatchObject({ key: caseId, draft: { iss: 'NL', aud: ['ES'], kind: 'case-join', case: caseId, handling: { code: 'H1' }, body: { agency: 'ES', seq: 2, members: ['ES', 'NL'] } } });
  });

  it('turns a refused event into a refusal of the batch, naming the message, and changes nothing', () => {
    const batch = [opened('ES', { type: 'leave', caseId, agency: 'CO' }), query()];
    const d = decideCaseBatch(batch, () => true, new Map([[caseId, nl]]), 'NL', NOW);
    expect(d.opened[0].result).toMatchObject({ ok: false, code: 'case_forged', detail: expect.stringMatching(/^case-leave [0-9a-f-]{36} from ES: leave of CO signed by ES/) });
    expect(d.opened[1]).toBe(batch[1]);
    expect(d.accepted).toEqual([]);
    expect(d.states.size + d.events.length + d.dispatch.length).toBe(0);
  });

  it('judges the events of one batch in order, each against the state the previous left', () => {
    const accept = opened('ES', { type: 'accept', caseId, agency: 'ES' });
    const again = opened('ES', { type: 'accept', caseId, agency: 'ES' });
    const d = decideCaseBatch([accept, again], () => true, new Map([[caseId, nl]]), 'NL', NOW);
    expect(d.accepted).toEqual([0]);
    expect(d.opened[1].result).toMatchObject({ ok: false, code: 'case_sequence' });
  });

  it('does not judge what is not new (a redelivery is not refused as out of sequence)', () => {
    const d = decideCaseBatch([opened('ES', { type: 'accept', caseId, agency: 'ES' })], () => false, new Map([[caseId, nl]]), 'NL', NOW);
    expect(d.accepted).toEqual([]);
    expect(d.opened[0].result.ok).toBe(true);
  });

  it('refuses a case event without a case claim, and a case-open envelope', () => {
    const d = decideCaseBatch(
      [opened('ES', { type: 'accept', caseId, agency: 'ES' }, false), opened('NL', { type: 'open', caseId, agency: 'NL', seq: 0, definition })],
      () => true, new Map([[caseId, nl]]), 'NL', NOW,
    );
    expect(d.opened.map((o) => (o.result.ok ? 'ok' : o.result.code))).toEqual(['case_sequence', 'case_sequence']);
  });
});

describe('ownEvent', () => {
  it('records an open locally under the case id, and a close nobody else hears of locally too', () => {
    const open = ownEvent(null, { type: 'open', caseId, agency: 'NL', seq: 0, definition }, 'NL', 'op', NOW);
    expect(open.ok && open.value).toMatchObject({ dispatch: null, row: { messageId: caseId, direction: 'local' } });
    if (!open.ok) return;
    const close = ownEvent(open.value.state, { type: 'close', caseId, agency: 'NL', seq: 1 }, 'NL', 'op', NOW);
    expect(close.ok && close.value.dispatch).toBeNull();
    expect(close.ok && close.value.row.messageId).not.toBe(caseId);
  });

  it('refuses to send what the peers would refuse', () => {
    expect(ownEvent(nl, { type: 'leave', caseId, agency: 'NL' }, 'NL', 'op', NOW)).toMatchObject({ ok: false, code: 'case_sequence' });
  });
});
