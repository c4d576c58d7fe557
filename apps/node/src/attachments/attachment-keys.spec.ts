import { randomBytes } from 'crypto';
import { AttachmentKeyAlteredError, AttachmentKeys } from './attachment-keys';

describe('AttachmentKeys (content keys at rest)', () => {
  const secret = randomBytes(32);
  const keys = new AttachmentKeys(secret);
  const key = randomBytes(32);

  it('wraps a content key so that only its own attachment row opens it', () => {
    const wrapped = keys.wrap('NL', 'a', key);
    expect(wrapped.includes(key)).toBe(false);
    expect(keys.unwrap('NL', 'a', wrapped).equals(key)).toBe(true);
    expect(() => keys.unwrap('NL', 'b', wrapped)).toThrow(AttachmentKeyAlteredError);
    expect(() => keys.unwrap('ES', 'a', wrapped)).toThrow(AttachmentKeyAlteredError);
  });

  it('refuses a key wrapped under another secret, an altered or an emptied one', () => {
    const wrapped = keys.wrap('NL', 'a', key);
    expect(() => new AttachmentKeys(randomBytes(32)).unwrap('NL', 'a', wrapped)).toThrow(AttachmentKeyAlteredError);
    const altered = Buffer.from(wrapped);
    altered[altered.length - 1] ^= 1;
    expect(() => keys.unwrap('NL', 'a', altered)).toThrow(AttachmentKeyAlteredError);
    expect(() => keys.unwrap('NL', 'a', Buffer.alloc(0))).toThrow(AttachmentKeyAlteredError);
    expect(() => keys.wrap('NL', 'a', randomBytes(16))).toThrow(RangeError);
  });
});
