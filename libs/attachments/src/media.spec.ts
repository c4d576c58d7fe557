import { ConfigError, EnvReader } from '@liaison/config';
import {
  attachmentPolicyFromEnv,
  BUILT_IN_MEDIA,
  checkAttachmentPolicy,
  checkMedia,
  DEFAULT_ATTACHMENT_POLICY,
  DEFAULT_MAX_ATTACHMENT_BYTES,
  DEFAULT_MAX_NOTICE_ATTACHMENT_BYTES,
  mediaRule,
  mediaTypeOfFileName,
  parseMediaAllowList,
} from './index';

const files: Record<string, Buffer> = {
  'image/jpeg': Buffer.from('ffd8ffe000104a464946000101', 'hex'),
  'image/png': Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
  'image/webp': Buffer.concat([Buffer.from('RIFF'), Buffer.from([1, 2, 3, 4]), Buffer.from('WEBPVP8 ')]),
  'image/heic': Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(8)]),
  'application/pdf': Buffer.from('%PDF-1.4\n%âãÏÓ\n', 'latin1'),
  'text/plain': Buffer.from('Nombre: María José\r\nAlias: «la Güera»\tfin\n'),
  'text/csv': Buffer.from('name,phone\n"Ana",+34 600 000 000\n'),
};
const rule = (type: string) => mediaRule(DEFAULT_ATTACHMENT_POLICY, type)!;

describe('media types and magic bytes', () => {
  it.each(Object.keys(files))('accepts a genuine %s', (type) => {
    expect(checkMedia(files[type], rule(type), BUILT_IN_MEDIA)).toBeNull();
  });

  it.each(Object.keys(files).filter((t) => !t.startsWith('text/')))('refuses a %s declared as another type', (type) => {
    for (const other of Object.keys(files).filter((t) => t !== type)) {
      expect({ type, other, reason: checkMedia(files[type], rule(other), BUILT_IN_MEDIA) }).toEqual({ type, other, reason: expect.any(String) });
    }
  });

  it('refuses text that is not UTF-8 or has control characters, even split across pieces', () => {
    expect(checkMedia(Buffer.from([0x61, 0xff, 0x62]), rule('text/plain'), BUILT_IN_MEDIA)).toMatch(/not UTF-8/);
    expect(checkMedia(Buffer.from('a\u0000b'), rule('text/csv'), BUILT_IN_MEDIA)).toMatch(/control/);
    expect(checkMedia(Buffer.from('a\u001bb'), rule('text/csv'), BUILT_IN_MEDIA)).toMatch(/control/);
    expect(checkMedia(Buffer.from([0x61, 0xc3]), rule('text/plain'), BUILT_IN_MEDIA)).toMatch(/not UTF-8/); // cut mid-sequence
  });

  it('reads the federation allow-list: extra types, with or without a signature', () => {
    const extra = parseMediaAllowList('application/zip@0:504b0304, application/vnd.ms-outlook');
    expect(extra).toEqual([
      { type: 'application/zip', signature: { offset: 0, bytes: Buffer.from('504b0304', 'hex') } },
      { type: 'application/vnd.ms-outlook', signature: undefined },
    ]);
    const rules = [...BUILT_IN_MEDIA, ...(extra as never[])];
    expect(checkMedia(Buffer.from('504b030414', 'hex'), rules[7], rules)).toBeNull();
    expect(checkMedia(files['image/jpeg'], rules[7], rules)).toMatch(/signature/);
    expect(checkMedia(files['image/jpeg'], rules[8], rules)).toBe('declared application/vnd.ms-outlook but the file is image/jpeg');
    expect(parseMediaAllowList('text/html')).toMatch(/active content/);
    expect(parseMediaAllowList('image/jpeg')).toMatch(/built in/);
    expect(parseMediaAllowList('zip')).toMatch(/not type\/subtype/);
  });
});

describe('attachment policy', () => {
  const d = (type: string, size: number) => ({ id: 'x', type, size, sha256: '', key: '', chunks: 1, chunk_sha256: [] });
  it('defaults to 50 MiB each, 100 MiB per notice, built-in types', () => {
    expect(attachmentPolicyFromEnv(new EnvReader({}))).toEqual(DEFAULT_ATTACHMENT_POLICY);
    expect(checkAttachmentPolicy(DEFAULT_ATTACHMENT_POLICY, [d('application/pdf', DEFAULT_MAX_ATTACHMENT_BYTES), d('image/png', 1)])).toBeNull();
    expect(checkAttachmentPolicy(DEFAULT_ATTACHMENT_POLICY, [d('application/pdf', DEFAULT_MAX_ATTACHMENT_BYTES + 1)])).toMatch(/larger than/);
    const three = [1, 2, 3].map(() => d('application/pdf', DEFAULT_MAX_NOTICE_ATTACHMENT_BYTES / 3 + 1));
    expect(checkAttachmentPolicy(DEFAULT_ATTACHMENT_POLICY, three)).toMatch(/in all/);
    expect(checkAttachmentPolicy(DEFAULT_ATTACHMENT_POLICY, [d('application/zip', 1)])).toMatch(/not allowed/);
  });

  it('is configured per federation, and a wrong value names the variable', () => {
    const p = attachmentPolicyFromEnv(new EnvReader({ LIAISON_ATTACHMENT_MAX_BYTES: '1000', LIAISON_ATTACHMENT_MAX_NOTICE_BYTES: '1500', LIAISON_ATTACHMENT_MEDIA_TYPES: 'application/zip' }));
    expect(p).toMatchObject({ maxAttachmentBytes: 1000, maxNoticeBytes: 1500 });
    expect(checkAttachmentPolicy(p, [d('application/zip', 1000)])).toBeNull();
    expect(() => attachmentPolicyFromEnv(new EnvReader({ LIAISON_ATTACHMENT_MEDIA_TYPES: 'bad' }))).toThrow(ConfigError);
    expect(() => attachmentPolicyFromEnv(new EnvReader({ LIAISON_ATTACHMENT_MAX_BYTES: '1000', LIAISON_ATTACHMENT_MAX_NOTICE_BYTES: '999' }))).toThrow(/LIAISON_ATTACHMENT_MAX_NOTICE_BYTES/);
  });

  it('takes the media type of a file from its extension when none is given', () => {
    expect(mediaTypeOfFileName('/tmp/Foto Pérez.JPG', BUILT_IN_MEDIA)).toBe('image/jpeg');
    expect(mediaTypeOfFileName('scan.jpeg', BUILT_IN_MEDIA)).toBe('image/jpeg');
    expect(mediaTypeOfFileName('report.pdf', BUILT_IN_MEDIA)).toBe('application/pdf');
    expect(mediaTypeOfFileName('numbers.csv', BUILT_IN_MEDIA)).toBe('text/csv');
    expect(mediaTypeOfFileName('page.html', BUILT_IN_MEDIA)).toBeNull();
    expect(mediaTypeOfFileName('pdf', BUILT_IN_MEDIA)).toBeNull();
    expect(mediaTypeOfFileName('dir.png/file', BUILT_IN_MEDIA)).toBeNull();
  });
});
