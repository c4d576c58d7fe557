import { createHash, randomBytes } from 'node:crypto';
import { uuidv7 } from '@liaison/ids';
import {
  AttachmentDescriptor,
  AttachmentOpener,
  AttachmentSealer,
  attachmentFacts,
  isStalled,
  CHUNK_BYTES,
  checkAttachments,
  chunkCount,
  chunkHeaders,
  chunkNonce,
  decideChunk,
  DEFAULT_ATTACHMENT_POLICY,
  MAX_CHUNK_MESSAGE_BYTES,
  openChunk,
  orderedDescriptor,
  parseChunkHeaders,
  sealChunk,
  TAG_BYTES,
} from './index';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const PDF_HEAD = Buffer.from('%PDF-1.7\n');

/** Seals `file` as an attachment, pushing it in pieces of `piece` bytes. */
function seal(file: Buffer, type = 'application/pdf', piece = 100_000): { d: AttachmentDescriptor; chunks: Buffer[] } {
  const key = randomBytes(32);
  const id = uuidv7();
  const sealer = new AttachmentSealer(key, id);
  const chunks: Buffer[] = [];
  for (let at = 0; at < file.length; at += piece) chunks.push(...sealer.push(file.subarray(at, at + piece)));
  const { last, summary } = sealer.finish();
  chunks.push(last);
  return { d: { id, type, key: key.toString('base64url'), ...summary }, chunks };
}

function open(d: AttachmentDescriptor, chunks: Buffer[]) {
  const opener = new AttachmentOpener(d, DEFAULT_ATTACHMENT_POLICY);
  const parts: Buffer[] = [];
  for (const c of chunks) {
    const r = opener.push(c);
    if (!r.ok) return { result: r };
    parts.push(r.plaintext);
  }
  return { result: opener.finish(), plaintext: Buffer.concat(parts) };
}

const pdf = (size: number) => Buffer.concat([PDF_HEAD, randomBytes(size - PDF_HEAD.length)]);

describe('STREAM chunks', () => {
  it('seal and open any size, one chunk per 256 KiB, the last possibly short or empty', () => {
    for (const size of [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES + 17]) {
      const file = size === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from('a'), randomBytes(size - 1)]).fill(0x61);
      const { d, chunks } = seal(file, 'text/plain', 77_777);
      expect(d).toMatchObject({ size, chunks: chunkCount(size), sha256: sha(file) });
      expect(chunks).toHaveLength(d.chunks);
      expect(chunks.map(sha)).toEqual(d.chunk_sha256);
      expect(chunks.slice(0, -1).every((c) => c.length === MAX_CHUNK_MESSAGE_BYTES)).toBe(true);
      expect(checkAttachments([d])).toBeNull();
      const { result, plaintext } = open(d, chunks);
      expect(result).toEqual({ ok: true });
      expect(plaintext!.equals(file)).toBe(true);
    }
  });

  it('uses an 11-byte big-endian counter and a final flag as the nonce', () => {
    expect(chunkNonce(0, false).toString('hex')).toBe('000000000000000000000000');
    expect(chunkNonce(1, true).toString('hex')).toBe('000000000000000000000101');
    expect(chunkNonce(258, false).toString('hex')).toBe('000000000000000000010200');
  });

  describe('detects tampering', () => {
    const file = pdf(3 * CHUNK_BYTES + 5);
    const { d, chunks } = seal(file);

    it('truncation: the stream ends early, or a non-final chunk is presented as the last', () => {
      expect(open(d, chunks.slice(0, 3)).result).toMatchObject({ ok: false, code: 'incomplete' });
      const short = { ...d, size: 3 * CHUNK_BYTES, chunks: 3, chunk_sha256: d.chunk_sha256.slice(0, 3), sha256: sha(file.subarray(0, 3 * CHUNK_BYTES)) };
      expect(open(short, chunks.slice(0, 3)).result).toMatchObject({ ok: false, code: 'decryption_failed' });
    });

    it('reordering', () => {
      expect(open(d, [chunks[1], chunks[0], chunks[2], chunks[3]]).result).toMatchObject({ ok: false, code: 'decryption_failed' });
    });

    it('duplication', () => {
      expect(open(d, [chunks[0], chunks[0], chunks[2], chunks[3]]).result).toMatchObject({ ok: false, code: 'decryption_failed' });
    });

    it('substitution: a flipped bit, or a chunk of another attachment', () => {
      const flipped = Buffer.from(chunks[2]);
      flipped[100] ^= 1;
      expect(open(d, [chunks[0], chunks[1], flipped, chunks[3]]).result).toMatchObject({ ok: false, code: 'decryption_failed' });
      const other = seal(pdf(3 * CHUNK_BYTES + 5));
      expect(open(d, [chunks[0], other.chunks[1], chunks[2], chunks[3]]).result).toMatchObject({ ok: false, code: 'decryption_failed' });
    });

    it('the same key under another attachment id (the id is associated data)', () => {
      const key = Buffer.from(d.key, 'base64url');
      const sealed = sealChunk(key, d.id, 0, true, Buffer.from('x'));
      expect(openChunk(key, d.id, 0, true, sealed)).toEqual(Buffer.from('x'));
      expect(openChunk(key, uuidv7(), 0, true, sealed)).toBeNull();
      expect(openChunk(key, d.id, 0, true, sealed.subarray(0, TAG_BYTES - 1))).toBeNull();
    });

    it('a file that is not the one signed (digest) or not of its declared type (magic bytes)', () => {
      expect(open({ ...d, sha256: sha(Buffer.from('other')) }, chunks).result).toMatchObject({ ok: false, code: 'digest_mismatch' });
      const png = seal(file, 'image/png');
      expect(open(png.d, png.chunks).result).toMatchObject({ ok: false, code: 'media_type_mismatch', detail: expect.stringContaining('image/png') });
      const lying = seal(file, 'text/plain');
      expect(open(lying.d, lying.chunks).result).toMatchObject({ ok: false, code: 'media_type_mismatch' });
    });
  });
});

