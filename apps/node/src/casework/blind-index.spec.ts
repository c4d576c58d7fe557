import { createHmac, hkdfSync } from 'crypto';
import { BlindIndex } from './blind-index';
import { ContentCipher } from '../exchange/content-cipher';

const SECRET = Buffer.alloc(32, 7);

describe('BlindIndex', () => {
  it('is HMAC-SHA-256 of kind NUL value under an HKDF key of its own label', () => {
    const key = Buffer.from(hkdfSync('sha256', SECRET, 'liaison/blind-index', 'notice-terms/v1 hmac-sha256', 32));
    const expected = createHmac('sha256', key).update('phone\u0000+31612345678').digest();
    expect(new BlindIndex(SECRET).hash('phone', '+31612345678')).toEqual(expected);
  });

  it('differs by kind, by value and by node secret, and never contains the term', () => {
    const index = new BlindIndex(SECRET);
    const h = index.hash('phone', '+31612345678');
    expect(h).toHaveLength(32);
    expect(index.hash('name', '+31612345678')).not.toEqual(h);
    expect(index.hash('phone', '+31612345679')).not.toEqual(h);
    expect(new BlindIndex(Buffer.alloc(32, 8)).hash('phone', '+31612345678')).not.toEqual(h);
    expect(h.toString('latin1')).not.toContain('3161234');
  });

  it('names its key by an id that differs by secret, is stable, and is none of its hashes', () => {
    const index = new BlindIndex(SECRET);
    expect(index.keyId).toHaveLength(8);
    expect(new BlindIndex(SECRET).keyId).toEqual(index.keyId);
    expect(new BlindIndex(Buffer.alloc(32, 8)).keyId).not.toEqual(index.keyId);
    const key = Buffer.from(hkdfSync('sha256', SECRET, 'liaison/blind-index', 'notice-terms/v1 hmac-sha256', 32));
    expect(key.includes(index.keyId)).toBe(false);
  });

  it('its key is not the content key (the same secret seals bodies under another label)', () => {
    const sealed = new ContentCipher(SECRET);
    expect(sealed).toBeDefined();
    const contentKey = Buffer.from(hkdfSync('sha256', SECRET, 'liaison/content-at-rest', 'notice-content-at-rest/v2 metadata-bound', 32));
    const indexKey = Buffer.from(hkdfSync('sha256', SECRET, 'liaison/blind-index', 'notice-terms/v1 hmac-sha256', 32));
    expect(indexKey.equals(contentKey)).toBe(false);
  });
});
