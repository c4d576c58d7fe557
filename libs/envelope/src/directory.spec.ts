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
    expect(await verifyDirectory(jws, root.publicJwk)).toEqual({ ok: true, directory: { ...dir, expires_at: expect.any(String) } });
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
    expect(await store.init()).toEqual({ state: 'empty', serial: null });
    const v2 = await signDirectory(dir, root.privateJwk);
    const dir3 = revokeKey(dir, ee.encryption.kid, { at: at(10) });
    const v3 = await signDirectory(dir3, root.privateJwk);
    expect(await store.accept(v3)).toMatchObject({ ok: true, changed: true, persisted: true });
    expect(cache.stored).toBe(v3);
    expect(await store.accept(v2)).toMatchObject({ ok: false, reason: 'rollback' });
    expect(store.current()).toEqual({ ...dir3, expires_at: expect.any(String) });
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
    expect(await store.init()).toEqual({ state: 'loaded', serial: 2 });
    expect(store.current()).toEqual({ ...dir, expires_at: expect.any(String) });
    // A tampered cache is not trusted.
    const tampered = new TrustStore(root.publicJwk, new MemoryDirectoryCache(cache.stored!.slice(0, -3) + 'AAA'));
    expect(await tampered.init()).toMatchObject({ state: 'unreadable', reason: expect.stringMatching(/^bad_signature/) });
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
  it('applies validity bounds and retirement as of the issued-at time, revocation whatever the time', async () => {
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
    // Revoked: nothing verifies any more, whatever it is dated (its thief can date anything).
    expect(resolveDirectoryKey(revoked, kid, 'sig', at(19))).toMatchObject({ status: 'not_valid', reason: 'revoked' });
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

describe('directory expiry (hole 5: no freeze)', () => {
  it('signDirectory sets expires_at (default 30 days, configurable); a directory without one does not verify', async () => {
    const { root, dir } = await setup();
    const now = new Date('2026-03-01T00:00:00Z');
    const signed = await verifyDirectory(await signDirectory(dir, root.privateJwk, { now }), root.publicJwk);
    expect(signed).toMatchObject({ ok: true, directory: { expires_at: '2026-03-31T00:00:00.000Z' } });
    const week = await verifyDirectory(await signDirectory(dir, root.privateJwk, { now, validityDays: 7 }), root.publicJwk);
    expect(week).toMatchObject({ ok: true, directory: { expires_at: '2026-03-08T00:00:00.000Z' } });
    await expect(signDirectory(dir, root.privateJwk, { validityDays: 367 })).rejects.toThrow('1..366 days');
    const key = await importJWK({ kty: 'OKP', crv: 'Ed25519', x: root.privateJwk.x, d: root.privateJwk.d }, 'EdDSA');
    const noExpiry = await new CompactSign(new TextEncoder().encode(JSON.stringify(dir)))
      .setProtectedHeader({ alg: 'EdDSA', typ: 'liaison-directory+jws', kid: root.publicJwk.kid })
      .sign(key);
    expect(await verifyDirectory(noExpiry, root.publicJwk)).toMatchObject({ ok: false, reason: 'invalid_directory', detail: 'expires_at is missing' });
  });

  it('status() reports age, expiry, a warning period and expiry; an expired directory is not adopted', async () => {
    const { root, dir } = await setup();
    const signedAt = new Date('2026-03-01T00:00:00Z');
    let now = signedAt;
    const store = new TrustStore(root.publicJwk, new MemoryDirectoryCache(), { warningSeconds: 7 * 86_400 }, () => now);
    expect(store.status()).toMatchObject({ serial: null, stale: true, expired: true });
    expect(await store.accept(await signDirectory(dir, root.privateJwk, { now: signedAt }))).toMatchObject({ ok: true });
    now = new Date('2026-03-02T00:00:00Z');
    expect(store.status()).toEqual({
      serial: 2, issuedAt: dir.issued_at, expiresAt: '2026-03-31T00:00:00.000Z',
      ageSeconds: Math.floor((now.getTime() - T0.getTime()) / 1000), expiresInSeconds: 29 * 86_400, stale: false, expired: false,
    });
    now = new Date('2026-03-25T00:00:00Z');
    expect(store.status()).toMatchObject({ stale: true, expired: false });
    now = new Date('2026-03-31T00:00:00Z');
    expect(store.status()).toMatchObject({ stale: true, expired: true, expiresInSeconds: 0 });
    // A directory already past its expiry when it arrives is refused (a replayed old one).
    const old = await signDirectory({ ...dir, serial: 3 }, root.privateJwk, { now: new Date('2026-02-01T00:00:00Z'), validityDays: 10 });
    expect(await store.accept(old)).toMatchObject({ ok: false, reason: 'expired' });
  });
});

describe('highest adopted serial (hole 5: no rollback after a lost cache)', () => {
  it('refuses a directory below the highest serial ever adopted, even when the cached JWS is gone', async () => {
    const { root, dir } = await setup();
    const v5 = await signDirectory({ ...dir, serial: 5 }, root.privateJwk);
    const v4 = await signDirectory({ ...dir, serial: 4 }, root.privateJwk);
    const first = new MemoryDirectoryCache();
    const store = new TrustStore(root.publicJwk, first);
    await store.accept(v5);
    expect(first.highest).toBe(5);
    // The JWS is lost (or replaced by an older one), the serial record is not.
    const lost = new MemoryDirectoryCache(null, 5);
    expect(await new TrustStore(root.publicJwk, lost).init()).toMatchObject({ state: 'unreadable', reason: expect.stringContaining('serial 5 was adopted') });
    const replaced = new MemoryDirectoryCache(v4, 5);
    expect(await new TrustStore(root.publicJwk, replaced).init()).toMatchObject({ state: 'unreadable', reason: expect.stringMatching(/^rollback/) });
    // Bootstrapped (started anyway), it still refuses the older directory, and takes serial 5 or later.
    const restarted = new TrustStore(root.publicJwk, lost);
    await restarted.init();
    expect(await restarted.accept(v4)).toMatchObject({ ok: false, reason: 'rollback' });
    expect(await restarted.accept(v5)).toMatchObject({ ok: true, changed: true });
    // An unreadable record is unreadable trust state, never an empty one.
    const broken = new TrustStore(root.publicJwk, { load: async () => null, save: async () => undefined, highestSerial: () => Promise.reject(new Error('db down')) });
    expect(await broken.init()).toEqual({ state: 'unreadable', serial: null, reason: 'cache unreadable' });
  });
});

describe('root rotation and serial jumps (hole 6)', () => {
  it('a pinned root set: directories of either root verify; dropping the old root ends its authority', async () => {
    const { root, dir } = await setup();
    const successor = await generateRootKey();
    const set = { keys: [root.publicJwk, successor.publicJwk] };
    const store = new TrustStore(set, new MemoryDirectoryCache());
    expect(await store.accept(await signDirectory(dir, root.privateJwk))).toMatchObject({ ok: true });
    expect(await store.accept(await signDirectory({ ...dir, serial: 3 }, successor.privateJwk))).toMatchObject({ ok: true, changed: true });
    expect(await verifyDirectory(await signDirectory({ ...dir, serial: 4 }, root.privateJwk), [successor.publicJwk])).toMatchObject({ ok: false, reason: 'wrong_key' });
    expect(await verifyDirectory(await signDirectory(dir, root.privateJwk), { keys: [] })).toMatchObject({ ok: false, reason: 'wrong_key' });
  });

  it('caps the serial step, so a stolen root cannot publish 2^53-1 and block every later update', async () => {
    const { root, dir } = await setup();
    const store = new TrustStore(root.publicJwk, new MemoryDirectoryCache(), { maxSerialJump: 1000 });
    await store.accept(await signDirectory(dir, root.privateJwk));
    const huge = await signDirectory({ ...dir, serial: Number.MAX_SAFE_INTEGER }, root.privateJwk);
    expect(await store.accept(huge)).toMatchObject({ ok: false, reason: 'serial_jump' });
    expect(await store.accept(await signDirectory({ ...dir, serial: 1003 }, root.privateJwk))).toMatchObject({ ok: false, reason: 'serial_jump' });
    expect(await store.accept(await signDirectory({ ...dir, serial: 1002 }, root.privateJwk))).toMatchObject({ ok: true, changed: true });
  });
});
