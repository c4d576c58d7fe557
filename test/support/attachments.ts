// Attachments in tests: files made up on the fly (never held whole where they are large),
// uploads and downloads over a node's HTTP API, and the ledgers' offline checks.
import { createHash, randomBytes } from 'crypto';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { Role } from '@liaison/auth';
import { reconcileFiles } from '../../apps/cli/src/commands/reconcile';
import { verifyBundleFile } from '../../apps/cli/src/commands/verify';
import { downloadAuditBundle, TestFederation } from './federation';

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
export async function upload(fed: TestFederation, agency: string, body: Buffer | Readable, type: string, name?: string, role: Role = 'operator') {
  const res = await fetch(`${fed.url(agency)}/attachments${name ? `?name=${encodeURIComponent(name)}` : ''}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await fed.token(agency, role)}`, 'content-type': type },
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
 * Whether every agency's audit bundle verifies offline and every pair reconciles with nothing
 * missing or mismatched (what an auditor does with `liaison verify` and `liaison reconcile`).
 */
export async function ledgersAgree(fed: TestFederation, agencies: string[]): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), 'liaison-ledgers-'));
  try {
    const root = fed.material.rootPublicJwk;
    const files = await Promise.all(agencies.map((a) => downloadAuditBundle(fed, a, join(dir, `${a}.ndjson`))));
    if (!(await Promise.all(files.map((f) => verifyBundleFile(f, { root })))).every((r) => r.ok)) return false;
    for (let a = 0; a < files.length; a++) {
      for (let b = a + 1; b < files.length; b++) {
        const x = (await reconcileFiles(files[a], files[b], { root })).reconciliation;
        if (!x || x.aToB.notReceived.length || x.bToA.notReceived.length || x.aToB.mismatches.length || x.bToA.mismatches.length) return false;
      }
    }
    return true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
