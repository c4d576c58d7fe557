// Attachments in tests: files made up on the fly (never held whole where they are large),
// uploads and downloads over a node's HTTP API, and the ledgers' offline checks.
import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { Role } from '@liaison/auth';
import { bundlesReconcile, TestFederation } from './federation';

/** A real, minimal 1×1 PNG. */
export const PNG_1X1 = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf00000301010018dd8db40000000049454e44ae426082', 'hex');
/** A minimal JPEG (SOI, APP0/JFIF, EOI): enough for its signature. */
export const JPEG_TINY = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), randomBytes(2048), Buffer.from('ffd9', 'hex')]);

/**
 * A file of `size` bytes starting with `head` (e.g. `%PDF-1.7\n`), the rest pseudo-random from
 * `seed`: produced in 64 KiB pieces, so a 40 MB file is never in memory, and the same twice.
 */
export function generatedFile(size: number, head: Buffer, seed: string): { stream: () => Readable; sha256: string } {
  const piece = (i: number) => createHash('sha512').update(`${seed}/${i}`).digest();
  const pieces = function* () {
    let sent = 0;
    if (head.length) {
      yield head.subarray(0, Math.min(head.length, size));
      sent = Math.min(head.length, size);
    }
    for (let i = 0; sent < size; i++) {
      const block = Buffer.concat(Array.from({ length: 1024 }, (_, j) => piece(i * 1024 + j))); // 64 KiB
      const take = block.subarray(0, Math.min(block.length, size - sent));
      sent += take.length;
      yield take;
    }
  };
  const hash = createHash('sha256');
  for (const p of pieces()) hash.update(p);
  return { stream: () => Readable.from(pieces()), sha256: hash.digest('hex') };
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** POST /attachments as `role` of `agency`: the body streamed as it is. */
export async function upload(fed: TestFederation, agency: string, body: Buffer | Readable, type: string, name?: string, role: Role = 'operator', subject?: string) {
  const res = await fetch(`${fed.url(agency)}/attachments${name ? `?name=${encodeURIComponent(name)}` : ''}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await fed.token(agency, role, subject)}`, 'content-type': type },
    body: Buffer.isBuffer(body) ? body : (Readable.toWeb(body) as ReadableStream),
    duplex: 'half',
  } as RequestInit);
  return { status: res.status, body: await res.json() };
}

/** GET a download path as `role`: status, headers and the SHA-256 and length of the bytes (streamed, not kept). */
export async function download(fed: TestFederation, agency: string, path: string, role: Role, headers: Record<string, string> = {}) {
  const res = await fetch(`${fed.url(agency)}${path}`, { headers: { authorization: `Bearer ${await fed.token(agency, role)}`, ...headers } });
  const hash = createHash('sha256');
  let length = 0;
  let first = Buffer.alloc(0);
  for await (const piece of res.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(piece);
    length += piece.byteLength;
    if (first.length < 64) first = Buffer.concat([first, Buffer.from(piece)]).subarray(0, 64);
  }
  return { status: res.status, headers: res.headers, sha256: hash.digest('hex'), length, first };
}

/**
 * Whether every agency's audit bundle verifies offline and every pair reconciles (what an
 * auditor does with `liaison verify` and `liaison reconcile`), in a scratch directory.
 */
export async function ledgersAgree(fed: TestFederation, agencies: string[]): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'liaison-ledgers-'));
  try {
    return await bundlesReconcile(fed, agencies, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * NL uploads a generated file of `size` bytes (PDF) and sends ES an identity query carrying it,
 * through `nlUrl` (a process node's own address); returns the notice, the attachment and what
 * its bytes must hash to. Used where a node or the broker is taken away mid-transfer.
 */
export async function sendLargeAttachment(fed: TestFederation, size: number, seed: string): Promise<{ noticeId: string; attachmentId: string; chunks: number; sha256: string }> {
  const file = generatedFile(size, Buffer.from('%PDF-1.7\n'), seed);
  const uploaded = await upload(fed, 'NL', file.stream(), 'application/pdf', `${seed}.pdf`);
  expect([uploaded.status, uploaded.body.detail]).toEqual([201, undefined]);
  const { noticeRequest } = await import('./federation');
  const sent = await fed.post('NL', '/notices', 'operator', noticeRequest(['ES'], { attachments: [uploaded.body.id] }));
  expect([sent.status, sent.body.detail]).toEqual([201, undefined]);
  return { noticeId: sent.body.id, attachmentId: uploaded.body.id, chunks: uploaded.body.chunks, sha256: file.sha256 };
}

/**
 * After a fault: ES holds the attachment available, every chunk recorded exactly once, its bytes
 * byte-identical; ES's ledger records its arrival once; NL sees it delivered, once.
 */
export async function expectAttachmentArrivedOnce(fed: TestFederation, sent: { noticeId: string; attachmentId: string; chunks: number; sha256: string }): Promise<void> {
  await fed.waitFor(async () => {
    const list = await fed.get('NL', `/notices/${sent.noticeId}/attachments`, 'operator').catch(() => null);
    return list?.status === 200 && list.body[0]?.recipients?.[0]?.status === 'delivered';
  }, 'NL to see the attachment delivered to ES', 240000);
  const got = await download(fed, 'ES', `/inbox/${sent.noticeId}/attachments/${sent.attachmentId}`, 'liaison_officer');
  expect([got.status, got.sha256]).toEqual([200, sent.sha256]);
  expect(await fed.sql('ES', `SELECT status, chunks, chunks_recorded AS recorded FROM attachment WHERE sender = 'NL' AND id = $1`, [sent.attachmentId])).toEqual([{ status: 'available', chunks: sent.chunks, recorded: sent.chunks }]);
  const chunks = await fed.sql<{ n: number; d: number }>('ES', `SELECT count(*)::int AS n, count(DISTINCT idx)::int AS d FROM attachment_chunk WHERE sender = 'NL' AND attachment_id = $1`, [sent.attachmentId]);
  expect(chunks).toEqual([{ n: sent.chunks, d: sent.chunks }]);
  const facts = async (agency: string, event: string) => (await fed.sql(agency, `SELECT 1 FROM ledger_entry WHERE re = $1 AND event = $2`, [sent.noticeId, event])).length;
  expect([await facts('ES', 'attachment-received'), await facts('ES', 'attachment-refused'), await facts('NL', 'attachment-delivered')]).toEqual([1, 0, 1]);
}
