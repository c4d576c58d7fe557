// Offline verification speed of @liaison/ledger audit bundles.
// Writes a full bundle of N synthetic entries (default 1,000,000) to a temporary file, then
// verifies it the way an auditor would: streamed from disk, one pass, flat memory.
// Build and run:  npx tsc -p tsconfig.build.json && node -r ./deploy/register-paths.js dist/bench/ledger-verify.bench.js [N]
import { generateKeyPairSync } from 'crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'fs';
import { once } from 'events';
import { tmpdir } from 'os';
import * as path from 'path';
import {
  BundleHeader,
  MerkleTreeBuilder,
  addSignatureLines,
  bundleLine,
  checkpointBody,
  cosign,
  ed25519PublicJwk,
  encodeEntry,
  entryLeafHash,
  leafHash,
  ndjsonLines,
  signNote,
  verifyBundle,
} from '@liaison/ledger';
import { syntheticLedger } from '../libs/ledger/src/fixtures';

const N = Number(process.argv[2] ?? 1_000_000);
const CHECKPOINT_EVERY = 65_536; // intermediate signed checkpoints, to localise alterations
const ORIGIN = 'liaison.example/ee-ppa';
const COUNTERPARTS = ['NL-KLPD', 'FR-DGPN', 'DE-BKA', 'LV-VP'];

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}

async function writeBundle(file: string): Promise<{ ms: number; bytes: number }> {
  const log = generateKeyPairSync('ed25519');
  const witnesses = [1, 2, 3].map((i) => ({ name: `witness${i}.example`, keys: generateKeyPairSync('ed25519') }));
  const header: BundleHeader = {
    type: 'liaison-audit-bundle',
    version: 1,
    origin: ORIGIN,
    agency: 'EE-PPA',
    from: 0,
    to: N,
    treeSize: N,
    directory: null,
    keys: { log: ed25519PublicJwk(log.publicKey), witnesses: witnesses.map((w) => ({ name: w.name, jwk: ed25519PublicJwk(w.keys.publicKey) })) },
    quorum: 2,
  };
  const signed = (size: number, root: Uint8Array, cosigned: boolean): string => {
    const body = checkpointBody({ origin: ORIGIN, size, rootHash: root });
    const note = signNote(body, ORIGIN, log.privateKey);
    return cosigned ? addSignatureLines(note, witnesses.map((w) => cosign(body, w.name, w.keys.privateKey, 1_764_000_000))) : note;
  };
  const t0 = performance.now();
  const out = createWriteStream(file);
  const builder = new MerkleTreeBuilder();
  let buf: string[] = [`${bundleLine(header)}\n`];
  const flush = async () => {
    if (!out.write(buf.join(''))) await once(out, 'drain');
    buf = [];
  };
  for (const entry of syntheticLedger('EE-PPA', COUNTERPARTS, N)) {
    builder.append(entryLeafHash(entry));
    buf.push(`${bundleLine({ type: 'entry', entry })}\n`);
    const size = entry.seq + 1;
    if (size % CHECKPOINT_EVERY === 0 && size !== N) buf.push(`${bundleLine({ type: 'checkpoint', note: signed(size, builder.root(), false) })}\n`);
    if (buf.length >= 4096) await flush();
  }
  buf.push(`${bundleLine({ type: 'checkpoint', note: signed(N, builder.root(), true) })}\n`);
  await flush();
  out.end();
  await once(out, 'finish');
  return { ms: performance.now() - t0, bytes: statSync(file).size };
}

function microBench(): void {
  const sample = [...syntheticLedger('EE-PPA', COUNTERPARTS, 200_000)];
  let t = performance.now();
  for (const e of sample) encodeEntry(e);
  const encodeMs = performance.now() - t;
  const bytes = sample.map(encodeEntry);
  t = performance.now();
  const b = new MerkleTreeBuilder();
  for (const x of bytes) b.append(leafHash(x));
  const merkleMs = performance.now() - t;
  console.log(`  JCS encoding alone:          ${rate(sample.length, encodeMs)}`);
  console.log(`  leaf hash + tree append:     ${rate(sample.length, merkleMs)}`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ledger-bench-'));
  const file = path.join(dir, 'bundle.ndjson');
  try {
    console.log(`ledger-verify bench: ${N.toLocaleString('en-US')} entries, node ${process.version}`);
    const w = await writeBundle(file);
    console.log(`  export (write bundle):       ${(w.ms / 1000).toFixed(2)} s, ${rate(N, w.ms)}, ${(w.bytes / 1e6).toFixed(0)} MB`);
    const rssBefore = process.memoryUsage().rss;
    let peakRss = rssBefore;
    const timer = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);
    const t0 = performance.now();
    const report = await verifyBundle(ndjsonLines(createReadStream(file, { highWaterMark: 1 << 20 })));
    const ms = performance.now() - t0;
    clearInterval(timer);
    console.log(`  verify (stream from disk):   ${(ms / 1000).toFixed(2)} s, ${rate(report.entries, ms)}`);
    console.log(`  verify result: ok=${report.ok} entries=${report.entries} intermediate=${report.checkpoint.intermediate} cosignatures=${report.cosignatures.valid}/${report.cosignatures.required}${report.errors.length ? ` errors=${report.errors.slice(0, 3).join('; ')}` : ''}`);
    console.log(`  rss during verify: ${(rssBefore / 1e6).toFixed(0)} MB -> peak ${(peakRss / 1e6).toFixed(0)} MB`);
    microBench();
    if (!report.ok) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
