// Checks the published attachment vectors (test/vectors/attachments/) with the libraries, and has
// an independent implementation (pyca/cryptography only) open them too. Unit project: no broker.
import { AttachmentOpener, ChunkRefusalCode, decideChunk, DEFAULT_ATTACHMENT_POLICY } from '@liaison/attachments';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvelopeOpener, importRecipientKey, NoticeClaims } from './index';

const DIR = join(__dirname, '..', '..', '..', 'test', 'vectors', 'attachments');
const envelope = JSON.parse(readFileSync(join(DIR, 'envelope.json'), 'utf8'));
const cases: Record<string, { attachment: number; chunks: string[]; receiver: ChunkRefusalCode | null; stream: ChunkRefusalCode | null }> = JSON.parse(
  readFileSync(join(DIR, 'cases.json'), 'utf8'),
);
const names = Object.keys(cases);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let claims: NoticeClaims;
beforeAll(async () => {
  const jwk = envelope.sender_signing_jwk;
  const opener = new EnvelopeOpener({
    agency: envelope.recipient,
    keyring: await importRecipientKey(envelope.recipient, envelope.recipient_encryption_jwk),
    trust: () => ({
      serial: 1,
      issued_at: '2026-01-01T00:00:00Z',
      federation: 'vectors',
      agencies: [{ code: envelope.sender, name: envelope.sender, country: 'NL', keys: [{ kid: jwk.kid, use: 'sig', jwk, not_before: '2026-01-01T00:00:00Z', not_after: '2028-01-01T00:00:00Z', status: 'active' }] }],
    }),
    validateBody: () => null,
    clock: () => new Date(envelope.now),
  });
  const result = await opener.open(Buffer.from(envelope.envelope, 'utf8'), envelope.headers);
  if (!result.ok) throw new Error(`vector envelope refused: ${result.code}`);
  claims = result.claims;
});

/** Presents the chunks as 0, 1, … to a receiver; `digests` false skips the per-chunk checks (the AEAD alone). */
function run(name: string, digests: boolean): string {
  const c = cases[name];
  const d = claims.att![c.attachment];
  const opener = new AttachmentOpener(d, DEFAULT_ATTACHMENT_POLICY);
  const address = { sender: claims.iss, recipient: envelope.recipient, notice: claims.jti, attachment: d.id };
  for (const [index, file] of c.chunks.entries()) {
    const value = readFileSync(join(DIR, file));
    if (digests) {
      const decision = decideChunk({ self: envelope.recipient, address: { ...address, index }, length: value.length, digest: sha(value), declared: { notice: claims.jti, sender: claims.iss, descriptor: d } });
      if (!decision.ok) return decision.code;
    }
    const r = opener.push(value);
    if (!r.ok) return r.code;
  }
  const done = opener.finish();
  return done.ok ? d.sha256 : done.code;
}

describe('attachment vectors', () => {
  it('cover both attachments and every kind of tampering', () => {
    expect(claims.att!.map((d) => [d.type, d.chunks])).toEqual([['image/png', 1], ['application/pdf', 3]]);
    expect(names.filter((n) => n.startsWith('valid-'))).toHaveLength(2);
    expect(Object.values(cases).map((c) => c.stream)).toEqual(expect.arrayContaining(['decryption_failed', 'incomplete', 'index_out_of_range']));
  });

  it.each(names)('%s', (name) => {
    const c = cases[name];
    const d = claims.att![c.attachment];
    expect({ receiver: run(name, true), stream: run(name, false) }).toEqual({ receiver: c.receiver ?? d.sha256, stream: c.stream ?? d.sha256 });
  });
});

const hasPython = spawnSync('python3', ['-c', 'import cryptography'], { stdio: 'ignore' }).status === 0;
(hasPython ? describe : describe.skip)('independent opener (test/vectors/attachments/open_attachment.py)', () => {
  it.each(names.flatMap((n) => [[n, 'receiver'] as const, [n, 'stream'] as const]))('%s (%s)', (name, mode) => {
    const c = cases[name];
    const run = spawnSync('python3', [join(DIR, 'open_attachment.py'), DIR, name, mode], { encoding: 'utf8', timeout: 30_000 });
    const expected = c[mode];
    expect({ status: run.status, out: run.stdout.trim() }).toEqual({ status: expected ? 1 : 0, out: expected ?? claims.att![c.attachment].sha256 });
  });
});
