import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { download, PNG_1X1, sha256, upload } from '../support/attachments';
import { bundlesDisagreement, bundlesReconcile, noticeRequest, TestFederation } from '../support/federation';

/**
 * Issue 16's scenario in one run, on the real broker and three databases: NL opens a case, ES and
 * CO join; NL sends an intelligence report with 200 selectors and a photo (an attachment, issue
 * 15) to all participants, which both download byte-identical; ES's later
 * query in the case carries one of NL's phone numbers in another notation, and the correlation
 * shows on ES's query and at NL once the query arrives, naming the case (the envelope's `case`
 * claim, decision 0023); CO declines it on an Art. 6 ground; every node shows the same timeline;
 * the ledgers verify offline and reconcile pairwise.
 */
jest.setTimeout(300_000);

const agencies = ['NL', 'ES', 'CO'];
const PHONES = Array.from({ length: 50 }, (_, i) => `+31 6 2000 ${String(i).padStart(4, '0')}`);
const SELECTORS = [
  ...PHONES.map((value) => ({ kind: 'phone', value })),
  ...Array.from({ length: 50 }, (_, i) => ({ kind: 'email', value: `handler${i}@Model-Jobs.example` })),
  ...Array.from({ length: 50 }, (_, i) => ({ kind: 'url', value: `https://t.me/model_jobs_${i}` })),
  ...Array.from({ length: 50 }, (_, i) => ({ kind: 'username', value: `@Model_Jobs_${i}`, platform: 'telegram' })),
];

/**
 * The request of NL's report to all participants of the case (no recipients: the case's members
 * but NL; no handling: the case's default). The case is in the path, so in the envelope's claim.
 * With `photo`, an upload of NL's operator: the request carries it (the node puts it in the
 * envelope's `att`) and the subject refers to it as their photo.
 */
function reportRequest(photo?: string): Record<string, unknown> {
  const { kind: _kind, recipients: _recipients, handling: _handling, body: _body, ...envelope } = noticeRequest([], { priority: 'normal' });
  return {
    ...envelope,
    kind: 'intelligence-report',
    ...(photo ? { attachments: [photo] } : {}),
    body: {
      narrative: 'Telegram groups recruit young women for sham modelling contracts abroad; the accounts, numbers and addresses below run them.',
      subjects: [{ names: { given: 'Pieter', family: 'Janssen' }, date_of_birth: '1980-04-12', ...(photo ? { photo: { attachment: photo } } : {}) }],
      selectors: SELECTORS,
    },
  };
}

