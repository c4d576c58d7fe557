// Generates the attachment interoperability vectors from the real libraries: one sealed envelope
// carrying two attachments (a one-chunk PNG, a three-chunk PDF), the chunk messages' values as
// binary files, and cases that present chunks in some order with the outcome each must have.
//
//   npx tsc -p test/vectors/attachments/tsconfig.json && TS_NODE_BASEURL=dist/vectors node -r tsconfig-paths/register dist/vectors/test/vectors/attachments/generate.js
//
// Every run makes new keys, so every file changes; commit them together. The private key written
// here is a test-only key: it exists nowhere but under test/vectors/.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AttachmentDescriptor, AttachmentSealer, CHUNK_BYTES, ChunkRefusalCode } from '../../../libs/attachments/src';
import { addAgency, AgencyKeyring, emptyDirectory, EnvelopeSealer, generateAgencyKeys, NoticeClaims, publicJwks, toPublicJwk } from '../../../libs/envelope/src';
import { uuidv7 } from '../../../libs/envelope/src/testing/fixtures';

export interface AttachmentCase {
  description: string;
  /** Index into the envelope's claim `att`. */
  attachment: number;
  /** Chunk message values in the order they are presented as chunks 0, 1, …: file names in this directory. */
  chunks: string[];
  /** The full check (lengths and signed chunk digests, then STREAM decryption, then SHA-256): null or the refusal. */
  receiver: ChunkRefusalCode | null;
  /** STREAM decryption and SHA-256 alone, ignoring the chunk digests: what the AEAD construction itself detects. */
  stream: ChunkRefusalCode | null;
}

const ISSUED = new Date('2026-03-02T09:30:00Z');

function sealFile(file: Buffer, type: string, name: string): { d: AttachmentDescriptor; chunks: Buffer[] } {
  const key = randomBytes(32);
  const id = uuidv7(ISSUED.getTime());
  const sealer = new AttachmentSealer(key, id);
  const chunks = sealer.push(file);
  const { last, summary } = sealer.finish();
  return { d: { id, name, type, ...summary, key: key.toString('base64url') }, chunks: [...chunks, last] };
}

/** Deterministic file contents, so that the vectors' plaintexts are described, not stored. */
function pattern(head: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  out.write(head, 'latin1');
  for (let i = head.length; i < size; i++) out[i] = (i * 7 + 3) % 256;
  return out;
}

