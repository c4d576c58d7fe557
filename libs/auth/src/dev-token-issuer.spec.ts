import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, jwtVerify, createLocalJWKSet } from 'jose';
import { DevTokenIssuer } from './index';

describe('DevTokenIssuer', () => {
  const idp = DevTokenIssuer.generate('http://127.0.0.1:3001/dev-idp');

  it('publishes an Ed25519 public key set with an RFC 7638 kid and no private part', async () => {
    const { keys } = idp.jwks();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: idp.kid });
    expect(keys[0]).not.toHaveProperty('d');
    expect(idp.kid).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: keys[0].x }));
  });

  it('mints EdDSA JWTs that jose verifies against the published set', async () => {
    const token = await idp.mint({ subject: 'nl-operator', agency: 'NL', roles: ['operator'], audience: 'liaison-nl', ttlSeconds: 600 });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: idp.kid });
    const { payload } = await jwtVerify(token, createLocalJWKSet(idp.jwks()), { issuer: idp.issuer, audience: 'liaison-nl' });
    expect(payload).toMatchObject({ sub: 'nl-operator', agency: 'NL', roles: ['operator'] });
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(typeof payload.jti).toBe('string');
  });

  it('refuses to mint nonsense', async () => {
    const base = { subject: 's', agency: 'NL', roles: ['operator'] as const, audience: 'a' };
    await expect(idp.mint({ ...base, roles: [] })).rejects.toThrow(/roles/);
    await expect(idp.mint({ ...base, roles: ['root' as never] })).rejects.toThrow(/unknown: root/);
    await expect(idp.mint({ ...base, agency: 'nl' })).rejects.toThrow(/agency/);
    await expect(idp.mint({ ...base, ttlSeconds: 0 })).rejects.toThrow(/ttlSeconds/);
    await expect(idp.mint({ ...base, ttlSeconds: 31 * 86400 })).rejects.toThrow(/ttlSeconds/);
    await expect(idp.mint({ ...base, subject: '' })).rejects.toThrow(/subject/);
  });

  it('loads the key it generated, so tokens survive a restart', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'liaison-idp-')), 'keys', 'dev-idp.jwk.json');
    const first = DevTokenIssuer.loadOrGenerate('http://idp', file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: first.kid });
    const again = DevTokenIssuer.loadOrGenerate('http://idp', file);
    expect(again.kid).toBe(first.kid);
    const token = await first.mint({ subject: 's', agency: 'ES', roles: ['auditor'], audience: 'a' });
    await expect(jwtVerify(token, createLocalJWKSet(again.jwks()))).resolves.toBeDefined();
    expect(decodeJwt(token).iss).toBe('http://idp');
  });

  it('refuses a key that is not a private Ed25519 JWK', () => {
    expect(() => DevTokenIssuer.fromPrivateJwk('i', idp.jwks().keys[0])).toThrow(/private Ed25519/);
    expect(() => DevTokenIssuer.fromPrivateJwk('i', { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' })).toThrow(/private Ed25519/);
    expect(() => DevTokenIssuer.generate('')).toThrow(/issuer/);
  });
});
