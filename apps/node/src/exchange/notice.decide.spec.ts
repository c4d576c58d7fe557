import type { SealedEnvelope } from '@liaison/envelope';
import { federationTopics } from '@liaison/transport';
import { channelDemand, dispatchEffects, DispatchItem, numberDrafts } from './dispatcher';
import type { NoticeRow } from './exchange.repository';
import { composeItem, decideOfficerAction, outboundRows, passOnItem, passOnRecipientsError } from './notice.decide';

const NOW = new Date('2026-12-02T10:00:00Z');
const T = NOW.getTime() / 1000;
const DEADLINES = { urgentHours: 8, normalDays: 7 };

const received: NoticeRow = {
  id: '019cade2-11c0-7886-a631-a1e2f0ac83cc', direction: 'inbound', sender: 'ES', recipients: ['NL'], kind: 'identity-query', priority: 'normal',
  handlingCode: 'H3', handlingRestriction: 'not for customs', grades: { source: 'B', information: 2 }, re: null, caseId: null,
  issuedAt: new Date('2026-12-01T10:00:00Z'), expiresAt: new Date('2026-12-20T10:00:00Z'), deadline: null, digest: 'd'.repeat(64), content: Buffer.alloc(0), createdBy: null,
};

describe('operator and officer decisions', () => {
  it('composes a validated request into a draft from this agency with the federation deadline', () => {
    const item = composeItem(
      { kind: 'identity-query', recipients: ['ES', 'CO'], handling: { code: 'H1' }, grades: { source: 'A', information: 1 }, priority: 'urgent', expiresAt: '2026-12-09T10:00:00Z', body: { x: 1 } },
      'NL', 'id-1', 'op@nl', NOW, DEADLINES,
    );
    expect(item.draft).toMatchObject({ iss: 'NL', aud: ['ES', 'CO'], jti: 'id-1', iat: T, exp: T + 7 * 86400, handling: { code: 'H1' } });
    expect(item.deadline).toEqual(new Date(NOW.getTime() + 8 * 3600_000));
    expect(item.actor).toBe('op@nl');
  });

  it('composes an intelligence report with no deadline, citing the notice it follows up', () => {
    const item = composeItem(
      { kind: 'intelligence-report', recipients: ['ES'], handling: { code: 'H0' }, grades: { source: 'B', information: 2 }, priority: 'normal', expiresAt: '2026-12-09T10:00:00Z', body: { narrative: 'n' }, re: received.id },
      'NL', 'id-3', 'op@nl', NOW, DEADLINES,
    );
    expect(item.deadline).toBeNull();
    expect(item.draft).toMatchObject({ kind: 'intelligence-report', re: received.id });
  });

  it('a received report is acknowledged, never answered nor declined', () => {
    const report = { ...received, kind: 'intelligence-report' };
    expect(decideOfficerAction(report, 'DELIVERED', 'acknowledge', 'o', 'NL', NOW)).toMatchObject({ ok: true, next: 'ACKNOWLEDGED' });
    expect(decideOfficerAction(report, 'DELIVERED', 'answer', 'o', 'NL', NOW, { outcome: 'no-hit' })).toEqual({ ok: false, message: 'cannot answer a intelligence-report: it expects no answer' });
    expect(decideOfficerAction(report, 'ACKNOWLEDGED', 'decline', 'o', 'NL', NOW, { reason: 'x' })).toMatchObject({ ok: false });
  });

  it('passes a notice on with its handling, grades, priority and expiry, citing it', () => {
    const item = passOnItem(received, { b: 1 }, ['CO'], 'NL', 'id-2', 'officer@nl', NOW, DEADLINES);
    expect(item.draft).toMatchObject({ iss: 'NL', aud: ['CO'], re: received.id, handling: { code: 'H3', restriction: 'not for customs' }, grades: received.grades, exp: received.expiresAt.getTime() / 1000, body: { b: 1 } });
    expect(passOnRecipientsError(['CO'], 'NL', 'ES')).toBeNull();
    expect(passOnRecipientsError(['ES'], 'NL', 'ES')).toMatch(/original sender/);
    expect(passOnRecipientsError(['NL'], 'NL', 'ES')).toMatch(/this agency/);
  });

  it('acknowledges: DELIVERED → ACKNOWLEDGED, an acknowledgement back under the notice handling, an acknowledged entry', () => {
    const d = decideOfficerAction(received, 'DELIVERED', 'acknowledge', 'officer@nl', 'NL', NOW);
    expect(d).toMatchObject({ ok: true, next: 'ACKNOWLEDGED', isResponse: false });
    if (!d.ok) throw new Error('unreachable');
    expect(d.reply).toMatchObject({ iss: 'NL', aud: ['ES'], kind: 'acknowledgement', re: received.id, handling: { code: 'H3' }, body: { acknowledged_by: { ref: 'officer@nl' } } });
    expect(d.ledger).toMatchObject({ event: 'acknowledged', messageId: received.id, counterpart: 'ES', actor: 'officer@nl' });
  });

  it('answers with a response under the answer own handling, or the query one when none is given', () => {
    const own = decideOfficerAction(received, 'ACKNOWLEDGED', 'answer', 'o', 'NL', NOW, { outcome: 'hit', details: { summary: 's' }, handling: { code: 'H0' } });
    const inherited = decideOfficerAction(received, 'DELIVERED', 'answer', 'o', 'NL', NOW, { outcome: 'no-hit' });
    expect(own).toMatchObject({ ok: true, next: 'ANSWERED', isResponse: true, reply: { kind: 'response', handling: { code: 'H0' }, body: { outcome: 'hit' } }, ledger: { event: 'answered' } });
    expect(inherited).toMatchObject({ ok: true, reply: { handling: { code: 'H3' }, body: { outcome: 'no-hit' } } });
  });

  it('declines with the reason in the response body', () => {
    expect(decideOfficerAction(received, 'DELIVERED', 'decline', 'o', 'NL', NOW, { reason: 'not available' })).toMatchObject({
      ok: true, next: 'DECLINED', reply: { body: { outcome: 'declined', reason: 'not available' } }, ledger: { event: 'declined' },
    });
  });

  it('refuses an illegal transition with a message, deciding nothing else', () => {
    const d = decideOfficerAction(received, 'ANSWERED', 'acknowledge', 'o', 'NL', NOW);
    expect(d.ok).toBe(false);
    expect(d).toMatchObject({ message: expect.stringMatching(/ANSWERED/) });
  });
});

