// The node-crypto JOSE path against jose, both ways: what one seals or signs, the other opens or
// verifies, and any altered byte fails.
import { generateKeyPairSync, KeyObject } from 'crypto';
import { CompactSign, compactVerify, GeneralEncrypt, generalDecrypt } from 'jose';
import { decryptJweFor, encryptGeneralJwe, GeneralJwe, JweRecipientKey, signCompactJws, verifyCompactJws } from './jose-primitives';

const x25519 = () => generateKeyPairSync('x25519');
const plaintext = Buffer.from('eyJhbGciOiJFZERTQSJ9.payload.signature — ünïcode and 1 KiB '.repeat(20));
const PROTECTED = { enc: 'A256GCM', cty: 'JWT' };

/** Our decryption of recipient `i`, taking epk from wherever the JWE put it. */
function openAs(jwe: GeneralJwe, i: number, key: KeyObject): Buffer {
  const prot = JSON.parse(Buffer.from(jwe.protected, 'base64url').toString()) as { epk?: { x: string } };
  const epk = jwe.recipients[i].header.epk ?? prot.epk;
  if (!epk) throw new Error('no epk');
  return decryptJweFor(jwe, { epk, encryptedKey: jwe.recipients[i].encrypted_key }, key);
}

describe('JOSE on node crypto, checked against jose', () => {
  const recipients = ['AA', 'BB', 'CC'].map((kid) => ({ kid, pair: x25519() }));
  const wrapTo = (n: number): JweRecipientKey[] =>
    recipients.slice(0, n).map((r) => ({ kid: r.kid, key: r.pair.publicKey }));

  it.each([1, 3])('jose opens a JWE sealed for %i recipient(s), each with its own key; epk placed as jose places it', async (n) => {
    const jwe = encryptGeneralJwe(plaintext, PROTECTED, wrapTo(n));
    const prot = JSON.parse(Buffer.from(jwe.protected, 'base64url').toString());
    expect(Object.keys(prot)).toEqual(n === 1 ? ['enc', 'cty', 'epk'] : ['enc', 'cty']);
    expect(jwe.recipients.every((r) => ('epk' in r.header) === (n > 1))).toBe(true);
    for (const r of recipients.slice(0, n)) {
      const opened = await generalDecrypt(jwe, r.pair.privateKey, { keyManagementAlgorithms: ['ECDH-ES+A256KW'], contentEncryptionAlgorithms: ['A256GCM'] });
      expect(Buffer.from(opened.plaintext)).toEqual(plaintext);
    }
  });

  it.each([1, 3])('opens a JWE that jose sealed for %i recipient(s)', async (n) => {
    const enc = new GeneralEncrypt(plaintext).setProtectedHeader(PROTECTED);
    for (const r of recipients.slice(0, n)) enc.addRecipient(r.pair.publicKey).setUnprotectedHeader({ alg: 'ECDH-ES+A256KW', kid: r.kid });
    const jwe = (await enc.encrypt()) as unknown as GeneralJwe;
    recipients.slice(0, n).forEach((r, i) => expect(openAs(jwe, i, r.pair.privateKey)).toEqual(plaintext));
  });

  it('refuses a wrong key, a low-order epk and any altered member', () => {
    const jwe = encryptGeneralJwe(plaintext, PROTECTED, wrapTo(3));
    expect(() => openAs(jwe, 0, recipients[1].pair.privateKey)).toThrow();
    const zeroEpk = { ...jwe, recipients: [{ ...jwe.recipients[0], header: { ...jwe.recipients[0].header, epk: { kty: 'OKP' as const, crv: 'X25519' as const, x: Buffer.alloc(32).toString('base64url') } } }] };
    expect(() => openAs(zeroEpk, 0, recipients[0].pair.privateKey)).toThrow();
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64url');
      bytes[bytes.length - 1] ^= 1;
      return bytes.toString('base64url');
    };
    for (const member of ['iv', 'ciphertext', 'tag'] as const) {
      expect(() => openAs({ ...jwe, [member]: flip(jwe[member]) }, 0, recipients[0].pair.privateKey)).toThrow();
    }
    const altered = { ...jwe, recipients: [{ ...jwe.recipients[0], encrypted_key: flip(jwe.recipients[0].encrypted_key) }] };
    expect(() => openAs(altered, 0, recipients[0].pair.privateKey)).toThrow();
    const otherProtected = { ...jwe, protected: Buffer.from(JSON.stringify({ cty: 'JWT', enc: 'A256GCM' })).toString('base64url') };
    expect(() => openAs(otherProtected, 0, recipients[0].pair.privateKey)).toThrow();
  });

  it('signs EdDSA compact JWS that jose verifies, and verifies what jose signed', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const payload = Buffer.from('{"jti":"x","body":"ünïcode"}');
    const ours = signCompactJws({ alg: 'EdDSA', kid: 'k1', typ: 'JWT' }, payload, privateKey);
    const checked = await compactVerify(ours, publicKey, { algorithms: ['EdDSA'] });
    expect(checked.protectedHeader).toEqual({ alg: 'EdDSA', kid: 'k1', typ: 'JWT' });
    expect(Buffer.from(checked.payload)).toEqual(payload);
    const theirs = await new CompactSign(payload).setProtectedHeader({ alg: 'EdDSA', kid: 'k1', typ: 'JWT' }).sign(privateKey);
    expect(verifyCompactJws(theirs, publicKey)).toBe(true);
    expect(verifyCompactJws(theirs, generateKeyPairSync('ed25519').publicKey)).toBe(false);
    const [h, p, s] = theirs.split('.');
    expect(verifyCompactJws(`${h}.${Buffer.from('{"jti":"y"}').toString('base64url')}.${s}`, publicKey)).toBe(false);
    expect(verifyCompactJws(`${h}.${p}.${Buffer.alloc(64).toString('base64url')}`, publicKey)).toBe(false);
  });
});
