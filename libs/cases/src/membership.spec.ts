import { formatCaseReference, isCaseReference, uuidv7 } from '@liaison/ids';
import { validateBodyForEnvelope } from '@liaison/notices';
import {
  CaseDefinition,
  CaseEvent,
  CaseState,
  caseEventAudience,
  caseEventBody,
  caseEventKind,
  caseEventOf,
  caseEventTypeOfKind,
  caseParticipants,
  everMembers,
  foldCaseLog,
  judgeCaseEvent,
  validateDeclineCaseRequest,
  validateInviteRequest,
  validateOpenCaseRequest,
} from './index';

const id = uuidv7();
const definition: CaseDefinition = {
  reference: 'NL-2026-0042',
  title: 'Operation Lantern',
  purpose: 'Trafficking facilitated online',
  legal_basis: 'Directive (EU) 2023/977',
  handling: { code: 'H1' },
  period: { from: '2026-12-01', until: '2026-12-04' },
  owner: 'NL',
};
const ev = (type: CaseEvent['type'], agency: string, extra: Partial<CaseEvent> = {}): CaseEvent => ({ type, caseId: id, agency, ...extra });

/** NL's view after open, invite ES (1), invite CO (2). */
function nlState(): CaseState {
  return foldCaseLog(
    [
      { event: ev('open', 'NL', { seq: 0, definition }), signer: 'NL' },
      { event: ev('invite', 'ES', { seq: 1, definition, members: ['NL'], invited: ['ES'] }), signer: 'NL' },
      { event: ev('invite', 'CO', { seq: 2, definition, members: ['NL'], invited: ['CO', 'ES'] }), signer: 'NL' },
    ],
    'NL',
  ) as CaseState;
}

function accepted(state: CaseState | null, event: CaseEvent, signer: string, me: string): CaseState {
  const j = judgeCaseEvent(state, event, signer, me);
  if (!j.ok) throw new Error(`${j.code}: ${j.reason}`);
  return j.state;
}

function refusal(state: CaseState | null, event: CaseEvent, signer: string, me: string) {
  const j = judgeCaseEvent(state, event, signer, me);
  if (j.ok) throw new Error('accepted');
  return j;
}

describe('case references', () => {
  it('formats and recognises <owner>-<year>-<serial>', () => {
    expect(formatCaseReference('NL', 2026, 42)).toBe('NL-2026-0042');
    expect(formatCaseReference('AG0', 2026, 123456)).toBe('AG0-2026-123456');
    expect(isCaseReference('NL-2026-0042')).toBe(true);
    expect(isCaseReference('nl-2026-0042')).toBe(false);
    expect(isCaseReference('NL-26-0042')).toBe(false);
    expect(() => formatCaseReference('NL', 2026, 0)).toThrow(RangeError);
    expect(() => formatCaseReference('x', 2026, 1)).toThrow(RangeError);
  });
});