describe('checkAttachments (the signed claim att)', () => {
  const { d } = seal(pdf(CHUNK_BYTES + 1));
  it.each<[string, (d: AttachmentDescriptor) => unknown]>([
    ['not a list', () => d],
    ['an empty list', () => []],
    ['unknown member', (x) => [{ ...x, extra: 1 }]],
    ['id not UUIDv7', (x) => [{ ...x, id: 'a' }]],
    ['repeated id', (x) => [x, x]],
    ['name with a path', (x) => [{ ...x, name: '../etc/passwd' }]],
    ['name with a bidi override', (x) => [{ ...x, name: 'photo\u202Egpj.exe' }]],
    ['upper-case media type', (x) => [{ ...x, type: 'Image/JPEG' }]],
    ['negative size', (x) => [{ ...x, size: -1 }]],
    ['chunks not following from size', (x) => [{ ...x, chunks: 3 }]],
    ['missing chunk digest', (x) => [{ ...x, chunk_sha256: x.chunk_sha256.slice(1) }]],
    ['short key', (x) => [{ ...x, key: x.key.slice(1) }]],
    ['non-canonical key', (x) => [{ ...x, key: x.key.slice(0, 42) + 'B' }]],
    ['upper-case digest', (x) => [{ ...x, sha256: x.sha256.toUpperCase() }]],
  ])('refuses %s', (_name, make) => {
    expect(checkAttachments(make(d))).toEqual(expect.any(String));
  });

  it('accepts a well-formed list with names, in canonical member order', () => {
    const named = orderedDescriptor({ ...d, name: 'Informe policial 2026.pdf' });
    expect(checkAttachments([named])).toBeNull();
    expect(Object.keys(named)).toEqual(['id', 'name', 'type', 'size', 'sha256', 'key', 'chunks', 'chunk_sha256']);
  });
});

