import { createHmac, generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, generateKeyPair, exportJWK, calculateJwkThumbprint, type JWK } from 'jose';
import { DevTokenIssuer, TokenVerifier, type TokenVerifierConfig } from './index';

const ISSUER = 'https://idp.nl.example';
const AUDIENCE = 'liaison-nl';
const idp = DevTokenIssuer.generate(ISSUER);
const config = (patch: Partial<TokenVerifierConfig> = {}): TokenVerifierConfig => ({
  issuer: ISSUER,
  audience: AUDIENCE,
  agency: 'NL',
  jwks: idp.jwks(),
  ...patch,
});
const verifier = new TokenVerifier(config());
const mint = (patch: Partial<Parameters<DevTokenIssuer['mint']>[0]> = {}, by: DevTokenIssuer = idp) =>
  by.mint({ subject: 'officer-17', agency: 'NL', roles: ['liaison_officer'], audience: AUDIENCE, ...patch });

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);
const claims = (patch: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub: 'officer-17',
  agency: 'NL',
  roles: ['admin'],
  iat: nowSeconds(),
  exp: nowSeconds() + 600,
  ...patch,
});
/** Signs arbitrary claims with the IdP's own key (to test claim handling the issuer would never produce). */
const signClaims = (payload: Record<string, unknown>) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', kid: idp.kid }).sign(idpPrivateKey);
let idpPrivateKey: CryptoKey;

beforeAll(async () => {
  const { importJWK } = await import('jose');
  idpPrivateKey = (await importJWK(idp.exportPrivateJwk(), 'EdDSA')) as CryptoKey;
});