describe('judgeCaseEvent', () => {
  it('opens a case at the owner, at sequence 0', () => {
    const s = accepted(null, ev('open', 'NL', { seq: 0, definition }), 'NL', 'NL');
    expect(s).toMatchObject({ id, ownerSeq: 0, members: ['NL'], invited: [], closed: false });
  });

  it('refuses an open signed by another than the owner, or not at 0, or recorded by another node', () => {
    expect(refusal(null, ev('open', 'NL', { seq: 0, definition }), 'ES', 'NL').code).toBe('case_not_owner');
    expect(refusal(null, ev('open', 'NL', { seq: 1, definition }), 'NL', 'NL').code).toBe('case_sequence');
    expect(refusal(null, ev('open', 'NL', { seq: 0, definition }), 'NL', 'ES').code).toBe('case_sequence');
    expect(refusal(nlState(), ev('open', 'NL', { seq: 3, definition }), 'NL', 'NL').code).toBe('case_sequence');
  });

  it('refuses a reference that is not the owner\'s', () => {
    expect(refusal(null, ev('open', 'NL', { seq: 0, definition: { ...definition, reference: 'ES-2026-0001' } }), 'NL', 'NL').code).toBe('case_forged');
  });

  it('lets an invitee learn the case from its invitation, and only when it is invited', () => {
    const es = accepted(null, ev('invite', 'ES', { seq: 1, definition, members: ['NL'], invited: ['ES'] }), 'NL', 'ES');
    expect(es).toMatchObject({ ownerSeq: 1, members: ['NL'], invited: ['ES'] });
    expect(refusal(null, ev('invite', 'ES', { seq: 1, definition, members: ['NL'], invited: ['ES'] }), 'NL', 'CO').code).toBe('case_sequence');
    expect(refusal(null, ev('invite', 'ES', { seq: 1, definition, members: ['NL'], invited: ['ES'] }), 'CO', 'ES').code).toBe('case_not_owner');
    expect(refusal(null, ev('invite', 'ES', { seq: 1, definition, members: ['ES'], invited: ['ES'] }), 'NL', 'ES').code).toBe('case_sequence');
    expect(refusal(null, ev('invite', 'ES', { seq: 1, definition, members: ['NL'], invited: ['CO'] }), 'NL', 'ES').code).toBe('case_sequence');
    expect(refusal(null, ev('invite', 'ES', { seq: 0, definition, members: ['NL'], invited: ['ES'] }), 'NL', 'ES').code).toBe('case_sequence');
  });

  it('refuses any other first event of an unknown case', () => {
    expect(refusal(null, ev('accept', 'ES'), 'ES', 'NL').code).toBe('case_sequence');
    expect(refusal(null, ev('join', 'ES', { seq: 3, members: ['ES', 'NL'] }), 'NL', 'CO').code).toBe('case_sequence');
  });

  it('runs invite → accept → join → leave → close at the owner', () => {
    let s = nlState();
    expect(s.invited).toEqual(['CO', 'ES']);
    s = accepted(s, ev('accept', 'ES'), 'ES', 'NL');
    expect(s).toMatchObject({ invited: ['CO'], accepted: ['ES'] });
    s = accepted(s, ev('join', 'ES', { seq: 3, members: ['ES', 'NL'] }), 'NL', 'NL');
    expect(s).toMatchObject({ members: ['ES', 'NL'], accepted: [], ownerSeq: 3 });
    s = accepted(s, ev('decline', 'CO', { reason: 'no capacity' }), 'CO', 'NL');
    expect(s).toMatchObject({ invited: [], declined: ['CO'] });
    s = accepted(s, ev('leave', 'ES'), 'ES', 'NL');
    expect(s).toMatchObject({ members: ['NL'], left: ['ES'] });
    expect(everMembers(s)).toEqual(['ES', 'NL']);
    s = accepted(s, ev('close', 'NL', { seq: 4 }), 'NL', 'NL');
    expect(s.closed).toBe(true);
  });

  it('refuses an invitation, join or close signed by a non-owner', () => {
    const s = nlState();
    expect(refusal(s, ev('invite', 'DE', { seq: 3, definition, members: ['NL'], invited: ['CO', 'DE', 'ES'] }), 'ES', 'NL')).toMatchObject({ code: 'case_not_owner', reason: expect.stringContaining('only the owner NL') });
    expect(refusal(s, ev('join', 'ES', { seq: 3, members: ['ES', 'NL'] }), 'ES', 'NL').code).toBe('case_not_owner');
    expect(refusal(s, ev('close', 'ES', { seq: 3 }), 'ES', 'NL').code).toBe('case_not_owner');
  });

  it('refuses a membership change a member signs for another agency', () => {
    let s = accepted(nlState(), ev('accept', 'ES'), 'ES', 'NL');
    s = accepted(s, ev('join', 'ES', { seq: 3, members: ['ES', 'NL'] }), 'NL', 'NL');
    expect(refusal(s, ev('accept', 'CO'), 'ES', 'NL')).toMatchObject({ code: 'case_forged', reason: 'accept of CO signed by ES: an agency answers and leaves only for itself' });
    expect(refusal(s, ev('decline', 'CO'), 'ES', 'NL').code).toBe('case_forged');
    expect(refusal(s, ev('leave', 'NL'), 'ES', 'NL').code).toBe('case_forged');
    expect(refusal(s, ev('leave', 'x'), 'ES', 'NL').code).toBe('case_forged');
  });

  it('refuses owner events out of sequence', () => {
    const s = nlState();
    expect(refusal(s, ev('close', 'NL', { seq: 2 }), 'NL', 'NL')).toMatchObject({ code: 'case_sequence', reason: 'owner event 2 after 2: expected 3' });
    expect(refusal(s, ev('close', 'NL', { seq: 5 }), 'NL', 'NL').code).toBe('case_sequence');
    expect(refusal(s, ev('close', 'NL'), 'NL', 'NL').code).toBe('case_sequence');
  });

  it('refuses steps that do not follow from the state', () => {
    const s = nlState();
    expect(refusal(s, ev('invite', 'ES', { seq: 3, definition, members: ['NL'], invited: ['CO', 'ES'] }), 'NL', 'NL').reason).toBe('ES is already a member or invited');
    expect(refusal(s, ev('join', 'DE', { seq: 3, members: ['DE', 'NL'] }), 'NL', 'NL').reason).toBe('DE joins without an invitation');
    expect(refusal(s, ev('accept', 'DE'), 'DE', 'NL').reason).toBe('DE accepts, but has no open invitation');
    expect(refusal(s, ev('decline', 'DE'), 'DE', 'NL').code).toBe('case_sequence');
    expect(refusal(s, ev('leave', 'ES'), 'ES', 'NL').reason).toBe('ES leaves, but is not a member');
    expect(refusal(s, ev('leave', 'NL'), 'NL', 'NL').reason).toBe('the owner closes the case instead of leaving it');
    expect(refusal(s, { ...ev('accept', 'ES'), caseId: uuidv7() }, 'ES', 'NL').reason).toBe('the event names another case');
  });

  it('refuses everything after close', () => {
    const closed = accepted(nlState(), ev('close', 'NL', { seq: 3 }), 'NL', 'NL');
    expect(refusal(closed, ev('accept', 'ES'), 'ES', 'NL')).toMatchObject({ code: 'case_closed', reason: 'case NL-2026-0042 is closed' });
    expect(refusal(closed, ev('invite', 'DE', { seq: 4, definition, members: ['NL'], invited: ['DE'] }), 'NL', 'NL').code).toBe('case_closed');
  });

  it('lets a declined or departed agency be invited again', () => {
    let s = accepted(nlState(), ev('decline', 'CO'), 'CO', 'NL');
    s = accepted(s, ev('invite', 'CO', { seq: 3, definition, members: ['NL'], invited: ['CO', 'ES'] }), 'NL', 'NL');
    expect(s).toMatchObject({ invited: ['CO', 'ES'], declined: [] });
  });

  it('refuses a log that does not replay', () => {
    expect(() => foldCaseLog([{ event: ev('accept', 'ES'), signer: 'ES' }], 'NL')).toThrow(/case_sequence/);
    expect(foldCaseLog([], 'NL')).toBeNull();
  });
});