describe('dispatch decisions', () => {
  const topics = federationTopics('p');
  const item = (aud: string[], jti: string): DispatchItem => ({ draft: { iss: 'NL', aud, jti, iat: T, exp: T + 1, kind: 'identity-query', handling: { code: 'H0' }, priority: 'normal', body: {} }, actor: 'op' });

  it('numbers each channel consecutively from its reserved first number, in the drafts order', () => {
    const items = [item(['ES', 'CO'], 'a'), item(['ES'], 'b'), item(['CO'], 'c')];
    expect(channelDemand(items)).toEqual([{ sender: 'NL', recipient: 'ES', count: 2 }, { sender: 'NL', recipient: 'CO', count: 2 }]);
    expect(numberDrafts(items, new Map([['NL ES', 10], ['NL CO', 0]]))).toEqual([{ ES: 10, CO: 0 }, { ES: 11 }, { CO: 1 }]);
  });

  it('queues one outbox row to each recipient inbox and one sent entry per recipient', () => {
    const sealed = { messageId: 'a', value: Buffer.from('v'), digest: 'e'.repeat(64), recipients: ['ES', 'CO'], headersFor: (r: string) => ({ 'liaison-recipient': r }) } as unknown as SealedEnvelope;
    const out = dispatchEffects([item(['ES', 'CO'], 'a')], [{ sealed, chseq: { ES: 3, CO: 5 } }], topics, NOW);
    expect(out.outbox.map((o) => [o.topic, o.headers['liaison-recipient']])).toEqual([[topics.inbox('ES'), 'ES'], [topics.inbox('CO'), 'CO']]);
    expect(out.ledger).toEqual([
      expect.objectContaining({ event: 'sent', counterpart: 'ES', channel: { sender: 'NL', recipient: 'ES', seq: 3 }, actor: 'op' }),
      expect.objectContaining({ event: 'sent', counterpart: 'CO', channel: { sender: 'NL', recipient: 'CO', seq: 5 } }),
    ]);
  });

  it('records outbound notices with one SENT row per recipient and its channel number', () => {
    const sealed = { messageId: 'a', digest: 'e'.repeat(64) } as SealedEnvelope;
    const rows = outboundRows([{ ...item(['ES', 'CO'], 'a'), deadline: null, actor: 'op' }], [{ sealed, chseq: { ES: 3, CO: 5 } }], NOW);
    expect(rows.notices[0]).toMatchObject({ id: 'a', direction: 'outbound', sender: 'NL', digest: 'e'.repeat(64), createdBy: 'op' });
    expect(rows.recipients.map((r) => [r.agency, r.status, r.channelSeq])).toEqual([['ES', 'SENT', 3], ['CO', 'SENT', 5]]);
  });
});
