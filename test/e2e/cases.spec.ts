import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { caseEventBody, CaseEvent } from '@liaison/cases';
import { EnvelopeSealer } from '@liaison/envelope';
import { epochSeconds, uuidv7 } from '@liaison/ids';
import { liaison } from '../support/cli';
import { bundlesReconcile, noticeRequest, sealerFor, TestFederation } from '../support/federation';

/**
 * A case (joint operation) among NL, ES and CO on the real broker and three databases: NL opens
 * it and invites ES and CO, both accept (NL answers each with a signed join); NL sends a notice to
 * all participants; ES follows it up in the thread; CO leaves. Every node shows the same
 * membership and timeline; the ledgers verify offline and reconcile. Then hostile case events,
 * each refused with its reason, nothing half-written, and the partition moving on.
 */
describe('cases (joint operations) across three agencies', () => {
  let fed: TestFederation;
  let caseId: string;
  let reference: string;
  const dir = mkdtempSync(join(tmpdir(), 'cases-e2e-'));
  const agencies = ['NL', 'ES', 'CO'];

  beforeAll(async () => {
    fed = await TestFederation.create(agencies);
    await Promise.all(agencies.map((a) => fed.start(a)));
  });
  afterAll(async () => {
    await fed?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const view = async (agency: string, role: 'operator' | 'auditor' = 'operator') => (await fed.get(agency, `/cases/${caseId}`, role)).body;
  const membership = async (agency: string) => {
    const v = await view(agency);
    return { members: v.members, invited: v.invited, accepted: v.accepted, left: v.left, status: v.status };
  };
  const timeline = async (agency: string) =>
    ((await view(agency)).timeline as { id: string; sender: string; recipients: string[]; kind: string; re: string | null }[]).map(({ id, sender, recipients, kind, re }) => ({ id, sender, recipients, kind, re }));

  it('opens, invites, accepts, shares to all participants, follows up in a thread and leaves: the same on every node', async () => {
    const opened = await fed.post('NL', '/cases', 'operator', {
      title: 'Operation Lantern', purpose: 'Trafficking facilitated online', legalBasis: 'Directive (EU) 2023/977, Art. 4',
      handling: { code: 'H1' }, period: { from: '2026-12-01', until: '2026-12-04' }, invite: ['ES', 'CO'],
    });
    expect(opened.status).toBe(201);
    ({ id: caseId, reference } = opened.body);
    expect(reference).toMatch(/^NL-\d{4}-0001$/);

    for (const agency of ['ES', 'CO']) {
      await fed.waitFor(async () => (await fed.get(agency, `/cases/${caseId}`, 'operator')).body.standing === 'invited', `${agency} invited`);
      const invited = await view(agency);
      expect(invited).toMatchObject({ reference, owner: 'NL', title: 'Operation Lantern', handling: { code: 'H1' } });
      // Before joining, a notice of the case cannot be sent by the invitee.
      const early = await fed.post(agency, `/cases/${caseId}/notices`, 'operator', noticeRequest(['NL']));
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('case_not_member');
    }
    // Only the invitee answers; an auditor sees metadata, never the case's text.
    expect((await fed.post('ES', `/cases/${caseId}/accept`, 'auditor')).status).toBe(403);
    const auditorView = await view('ES', 'auditor');
    expect(auditorView.reference).toBe(reference);
    expect(auditorView.title).toBeUndefined();
    expect(auditorView.purpose).toBeUndefined();

    expect((await fed.post('ES', `/cases/${caseId}/accept`, 'operator')).status).toBe(200);
    await fed.waitFor(async () => (await membership('ES')).members.includes('ES'), 'ES joined (NL signed the join)');
    expect((await fed.post('CO', `/cases/${caseId}/accept`, 'operator')).status).toBe(200);
    for (const agency of agencies) {
      await fed.waitFor(async () => JSON.stringify((await membership(agency)).members) === '["CO","ES","NL"]', `${agency} sees three members`);
    }

    // NL shares with all participants: expanded now to ES and CO, the case's handling code applied.
    const { kind: _k, recipients: _r, handling: _h, ...rest } = noticeRequest([]);
    const shared = await fed.post('NL', `/cases/${caseId}/notices`, 'operator', { kind: 'identity-query', ...rest });
    expect(shared.status).toBe(201);
    expect(shared.body.recipients).toEqual(['CO', 'ES']);
    for (const agency of ['ES', 'CO']) {
      await fed.waitFor(async () => (await fed.get(agency, `/inbox/${shared.body.id}`, 'liaison_officer')).status === 200, `${agency} received the case notice`);
      expect((await fed.get(agency, `/inbox/${shared.body.id}`, 'liaison_officer')).body.handling).toEqual({ code: 'H1' });
    }

    // ES follows it up in the thread, to all participants.
    const reply = await fed.post('ES', `/cases/${caseId}/notices`, 'operator', { ...noticeRequest([]), recipients: undefined, re: shared.body.id });
    expect(reply.status).toBe(201);
    expect(reply.body.recipients).toEqual(['CO', 'NL']);
    await fed.waitFor(async () => (await fed.get('CO', `/cases/${caseId}`, 'operator')).body.timeline.length === 2, 'CO holds both notices');
    await fed.waitFor(async () => (await fed.get('NL', `/cases/${caseId}`, 'operator')).body.timeline.length === 2, 'NL holds both notices');

    const thread = await fed.get('NL', `/notices/${shared.body.id}/thread`, 'operator');
    expect(thread.status).toBe(200);
    expect(thread.body.map((n: { id: string; re: string | null }) => [n.id, n.re])).toEqual([[shared.body.id, null], [reply.body.id, shared.body.id]]);
    expect(thread.body[1].body.names).toBeDefined();
    const auditorThread = await fed.get('NL', `/notices/${reply.body.id}/thread`, 'auditor');
    expect(auditorThread.body).toHaveLength(2);
    expect(auditorThread.body.every((n: Record<string, unknown>) => !('body' in n))).toBe(true);

    // CO leaves: every node sees it.
    expect((await fed.post('CO', `/cases/${caseId}/leave`, 'operator')).status).toBe(200);
    for (const agency of agencies) {
      await fed.waitFor(async () => JSON.stringify((await membership(agency)).left) === '["CO"]', `${agency} sees CO left`);
      expect(await membership(agency)).toEqual({ members: ['ES', 'NL'], invited: [], accepted: [], left: ['CO'], status: 'open' });
    }
    const timelines = await Promise.all(agencies.map(timeline));
    expect(timelines[0]).toEqual([
      { id: shared.body.id, sender: 'NL', recipients: ['CO', 'ES'], kind: 'identity-query', re: null },
      { id: reply.body.id, sender: 'ES', recipients: ['CO', 'NL'], kind: 'identity-query', re: shared.body.id },
    ]);
    expect(timelines[1]).toEqual(timelines[0]);
    expect(timelines[2]).toEqual(timelines[0]);
    const nlView = await view('NL');
    expect(nlView.timeline[0]).toMatchObject({ open: ['CO', 'ES'], overdue: false });
    // "To all participants" now means ES only.
    expect((await fed.post('NL', `/cases/${caseId}/notices`, 'operator', { ...noticeRequest(['CO']) })).body.code).toBe('invalid_request');

    // Each membership event is in both ledgers: sent by its signer, received by every recipient.
    const entries = async (agency: string) => (await fed.sql<{ event: string; kind: string; counterpart: string | null }>(agency, `SELECT event, kind, counterpart FROM ledger_entry WHERE kind LIKE 'case-%' ORDER BY seq`));
    expect(await entries('NL')).toEqual(expect.arrayContaining([
      { event: 'case-opened', kind: 'case-open', counterpart: null },
      { event: 'sent', kind: 'case-invite', counterpart: 'ES' },
      { event: 'received', kind: 'case-accept', counterpart: 'ES' },
      { event: 'sent', kind: 'case-join', counterpart: 'CO' },
      { event: 'received', kind: 'case-leave', counterpart: 'CO' },
    ]));
    expect(await entries('ES')).toEqual(expect.arrayContaining([
      { event: 'received', kind: 'case-invite', counterpart: 'NL' },
      { event: 'sent', kind: 'case-accept', counterpart: 'NL' },
      { event: 'received', kind: 'case-leave', counterpart: 'CO' },
    ]));

    // The ledgers verify offline and reconcile pairwise, once the receipts are back and checkpointed.
    await fed.waitFor(() => bundlesReconcile(fed, agencies, dir), 'bundles to verify and reconcile', 90000);
  });

  it('lists and shows the case from the CLI, and refuses a bad case id before asking the node', async () => {
    const env = { LIAISON_NODE_URL: fed.url('ES'), LIAISON_TOKEN: await fed.token('ES', 'operator') };
    const list = await liaison(['case', 'list', '--json'], env);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: caseId, reference, standing: 'member', members: ['ES', 'NL'] })]);
    const show = await liaison(['case', 'show', caseId, '--json'], env);
    expect(JSON.parse(show.stdout).timeline).toHaveLength(2);
    expect((await liaison(['case', 'accept', 'not-a-case'], env)).code).toBe(2);
    const refused = await liaison(['case', 'invite', caseId, '--agency', 'CO'], env);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/only the owner NL may invite/);
  });

  describe('hostile case events', () => {
    let esSealer: EnvelopeSealer;
    let chseq = 1_000_000;
    beforeAll(async () => {
      esSealer = await sealerFor(fed, 'ES');
    });

    /** An envelope genuinely signed by ES, carrying `event` of `kind`, written straight to `to`'s inbox, a valid ES notice right behind it. */
    async function sendAsEs(to: string, kind: string, body: unknown, caseClaim = caseId) {
      const now = new Date();
      const hostile = await esSealer.seal({
        iss: 'ES', aud: [to], jti: uuidv7(), iat: epochSeconds(now), exp: epochSeconds(now) + 3600, kind, handling: { code: 'H0' },
        priority: 'normal', case: caseClaim, chseq: { [to]: chseq++ }, body,
      });
      const valid = await esSealer.seal({
        iss: 'ES', aud: [to], jti: uuidv7(), iat: epochSeconds(now), exp: epochSeconds(now) + 3600, kind: 'identity-query', handling: { code: 'H0' },
        grades: { source: 'B', information: 2 }, priority: 'normal', chseq: { [to]: chseq++ }, body: noticeRequest([]).body,
      });
      const publisher = fed.rawPublisher('ES');
      try {
        await publisher.publish([hostile, valid].map((s) => ({ topic: fed.topics.inbox(to), key: caseClaim, value: s.value, headers: s.headersFor(to) })));
      } finally {
        await publisher.close();
      }
      await fed.waitFor(async () => (await fed.sql(to, 'SELECT 1 FROM notice WHERE id = $1', [valid.messageId])).length === 1, `${to}: the notice behind it recorded (the partition moved on)`);
      const [refusal] = await fed.sql<{ code: string; detail: string }>(to, 'SELECT code, detail FROM rejected_message WHERE message_id = $1', [hostile.messageId]);
      const written = await fed.sql(to, 'SELECT 1 FROM case_event WHERE message_id = $1 UNION ALL SELECT 1 FROM notice WHERE id = $1', [hostile.messageId]);
      expect(written).toEqual([]); // nothing half-written
      return refusal;
    }

    const ev = (type: CaseEvent['type'], agency: string, extra: Partial<CaseEvent> = {}): CaseEvent => ({ type, caseId, agency, ...extra });

    it('refuses an invitation signed by a non-owner member', async () => {
      const state = await view('NL');
      const body = caseEventBody(ev('invite', 'DE', { seq: 99, definition: { reference, title: 't', purpose: 'p', legal_basis: 'b', handling: { code: 'H0' }, period: state.period, owner: 'NL' }, members: ['ES', 'NL'], invited: ['DE'] }));
      const refusal = await sendAsEs('NL', 'case-invite', body);
      expect(refusal).toMatchObject({ code: 'case_not_owner', detail: expect.stringContaining('only the owner NL may invite') });
      expect((await fed.post('ES', `/cases/${caseId}/invite`, 'operator', { agency: 'CO' })).body.code).toBe('case_not_owner');
    });

    it('refuses a membership change a member forges for another agency', async () => {
      const refusal = await sendAsEs('NL', 'case-leave', caseEventBody(ev('leave', 'CO')));
      expect(refusal).toMatchObject({ code: 'case_forged', detail: expect.stringContaining('leave of CO signed by ES') });
      expect((await membership('NL')).left).toEqual(['CO']);
    });

    it('refuses oversize fields before judging them', async () => {
      const body = { agency: 'ES', reason: 'x'.repeat(5000) };
      const refusal = await sendAsEs('NL', 'case-decline', body);
      expect(refusal.code).toBe('schema_violation');
      const api = await fed.post('NL', '/cases', 'operator', { title: 'x'.repeat(201), purpose: 'p', legalBasis: 'b', handling: { code: 'H0' }, period: { from: '2026-12-01', until: '2026-12-04' } });
      expect(api.status).toBe(400);
      expect(api.body.errors.map((e: { field: string }) => e.field)).toEqual(['/title']);
    });

    it('refuses every event after close, over the API and from the wire', async () => {
      expect((await fed.post('NL', `/cases/${caseId}/close`, 'operator')).status).toBe(200);
      await fed.waitFor(async () => (await membership('ES')).status === 'closed', 'ES sees the case closed');
      const api = await fed.post('ES', `/cases/${caseId}/leave`, 'operator');
      expect(api.status).toBe(409);
      expect(api.body.code).toBe('case_closed');
      const refusal = await sendAsEs('NL', 'case-leave', caseEventBody(ev('leave', 'ES')));
      expect(refusal).toMatchObject({ code: 'case_closed', detail: expect.stringContaining(`case ${reference} is closed`) });
      expect((await fed.post('NL', `/cases/${caseId}/notices`, 'operator', noticeRequest(['ES']))).body.code).toBe('case_closed');
      // A genuine notice outside the case still flows.
      expect((await fed.post('NL', '/notices', 'operator', noticeRequest(['ES']))).status).toBe(201);
    });
  });
});
