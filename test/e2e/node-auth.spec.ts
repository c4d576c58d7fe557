import { DevTokenIssuer, Role, ROLES } from '@liaison/auth';
import { noticeRequest, sendNotices, TestFederation, useFreePorts } from '../support/federation';
import { PNG_1X1, upload } from '../support/attachments';

/**
 * Every endpoint of a node against every role and every kind of bad token, with the exact status
 * expected for each: a table that must list every operation of GET /api/openapi.json (a new
 * endpoint fails this test until its row is added), plus the console's API, which the OpenAPI
 * document leaves out.
 */
type Method = 'GET' | 'POST';
interface Row {
  method: Method;
  /** OpenAPI template (`{id}`), filled from the fixture ids. */
  path: string;
  /** Roles that may call it, or 'public'. */
  allowed: Role[] | 'public';
  /** Status of an allowed call (the endpoint's real answer with the fixture). */
  ok: number;
  /** An allowed role's own answer when the fixture is not for it (an operator reads a received query's attachments only when it is a response). */
  okFor?: Partial<Record<Role, number>>;
  /** Also acceptable for an allowed call: readiness depends on the broker and database answering within 3 s, not on the token. */
  alsoOk?: number[];
  query?: string;
  body?: () => unknown;
  /** A raw body (an upload) instead of JSON. */
  raw?: { type: string; bytes: Buffer };
  /** Not in the OpenAPI document (console API, the document itself). */
  undocumented?: boolean;
}

const ALL: Role[] = [...ROLES];