async function main(): Promise<void> {
  const dir = process.argv[2] ?? join(__dirname, '..', '..', '..', '..', '..', 'test', 'vectors', 'attachments');
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (/\.(bin|json)$/.test(f) && f !== 'tsconfig.json') unlinkSync(join(dir, f));

  const keys = { NLPOL: await generateAgencyKeys('NLPOL'), ESCNP: await generateAgencyKeys('ESCNP') };
  let directory = emptyDirectory('vectors', new Date('2026-01-01T00:00:00Z'));
  for (const [code, k] of Object.entries(keys)) directory = addAgency(directory, { code, name: code, country: code.slice(0, 2), keys: publicJwks(k) }, { at: new Date('2026-01-01T00:00:00Z') });
  const sealer = new EnvelopeSealer(await AgencyKeyring.import(keys.NLPOL), () => directory, { clock: () => ISSUED });

  const png = sealFile(pattern('\x89PNG\r\n\x1a\n', 600), 'image/png', 'face.png');
  const pdf = sealFile(pattern('%PDF-1.7\n', 2 * CHUNK_BYTES + 1000), 'application/pdf', 'report.pdf');
  const other = sealFile(pattern('%PDF-1.7\n', 2 * CHUNK_BYTES + 1000), 'application/pdf', 'other.pdf');
  const iat = Math.floor(ISSUED.getTime() / 1000);
  const claims: NoticeClaims = {
    iss: 'NLPOL',
    aud: ['ESCNP'],
    jti: uuidv7(ISSUED.getTime()),
    iat,
    exp: iat + 7 * 86_400,
    kind: 'identity-query',
    handling: { code: 'H2' },
    priority: 'urgent',
    chseq: { ESCNP: 7 },
    att: [png.d, pdf.d],
    body: { case_reference: 'OP-2026-17', reason: 'Identify the woman in the photograph.', legal_basis: 'Art. 39 CISA', photo: { attachment: png.d.id } },
  };
  const sealed = await sealer.seal(claims);
  writeFileSync(
    join(dir, 'envelope.json'),
    JSON.stringify(
      {
        description: 'NLPOL sends ESCNP an identity query with two attachments: a one-chunk PNG (the photo) and a three-chunk PDF.',
        sender: 'NLPOL',
        sender_signing_jwk: toPublicJwk(keys.NLPOL.signing),
        recipient: 'ESCNP',
        recipient_encryption_jwk: keys.ESCNP.encryption,
        now: new Date(ISSUED.getTime() + 5000).toISOString(),
        headers: sealed.headersFor('ESCNP'),
        envelope: sealed.value.toString('utf8'),
        claims,
        valid: true,
      },
      null,
      2,
    ) + '\n',
  );
  const files: Record<string, Buffer> = { 'png-0.bin': png.chunks[0], 'pdf-0.bin': pdf.chunks[0], 'pdf-1.bin': pdf.chunks[1], 'pdf-2.bin': pdf.chunks[2], 'other-1.bin': other.chunks[1] };
  const flipped = Buffer.from(pdf.chunks[1]);
  flipped[1000] ^= 0x01;
  files['pdf-1-flipped.bin'] = flipped;
  for (const [f, b] of Object.entries(files)) writeFileSync(join(dir, f), b);

  const cases: Record<string, AttachmentCase> = {
    'valid-png': { description: 'The photo: one chunk, final.', attachment: 0, chunks: ['png-0.bin'], receiver: null, stream: null },
    'valid-pdf': { description: 'The PDF: two full chunks and a short final one.', attachment: 1, chunks: ['pdf-0.bin', 'pdf-1.bin', 'pdf-2.bin'], receiver: null, stream: null },
    'invalid-reordered': { description: 'Chunks 0 and 1 swapped.', attachment: 1, chunks: ['pdf-1.bin', 'pdf-0.bin', 'pdf-2.bin'], receiver: 'chunk_digest_mismatch', stream: 'decryption_failed' },
    'invalid-duplicated': { description: 'Chunk 0 presented again as chunk 1.', attachment: 1, chunks: ['pdf-0.bin', 'pdf-0.bin', 'pdf-2.bin'], receiver: 'chunk_digest_mismatch', stream: 'decryption_failed' },
    'invalid-substituted': { description: 'Chunk 1 with one bit flipped.', attachment: 1, chunks: ['pdf-0.bin', 'pdf-1-flipped.bin', 'pdf-2.bin'], receiver: 'chunk_digest_mismatch', stream: 'decryption_failed' },
    'invalid-other-attachment': { description: "Chunk 1 of another attachment (another key and id), same length.", attachment: 1, chunks: ['pdf-0.bin', 'other-1.bin', 'pdf-2.bin'], receiver: 'chunk_digest_mismatch', stream: 'decryption_failed' },
    'invalid-truncated': { description: 'The stream stops after chunk 1 (the final chunk never comes).', attachment: 1, chunks: ['pdf-0.bin', 'pdf-1.bin'], receiver: 'incomplete', stream: 'incomplete' },
    'invalid-extra-chunk': { description: 'A fourth chunk after the final one.', attachment: 1, chunks: ['pdf-0.bin', 'pdf-1.bin', 'pdf-2.bin', 'pdf-2.bin'], receiver: 'index_out_of_range', stream: 'index_out_of_range' },
    'invalid-wrong-length': { description: 'The PNG chunk presented where the PDF’s final (short) chunk belongs.', attachment: 1, chunks: ['pdf-0.bin', 'pdf-1.bin', 'png-0.bin'], receiver: 'wrong_chunk_length', stream: 'decryption_failed' },
  };
  writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases, null, 2) + '\n');
  process.stdout.write(`wrote ${Object.keys(cases).length} cases to ${dir}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
