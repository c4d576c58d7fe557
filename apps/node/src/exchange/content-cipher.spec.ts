import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'crypto';
import { ContentAlteredError, ContentBinding, ContentCipher } from './content-cipher';

const secret = new Uint8Array(32).fill(7);
const notice: ContentBinding = {
  id: '019cade2-11c0-7886-a631-a1e2f0ac83cc',
  direction: 'inbound',
  sender: 'ES',
  recipients: ['NL'],
  kind: 'identity-query',
  priority: 'urgent',
  handlingCode: 'H2',
  handlingRestriction: null,
  grades: { source: 'B', information: 2 },
  re: null,
  issuedAt: new Date('2026-12-01T10:00:00Z'),
  expiresAt: new Date('2026-12-08T10:00:00Z'),
};
const body = { names: { family: 'Janssen' } };

/** A body sealed the way version 1 did (key from the same secret, only the id as associated data). */
function sealV1(id: string, value: unknown, tagLength = 16): Buffer {
  const key = Buffer.from(hkdfSync('sha256', secret, 'liaison', 'notice-content-at-rest/v1', 32));
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: tagLength });
  cipher.setAAD(Buffer.from(id));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), nonce, cipher.getAuthTag(), ciphertext]);
}

describe('ContentCipher (notice bodies at rest)', () => {
  const cipher = new ContentCipher(secret);

  it('round-trips a body bound to its row', () => {
    expect(cipher.open(notice, cipher.seal(notice, body))).toEqual(body);
  });

  it('refuses a body whose handling code, restriction, grades, sender or id changed in the database', () => {
    const sealed = cipher.seal(notice, body);
    for (const altered of [
      { ...notice, handlingCode: 'H0' },
      { ...notice, handlingRestriction: 'none' },
      { ...notice, grades: { source: 'A', information: 1 } },
      { ...notice, sender: 'CO' },
      { ...notice, id: '019cade2-11c0-7886-a631-a1e2f0ac83cd' },
      { ...notice, recipients: ['NL', 'CO'] },
    ]) {
      expect(() => cipher.open(altered, sealed)).toThrow(ContentAlteredError);
    }
  });

  it('still opens rows written by version 1 (id-bound), so the upgrade needs no migration', () => {
    expect(cipher.open(notice, sealV1(notice.id, body))).toEqual(body);
    expect(() => cipher.open({ ...notice, id: '019cade2-11c0-7886-a631-a1e2f0ac83cd' }, sealV1(notice.id, body))).toThrow(ContentAlteredError);
  });

  it('enforces 16-byte tags: a 4-byte tag does not authenticate anything', () => {
    const short = sealV1(notice.id, body, 4);
    // Same layout, but the tag field now holds 4 tag bytes and 12 bytes of ciphertext.
    expect(() => cipher.open(notice, short)).toThrow(ContentAlteredError);
  });

  it('derives its key from the secret under its own label: a body does not open under the raw key-encryption key', () => {
    const sealed = cipher.seal(notice, body);
    const raw = createDecipheriv('aes-256-gcm', Buffer.from(secret), sealed.subarray(1, 13), { authTagLength: 16 });
    raw.setAuthTag(sealed.subarray(13, 29));
    raw.update(sealed.subarray(29));
    expect(() => raw.final()).toThrow();
    expect(() => new ContentCipher(new Uint8Array(32).fill(8)).open(notice, sealed)).toThrow(ContentAlteredError);
  });

  it('refuses unknown versions and truncated values', () => {
    const sealed = cipher.seal(notice, body);
    expect(() => cipher.open(notice, Buffer.concat([Buffer.from([3]), sealed.subarray(1)]))).toThrow(ContentAlteredError);
    expect(() => cipher.open(notice, sealed.subarray(0, 20))).toThrow(ContentAlteredError);
  });
});
