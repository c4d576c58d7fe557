import { CompactSign, importJWK } from 'jose';
import {
  addAgency,
  Directory,
  emptyDirectory,
  encryptionKeyFor,
  generateAgencyKeys,
  generateRootKey,
  publicJwks,
  resolveDirectoryKey,
  revokeKey,
  rotateKeys,
  signDirectory,
  TrustStore,
  verifyDirectory,
} from './index';
import { MemoryDirectoryCache } from './testing/fixtures';

const T0 = new Date('2026-01-01T00:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * 86_400_000);

async function setup() {
  const root = await generateRootKey();
  const ee = await generateAgencyKeys('EEPPA');
  const fi = await generateAgencyKeys('FIKRP');
  let dir = emptyDirectory('baltic-nordic', T0);
  dir = addAgency(dir, { code: 'EEPPA', name: 'Police and Border Guard Board', country: 'EE', keys: publicJwks(ee) }, { at: T0 });
  dir = addAgency(dir, { code: 'FIKRP', name: 'National Bureau of Investigation', country: 'FI', keys: publicJwks(fi) }, { at: T0, validityDays: 365 });
  return { root, ee, fi, dir };
}

describe('directory signing', () => {
  it('signs a compact EdDSA JWS with typ liaison-directory+jws that verifies under the pinned root', async () => {
    const { root, dir } = await setup();
    expect(dir.serial).toBe(2);
    const jws = await signDirectory(dir, root.privateJwk);
    const header = JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString());
    expect(header).toEqual({ alg: 'EdDSA', typ: 'liaison-directory+jws', kid: root.publicJwk.kid });
    expect(await verifyDirectory(jws, root.publicJwk)).toEqual({ ok: true, directory: dir });
  });

  it('refuses unsigned, other-key, forged and invalid directories with typed reasons', async () => {
    const { root, dir } = await setup();
    const other = await generateRootKey();
    const payload = Buffer.from(JSON.stringify(dir)).toString('base64url');
    const none = `${Buffer.from('{"alg":"none","typ":"liaison-directory+jws"}').toString('base64url')}.${payload}.`;
    expect(await verifyDirectory(none, root.publicJwk)).toMatchObject({ ok: false, reason: 'unsigned' });
    expect(await verifyDirectory(JSON.stringify(dir), root.publicJwk)).toMatchObject({ ok: false, reason: 'unsigned' });
    expect(await verifyDirectory(await signDirectory(dir, other.privateJwk), root.publicJwk)).toMatchObject({ ok: false, reason: 'wrong_key' });
    // Signed by another key that claims the root's kid.
    const forged = await signDirectory(dir, { ...other.privateJwk, kid: root.publicJwk.kid });
    expect(await verifyDirectory(forged, root.publicJwk)).toMatchObject({ ok: false, reason: 'bad_signature' });
    // Properly signed but carrying a private key member.
    const bad = structuredClone(dir) as Directory;
    (bad.agencies[0].keys[0].jwk as unknown as Record<string, string>).d = 'AAAA';
    const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: root.privateJwk.x, d: root.privateJwk.d }, 'EdDSA');
    const signedBad = await new CompactSign(Buffer.from(JSON.stringify(bad))).setProtectedHeader({ alg: 'EdDSA', typ: 'liaison-directory+jws', kid: root.publicJwk.kid }).sign(key);
    expect(await verifyDirectory(signedBad, root.publicJwk)).toMatchObject({ ok: false, reason: 'invalid_directory' });
    await expect(signDirectory(bad, root.privateJwk)).rejects.toThrow('invalid directory');
    expect(await verifyDirectory('garbage', root.publicJwk)).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('TrustStore', () => {
  it('moves forward only: refuses rollback, another federation and a different directory with the same serial', async () => {
    const { root, ee, dir } = await setup();
    const cache = new MemoryDirectoryCache();
    const store = new TrustStore(root.publicJwk, cache);
    expect(await store.init()).toEqual({ loaded: false, serial: null });
    const v2 = await signDirectory(dir, root.privateJwk);
    const dir3 = revokeKey(dir, ee.encryption.kid, { at: at(10) });
    const v3 = await signDirectory(dir3, root.privateJwk);
    expect(await store.accept(v3)).toMatchObject({ ok: true, changed: true, persisted: true });
    expect(cache.stored).toBe(v3);
    expect(await store.accept(v2)).toMatchObject({ ok: false, reason: 'rollback' });
    expect(store.current()).toEqual(dir3);
    expect(await store.accept(v3)).toMatchObject({ ok: true, changed: false });
    const sibling = await signDirectory({ ...dir3, issued_at: at(11).toISOString() }, root.privateJwk);
    expect(await store.accept(sibling)).toMatchObject({ ok: false, reason: 'serial_conflict' });
    const foreign = await signDirectory({ ...dir3, serial: 9, federation: 'other' }, root.privateJwk);
    expect(await store.accept(foreign)).toMatchObject({ ok: false, reason: 'federation_mismatch' });
    const stranger = await generateRootKey();
    expect(await store.accept(await signDirectory({ ...dir3, serial: 9 }, stranger.privateJwk))).toMatchObject({ ok: false, reason: 'wrong_key' });
    expect(store.serial).toBe(3);
  });

  it('restarts from the cached directory and keeps it when the source is unreachable', async () => {
    const { root, dir } = await setup();
    const cache = new MemoryDirectoryCache(await signDirectory(dir, root.privateJwk));
    const store = new TrustStore(root.publicJwk, cache);
    expect(await store.init()).toEqual({ loaded: true, serial: 2 });
    expect(store.current()).toEqual(dir);
    // A tampered cache is not trusted.
    const tampered = new TrustStore(root.publicJwk, new MemoryDirectoryCache(cache.stored!.slice(0, -3) + 'AAA'));
    expect(await tampered.init()).toMatchObject({ loaded: false, reason: expect.stringMatching(/^bad_signature/) });
    expect(tampered.current()).toBeNull();
    // The cache write fails: the verified directory is still used, reported as not persisted.
    const failing = new TrustStore(root.publicJwk, { load: async () => null, save: () => Promise.reject(new Error('disk full')) });
    expect(await failing.accept(cache.stored!)).toMatchObject({ ok: true, persisted: false });
    expect(failing.serial).toBe(2);
  });

  it('serialises concurrent accepts so the highest serial wins', async () => {
    const { root, dir } = await setup();
    const store = new TrustStore(root.publicJwk, new MemoryDirectoryCache());
    const jwss = await Promise.all([5, 3, 4].map((serial) => signDirectory({ ...dir, serial }, root.privateJwk)));
    await Promise.all(jwss.map((j) => store.accept(j)));
    expect(store.serial).toBe(5);
  });
});

describe('key resolution and rotation rules', () => {
  it('applies validity bounds, retirement and revocation as of the issued-at time', async () => {
    const { ee, fi, dir } = await setup();
    const kid = ee.signing.kid;
    expect(resolveDirectoryKey(dir, kid, 'sig', at(1))).toMatchObject({ status: 'valid', agency: 'EEPPA' });
    expect(resolveDirectoryKey(dir, kid, 'enc', at(1))).toEqual({ status: 'unknown' });
    expect(resolveDirectoryKey(dir, 'nope', 'sig', at(1))).toEqual({ status: 'unknown' });
    expect(resolveDirectoryKey(dir, kid, 'sig', at(-1))).toMatchObject({ status: 'not_valid', reason: 'not_yet_valid' });
    expect(resolveDirectoryKey(dir, fi.signing.kid, 'sig', at(365))).toMatchObject({ status: 'not_valid', reason: 'expired' });

    const next = await generateAgencyKeys('EEPPA');
    const rotated = rotateKeys(dir, 'EEPPA', publicJwks(next), { at: at(30) });
    expect(rotated.serial).toBe(dir.serial + 1);
    expect(dir.agencies[0].keys[0].status).toBe('active'); // pure
    expect(resolveDirectoryKey(rotated, kid, 'sig', at(29))).toMatchObject({ status: 'valid' });
    expect(resolveDirectoryKey(rotated, kid, 'sig', at(30))).toMatchObject({ status: 'not_valid', reason: 'retired' });
    expect(resolveDirectoryKey(rotated, next.signing.kid, 'sig', at(30))).toMatchObject({ status: 'valid' });
    expect(encryptionKeyFor(rotated, 'EEPPA', at(31))?.kid).toBe(next.encryption.kid);

    const revoked = revokeKey(rotated, kid, { at: at(20) });
    expect(resolveDirectoryKey(revoked, kid, 'sig', at(19))).toMatchObject({ status: 'valid' });
    expect(resolveDirectoryKey(revoked, kid, 'sig', at(20))).toMatchObject({ status: 'not_valid', reason: 'revoked' });
    const revokedEnc = revokeKey(dir, fi.encryption.kid, { at: at(5) });
    expect(encryptionKeyFor(revokedEnc, 'FIKRP', at(6))).toBeNull();
  });

  it('dates new keys from the whole second, so an envelope dated (iat) in the second a key was added verifies', async () => {
    const keys = await generateAgencyKeys('LVVP');
    const added = new Date('2026-01-01T10:00:05.300Z');
    const dir = addAgency(emptyDirectory('baltic-nordic', T0), { code: 'LVVP', name: 'State Police', country: 'LV', keys: publicJwks(keys) }, { at: added });
    expect(dir.agencies[0].keys[0].not_before).toBe('2026-01-01T10:00:05.000Z');
    const iat = new Date(Math.floor(added.getTime() / 1000) * 1000);
    expect(resolveDirectoryKey(dir, keys.signing.kid, 'sig', iat)).toMatchObject({ status: 'valid' });
    expect(resolveDirectoryKey(dir, keys.signing.kid, 'sig', new Date(iat.getTime() - 1000))).toMatchObject({ status: 'not_valid', reason: 'not_yet_valid' });
  });

  it('editing helpers refuse unknown agencies, keys and duplicates', async () => {
    const { ee, dir } = await setup();
    expect(() => addAgency(dir, { code: 'EEPPA', name: 'x', country: 'EE', keys: publicJwks(ee) })).toThrow('already listed');
    expect(() => rotateKeys(dir, 'XX', publicJwks(ee))).toThrow('not listed');
    expect(() => revokeKey(dir, 'nope')).toThrow('not listed');
  });
});