describe('decideChunk (a chunk message on arrival)', () => {
  const { d, chunks } = seal(pdf(2 * CHUNK_BYTES + 9));
  const notice = uuidv7();
  const declared = { notice, sender: 'NL', descriptor: d };
  const address = (index: number, over: object = {}) => ({ sender: 'NL', recipient: 'ES', notice, attachment: d.id, index, ...over });
  const decide = (index: number, value: Buffer, extra: object = {}) =>
    decideChunk({ self: 'ES', address: address(index), length: value.length, digest: sha(value), declared, ...extra });

  it('records a declared chunk, and a repeat of it is a redelivery', () => {
    expect(decide(1, chunks[1])).toEqual({ ok: true, effect: 'record' });
    expect(decide(1, chunks[1], { recorded: sha(chunks[1]) })).toEqual({ ok: true, effect: 'redelivered' });
  });

  it('reads back the headers a sender sets, and names a malformed one', () => {
    expect(parseChunkHeaders(chunkHeaders(address(7)))).toEqual({ ok: true, address: address(7) });
    expect(parseChunkHeaders({ ...chunkHeaders(address(7)), 'liaison-chunk': '07' })).toMatchObject({ ok: false, code: 'malformed_chunk', detail: expect.stringContaining('liaison-chunk') });
    expect(parseChunkHeaders({ ...chunkHeaders(address(7)), 'liaison-attachment': undefined })).toMatchObject({ ok: false, code: 'malformed_chunk' });
  });

  it('holds a chunk no envelope declared yet', () => {
    expect(decide(0, chunks[0], { declared: undefined })).toEqual({ ok: true, effect: 'hold' });
  });

  it.each([
    ['another attachment’s chunk', () => decide(1, seal(pdf(2 * CHUNK_BYTES + 9)).chunks[1]), 'chunk_digest_mismatch'],
    ['a wrong index', () => decide(0, chunks[1]), 'chunk_digest_mismatch'],
    ['a duplicate at another index, differing', () => decide(1, chunks[0], { recorded: sha(chunks[1]) }), 'chunk_digest_mismatch'],
    ['a truncated chunk', () => decide(1, chunks[1].subarray(0, 1000)), 'wrong_chunk_length'],
    ['an oversize chunk', () => decide(1, Buffer.alloc(MAX_CHUNK_MESSAGE_BYTES + 1)), 'oversize_chunk'],
    ['more chunks than declared', () => decide(3, chunks[2]), 'index_out_of_range'],
    ['a chunk addressed to someone else', () => decideChunk({ self: 'CO', address: address(0), length: 1, digest: sha(chunks[0]), declared }), 'not_addressed'],
    ['a chunk naming another notice', () => decideChunk({ self: 'ES', address: address(0, { notice: uuidv7() }), length: chunks[0].length, digest: sha(chunks[0]), declared }), 'unknown_attachment'],
    ['a chunk from another sender', () => decideChunk({ self: 'ES', address: address(0, { sender: 'CO' }), length: chunks[0].length, digest: sha(chunks[0]), declared }), 'unknown_attachment'],
  ])('refuses %s', (_name, run, code) => {
    expect(run()).toMatchObject({ ok: false, code });
  });
});

describe('what leaves the envelope', () => {
  it('the ledger facts of an attachment are its id, type, size and digest: never its key or name', () => {
    const { d } = seal(pdf(10));
    expect(attachmentFacts({ ...d, name: 'secret-name.pdf' })).toEqual({ id: d.id, type: d.type, size: d.size, sha256: d.sha256 });
  });

  it('an incomplete attachment is stalled once no chunk came for the timeout', () => {
    const last = new Date('2026-03-02T10:00:00Z');
    expect(isStalled(last, new Date('2026-03-02T10:04:59Z'), 300_000)).toBe(false);
    expect(isStalled(last, new Date('2026-03-02T10:05:00Z'), 300_000)).toBe(true);
  });

  it('the sealer keeps no reference to the caller’s buffer', () => {
    const key = randomBytes(32);
    const id = uuidv7();
    const piece = Buffer.alloc(1000, 0x61);
    const a = new AttachmentSealer(key, id);
    a.push(piece);
    piece.fill(0x62);
    const { last, summary } = a.finish();
    expect(summary.sha256).toBe(sha(Buffer.alloc(1000, 0x61)));
    expect(openChunk(key, id, 0, true, last)).toEqual(Buffer.alloc(1000, 0x61));
  });
});
