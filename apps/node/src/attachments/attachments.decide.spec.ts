import { CHUNK_BYTES, DEFAULT_ATTACHMENT_POLICY } from '@liaison/attachments';
import type { AttachmentRow } from './attachments.repository';
import { byteRange, checkNoticeAttachments, chunksOfRange, transferOutcomes, transfersOf, uploadMediaType } from './attachments.decide';

const row = (over: Partial<AttachmentRow>): AttachmentRow => ({
  sender: 'NL', id: 'a', direction: 'outbound', noticeId: null, name: null, type: 'image/png', size: 10, sha256: 'f'.repeat(64), chunks: 1, chunkSha256: ['e'.repeat(64)],
  wrappedKey: Buffer.alloc(0), status: 'uploaded', statusCode: null, statusDetail: null, chunksRecorded: 1, createdBy: 'op', createdAt: new Date(0), progressAt: new Date(0), completedAt: null,
  ...over,
});

describe('attachment decisions', () => {
  it('reads the declared type of an upload, and refuses what the federation does not allow', () => {
    expect(uploadMediaType('image/JPEG', DEFAULT_ATTACHMENT_POLICY, 10)).toEqual({ ok: true, type: 'image/jpeg' });
    expect(uploadMediaType('text/csv; charset=utf-8', DEFAULT_ATTACHMENT_POLICY, null)).toEqual({ ok: true, type: 'text/csv' });
    const refused = (ct: string | undefined, len: number | null = 10) => {
      const r = uploadMediaType(ct, DEFAULT_ATTACHMENT_POLICY, len);
      return r.ok ? null : [r.refusal.status, r.refusal.code, r.refusal.field];
    };
    expect(refused(undefined)).toEqual([415, 'unsupported_media_type', 'Content-Type']);
    expect(refused('text/html')).toEqual([415, 'unsupported_media_type', 'Content-Type']);
    expect(refused('text/plain; charset=latin1')).toEqual([415, 'unsupported_media_type', 'Content-Type']);
    expect(refused('application/pdf', DEFAULT_ATTACHMENT_POLICY.maxAttachmentBytes + 1)).toEqual([413, 'too_large', 'Content-Length']);
  });

  it('lets a notice carry only its operator\'s unsent uploads, within the limits, with its photo an image among them', () => {
    const body = { photo: { attachment: 'a' } };
    expect(checkNoticeAttachments(['a'], [row({})], 'op', body, DEFAULT_ATTACHMENT_POLICY, '')).toBeNull();
    expect(checkNoticeAttachments(['a'], [row({ createdBy: 'other' })], 'op', body, DEFAULT_ATTACHMENT_POLICY, '')).toMatchObject({ status: 400, field: '/attachments/0' });
    expect(checkNoticeAttachments(['a'], [row({ status: 'uploading' })], 'op', body, DEFAULT_ATTACHMENT_POLICY, '')).toMatchObject({ status: 400 });
    expect(checkNoticeAttachments(['a'], [row({ status: 'attached' })], 'op', body, DEFAULT_ATTACHMENT_POLICY, '/notices/2')).toMatchObject({ status: 409, code: 'attachment_already_sent', field: '/notices/2/attachments/0' });
    expect(checkNoticeAttachments(['a'], [row({ type: 'application/pdf' })], 'op', body, DEFAULT_ATTACHMENT_POLICY, '')).toMatchObject({ status: 400, field: '/body' });
    const big = DEFAULT_ATTACHMENT_POLICY.maxAttachmentBytes;
    expect(checkNoticeAttachments(['a', 'b', 'c'], ['a', 'b', 'c'].map((id) => row({ id, size: big })), 'op', {}, DEFAULT_ATTACHMENT_POLICY, '')).toMatchObject({ status: 413, code: 'too_large' });
  });

  it('serves one byte range, from the chunks that hold it', () => {
    expect(byteRange(undefined, 100)).toBeNull();
    expect(byteRange('bytes=10-19', 100)).toEqual({ start: 10, end: 19 });
    expect(byteRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(byteRange('bytes=-5', 100)).toEqual({ start: 95, end: 99 });
    expect(byteRange('bytes=50-500', 100)).toEqual({ start: 50, end: 99 });
    expect(byteRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(byteRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(byteRange('bytes=0-1,5-6', 100)).toBeNull(); // several ranges: the whole file
    expect(byteRange('bytes=20-10', 100)).toBeNull();
    expect(chunksOfRange({ start: CHUNK_BYTES - 10, end: CHUNK_BYTES + 10 })).toEqual({ first: 0, last: 1, skip: CHUNK_BYTES - 10 });
  });

  it('queues one transfer per attachment and recipient, and reads a recipient\'s attachment receipt', () => {
    const att = [{ id: 'a', chunks: 3 }, { id: 'b', chunks: 1 }] as never;
    expect(transfersOf('n', ['ES', 'CO'], att, new Date(0)).map((t) => `${t.attachmentId}>${t.recipient}:${t.chunks}`)).toEqual(['a>ES:3', 'a>CO:3', 'b>ES:1', 'b>CO:1']);
    expect(transferOutcomes({ attachments: [{ id: 'a', status: 'available', at: 't' }, { id: 'b', status: 'refused', code: 'digest_mismatch', at: 't' }, { id: 'c', status: 'stalled', at: 't' }] })).toEqual([
      { id: 'a', status: 'delivered', code: null },
      { id: 'b', status: 'failed', code: 'digest_mismatch' },
      { id: 'c', status: 'failed', code: 'stalled' },
    ]);
  });
});