describe('a joint operation among NL, ES and CO: case, report with selectors, correlation, decline, one timeline', () => {
  let fed: TestFederation;
  let caseId: string;
  let reference: string;
  let reportId: string;
  let queryId: string;
  const dir = mkdtempSync(join(tmpdir(), 'joint-operation-'));

  beforeAll(async () => {
    fed = await TestFederation.create(agencies);
    await Promise.all(agencies.map((a) => fed.start(a)));
  });
  afterAll(async () => {
    await fed?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const view = async (agency: string) => (await fed.get(agency, `/cases/${caseId}`, 'operator')).body;
  const received = async (agency: string, id: string) => (await fed.get(agency, `/inbox/${id}`, 'liaison_officer')).status === 200;

  it('NL opens the case; ES and CO accept and every node sees three members', async () => {
    const opened = await fed.post('NL', '/cases', 'operator', {
      title: 'Operation Lighthouse', purpose: 'Recruitment for trafficking facilitated online', legalBasis: 'Directive (EU) 2023/977, Art. 4',
      handling: { code: 'H1' }, period: { from: '2026-12-01', until: '2026-12-04' }, invite: ['ES', 'CO'],
    });
    expect(opened.status).toBe(201);
    ({ id: caseId, reference } = opened.body);
    for (const agency of ['ES', 'CO']) {
      await fed.waitFor(async () => (await fed.get(agency, `/cases/${caseId}`, 'operator')).body.standing === 'invited', `${agency} invited`);
      expect((await fed.post(agency, `/cases/${caseId}/accept`, 'operator')).status).toBe(200);
    }
    for (const agency of agencies) {
      await fed.waitFor(async () => JSON.stringify((await view(agency)).members) === '["CO","ES","NL"]', `${agency} sees three members`);
    }
  });

  it('NL sends a report with 200 selectors and a photo to all participants; both receive it in the case and download the photo byte-identical', async () => {
    const photo = await upload(fed, 'NL', PNG_1X1, 'image/png', 'telegram-profile.png');
    expect([photo.status, photo.body.sha256]).toEqual([201, sha256(PNG_1X1)]);
    const sent = await fed.post('NL', `/cases/${caseId}/notices`, 'operator', reportRequest(photo.body.id));
    expect([sent.status, sent.body.detail]).toEqual([201, undefined]);
    expect(sent.body).toMatchObject({ recipients: ['CO', 'ES'], deadline: null });
    reportId = sent.body.id;
    for (const agency of ['ES', 'CO']) {
      await fed.waitFor(() => received(agency, reportId), `${agency} receives the report`);
      const detail = (await fed.get(agency, `/inbox/${reportId}`, 'liaison_officer')).body;
      expect(detail).toMatchObject({ kind: 'intelligence-report', sender: 'NL', handling: { code: 'H1' } });
      expect(detail.body.selectors).toHaveLength(200);
      expect(detail.body.case).toBeUndefined(); // the case is the envelope's claim, not a body member
      // The photo is on the report: its subject names it, and it is the report's one attachment, whole at the recipient.
      expect(detail.body.subjects[0].photo).toEqual({ attachment: photo.body.id });
      await fed.waitFor(async () => (await fed.get(agency, `/inbox/${reportId}/attachments`, 'liaison_officer')).body?.[0]?.available === true, `${agency} to hold the photo`);
      const listed = (await fed.get(agency, `/inbox/${reportId}/attachments`, 'liaison_officer')).body;
      expect(listed).toEqual([expect.objectContaining({ id: photo.body.id, name: 'telegram-profile.png', type: 'image/png', size: PNG_1X1.length, sha256: sha256(PNG_1X1), available: true })]);
      const got = await download(fed, agency, `/inbox/${reportId}/attachments/${photo.body.id}?disposition=inline`, 'liaison_officer');
      expect([got.status, got.headers.get('content-type'), got.sha256, got.length]).toEqual([200, 'image/png', sha256(PNG_1X1), PNG_1X1.length]);
    }
    // NL sees the photo delivered to both.
    await fed.waitFor(async () => {
      const transfers = ((await fed.get('NL', `/notices/${reportId}/attachments`, 'operator')).body?.[0]?.recipients ?? []) as { agency: string; status: string }[];
      return transfers.filter((r) => r.status === 'delivered').map((r) => r.agency).sort().join() === 'CO,ES';
    }, 'NL to see the photo delivered to ES and CO');
    // The old body member is refused at compose, naming the request's case instead.
    const old = reportRequest();
    const refused = await fed.post('NL', `/cases/${caseId}/notices`, 'operator', { ...old, body: { ...(old.body as object), case: caseId } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([{ field: '/body/case', message: "is no longer part of the body: name the case in the request's case" }]);
  });

  it("correlates ES's later query (NL's number in another notation) on ES's query and at NL when it arrives, naming the case", async () => {
    const query = noticeRequest([], { priority: 'normal' });
    const sent = await fed.post('ES', `/cases/${caseId}/notices`, 'operator', {
      ...query, recipients: undefined, handling: undefined,
      body: { ...query.body, names: { family: 'Jansen' }, date_of_birth: undefined, case_reference: 'ES-2026-31', selectors: [{ kind: 'phone', value: '0031 (0)6-2000 0017' }] },
    });
    expect(sent.status).toBe(201);
    expect(sent.body.recipients).toEqual(['CO', 'NL']);
    queryId = sent.body.id;

    const atEs = (await fed.get('ES', `/notices/${queryId}/casework`, 'operator')).body;
    expect(atEs.correlations).toEqual([expect.objectContaining({ id: reportId, sender: 'NL', direction: 'inbound', shared: ['phone'], case: caseId, caseReference: reference })]);
    expect(atEs.correlations[0].text).toMatch(new RegExp(`^phone number also in intelligence-report from NL \\(case ${reference}\\), `));

    await fed.waitFor(() => received('NL', queryId), "NL receives ES's query");
    const atNl = (await fed.get('NL', `/inbox/${queryId}/casework`, 'liaison_officer')).body;
    expect(atNl.correlations).toEqual([expect.objectContaining({ id: reportId, direction: 'outbound', shared: ['phone'], case: caseId, caseReference: reference })]);
    // And on NL's report: ES's query, in the case (its body's own reference ES-2026-31 gives way to the case's).
    const onReport = (await fed.get('NL', `/notices/${reportId}/casework`, 'operator')).body;
    expect(onReport.correlations).toEqual([expect.objectContaining({ id: queryId, sender: 'ES', case: caseId, caseReference: reference })]);

    // Search and the per-case list find the case's notices by the case's reference, whatever their bodies say.
    const found = (await fed.get('ES', `/search?case_reference=${encodeURIComponent(reference.toLowerCase())}`, 'liaison_officer')).body as { id: string; case: string }[];
    expect(found.map((n) => n.id).sort()).toEqual([queryId, reportId].sort());
    expect(found.every((n) => n.case === caseId)).toBe(true);
    const byCase = (await fed.get('NL', `/correlations?case_reference=${encodeURIComponent(reference)}`, 'operator')).body as { id: string; correlations: { id: string }[] }[];
    expect(byCase.find((n) => n.id === reportId)?.correlations.map((c) => c.id)).toEqual([queryId]);
    expect(byCase.find((n) => n.id === queryId)?.correlations.map((c) => c.id)).toEqual([reportId]);
  });

  it('CO declines the query on an Art. 6 ground; ES reads the ground', async () => {
    await fed.waitFor(() => received('CO', queryId), "CO receives ES's query");
    const declined = await fed.post('CO', `/inbox/${queryId}/decline`, 'liaison_officer', { ground: 'investigation_or_safety', reason: 'Would endanger an ongoing investigation here.' });
    expect(declined.body).toMatchObject({ id: queryId, status: 'DECLINED' });
    await fed.waitFor(async () => ((await fed.get('ES', `/notices/${queryId}`, 'operator')).body.recipients as { agency: string; status: string }[])
      .some((r) => r.agency === 'CO' && r.status === 'DECLINED'), 'ES sees the decline');
    const responses = (await fed.get('ES', `/notices/${queryId}`, 'operator')).body.responses as { sender: string; body: Record<string, unknown> }[];
    expect(responses.find((r) => r.sender === 'CO')?.body).toEqual({ outcome: 'declined', ground: 'investigation_or_safety', reason: 'Would endanger an ongoing investigation here.' });
  });

  it('shows the same timeline on every node, and the ledgers verify and reconcile', async () => {
    const timeline = async (agency: string) =>
      ((await view(agency)).timeline as { id: string; sender: string; recipients: string[]; kind: string; re: string | null }[]).map(({ id, sender, recipients, kind, re }) => ({ id, sender, recipients, kind, re }));
    const expected = [
      { id: reportId, sender: 'NL', recipients: ['CO', 'ES'], kind: 'intelligence-report', re: null },
      { id: queryId, sender: 'ES', recipients: ['CO', 'NL'], kind: 'identity-query', re: null },
    ];
    for (const agency of agencies) expect(await timeline(agency)).toEqual(expected);
    // The sender's view shows CO's decline on the query.
    const query = (await view('ES')).timeline.find((n: { id: string }) => n.id === queryId);
    expect(query.states).toEqual(expect.arrayContaining([expect.objectContaining({ agency: 'CO', status: 'DECLINED' })]));

    await fed.waitFor(() => bundlesReconcile(fed, agencies, dir), 'bundles to verify and reconcile', 90_000).catch(async (e: Error) => {
      throw new Error(`${e.message}:\n${await bundlesDisagreement(fed, agencies, dir)}`);
    });
  });
});