describe('who receives what', () => {
  it('sends an acceptance to the owner, and every other event to members and invitees', () => {
    const s = nlState();
    expect(caseEventAudience(s, ev('accept', 'ES'), 'ES')).toEqual(['NL']);
    expect(caseEventAudience(s, ev('invite', 'CO'), 'NL')).toEqual(['CO', 'ES']);
    expect(caseEventAudience(s, ev('open', 'NL'), 'NL')).toEqual([]);
    const left = accepted(accepted(accepted(s, ev('accept', 'ES'), 'ES', 'NL'), ev('join', 'ES', { seq: 3, members: ['ES', 'NL'] }), 'NL', 'NL'), ev('leave', 'ES'), 'ES', 'NL');
    expect(caseEventAudience(left, ev('leave', 'ES'), 'ES')).toEqual(['CO', 'NL']);
  });

  it('expands "all participants" to the current members but the sender', () => {
    const s = accepted(accepted(nlState(), ev('accept', 'ES'), 'ES', 'NL'), ev('join', 'ES', { seq: 3, members: ['ES', 'NL'] }), 'NL', 'NL');
    expect(caseParticipants(s, 'NL')).toEqual(['ES']);
    expect(caseParticipants(s, 'ES')).toEqual(['NL']);
  });
});

describe('wire format', () => {
  it('maps kinds to event types and back', () => {
    expect(caseEventKind('invite')).toBe('case-invite');
    expect(caseEventTypeOfKind('case-leave')).toBe('leave');
    expect(caseEventTypeOfKind('case-open')).toBe('open');
    expect(caseEventTypeOfKind('identity-query')).toBeNull();
    expect(caseEventTypeOfKind('case-nothing')).toBeNull();
  });

  it('carries each event in a body its kind\'s schema accepts, and reads it back', () => {
    const events: CaseEvent[] = [
      ev('invite', 'ES', { seq: 1, definition, members: ['NL'], invited: ['ES'] }),
      ev('accept', 'ES'),
      ev('decline', 'ES', { reason: 'no capacity' }),
      ev('join', 'ES', { seq: 2, members: ['ES', 'NL'] }),
      ev('leave', 'ES'),
      ev('close', 'NL', { seq: 3 }),
    ];
    for (const event of events) {
      const body = caseEventBody(event);
      expect(validateBodyForEnvelope(caseEventKind(event.type), body)).toBeNull();
      expect(caseEventOf(event.type, id, JSON.parse(JSON.stringify(body)))).toEqual(JSON.parse(JSON.stringify(event)));
    }
  });

  it('refuses oversize, unknown and control-character fields on the wire', () => {
    const big = { agency: 'ES', seq: 1, case: { ...definition, title: 'x'.repeat(201) }, members: ['NL'], invited: ['ES'] };
    expect(validateBodyForEnvelope('case-invite', big)).toMatch(/\/case\/title/);
    expect(validateBodyForEnvelope('case-accept', { agency: 'ES', extra: 1 })).toMatch(/not an allowed field/);
    expect(validateBodyForEnvelope('case-decline', { agency: 'ES', reason: 'a\u0000b' })).toMatch(/\/reason/);
    expect(validateBodyForEnvelope('case-join', { agency: 'ES', seq: 2, members: Array.from({ length: 65 }, (_, i) => `A${i}`) })).toMatch(/\/members/);
  });
});