describe('TokenVerifier', () => {
  it('accepts a good token and returns the principal', async () => {
    expect(await verifier.verify(await mint({ roles: ['operator', 'auditor'] }))).toEqual({
      ok: true,
      principal: { subject: 'officer-17', agency: 'NL', roles: ['operator', 'auditor'] },
    });
  });

  it.each([undefined, null, ''])('refuses a missing token (%p)', async (token) => {
    expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'missing' });
  });

  it.each([
    ['garbage', 'not-a-token'],
    ['two parts', 'eyJhbGciOiJFZERTQSJ9.e30'],
    ['a header that is not JSON', `${Buffer.from('{alg').toString('base64url')}.e30.c2ln`],
    ['padding and spaces', 'eyJh bGci.e30=.x'],
    ['an oversized token', `${b64({ alg: 'EdDSA' })}.${'A'.repeat(9000)}.sig`],
  ])('refuses %s as malformed', async (_label, token) => {
    expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('refuses an expired token, beyond the clock tolerance', async () => {
    const past = DevTokenIssuer.fromPrivateJwk(ISSUER, idp.exportPrivateJwk(), { now: () => Date.now() - 3600_000 - 31_000 });
    expect(await verifier.verify(await mint({ ttlSeconds: 3600 }, past))).toEqual({ ok: false, reason: 'expired', message: 'the token has expired' });
    // 20 s late is within the default 30 s tolerance
    const slightly = DevTokenIssuer.fromPrivateJwk(ISSUER, idp.exportPrivateJwk(), { now: () => Date.now() - 3600_000 - 20_000 });
    expect((await verifier.verify(await mint({ ttlSeconds: 3600 }, slightly))).ok).toBe(true);
    const strict = new TokenVerifier(config({ clockToleranceSeconds: 0 }));
    expect(await strict.verify(await mint({ ttlSeconds: 3600 }, slightly))).toMatchObject({ reason: 'expired' });
  });

  it('remembers a verified token only until it expires, and never a refused one', async () => {
    let now = Date.now();
    const cached = new TokenVerifier(config({ clockToleranceSeconds: 0, clock: () => new Date(now) }));
    const token = await mint({ ttlSeconds: 45 }); // expires before the 60 s after which it would be checked again anyway
    expect((await cached.verify(token)).ok).toBe(true);
    now += 30_000;
    expect((await cached.verify(token)).ok).toBe(true);
    now += 16_000;
    expect(await cached.verify(token)).toMatchObject({ ok: false, reason: 'expired' });
    const [h, p] = (await mint()).split('.');
    expect(await cached.verify(`${h}.${p}.${Buffer.alloc(64).toString('base64url')}`)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a token whose nbf is in the future as not yet valid (not as expired)', async () => {
    expect(await verifier.verify(await signClaims(claims({ nbf: nowSeconds() + 600 })))).toMatchObject({
      ok: false,
      reason: 'not_yet_valid',
      message: 'the token is not valid yet: its "nbf" is in the future',
    });
  });

  it('refuses a token from another issuer, even with the same key', async () => {
    const other = DevTokenIssuer.fromPrivateJwk('https://idp.evil.example', idp.exportPrivateJwk());
    expect(await verifier.verify(await mint({}, other))).toMatchObject({ ok: false, reason: 'wrong_issuer' });
  });

  it('refuses a token for another audience', async () => {
    expect(await verifier.verify(await mint({ audience: 'liaison-es' }))).toMatchObject({ ok: false, reason: 'wrong_audience' });
  });

  it('refuses a token of another agency, or naming none', async () => {
    expect(await verifier.verify(await mint({ agency: 'ES' }))).toEqual({ ok: false, reason: 'other_agency', message: 'the token is for another agency, not NL' });
    const { agency: _a, ...noAgency } = claims();
    expect(await verifier.verify(await signClaims(noAgency))).toMatchObject({ ok: false, reason: 'other_agency' });
  });

  it('refuses alg "none" (an unsigned token crafted by hand)', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`;
    expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'alg_not_allowed' });
    const noneUpper = `${b64({ alg: 'NONE', typ: 'JWT' })}.${b64(claims())}.`;
    expect(await verifier.verify(noneUpper)).toMatchObject({ ok: false, reason: 'alg_not_allowed' });
  });

  it('refuses HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const pub = idp.jwks().keys[0];
    for (const secret of [Buffer.from(pub.x!, 'base64url'), Buffer.from(JSON.stringify(pub)), Buffer.from(pub.x!)]) {
      const signingInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: idp.kid })}.${b64(claims())}`;
      const token = `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
      expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'alg_not_allowed' });
    }
  });

  it('refuses a token without an alg', async () => {
    const token = `${b64({ typ: 'JWT' })}.${b64(claims())}.c2ln`;
    expect(await verifier.verify(token)).toMatchObject({ ok: false, reason: 'alg_not_allowed' });
  });

  it('refuses a token signed by another key, with an unknown or a copied kid', async () => {
    expect(await verifier.verify(await mint({}, DevTokenIssuer.generate(ISSUER)))).toMatchObject({ ok: false, reason: 'bad_signature' });
    const { privateKey } = generateKeyPairSync('ed25519');
    const forged = await new SignJWT(claims()).setProtectedHeader({ alg: 'EdDSA', kid: idp.kid }).sign(privateKey);
    expect(await verifier.verify(forged)).toEqual({ ok: false, reason: 'bad_signature', message: 'the token signature does not verify' });
  });

  it('refuses a tampered payload (roles raised to admin)', async () => {
    const [h, , s] = (await mint()).split('.');
    const tampered = `${h}.${b64(claims({ roles: ['admin'] }))}.${s}`;
    expect(await verifier.verify(tampered)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a token with no known role; ignores unknown roles', async () => {
    const { roles: _r, ...noRoles } = claims();
    expect(await verifier.verify(await signClaims(noRoles))).toMatchObject({ ok: false, reason: 'no_role' });
    expect(await verifier.verify(await signClaims(claims({ roles: [] })))).toMatchObject({ ok: false, reason: 'no_role' });
    expect(await verifier.verify(await signClaims(claims({ roles: ['superuser', 'root'] })))).toMatchObject({ ok: false, reason: 'no_role' });
    expect(await verifier.verify(await signClaims(claims({ roles: 'admin' })))).toMatchObject({ ok: true, principal: { roles: ['admin'] } });
    expect(await verifier.verify(await signClaims(claims({ roles: ['root', 'auditor', 'auditor'] })))).toMatchObject({ ok: true, principal: { roles: ['auditor'] } });
  });

  it('requires sub, exp and iat', async () => {
    for (const claim of ['sub', 'exp', 'iat']) {
      const c: Record<string, unknown> = claims();
      delete c[claim];
      expect(await verifier.verify(await signClaims(c))).toMatchObject({ ok: false, reason: 'malformed', message: expect.stringContaining(`"${claim}"`) });
    }
  });

  it('reads roles and agency from configured claims (e.g. a real OIDC provider)', async () => {
    const oidc = new TokenVerifier(config({ rolesClaim: 'realm_access.roles', agencyClaim: 'org' }));
    const token = await signClaims(claims({ roles: undefined, agency: undefined, org: 'NL', realm_access: { roles: ['operator', 'offline_access'] } }));
    expect(await oidc.verify(token)).toEqual({ ok: true, principal: { subject: 'officer-17', agency: 'NL', roles: ['operator'] } });
    const groups = new TokenVerifier(config({ rolesClaim: 'groups' }));
    expect(await groups.verify(await signClaims(claims({ groups: ['auditor'] })))).toMatchObject({ ok: true, principal: { roles: ['auditor'] } });
    // a prototype name is not a claim
    const proto = new TokenVerifier(config({ rolesClaim: 'constructor.name' }));
    expect(await proto.verify(await signClaims(claims()))).toMatchObject({ ok: false, reason: 'no_role' });
  });

  it('accepts ES256 and RS256 tokens from a pinned key set with several keys', async () => {
    const keys: JWK[] = [];
    const tokens: string[] = [];
    for (const alg of ['ES256', 'RS256'] as const) {
      const pair = await generateKeyPair(alg, { extractable: true });
      const jwk = { ...(await exportJWK(pair.publicKey)), alg, use: 'sig' };
      jwk.kid = await calculateJwkThumbprint(jwk);
      keys.push(jwk);
      tokens.push(await new SignJWT(claims()).setProtectedHeader({ alg, kid: jwk.kid }).sign(pair.privateKey));
    }
    const multi = new TokenVerifier(config({ jwks: { keys: [...idp.jwks().keys, ...keys] } }));
    for (const token of tokens) expect(await multi.verify(token)).toMatchObject({ ok: true });
    const edOnly = new TokenVerifier(config({ jwks: { keys: [...idp.jwks().keys, ...keys] }, algorithms: ['EdDSA'] }));
    for (const token of tokens) expect(await edOnly.verify(token)).toMatchObject({ ok: false, reason: 'alg_not_allowed' });
  });

  it('refuses unsafe configurations', () => {
    expect(() => new TokenVerifier(config({ algorithms: ['HS256'] }))).toThrow(/HS256.*not allowed/);
    expect(() => new TokenVerifier(config({ algorithms: ['none'] }))).toThrow(/not allowed/);
    expect(() => new TokenVerifier(config({ algorithms: [] }))).toThrow(/empty/);
    expect(() => new TokenVerifier(config({ jwksUrl: 'https://idp.example/jwks' }))).toThrow(/exactly one/);
    expect(() => new TokenVerifier(config({ jwks: undefined }))).toThrow(/exactly one/);
    expect(() => new TokenVerifier(config({ jwks: undefined, jwksUrl: 'http://idp.example/jwks' }))).toThrow(/https/);
    expect(() => new TokenVerifier(config({ agency: 'nl' }))).toThrow(/agency/);
    expect(() => new TokenVerifier(config({ issuer: '' }))).toThrow(/issuer/);
    expect(() => new TokenVerifier(config({ clockToleranceSeconds: 3600 }))).toThrow(/clockTolerance/);
    expect(() => new TokenVerifier(config({ jwks: { keys: 'x' } as never }))).toThrow();
  });

  it('never logs and never echoes the token', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => jest.spyOn(console, m).mockImplementation(() => undefined));
    try {
      const tokens = [await mint(), await mint({ agency: 'ES' }), await mint({ audience: 'x' }), 'a.b.c', `${b64({ alg: 'none' })}.${b64(claims())}.`];
      for (const token of tokens) {
        const result = await verifier.verify(token);
        if (!result.ok) {
          for (const part of token.split('.').filter((p) => p.length > 3)) expect(result.message).not.toContain(part);
        }
      }
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
  });

  describe('with a remote JWKS (as a real OIDC provider)', () => {
    let server: Server;
    let base: string;
    let status = 200;
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(idp.jwks()));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('fetches the key set and verifies', async () => {
      const remote = new TokenVerifier(config({ jwks: undefined, jwksUrl: `${base}/.well-known/jwks.json` }));
      expect(await remote.verify(await mint())).toMatchObject({ ok: true, principal: { subject: 'officer-17' } });
      expect(await remote.verify(await mint({}, DevTokenIssuer.generate(ISSUER)))).toMatchObject({ ok: false, reason: 'bad_signature' });
    });

    it('says the key set is unavailable when the provider fails or is unreachable', async () => {
      status = 500;
      const failing = new TokenVerifier(config({ jwks: undefined, jwksUrl: `${base}/.well-known/jwks.json` }));
      expect(await failing.verify(await mint())).toMatchObject({ ok: false, reason: 'jwks_unavailable' });
      status = 200;
      const closed = new TokenVerifier(config({ jwks: undefined, jwksUrl: 'http://127.0.0.1:1/jwks.json', jwksOptions: { timeoutMs: 1000 } }));
      expect(await closed.verify(await mint())).toMatchObject({ ok: false, reason: 'jwks_unavailable' });
    });
  });
});
