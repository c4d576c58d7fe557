import { createHmac, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'crypto';
import { DevTokenIssuer } from '@liaison/auth';
import { noticeRequest, TestFederation } from '../support/federation';

/**
 * Hostile HTTP input to a node's API: malformed JSON, wrong types, huge bodies, injection strings
 * in every text field, forged and expired tokens. Each is answered with a 4xx that names what was
 * wrong (and never echoes the hostile value), nothing is written, and the node keeps serving.
 */
const AGENCY = 'NL';

const b64u = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

interface Raw {
  status: number;
  text: string;
  body: any;
}

describe('hostile input on the HTTP API', () => {
  let fed: TestFederation;
  let operator: string;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES']);
    await fed.start(AGENCY);
    operator = await fed.token(AGENCY, 'operator');
  });
  afterAll(async () => {
    await fed?.destroy();
  });

  async function raw(method: string, path: string, opts: { token?: string | null; body?: string | Buffer; contentType?: string } = {}): Promise<Raw & { type: string | null }> {
    const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/json' };
    const token = opts.token === undefined ? operator : opts.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`http://127.0.0.1:${fed.port(AGENCY)}${path}`, { method, headers, body: typeof opts.body === 'string' || opts.body === undefined ? opts.body : new Blob([new Uint8Array(opts.body)]) });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: response.status, text, body, type: response.headers.get('content-type') };
  }

  /** Rows in every table an accepted notice would touch. */
  const written = async () =>
    (
      await fed.sql(
        AGENCY,
        `SELECT (SELECT count(*) FROM notice)::int AS notices, (SELECT count(*) FROM notice_recipient)::int AS recipients,
                (SELECT count(*) FROM ledger_entry WHERE event = 'sent')::int AS sent`,
      )
    )[0];

  let before: unknown;
  beforeEach(async () => {
    before = await written();
  });
  afterEach(async () => {
    // Nothing written, and the node still serves a genuine request.
    expect(await written()).toEqual(before);
    expect((await raw('GET', '/health/live', { token: null })).status).toBe(200);
    expect((await raw('GET', '/notices?limit=1')).status).toBe(200);
  });

  const post = (body: unknown, token?: string | null) => raw('POST', '/notices', { body: typeof body === 'string' ? body : JSON.stringify(body), token });

  /** A 4xx with a JSON body whose message (or field list) names `what`. */
  function clearRefusal(r: Raw, status: number, what: RegExp): void {
    expect(r.status).toBe(status);
    expect(r.body).not.toBeNull();
    expect(r.body).toMatchObject({ status, type: expect.stringMatching(/^urn:liaison:problem:/), title: expect.any(String), code: expect.any(String) });
    const said = `${r.body.detail ?? ''} ${(r.body.errors ?? []).map((f: { field: string; message: string }) => `${f.field} ${f.message}`).join(' ')}`;
    expect(said).toMatch(what);
  }

  describe('malformed bodies', () => {
    const cases: [string, string, RegExp][] = [
      ['truncated JSON', '{"kind": ', /JSON|parse|body/i],
      ['trailing garbage', `${JSON.stringify(noticeRequest(['ES']))}}}`, /JSON|parse|body/i],
      ['single quotes', "{'kind': 'identity-query'}", /JSON|parse|body/i],
      ['a JSON array', JSON.stringify([noticeRequest(['ES'])]), /object|body|kind/i],
      ['JSON null', 'null', /object|body|kind|JSON/i],
      ['a bare string', '"identity-query"', /object|body|kind|JSON/i],
      ['empty body', '', /kind|body|required|object/i],
      ['deeply nested JSON (20,000 levels)', `{"kind":${'['.repeat(20000)}${']'.repeat(20000)}}`, /kind/i],
      ['prototype pollution', JSON.stringify({ ...noticeRequest(['ES']), __proto__: { admin: true }, constructor: { prototype: { admin: true } } }).replace('"kind"', '"__proto__":{"isAdmin":true},"kind"'), /__proto__|constructor|additional|unknown|not allowed/i],
    ];
    it.each(cases)('%s → 400', async (_name, body, what) => {
      clearRefusal(await post(body), 400, what);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it('a body over the size limit → 413', async () => {
      const huge = JSON.stringify(noticeRequest(['ES'], { body: { ...noticeRequest(['ES']).body, reason: 'x'.repeat(400 * 1024) } }));
      const r = await post(huge);
      expect(r.status).toBe(413);
      expect(r.text).toMatch(/too large|limit/i);
    });

    it('a body of 5 MB of garbage → 413, the node stays up', async () => {
      const r = await raw('POST', '/notices', { body: randomBytes(5 * 1024 * 1024) });
      expect(r.status).toBe(413);
    });

    it('a non-JSON content type → 4xx naming the body', async () => {
      const r = await raw('POST', '/notices', { body: 'kind=identity-query', contentType: 'application/x-www-form-urlencoded' });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    });
  });

  describe('wrong types', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['kind a number', { kind: 42 }, '/kind'],
      ['recipients a string', { recipients: 'ES' }, '/recipients'],
      ['recipients empty', { recipients: [] }, '/recipients'],
      ['recipients of objects', { recipients: [{ code: 'ES' }] }, '/recipients'],
      ['handling a string', { handling: 'H0' }, '/handling'],
      ['handling code unknown', { handling: { code: 'H9' } }, '/handling/code'],
      ['grades of wrong type', { grades: { source: 1, information: 'B' } }, '/grades'],
      ['priority unknown', { priority: 'whenever' }, '/priority'],
      ['expiresAt not a date', { expiresAt: 'tomorrow' }, '/expiresAt'],
      ['expiresAt in the past', { expiresAt: '2001-01-01T00:00:00Z' }, '/expiresAt'],
      ['body an array', { body: [] }, '/body'],
      ['body names a number', { body: { names: 7 } }, '/body'],
      ['unknown top-level member', { sneaky: true }, 'sneaky'],
      ['date of birth an object', { body: { ...noticeRequest(['ES']).body, date_of_birth: { y: 1980 } } }, '/body/date_of_birth'],
    ];
    it.each(cases)('%s → 400 naming %s', async (_name, override, field) => {
      const r = await post(noticeRequest(['ES'], override));
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('invalid_request');
      expect(JSON.stringify(r.body.errors)).toContain(field);
    });
  });

  describe('injection strings in every text field', () => {
    const payloads: [string, string, 'refused' | 'data'][] = [
      ['SQL', "x'); DROP TABLE notice; --", 'data'],
      ['SQL union', "' UNION SELECT d FROM ledger_entry --", 'data'],
      ['HTML/script', '<script>alert(document.cookie)</script>', 'data'],
      ['NUL byte', 'abc\u0000def', 'refused'],
      ['bidi override', 'abc\u202Egpj.exe', 'refused'],
      ['lone surrogate', 'abc\uD800def', 'refused'],
      ['control character', 'abc\u001Bdef', 'refused'],
      ['very long', 'A'.repeat(100_000), 'refused'],
    ];
    const base = () => noticeRequest(['ES'], { handling: { code: 'H3', restriction: 'Only for case NL-2026-0042' } });
    type Setter = (req: any, value: string) => void;
    const fields: [string, Setter][] = [
      ['/body/names/family', (r, v) => (r.body.names.family = v)],
      ['/body/names/given', (r, v) => (r.body.names.given = v)],
      ['/body/reason', (r, v) => (r.body.reason = v)],
      ['/body/legal_basis', (r, v) => (r.body.legal_basis = v)],
      ['/body/case_reference', (r, v) => (r.body.case_reference = v)],
      ['/body/nationality', (r, v) => (r.body.nationality = v)],
      ['/body/date_of_birth', (r, v) => (r.body.date_of_birth = v)],
      ['/handling/restriction', (r, v) => (r.handling.restriction = v)],
      ['/kind', (r, v) => (r.kind = v)],
      ['/recipients/0', (r, v) => (r.recipients = [v])],
      ['/priority', (r, v) => (r.priority = v)],
      ['/expiresAt', (r, v) => (r.expiresAt = v)],
    ];
    const matrix = fields.flatMap(([field, set]) => payloads.map(([name, value, expect]) => [field, name, value, expect, set] as const));

    it.each(matrix)('%s ← %s', async (field, _name, value, expected, set) => {
      const request = base();
      set(request, value);
      const r = await post(request);
      // Never echoed back (no reflected script, no SQL in an error text).
      if (value.length > 3) expect(r.text).not.toContain(value.slice(0, 40));
      if (r.status === 201) {
        // Accepted as data: only free-text fields may take it, and it is stored and served verbatim.
        expect(expected).toBe('data');
        const detail = await fed.get(AGENCY, `/notices/${r.body.id}`, 'operator');
        expect(JSON.stringify(detail.body)).toContain(JSON.stringify(value).slice(1, -1));
        before = await written(); // the accepted notice is the only change
        return;
      }
      expect(r.status).toBe(400);
      const named = JSON.stringify(r.body.errors ?? []) + String(r.body.detail);
      expect(named).toContain(field.replace(/\/0$/, ''));
    });

    it('accepts SQL and HTML only where free text is allowed, and the tables are intact', async () => {
      const tables = await fed.sql(AGENCY, `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('notice', 'ledger_entry', 'outbox')`);
      expect(tables[0].n).toBe(3);
    });

    it('injection in path and query parameters → 4xx, never 500', async () => {
      for (const p of [`/notices/${encodeURIComponent("1' OR '1'='1")}`, `/notices/${encodeURIComponent('<script>')}`, '/notices?limit=1;DROP%20TABLE%20notice', '/notices?limit=-1', '/notices?limit=99999999999999999999', '/inbox?status=%00']) {
        const r = await raw('GET', p, { token: p.startsWith('/inbox') ? await fed.token(AGENCY, 'liaison_officer') : operator });
        expect([400, 404]).toContain(r.status);
        expect(r.text).not.toContain('<script>');
      }
    });
  });

  describe('strict input', () => {
    const officer = () => fed.token(AGENCY, 'liaison_officer');

    /** A 400 problem whose errors name `field`. */
    function refusedNaming(r: Raw & { type: string | null }, field: string, what: RegExp): void {
      expect(r.status).toBe(400);
      expect(r.type).toMatch(/^application\/problem\+json/);
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(`${r.body.detail} ${JSON.stringify(r.body.errors)}`).toMatch(what);
    }

    it('refuses duplicate JSON member names (top level and nested) → 400, nothing written', async () => {
      const body = JSON.stringify(noticeRequest(['ES']));
      const top = body.replace('{"kind":"identity-query"', '{"kind":"identity-query","kind":"location-query"');
      expect(top).not.toBe(body);
      refusedNaming(await post(top), 'body', /\/kind appears more than once/);
      const nested = body.replace('"names":{', '"names":{"family":"Decoy","fam\\u0069ly":"Other",');
      expect(nested).not.toBe(body);
      refusedNaming(await post(nested), 'body', /\/body\/names\/family appears more than once/);
    });

    it('refuses invalid UTF-8 (C0 AF E0 80 AF) instead of replacing it → 400', async () => {
      const body = Buffer.from(JSON.stringify(noticeRequest(['ES'])).replace('"reason":"', '"reason":"\u0001'), 'utf8');
      const at = body.indexOf(0x01);
      const bytes = Buffer.concat([body.subarray(0, at), Buffer.from([0xc0, 0xaf, 0xe0, 0x80, 0xaf]), body.subarray(at + 1)]);
      refusedNaming(await raw('POST', '/notices', { body: bytes }), 'body', /UTF-8/);
    });

    const badIds = ['------------------------------------', '0193a1b27c3d7e4f8a9b0c1d2e3f4a5b0193', '0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5-', 'not-a-uuid'];
    const idRoutes: [string, string, 'operator' | 'liaison_officer'][] = [
      ['GET', '/notices/{id}', 'operator'],
      ['GET', '/console/api/notices/{id}/progress', 'operator'],
      ['GET', '/inbox/{id}', 'liaison_officer'],
      ['POST', '/inbox/{id}/acknowledge', 'liaison_officer'],
      ['POST', '/inbox/{id}/answer', 'liaison_officer'],
      ['POST', '/inbox/{id}/decline', 'liaison_officer'],
      ['POST', '/inbox/{id}/pass-on', 'liaison_officer'],
      ['GET', '/cases/{id}', 'operator'],
      ['POST', '/cases/{id}/accept', 'operator'],
      ['POST', '/cases/{id}/notices', 'operator'],
      ['GET', '/notices/{id}/thread', 'operator'],
    ];
    it.each(idRoutes.flatMap(([m, p, role]) => badIds.map((id) => [m, p, role, id] as const)))('%s %s (as %s) with id %s → 400 naming the parameter id, never 500', async (method, path, role, id) => {
      const r = await raw(method, path.replace('{id}', encodeURIComponent(id)), { token: await fed.token(AGENCY, role), body: method === 'POST' ? '{}' : undefined });
      refusedNaming(r, 'id', /UUID/);
    });

    const unknownQuery: [string, 'operator' | 'liaison_officer' | 'admin' | 'auditor' | null][] = [
      ['/inbox?__proto__[limit]=1000', 'liaison_officer'],
      ['/inbox?constructor=1', 'liaison_officer'],
      ['/notices?offset=5', 'operator'],
      ['/notices/0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b?x=1', 'operator'],
      ['/rejected?sort=desc', 'admin'],
      ['/audit/entries?colour=blue', 'auditor'],
      ['/audit/checkpoint?x=1', 'auditor'],
      ['/directory?x=1', 'operator'],
      ['/me?x=1', 'operator'],
      ['/health/live?x=1', null],
      ['/metrics?x=1', null],
    ];
    it.each(unknownQuery)('GET %s → 400 naming the unknown parameter (every endpoint alike)', async (path, role) => {
      const r = await raw('GET', path, { token: role ? await fed.token(AGENCY, role) : null });
      const name = decodeURIComponent(path.split('?')[1].split('=')[0]);
      refusedNaming(r, name, /not a query parameter of this endpoint/);
    });

    it('a known query parameter given twice → 400', async () => {
      refusedNaming(await raw('GET', '/inbox?limit=1&limit=1000', { token: await officer() }), 'limit', /once/);
    });
  });

  describe('one error format (RFC 9457)', () => {
    it.each([
      ['an unknown route', 'GET', '/no-such-thing', 404, 'not_found'],
      ['a wrong method on a known path', 'DELETE', '/notices', 405, 'method_not_allowed'],
      ['a validation refusal', 'POST', '/notices', 400, 'invalid_request'],
      ['a body too large', 'POST', '/notices', 413, 'payload_too_large'],
      ['malformed JSON', 'POST', '/notices', 400, 'invalid_json'],
    ])('%s → application/problem+json with type, title, status, detail, instance, code', async (_what, method, path, status, code) => {
      const body = status === 413 ? JSON.stringify({ pad: 'x'.repeat(300 * 1024) }) : code === 'invalid_json' ? '{"kind": ' : method === 'POST' ? '{}' : undefined;
      const r = await raw(method, path, { body });
      expect(r.status).toBe(status);
      expect(r.type).toMatch(/^application\/problem\+json/);
      expect(r.body).toEqual(
        expect.objectContaining({ type: `urn:liaison:problem:${code}`, title: expect.any(String), status, detail: expect.any(String), instance: path, code, errors: expect.any(Array) }),
      );
    });

    it('405 names the methods the path takes in Allow', async () => {
      expect((await fetch(`http://127.0.0.1:${fed.port(AGENCY)}/notices`, { method: 'PUT' })).headers.get('allow')).toBe('POST, GET');
      const one = await fetch(`http://127.0.0.1:${fed.port(AGENCY)}/inbox/0193a1b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b/answer`);
      expect([one.status, one.headers.get('allow')]).toEqual([405, 'POST']);
    });

    it('401 keeps WWW-Authenticate and is a problem with the token failure as code', async () => {
      const response = await fetch(`http://127.0.0.1:${fed.port(AGENCY)}/notices`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="liaison"');
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ status: 401, code: 'missing', type: 'urn:liaison:problem:missing' });
    });

    it('403 (wrong role) keeps WWW-Authenticate insufficient_scope and is a problem', async () => {
      const response = await fetch(`http://127.0.0.1:${fed.port(AGENCY)}/notices`, { headers: { authorization: `Bearer ${await fed.token(AGENCY, 'auditor')}` } });
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
      expect(await response.json()).toMatchObject({ status: 403, code: 'wrong_role' });
    });
  });

  describe('tokens', () => {
    const good = () => fed.token(AGENCY, 'operator');
    const parts = async () => {
      const [h, p] = (await good()).split('.');
      return { header: JSON.parse(Buffer.from(h, 'base64url').toString()), payload: JSON.parse(Buffer.from(p, 'base64url').toString()) };
    };
    const cases: [string, () => Promise<string | null>, number, RegExp][] = [
      ['no token', async () => null, 401, /bearer token/i],
      ['an empty bearer', async () => '', 401, /token|Bearer/i],
      ['garbage', async () => 'not-a-jwt', 401, /compact JWT|malformed/i],
      [
        'expired',
        async () =>
          DevTokenIssuer.fromPrivateJwk(fed.material.idpIssuer, fed.material.idp.exportPrivateJwk(), { now: () => Date.now() - 2 * 3600_000 }).mint({
            subject: 'operator.nl@example.test',
            agency: AGENCY,
            roles: ['operator'],
            audience: 'liaison-nl',
            ttlSeconds: 60,
          }),
        401,
        /expired/i,
      ],
      [
        'unsigned (alg none)',
        async () => {
          const { header, payload } = await parts();
          return `${b64u({ ...header, alg: 'none' })}.${b64u(payload)}.`;
        },
        401,
        /algorithm/i,
      ],
      [
        'signature stripped',
        async () => {
          const [h, p] = (await good()).split('.');
          return `${h}.${p}.`;
        },
        401,
        /signature|malformed|JWT/i,
      ],
      [
        'HS256 keyed with the issuer public key (algorithm confusion)',
        async () => {
          const { header, payload } = await parts();
          const input = `${b64u({ ...header, alg: 'HS256' })}.${b64u(payload)}`;
          const x = fed.material.idp.jwks().keys[0].x as string;
          return `${input}.${createHmac('sha256', Buffer.from(x, 'base64url')).update(input).digest('base64url')}`;
        },
        401,
        /algorithm/i,
      ],
      [
        'RS256 with an attacker key',
        async () => {
          const { header, payload } = await parts();
          const input = `${b64u({ ...header, alg: 'RS256' })}.${b64u(payload)}`;
          const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
          return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
        },
        401,
        // RS256 is allowed for OIDC providers; no RSA key of the issuer matches it.
        /algorithm|no key/i,
      ],
      [
        'signed by another issuer (same issuer name, other key)',
        async () => DevTokenIssuer.generate(fed.material.idpIssuer).mint({ subject: 'mallory', agency: AGENCY, roles: ['operator'], audience: 'liaison-nl' }),
        401,
        /signature|key/i,
      ],
      [
        'signed by another issuer (its own name and key)',
        async () => DevTokenIssuer.generate('urn:evil:idp').mint({ subject: 'mallory', agency: AGENCY, roles: ['operator'], audience: 'liaison-nl' }),
        401,
        /issue|signature|key/i,
      ],
      [
        'payload edited after signing (roles: admin)',
        async () => {
          const [h, p, s] = (await good()).split('.');
          const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
          return `${h}.${b64u({ ...payload, roles: ['admin', 'operator'] })}.${s}`;
        },
        401,
        /signature/i,
      ],
      ['for another node (audience)', async () => fed.material.idp.mint({ subject: 's', agency: AGENCY, roles: ['operator'], audience: 'liaison-es' }), 401, /meant for|audience/i],
      ['for another agency', async () => fed.material.idp.mint({ subject: 's', agency: 'ES', roles: ['operator'], audience: 'liaison-nl' }), 403, /agency|ES/i],
      [
        'not valid yet (nbf in the future)',
        async () => {
          // Signed by the real issuer key, valid in every way but nbf (two hours ahead).
          const { header, payload } = await parts();
          const input = `${b64u(header)}.${b64u({ ...payload, nbf: Math.floor(Date.now() / 1000) + 7200, exp: payload.exp + 7200 })}`;
          const key = createPrivateKey({ key: fed.material.idp.exportPrivateJwk() as never, format: 'jwk' });
          return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
        },
        401,
        /not valid yet/i,
      ],
      ['without the operator role', async () => fed.token(AGENCY, 'auditor'), 403, /role|operator/i],
    ];
    it.each(cases)('%s → refused', async (_name, token, status, what) => {
      const t = await token();
      const r = await post(noticeRequest(['ES']), t);
      clearRefusal(r, status, what);
    });

    it('a bearer header that is not "Bearer <token>" → 401', async () => {
      const response = await fetch(`http://127.0.0.1:${fed.port(AGENCY)}/notices`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` },
        body: JSON.stringify(noticeRequest(['ES'])),
      });
      expect(response.status).toBe(401);
    });
  });
});