describe('case requests', () => {
  const request = { title: 'Operation Lantern', purpose: 'p', legalBasis: 'b', handling: { code: 'H0' }, period: { from: '2026-12-01', until: '2026-12-04' }, invite: ['ES', 'CO'] };

  it('accepts a well-formed request to open a case', () => {
    expect(validateOpenCaseRequest(request, 'NL')).toEqual({ ok: true, value: request });
  });

  it('names each wrong field', () => {
    const errors = (input: unknown) => {
      const r = validateOpenCaseRequest(input, 'NL');
      return r.ok ? [] : r.errors.map((e) => e.field);
    };
    expect(errors({ ...request, title: 'x'.repeat(201) })).toEqual(['/title']);
    expect(errors({ ...request, handling: { code: 'H3' } })).toEqual(['/handling/restriction']);
    expect(errors({ ...request, period: { from: '2026-12-04', until: '2026-12-01' } })).toEqual(['/period/until']);
    expect(errors({ ...request, invite: ['NL'] })).toEqual(['/invite/0']);
    expect(errors({ ...request, owner: 'ES' })).toEqual(['/owner']);
    expect(errors(null)).toEqual(['']);
  });

  it('checks invitations and declines', () => {
    expect(validateInviteRequest({ agency: 'ES' }, 'NL')).toEqual({ ok: true, value: { agency: 'ES' } });
    expect(validateInviteRequest({ agency: 'NL' }, 'NL').ok).toBe(false);
    expect(validateInviteRequest({ agency: 'es' }, 'NL').ok).toBe(false);
    expect(validateDeclineCaseRequest(undefined)).toEqual({ ok: true, value: {} });
    expect(validateDeclineCaseRequest({ reason: 'x'.repeat(2001) }).ok).toBe(false);
  });
});
