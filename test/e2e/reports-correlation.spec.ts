import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { run as reconcile } from '../../apps/cli/src/commands/reconcile';
import { run as verify } from '../../apps/cli/src/commands/verify';
import { countRows, downloadAuditBundle, noticeRequest, TestFederation } from '../support/federation';

/**
 * Issue 16 (reports, structured answers, correlation, search) on the real broker and three
 * databases: NL sends ES and CO an intelligence report with 200 selectors; ES's later query
 * carries one of NL's phone numbers in another notation; the blind index correlates it on ES's
 * query and, once it arrives, at NL; CO declines on an Art. 6 ground and NL answers with a
 * structured hit; officers assign and note; search finds it all; auditors see none of it; the
 * ledgers verify and reconcile.
 */
jest.setTimeout(300_000);

const PHONES = Array.from({ length: 50 }, (_, i) => `+31 6 1000 ${String(i).padStart(4, '0')}`);
const SELECTORS = [
  ...PHONES.map((value) => ({ kind: 'phone', value })),
  ...Array.from({ length: 50 }, (_, i) => ({ kind: 'email', value: `recruiter${i}@Jobs-Abroad.example` })),
  ...Array.from({ length: 50 }, (_, i) => ({ kind: 'url', value: `https://t.me/jobs_abroad_${i}` })),
  ...Array.from({ length: 50 }, (_, i) => ({ kind: 'username', value: `@Jobs_Abroad_${i}`, platform: 'Telegram' })),
];

const report = (recipients: string[], body: Record<string, unknown> = {}) => ({
  ...noticeRequest(recipients, { kind: 'intelligence-report', priority: 'normal' }),
  body: {
    narrative: 'Telegram groups recruit for sham modelling contracts abroad; the accounts and numbers below run them.',
    case_reference: 'NL-2026-0042',
    subjects: [{ names: { given: 'Pieter', family: 'Janssen' }, date_of_birth: '1980-04-12' }],
    selectors: SELECTORS,
    attachments: [{ digest: 'a'.repeat(64), reference: 'attachment:photo-1', name: 'group.png', media_type: 'image/png', size: 120_000 }],
    ...body,
  },
});