describe('node auth: every endpoint × every role and bad token', () => {
  let fed: TestFederation;
  const ids: Record<string, string> = {};
  const notProblems: string[] = [];

  const openCase = (invite: string[]) => ({ title: 'Operation Lantern', purpose: 'p', legalBasis: 'b', handling: { code: 'H0' }, period: { from: '2026-12-01', until: '2026-12-04' }, invite });
  const rows: Row[] = [
    { method: 'GET', path: '/health/live', allowed: 'public', ok: 200 },
    { method: 'GET', path: '/health/ready', allowed: 'public', ok: 200, alsoOk: [503] },
    { method: 'GET', path: '/metrics', allowed: 'public', ok: 200 },
    { method: 'GET', path: '/directory.jws', allowed: 'public', ok: 200 },
    { method: 'GET', path: '/api/openapi.json', allowed: 'public', ok: 200, undocumented: true },
    { method: 'GET', path: '/console/config.json', allowed: 'public', ok: 200, undocumented: true },
    { method: 'GET', path: '/directory', allowed: ALL, ok: 200 },
    { method: 'GET', path: '/me', allowed: ALL, ok: 200 },
    { method: 'POST', path: '/notices', allowed: ['operator'], ok: 201, body: () => noticeRequest(['NL']) },
    { method: 'POST', path: '/notices/batch', allowed: ['operator'], ok: 200, body: () => ({ notices: [noticeRequest(['NL'])] }) },
    { method: 'GET', path: '/notices', allowed: ['operator'], ok: 200 },
    { method: 'POST', path: '/attachments', allowed: ['operator', 'liaison_officer'], ok: 201, raw: { type: 'image/png', bytes: PNG_1X1 } },
    { method: 'GET', path: '/attachments/{upload}', allowed: ['operator', 'liaison_officer'], ok: 200 },
    { method: 'GET', path: '/notices/{outbound}/attachments', allowed: ['operator'], ok: 200 },
    { method: 'GET', path: '/notices/{outbound}/attachments/{outboundAttachment}', allowed: ['operator'], ok: 200 },
    { method: 'GET', path: '/inbox/{withAttachment}/attachments', allowed: ['liaison_officer', 'operator'], ok: 200, okFor: { operator: 404 } },
    { method: 'GET', path: '/inbox/{withAttachment}/attachments/{inboundAttachment}', allowed: ['liaison_officer', 'operator'], ok: 200, okFor: { operator: 404 } },
    { method: 'GET', path: '/notices/{outbound}', allowed: ['operator'], ok: 200 },
    { method: 'GET', path: '/console/api/notices/{outbound}/progress', allowed: ['operator'], ok: 200, undocumented: true },
    { method: 'GET', path: '/inbox', allowed: ['liaison_officer'], ok: 200 },
    { method: 'GET', path: '/inbox/{read}', allowed: ['liaison_officer'], ok: 200 },
    { method: 'POST', path: '/inbox/{ack}/acknowledge', allowed: ['liaison_officer'], ok: 200 },
    { method: 'POST', path: '/inbox/{answer}/answer', allowed: ['liaison_officer'], ok: 200, body: () => ({ outcome: 'no-hit' }) },
    { method: 'POST', path: '/inbox/{decline}/decline', allowed: ['liaison_officer'], ok: 200, body: () => ({ reason: 'Outside our competence' }) },
    { method: 'POST', path: '/inbox/{passon}/pass-on', allowed: ['liaison_officer'], ok: 201, body: () => ({ recipients: ['CO'] }) },
    { method: 'POST', path: '/cases', allowed: ['operator'], ok: 201, body: () => openCase([]) },
    { method: 'GET', path: '/cases', allowed: ['operator', 'liaison_officer', 'auditor'], ok: 200 },
    { method: 'GET', path: '/cases/{owned}', allowed: ['operator', 'liaison_officer', 'auditor'], ok: 200 },
    { method: 'POST', path: '/cases/{owned}/invite', allowed: ['operator'], ok: 200, body: () => ({ agency: 'CO' }) },
    { method: 'POST', path: '/cases/{invited}/accept', allowed: ['operator'], ok: 200 },
    { method: 'POST', path: '/cases/{declined}/decline', allowed: ['operator'], ok: 200, body: () => ({ reason: 'no capacity' }) },
    { method: 'POST', path: '/cases/{joined}/notices', allowed: ['operator'], ok: 201, body: () => noticeRequest(['NL']) },
    { method: 'POST', path: '/cases/{left}/leave', allowed: ['operator'], ok: 200 },
    { method: 'POST', path: '/cases/{closed}/close', allowed: ['operator'], ok: 200 },
    { method: 'GET', path: '/notices/{read}/thread', allowed: ['operator', 'liaison_officer', 'auditor'], ok: 200 },
    { method: 'GET', path: '/inbox/{read}/casework', allowed: ['liaison_officer'], ok: 200 },
    { method: 'POST', path: '/inbox/{read}/assign', allowed: ['liaison_officer'], ok: 200, body: () => ({ officer: 'Insp. García' }) },
    { method: 'POST', path: '/inbox/{read}/notes', allowed: ['liaison_officer'], ok: 201, body: () => ({ text: 'checked' }) },
    { method: 'GET', path: '/notices/{outbound}/casework', allowed: ['operator'], ok: 200 },
    { method: 'POST', path: '/notices/{outbound}/notes', allowed: ['operator'], ok: 201, body: () => ({ text: 'checked' }) },
    { method: 'GET', path: '/search', allowed: ['operator', 'liaison_officer'], ok: 200, query: '?name=janssen' },
    { method: 'GET', path: '/correlations', allowed: ['operator', 'liaison_officer'], ok: 200, query: '?case_reference=NL-2026-0042' },
    { method: 'GET', path: '/rejected', allowed: ['admin', 'auditor'], ok: 200 },
    { method: 'GET', path: '/audit/entries', allowed: ['auditor'], ok: 200 },
    { method: 'GET', path: '/audit/messages/{read}/timeline', allowed: ['auditor'], ok: 200 },
    { method: 'GET', path: '/audit/proofs/inclusion', allowed: ['auditor'], ok: 200, query: '?seq=0' },
    { method: 'GET', path: '/audit/proofs/consistency', allowed: ['auditor'], ok: 200, query: '?from=1&to=2' },
    { method: 'GET', path: '/audit/checkpoint', allowed: ['auditor', 'admin'], ok: 200 },
    { method: 'GET', path: '/audit/alerts', allowed: ['auditor'], ok: 200 },
    { method: 'GET', path: '/audit/integrity', allowed: ['auditor', 'admin'], ok: 200 },
    { method: 'GET', path: '/audit/bundle', allowed: ['auditor'], ok: 200 },
    { method: 'POST', path: '/match/index/entries', allowed: ['admin'], ok: 200, body: () => ({ entries: [{ kind: 'document', value: 'X1234567', country: 'ES' }] }) },
    { method: 'GET', path: '/match/index', allowed: ['admin'], ok: 200 },
    { method: 'GET', path: '/match/holders', allowed: ['operator'], ok: 200 },
    // Validated after the role: an empty list of holders is the operator's 400, everyone else's 403.
    { method: 'POST', path: '/match/checks', allowed: ['operator'], ok: 400, body: () => ({ values: [{ kind: 'document', value: 'X1234567', country: 'ES' }], partners: [] }) },
    { method: 'GET', path: '/match/checks/{outbound}', allowed: ['operator'], ok: 404 },
    { method: 'GET', path: '/match/audit', allowed: ['auditor'], ok: 200 },
  ];

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES', 'CO']);
    await useFreePorts(fed, ['NL', 'ES', 'CO']);
    await Promise.all(['NL', 'ES'].map((a) => fed.start(a)));
    // Fixture at ES (the node under test): five received queries and one it sent.
    const received = await sendNotices(fed, 'NL', ['ES'], 5, 5);
    [ids.read, ids.ack, ids.answer, ids.decline, ids.passon] = received;
    // Attachments: one ES sent with its notice, one it received, one uploaded by the tokens' subject.
    ids.outboundAttachment = (await upload(fed, 'ES', PNG_1X1, 'image/png', 'out.png')).body.id;
    const sent = await fed.post('ES', '/notices', 'operator', noticeRequest(['NL'], { attachments: [ids.outboundAttachment] }));
    ids.outbound = sent.body.id;
    ids.upload = (await upload(fed, 'ES', PNG_1X1, 'image/png', 'mine.png', 'operator', 'someone@es.example.test')).body.id;
    ids.inboundAttachment = (await upload(fed, 'NL', PNG_1X1, 'image/png', 'in.png')).body.id;
    ids.withAttachment = (await fed.post('NL', '/notices', 'operator', noticeRequest(['ES'], { attachments: [ids.inboundAttachment] }))).body.id;
    await fed.waitFor(async () => (await fed.get('ES', `/inbox/${ids.withAttachment}/attachments`, 'liaison_officer')).body?.[0]?.available === true, 'ES to hold the received attachment', 120000);
    await fed.waitFor(async () => (await Promise.all(received.map((id) => fed.get('ES', `/inbox/${id}`, 'liaison_officer')))).every((r) => r.status === 200), 'ES to receive the fixture');
    await fed.waitFor(async () => (await fed.get('ES', '/audit/checkpoint', 'auditor')).status === 200, 'a first ES checkpoint');
    // Cases at ES: two it owns, three NL invites it to (two of which it joins).
    ids.owned = (await fed.post('ES', '/cases', 'operator', openCase([]))).body.id;
    ids.closed = (await fed.post('ES', '/cases', 'operator', openCase([]))).body.id;
    for (const name of ['invited', 'declined', 'joined', 'left']) ids[name] = (await fed.post('NL', '/cases', 'operator', openCase(['ES']))).body.id;
    const standing = async (name: string) => (await fed.get('ES', `/cases/${ids[name]}`, 'operator')).body.standing;
    for (const name of ['invited', 'declined', 'joined', 'left']) await fed.waitFor(async () => (await standing(name)) === 'invited', `ES invited to ${name}`);
    for (const name of ['joined', 'left']) {
      await fed.post('ES', `/cases/${ids[name]}/accept`, 'operator');
      await fed.waitFor(async () => (await standing(name)) === 'member', `ES a member of ${name}`);
    }
  }, 300000);
  afterAll(async () => {
    await fed?.destroy();
  });

  const url = (row: Row) => `http://127.0.0.1:${fed.port('ES')}${row.path.replace(/\{(\w+)\}/g, (_, k: string) => ids[k])}${row.query ?? ''}`;
  async function call(row: Row, authorization: string | null): Promise<number> {
    const headers: Record<string, string> = { 'content-type': row.raw?.type ?? 'application/json' };
    if (authorization !== null) headers.authorization = authorization;
    try {
      const response = await fetch(url(row), {
        method: row.method,
        headers,
        body: row.method === 'POST' ? (row.raw ? new Uint8Array(row.raw.bytes) : JSON.stringify(row.body?.() ?? {})) : undefined,
        signal: AbortSignal.timeout(30000),
      });
      const text = await response.text();
      // Every refusal is an RFC 9457 problem, whoever raised it (guard, pipe, service, Nest).
      if (response.status >= 400) {
        const type = response.headers.get('content-type') ?? '';
        let body: { status?: unknown; type?: unknown; title?: unknown; detail?: unknown; code?: unknown } = {};
        try {
          body = JSON.parse(text);
        } catch {
          /* reported below */
        }
        const ok = type.startsWith('application/problem+json') && body.status === response.status && typeof body.type === 'string' && typeof body.title === 'string' && typeof body.detail === 'string' && typeof body.code === 'string';
        if (!ok) notProblems.push(`${row.method} ${row.path}: ${response.status} ${type} ${text.slice(0, 120)}`);
      }
      return response.status;
    } catch (error) {
      return `no answer (${(error as Error).name})` as unknown as number;
    }
  }

  const mintES = (roles: Role[], extra: { agency?: string; audience?: string } = {}, issuer = fed.material.idp) =>
    issuer.mint({ subject: 'someone@es.example.test', agency: extra.agency ?? 'ES', roles, audience: extra.audience ?? 'liaison-es' });

  it('the table lists every operation of the OpenAPI document', async () => {
    const doc = await fed.get('ES', '/api/openapi.json', null);
    expect(doc.status).toBe(200);
    const documented = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const normalise = (p: string) => p.replace(/\{\w+\}/g, '{id}');
    const tabled = rows.filter((r) => !r.undocumented).map((r) => `${r.method} ${normalise(r.path)}`).sort();
    expect(documented.map((d) => d.replace(/\{\w+\}/g, '{id}'))).toEqual(tabled);
  });

  it('gives the exact status for each endpoint × each bad token and each role', async () => {
    const other = DevTokenIssuer.generate(fed.material.idpIssuer);
    const past = DevTokenIssuer.fromPrivateJwk(fed.material.idpIssuer, fed.material.idp.exportPrivateJwk(), { now: () => Date.now() - 3 * 3600 * 1000 });
    const unsigned = (payload: object) =>
      `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
    const nowS = Math.floor(Date.now() / 1000);

    const failures: string[] = [];
    let checked = 0;
    for (const row of rows) {
      const anyAllowed: Role[] = row.allowed === 'public' ? ['operator'] : row.allowed;
      const protectedStatus = (s: number) => (row.allowed === 'public' ? row.ok : s);
      const cases: [string, string | null, number][] = [
        ['no token', null, protectedStatus(401)],
        ['not a bearer token', 'Basic ZXM6cGFzc3dvcmQ=', protectedStatus(401)],
        ['garbage bearer token', 'Bearer not.a.token', protectedStatus(401)],
        ['expired token', `Bearer ${await mintES(anyAllowed, {}, past)}`, protectedStatus(401)],
        ['token of another agency (NL, for NL)', `Bearer ${await fed.token('NL', anyAllowed[0])}`, protectedStatus(401)],
        ['token naming another agency (NL) for ES', `Bearer ${await mintES(anyAllowed, { agency: 'NL' })}`, protectedStatus(403)],
        ['token signed by another issuer key', `Bearer ${await mintES(anyAllowed, {}, other)}`, protectedStatus(401)],
        [
          'alg none',
          `Bearer ${unsigned({ iss: fed.material.idpIssuer, sub: 'x', aud: 'liaison-es', agency: 'ES', roles: anyAllowed, iat: nowS, exp: nowS + 600 })}`,
          protectedStatus(401),
        ],
      ];
      for (const role of ROLES) {
        const may = row.allowed === 'public' || row.allowed.includes(role);
        if (!may) cases.push([`role ${role}`, `Bearer ${await mintES([role])}`, 403]);
      }
      // Bad tokens on public endpoints are ignored; on protected ones they never reach the handler.
      // The allowed roles go last: their calls run the action (once) with the fixture.
      for (const role of row.allowed === 'public' ? [] : row.allowed) cases.push([`role ${role}`, `Bearer ${await mintES([role])}`, row.okFor?.[role] ?? row.ok]);
      if (row.allowed === 'public') cases.push(['public, no token', null, row.ok]);
      for (const [what, authorization, expected] of cases) {
        const started = Date.now();
        const status = await call(row, authorization);
        checked++;
        if (Date.now() - started > 5000) process.stderr.write(`node-auth: slow answer ${Date.now() - started} ms: ${row.method} ${row.path} with ${what}\n`);
        const acceptable = expected === row.ok ? [row.ok, ...(row.alsoOk ?? [])] : [expected];
        if (!acceptable.includes(status)) failures.push(`${row.method} ${row.path} with ${what}: ${status}, expected ${expected}`);
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(rows.length * 10);
    expect(notProblems).toEqual([]);
  }, 240000);
});
