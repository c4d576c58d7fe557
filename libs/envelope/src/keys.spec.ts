import { createPublicKey, verify } from 'node:crypto';
import { inspect } from 'node:util';
import { calculateJwkThumbprint } from 'jose';
import { AgencyKeyring, generateAgencyKeys, KeyFile, KeyFileError, openPrivateKeys, publicJwks, sealPrivateKeys } from './index';

const FAST = { opslimit: 2, memlimit: 64 * 1024 * 1024 }; // libsodium INTERACTIVE

describe('agency keys', () => {
  it('are OKP JWKs (RFC 8037) with the RFC 7638 thumbprint as kid', async () => {
    const keys = await generateAgencyKeys('EEPPA');
    expect(keys.signing).toMatchObject({ kty: 'OKP', crv: 'Ed25519', use: 'sig', alg: 'EdDSA' });
    expect(keys.encryption).toMatchObject({ kty: 'OKP', crv: 'X25519', use: 'enc', alg: 'ECDH-ES+A256KW' });
    for (const jwk of [keys.signing, keys.encryption]) {
      expect(jwk.kid).toBe(await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x }));
      expect(Buffer.from(jwk.x, 'base64url')).toHaveLength(32);
      expect(Buffer.from(jwk.d, 'base64url')).toHaveLength(32);
    }
    const jwks = publicJwks(keys);
    expect(jwks.keys.map((k) => k.kid)).toEqual([keys.signing.kid, keys.encryption.kid]);
    expect(JSON.stringify(jwks)).not.toContain('"d"');
  });

  it('refuses an agency code that is not topic-safe', async () => {
    await expect(generateAgencyKeys('a b')).rejects.toThrow(TypeError);
  });

  it('the keyring signs with node crypto and exposes the raw public key, never the private one', async () => {
    const keys = await generateAgencyKeys('FIKRP');
    const ring = await AgencyKeyring.import(keys);
    expect(ring.agency).toBe('FIKRP');
    expect(ring.signingKid).toBe(keys.signing.kid);
    expect(ring.encryptionKid).toBe(keys.encryption.kid);
    expect(Buffer.from(ring.signingPublicKeyRaw).toString('base64url')).toBe(keys.signing.x);
    const data = Buffer.from('checkpoint body\n');
    const sig = ring.sign(data);
    expect(sig).toHaveLength(64);
    expect(verify(null, data, ring.signingPublicKey, sig)).toBe(true);
    expect(verify(null, data, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: keys.signing.x }, format: 'jwk' }), sig)).toBe(true);
    expect(ring.signingPrivateKey.asymmetricKeyType).toBe('ed25519');
    for (const printed of [JSON.stringify(ring), inspect(ring), String(ring)]) {
      expect(printed).not.toContain(keys.signing.d);
      expect(printed).not.toContain(keys.encryption.d);
    }
  });

  it('the keyring refuses a private key that does not match its public part', async () => {
    const a = await generateAgencyKeys('AG0');
    const b = await generateAgencyKeys('AG0');
    await expect(AgencyKeyring.import({ ...a, signing: { ...a.signing, d: b.signing.d } })).rejects.toThrow('does not match');
  });
});

describe('key files', () => {
  it('round-trip with a passphrase (Argon2id) and keep agency and public keys in the clear', async () => {
    const keys = await generateAgencyKeys('LVVP');
    const file = await sealPrivateKeys(keys, { passphrase: 'correct horse battery staple' }, FAST);
    expect(file).toMatchObject({ format: 'liaison-agency-keys', version: 1, agency: 'LVVP', aead: 'xchacha20poly1305-ietf', kdf: { alg: 'argon2id13', ...FAST } });
    expect(file.public_jwks).toEqual(publicJwks(keys));
    const text = JSON.stringify(file);
    expect(text).not.toContain(keys.signing.d);
    expect(text).not.toContain(keys.encryption.d);
    expect(await openPrivateKeys(text, { passphrase: 'correct horse battery staple' })).toEqual(keys);
  });

  it('round-trip with a 32-byte key-encryption key', async () => {
    const keys = await generateAgencyKeys('LTPD');
    const kek = new Uint8Array(32).fill(7);
    const file = await sealPrivateKeys(keys, { kek });
    expect(file.kdf).toEqual({ alg: 'kek' });
    expect(await openPrivateKeys(file, { kek })).toEqual(keys);
  });

  it('a wrong passphrase, KEK or secret kind is a typed error', async () => {
    const keys = await generateAgencyKeys('SENOA');
    const file = await sealPrivateKeys(keys, { passphrase: 'right' }, FAST);
    await expect(openPrivateKeys(file, { passphrase: 'wrong' })).rejects.toMatchObject({ name: 'KeyFileError', code: 'wrong_secret_or_corrupt' });
    await expect(openPrivateKeys(file, { kek: new Uint8Array(32) })).rejects.toMatchObject({ code: 'secret_kind_mismatch' });
    const kekFile = await sealPrivateKeys(keys, { kek: new Uint8Array(32).fill(1) });
    await expect(openPrivateKeys(kekFile, { kek: new Uint8Array(32).fill(2) })).rejects.toMatchObject({ code: 'wrong_secret_or_corrupt' });
    await expect(openPrivateKeys(kekFile, { kek: new Uint8Array(16) })).rejects.toBeInstanceOf(KeyFileError);
  });

  it('any change to the ciphertext or to the clear fields is detected', async () => {
    const keys = await generateAgencyKeys('DEBKA');
    const other = await generateAgencyKeys('DEBKA');
    const kek = new Uint8Array(32).fill(9);
    const file = await sealPrivateKeys(keys, { kek });
    const ct = Buffer.from(file.ciphertext, 'base64url');
    ct[10] ^= 1;
    const tampered: KeyFile[] = [
      { ...file, ciphertext: ct.toString('base64url') },
      { ...file, agency: 'DELKA' },
      { ...file, public_jwks: publicJwks(other) },
    ];
    for (const t of tampered) await expect(openPrivateKeys(t, { kek })).rejects.toMatchObject({ code: 'wrong_secret_or_corrupt' });
    await expect(openPrivateKeys('{"format":"x"}', { kek })).rejects.toMatchObject({ code: 'malformed' });
    await expect(openPrivateKeys({ ...file, kdf: { alg: 'argon2id13', salt: 'AAAAAAAAAAAAAAAAAAAAAA', opslimit: 1, memlimit: 1024 } } as KeyFile, { passphrase: 'x' })).rejects.toMatchObject({ code: 'weak_parameters' });
  });
});