describe('intelligence reports, structured answers and correlation (NL, ES, CO)', () => {
  let fed: TestFederation;
  const tmp = mkdtempSync(join(tmpdir(), 'reports-'));
  let reportId: string;
  let queryId: string;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES', 'CO']);
    await Promise.all(['NL', 'ES', 'CO'].map((a) => fed.start(a)));
  });
  afterAll(async () => {
    await fed?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  });

  const inbox = async (agency: string, id: string) => (await fed.get(agency, `/inbox/${id}`, 'liaison_officer')).status === 200;
  const statusAt = async (agency: string, id: string, of: string) =>
    ((await fed.get(agency, `/notices/${id}`, 'operator')).body.recipients as { agency: string; status: string }[]).find((r) => r.agency === of)?.status;

  it('sends a report with 200 selectors that expects no answer: acknowledged, never answered', async () => {
    const sent = await fed.post('NL', '/notices', 'operator', report(['ES', 'CO']));
    expect(sent.status).toBe(201);
    expect(sent.body.deadline).toBeNull();
    reportId = sent.body.id;
    await fed.waitFor(async () => (await inbox('ES', reportId)) && (await inbox('CO', reportId)), 'ES and CO receive the report');
    const detail = await fed.get('ES', `/inbox/${reportId}`, 'liaison_officer');
    expect(detail.body).toMatchObject({ kind: 'intelligence-report', deadline: null, sender: 'NL' });
    expect(detail.body.body.selectors).toHaveLength(200);
    expect(detail.body.body.attachments[0].reference).toBe('attachment:photo-1');

    expect((await fed.post('ES', `/inbox/${reportId}/acknowledge`, 'liaison_officer')).body).toEqual({ id: reportId, status: 'ACKNOWLEDGED' });
    const answer = await fed.post('ES', `/inbox/${reportId}/answer`, 'liaison_officer', { outcome: 'no-hit' });
    expect(answer.status).toBe(409);
    expect(answer.body.detail).toBe('cannot answer a intelligence-report: it expects no answer');
    expect((await fed.post('CO', `/inbox/${reportId}/decline`, 'liaison_officer', { ground: 'not_available', reason: 'x' })).status).toBe(409);
    await fed.waitFor(async () => (await statusAt('NL', reportId, 'ES')) === 'ACKNOWLEDGED', 'NL sees ES acknowledge the report');
    // The inbox lists it by case reference and first subject.
    const listed = (await fed.get('ES', '/inbox?kind=intelligence-report', 'liaison_officer')).body as { id: string; caseReference: string; subject: string }[];
    expect(listed.find((n) => n.id === reportId)).toMatchObject({ caseReference: 'NL-2026-0042', subject: 'Pieter Janssen' });
  });

  it('correlates ES\'s later query (one of NL\'s numbers, another notation) on ES\'s query and at NL when it arrives', async () => {
    const query = noticeRequest(['NL', 'CO'], { priority: 'normal' });
    const sent = await fed.post('ES', '/notices', 'operator', {
      ...query,
      body: { ...query.body, names: { family: 'Jansen' }, date_of_birth: undefined, case_reference: 'ES-2026-7', selectors: [{ kind: 'phone', value: '0031 (0)6-1000 0007' }] },
    });
    expect(sent.status).toBe(201);
    queryId = sent.body.id;

    const atEs = await fed.get('ES', `/notices/${queryId}/casework`, 'operator');
    expect(atEs.status).toBe(200);
    expect(atEs.body.correlations).toEqual([
      expect.objectContaining({ id: reportId, sender: 'NL', direction: 'inbound', kind: 'intelligence-report', shared: ['phone'], caseReference: 'NL-2026-0042' }),
    ]);
    expect(atEs.body.correlations[0].text).toMatch(/^phone number also in intelligence-report from NL \(case NL-2026-0042\), /);

    await fed.waitFor(() => inbox('NL', queryId), 'NL receives ES\'s query');
    const atNl = await fed.get('NL', `/inbox/${queryId}/casework`, 'liaison_officer');
    expect(atNl.body.correlations).toEqual([expect.objectContaining({ id: reportId, direction: 'outbound', shared: ['phone'] })]);
    expect(atNl.body.correlations[0].text).toMatch(/^phone number also in intelligence-report sent by NL to ES, CO \(case NL-2026-0042\), /);
    // And the other way: NL's report now shows ES's query.
    const onReport = await fed.get('NL', `/notices/${reportId}/casework`, 'operator');
    expect(onReport.body.correlations).toEqual([expect.objectContaining({ id: queryId, sender: 'ES', direction: 'inbound', caseReference: 'ES-2026-7' })]);
    // Listed per case reference (written in another case and spacing).
    const byCase = await fed.get('NL', `/correlations?case_reference=${encodeURIComponent(' nl-2026-0042 ')}`, 'liaison_officer');
    expect(byCase.body).toEqual([expect.objectContaining({ id: reportId, correlations: [expect.objectContaining({ id: queryId })] })]);
  });

  it('CO declines on an Art. 6 ground; NL answers with a structured hit; ES reads both', async () => {
    await fed.waitFor(() => inbox('CO', queryId), 'CO receives ES\'s query');
    const declined = await fed.post('CO', `/inbox/${queryId}/decline`, 'liaison_officer', { ground: 'minor_offence', reason: 'Punishable by at most six months here.' });
    expect(declined.body).toMatchObject({ id: queryId, status: 'DECLINED' });
    const hit = await fed.post('NL', `/inbox/${queryId}/answer`, 'liaison_officer', {
      outcome: 'hit',
      details: {
        summary: 'Known to NL.',
        identity: { names: [{ given: 'Pieter', family: 'Janssen' }], date_of_birth: '1980-04-12', identity_documents: [{ type: 'passport', number: 'NX-12.AB 345', issuing_country: 'NL' }], confidence: 'probable', record_reference: 'NL-HKS-2026-118' },
        attachments: [{ digest: 'b'.repeat(64), reference: 'attachment:record-118' }],
      },
    });
    expect(hit.status).toBe(200);
    await fed.waitFor(async () => (await statusAt('ES', queryId, 'CO')) === 'DECLINED' && (await statusAt('ES', queryId, 'NL')) === 'ANSWERED', 'ES sees both answers');
    const responses = (await fed.get('ES', `/notices/${queryId}`, 'operator')).body.responses as { sender: string; body: Record<string, unknown> }[];
    expect(responses.find((r) => r.sender === 'CO')?.body).toEqual({ outcome: 'declined', ground: 'minor_offence', reason: 'Punishable by at most six months here.' });
    expect(responses.find((r) => r.sender === 'NL')?.body).toMatchObject({ outcome: 'hit', details: { identity: { confidence: 'probable', record_reference: 'NL-HKS-2026-118' } } });
  });

  it('assigns and notes, recorded with who did it; notes and index hold no plaintext', async () => {
    const assigned = await fed.post('NL', `/inbox/${queryId}/assign`, 'liaison_officer', { officer: 'Insp. de Vries' });
    expect(assigned.status).toBe(200);
    expect(assigned.body).toMatchObject({ officer: 'Insp. de Vries', assignedBy: 'liaison_officer.nl@example.test' });
    expect((await fed.post('NL', `/inbox/${queryId}/notes`, 'liaison_officer', { text: 'Same number as our report of this week.' })).status).toBe(201);
    expect((await fed.post('NL', `/notices/${reportId}/notes`, 'operator', { text: 'ES asked about +31 6 1000 0007.' })).status).toBe(201);
    const view = await fed.get('NL', `/inbox/${queryId}/casework`, 'liaison_officer');
    expect(view.body).toMatchObject({ assignedTo: 'Insp. de Vries', notes: [{ author: 'liaison_officer.nl@example.test', text: 'Same number as our report of this week.' }] });

    // Nothing of it in the database in plaintext: not the notes, not a term of the index.
    const plain = await fed.sql<{ n: number }>('NL', `SELECT count(*)::int AS n FROM notice_note WHERE position(convert_to('Same number', 'UTF8') in content) > 0 OR position(convert_to('1000 0007', 'UTF8') in content) > 0`);
    expect(plain[0].n).toBe(0);
    const terms = await fed.sql<{ n: number; bad: number }>('NL', `SELECT count(*)::int AS n, count(*) FILTER (WHERE position(convert_to('31610000007', 'UTF8') in term) > 0 OR position(convert_to('jobs_abroad', 'UTF8') in term) > 0)::int AS bad FROM notice_term`);
    expect(terms[0].n).toBeGreaterThanOrEqual(200);
    expect(terms[0].bad).toBe(0);
    // Notes are local: nothing went to ES.
    expect(await countRows(fed, 'ES', 'notice_note')).toBe(0);
  });

  it('searches by selector, document, name with date of birth and case reference; auditors and admins are refused', async () => {
    const ids = async (agency: string, query: string, role: 'operator' | 'liaison_officer' = 'liaison_officer') =>
      ((await fed.get(agency, `/search?${query}`, role)).body as { id: string }[]).map((n) => n.id).sort();
    expect(await ids('ES', `selector_kind=phone&selector=${encodeURIComponent('+31610000007')}`)).toEqual([reportId, queryId].sort());
    expect(await ids('ES', `selector_kind=username&platform=telegram&selector=${encodeURIComponent('JOBS_ABROAD_3')}`, 'operator')).toEqual([reportId]);
    expect(await ids('NL', 'name=janssen&date_of_birth=1980-04-12')).toEqual(expect.arrayContaining([reportId]));
    expect(await ids('ES', `document=${encodeURIComponent('nx12ab345')}&document_country=NL`)).toHaveLength(1); // NL's hit, held at ES
    expect(await ids('ES', 'case_reference=es-2026-7', 'operator')).toEqual([queryId]);
    for (const role of ['auditor', 'admin'] as const) {
      expect((await fed.get('NL', '/search?name=janssen', role)).status).toBe(403);
      expect((await fed.get('NL', '/correlations?case_reference=NL-2026-0042', role)).status).toBe(403);
    }
  });

  it('refuses hostile input on every new field, naming it', async () => {
    const field = async (r: Promise<{ status: number; body: { errors?: { field: string; message: string }[] } }>) => {
      const { status, body } = await r;
      return [status, body.errors?.[0]?.field, body.errors?.[0]?.message];
    };
    const many = Array.from({ length: 10_000 }, () => ({ kind: 'phone', value: '+31612345678' }));
    expect((await fed.post('NL', '/notices', 'operator', report(['ES'], { selectors: many }))).status).toBe(413); // over the 256 KiB body limit
    expect(await field(fed.post('NL', '/notices', 'operator', report(['ES'], { selectors: many.slice(0, 1001) })))).toEqual([400, '/body/selectors', 'must NOT have more than 1000 items']);
    expect(await field(fed.post('NL', '/notices', 'operator', report(['ES'], { selectors: [{ kind: 'url', value: 'https://agent:secret@evil.example/' }] })))).toEqual([400, '/body/selectors/0/value', 'must not contain credentials (user:password@)']);
    expect(await field(fed.post('NL', '/notices', 'operator', report(['ES'], { selectors: [{ kind: 'url', value: 'https://evil.example/\u0007x' }] })))).toEqual([400, '/body/selectors/0/value', 'contains characters or a layout that is not allowed']);
    expect(await field(fed.post('NL', '/notices', 'operator', report(['ES'], { selectors: [{ kind: 'phone', value: '+31 6 12' }] })))).toEqual([400, '/body/selectors/0/value', 'is not a valid phone number for its country']);
    expect(await field(fed.post('NL', '/notices', 'operator', report(['ES'], { case: '<script>' })))).toEqual([400, '/body/case', "is no longer part of the body: name the case in the request's case"]);
    expect(await field(fed.post('NL', '/notices', 'operator', report(['ES'], { attachments: [{ digest: 'z', reference: 'r' }] })))).toEqual([400, '/body/attachments/0/digest', 'contains characters or a layout that is not allowed']);
    expect(await field(fed.post('NL', `/inbox/${queryId}/assign`, 'liaison_officer', { officer: ' ' }))).toEqual([400, '/officer', 'must not be blank']);
    expect(await field(fed.post('NL', `/inbox/${queryId}/assign`, 'liaison_officer', { officer: 'x', role: 'admin' }))).toEqual([400, '/role', 'is not an allowed field']);
    expect(await field(fed.post('NL', `/inbox/${queryId}/notes`, 'liaison_officer', { text: 'x'.repeat(4001) }))).toEqual([400, '/text', 'must NOT have more than 4000 characters']);
    expect(await field(fed.post('NL', `/inbox/${queryId}/notes`, 'liaison_officer', { text: 'a\u202Eb' }))).toEqual([400, '/text', 'contains characters or a layout that is not allowed']);
    expect(await field(fed.post('ES', `/inbox/${reportId}/decline`, 'liaison_officer', { ground: 'because', reason: 'x' }))).toEqual([400, '/ground', expect.stringMatching(/^must be one of: not_available, /)]);
    expect(await field(fed.get('ES', `/search?selector_kind=url&selector=${encodeURIComponent('https://u:p@x.example/')}`, 'operator'))).toEqual([400, 'selector', 'must not contain credentials (user:password@)']);
    expect(await field(fed.get('ES', '/search?selector=1', 'operator'))).toEqual([400, 'selector_kind', 'is required with selector']);
    expect(await field(fed.get('ES', '/search?unknown=1', 'operator'))).toEqual([400, 'unknown', expect.any(String)]);
  });

  it('keeps every new endpoint to its roles', async () => {
    const routes: [string, string, string[], unknown?][] = [
      ['GET', `/inbox/${queryId}/casework`, ['liaison_officer']],
      ['POST', `/inbox/${queryId}/assign`, ['liaison_officer'], { officer: 'X' }],
      ['POST', `/inbox/${queryId}/notes`, ['liaison_officer'], { text: 'x' }],
      ['GET', `/notices/${reportId}/casework`, ['operator']],
      ['POST', `/notices/${reportId}/notes`, ['operator'], { text: 'x' }],
      ['GET', '/search?name=janssen', ['operator', 'liaison_officer']],
      ['GET', '/correlations?case_reference=NL-2026-0042', ['operator', 'liaison_officer']],
    ];
    for (const [method, path, allowed, body] of routes) {
      for (const role of ['operator', 'liaison_officer', 'auditor', 'admin'] as const) {
        const r = await fed.request('NL', method, path, role, body);
        expect([method, path, role, r.status < 400]).toEqual([method, path, role, allowed.includes(role)]);
        if (!allowed.includes(role)) expect(r.status).toBe(403);
      }
      expect((await fed.request('NL', method, path, null, body)).status).toBe(401);
    }
  });

  it('leaves ledgers that verify and reconcile offline', async () => {
    const covered = (agency: string) => async () => {
      const c = await fed.get(agency, '/audit/checkpoint', 'auditor');
      return c.status === 200 && Number(c.body.size) === (await countRows(fed, agency, 'ledger_entry')) && c.body.witnessed;
    };
    // Quiet first: every receipt back (ES's and CO's answers delivered), then a witnessed checkpoint over each whole ledger.
    await fed.waitFor(async () => (await countRows(fed, 'ES', 'outbox')) + (await countRows(fed, 'NL', 'outbox')) + (await countRows(fed, 'CO', 'outbox')) === 0, 'outboxes drained');
    await fed.waitFor(async () => (await covered('NL')()) && (await covered('ES')()), 'witnessed checkpoints covering NL and ES', 90_000);
    const nl = await downloadAuditBundle(fed, 'NL', join(tmp, 'nl.ndjson'));
    const es = await downloadAuditBundle(fed, 'ES', join(tmp, 'es.ndjson'));
    const root = JSON.stringify(fed.material.rootPublicJwk);
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await verify([nl, '--root', root])).toBe(0);
      expect(await verify([es, '--root', root])).toBe(0);
      expect(await reconcile([nl, es, '--root', root])).toBe(0);
    } finally {
      out.mockRestore();
    }
  });
});
