// `liaison verify <bundle.ndjson> [--root <jwk file or JSON>] [--quorum N] [--json]`
// Fully offline: recomputes the tree from the bundle's entries, checks the checkpoint's log
// signature, the cosignatures against the quorum and every proof, and names the first entry that
// does not match. Reads the file as a stream (two passes at most): memory stays flat.
import { accessSync, constants, createReadStream, readFileSync, statSync } from 'fs';
import { Command } from 'commander';
import { Directory, PublicOkpJwk, verifyDirectory } from '@liaison/envelope';
import {
  BundleHeader,
  BundleReport,
  Ed25519PublicJwk,
  MerkleTreeBuilder,
  WitnessKey,
  bytesEqual,
  decodeBase64,
  encodeEntry,
  leafHash,
  ndjsonLines,
  validateEntry,
  verifyBundle,
} from '@liaison/ledger';
import { act, EXIT, ParsedArgs, runStandalone, UsageError } from '../args';
import { CliIo, processIo } from './cli-io';

const ORIGIN_PREFIX = 'liaison/';

export interface KeySource {
  /** 'directory': keys from the bundle's directory, verified against the pinned federation root. */
  kind: 'directory' | 'bundle';
  detail: string;
}

export interface VerifyFileReport extends BundleReport {
  file: string;
  origin: string | null;
  agency: string | null;
  range: { from: number; to: number } | null;
  keySource: KeySource;
  /** How the first bad entry was localised. */
  localisation?: { seq: number; proven: boolean; detail: string };
}

export interface VerifyFileOptions {
  /** The federation root public JWK the auditor trusts (pins every key through the directory). */
  root?: PublicOkpJwk;
  quorum?: number;
}

export function bundleLines(file: string): AsyncGenerator<string> {
  return ndjsonLines(createReadStream(file));
}

async function readHeader(file: string): Promise<unknown> {
  const lines = bundleLines(file);
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      return JSON.parse(line);
    }
  } catch {
    return null;
  } finally {
    await lines.return(undefined);
  }
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function okpJwk(x: string): Ed25519PublicJwk {
  return { kty: 'OKP', crv: 'Ed25519', x };
}

/** Keys from a directory verified against the pinned root: the log's key must be one of its agency's. */
async function keysFromDirectory(
  header: Record<string, unknown>,
  root: PublicOkpJwk,
): Promise<{ ok: true; log: Ed25519PublicJwk; witnesses: WitnessKey[]; detail: string } | { ok: false; error: string }> {
  if (typeof header.directory !== 'string') return { ok: false, error: 'the bundle carries no directory to check its keys against' };
  const verified = await verifyDirectory(header.directory, root);
  if (!verified.ok) return { ok: false, error: `the bundle's directory does not verify under the given root: ${verified.reason} (${verified.detail})` };
  const dir: Directory = verified.directory;
  const agency = dir.agencies.find((a) => a.code === header.agency);
  if (!agency) return { ok: false, error: `agency ${String(header.agency)} is not in the directory` };
  const logX = isRecord(header.keys) && isRecord(header.keys.log) ? header.keys.log.x : undefined;
  const logKey = agency.keys.find((k) => k.use === 'sig' && k.jwk.x === logX);
  if (!logKey) return { ok: false, error: `the bundle's log key is not a signing key of ${agency.code} in directory serial ${dir.serial}` };
  const witnesses = dir.agencies
    .filter((a) => a.code !== agency.code)
    .flatMap((a) => a.keys.filter((k) => k.use === 'sig' && k.status !== 'revoked').map((k) => ({ name: `${ORIGIN_PREFIX}${a.code}`, key: okpJwk(k.jwk.x) })));
  return { ok: true, log: okpJwk(logKey.jwk.x), witnesses, detail: `directory serial ${dir.serial} of ${dir.federation}, verified under the pinned root` };
}

/**
 * Second pass, when the recomputed root differs: the entry lines carry the leaf hash the node
 * stored at append time. When those stored hashes lead to the signed root, the first entry whose
 * fields do not hash to its stored leaf is proven to be the altered one.
 */
async function locateAlteredEntry(file: string, header: BundleHeader, signedRoot: Uint8Array | null): Promise<VerifyFileReport['localisation'] | undefined> {
  const builder = new MerkleTreeBuilder();
  let seq = header.from;
  let first: number | null = null;
  for await (const raw of bundleLines(file)) {
    let line: unknown;
    try {
      line = JSON.parse(raw);
    } catch {
      continue;
    }
    if (!isRecord(line) || line.type !== 'entry') continue;
    const stored = typeof line.storedLeafHash === 'string' ? decodeBase64(line.storedLeafHash) : null;
    if (stored === null || stored.length !== 32) return undefined; // not exported with stored leaf hashes
    const v = validateEntry(line.entry);
    if (first === null && (!v.ok || !bytesEqual(leafHash(encodeEntry(v.entry)), stored))) first = seq;
    builder.append(stored);
    seq++;
  }
  if (first === null) return undefined;
  const proven = signedRoot !== null && builder.size === BigInt(header.treeSize) && header.from === 0 && bytesEqual(builder.root(), signedRoot);
  return {
    seq: first,
    proven,
    detail: proven
      ? `entry ${first} does not hash to the leaf the signed checkpoint commits to: it was altered after it was logged`
      : `entry ${first} does not hash to the leaf hash recorded for it (the recorded hashes were altered too, so only the signed checkpoints bound the change)`,
  };
}

export async function verifyBundleFile(file: string, options: VerifyFileOptions = {}): Promise<VerifyFileReport> {
  const header = await readHeader(file);
  const h = isRecord(header) ? header : {};
  let keySource: KeySource = { kind: 'bundle', detail: 'keys taken from the bundle itself: pass --root to pin them to the federation directory' };
  const verifyOptions: Parameters<typeof verifyBundle>[1] = { quorum: options.quorum };
  let keyError: string | null = null;
  if (options.root !== undefined) {
    const keys = await keysFromDirectory(h, options.root);
    if (keys.ok) {
      verifyOptions.logPublicKey = keys.log;
      verifyOptions.witnesses = keys.witnesses;
      keySource = { kind: 'directory', detail: keys.detail };
    } else {
      keyError = keys.error;
      keySource = { kind: 'directory', detail: keys.error };
    }
  }
  const report = await verifyBundle(bundleLines(file), verifyOptions);
  const out: VerifyFileReport = {
    ...report,
    file,
    origin: typeof h.origin === 'string' ? h.origin : null,
    agency: typeof h.agency === 'string' ? h.agency : null,
    range: typeof h.from === 'number' && typeof h.to === 'number' ? { from: h.from, to: h.to } : null,
    keySource,
  };
  if (keyError !== null) {
    out.errors = [keyError, ...out.errors];
    out.ok = false;
  }
  const bad = report.firstBadEntry;
  if (bad?.range !== undefined && isRecord(header)) {
    const signedRoot = report.checkpoint.signatureValid && report.checkpoint.rootHash !== null ? new Uint8Array(Buffer.from(report.checkpoint.rootHash, 'hex')) : null;
    const located = await locateAlteredEntry(file, header as unknown as BundleHeader, signedRoot);
    if (located && located.seq >= bad.range.from && located.seq < bad.range.to) {
      out.localisation = located;
      out.firstBadEntry = { seq: located.seq, reason: located.detail, range: bad.range };
      out.errors = [`entry ${located.seq}: ${located.detail}`, ...out.errors];
    }
  }
  return out;
}

export function formatReport(r: VerifyFileReport): string {
  const lines: string[] = [];
  lines.push(`Audit bundle ${r.file}`);
  lines.push(`  log:           ${r.origin ?? '?'} (agency ${r.agency ?? '?'})`);
  if (r.range) lines.push(`  entries:       ${r.entries} read, seqs ${r.range.from}..${r.range.to - 1} (${r.full ? 'the whole log: root recomputed' : 'a range: inclusion proofs checked'})`);
  lines.push(`  checkpoint:    size ${r.treeSize ?? '?'}, root ${r.checkpoint.rootHash ?? '?'}, log signature ${r.checkpoint.signatureValid ? 'valid' : 'INVALID'}`);
  if (r.checkpoint.intermediate > 0) lines.push(`                 ${r.checkpoint.intermediate} earlier signed checkpoints checked along the way`);
  const c = r.cosignatures;
  lines.push(`  cosignatures:  ${c.valid} valid${c.names.length ? ` (${c.names.join(', ')})` : ''}, ${c.required} required: ${c.valid >= c.required ? 'witnessed' : 'NOT witnessed'}`);
  lines.push(`  keys:          ${r.keySource.detail}`);
  if (r.firstBadEntry) {
    const range = r.firstBadEntry.range && !r.localisation?.proven ? ` (somewhere in seqs ${r.firstBadEntry.range.from}..${r.firstBadEntry.range.to - 1})` : '';
    lines.push(`  FIRST ENTRY THAT DOES NOT MATCH: seq ${r.firstBadEntry.seq}${range}`);
    lines.push(`                 ${r.firstBadEntry.reason}`);
  }
  if (r.errors.length > 0) {
    lines.push('  problems:');
    for (const e of r.errors) lines.push(`    - ${e}`);
  }
  lines.push(
    r.ok
      ? `RESULT: OK: the log of ${r.origin} is complete and unaltered up to size ${r.treeSize}${r.keySource.kind === 'bundle' ? ' (keys not pinned)' : ''}`
      : 'RESULT: FAILED',
  );
  return `${lines.join('\n')}\n`;
}

export interface CommonOptions {
  json: boolean;
  root?: PublicOkpJwk;
  quorum?: number;
  files: string[];
}

/** An input file that cannot be read is a usage/input error, said before anything is verified. */
export function requireReadable(file: string, what: string): void {
  try {
    if (!statSync(file).isFile()) throw new UsageError(`${what} ${file} is not a regular file`);
    accessSync(file, constants.R_OK);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${what} ${file} cannot be read (${code === 'ENOENT' ? 'no such file' : code ?? 'error'})`);
  }
}

/** Reads `--json`, `--root <file|JSON>` (default: LIAISON_DIRECTORY_ROOT_JWK), `--quorum N` and the bundle files. */
export function commonOptions(parsed: ParsedArgs, env: Record<string, string | undefined>): CommonOptions {
  const out: CommonOptions = { json: parsed.options.get('json') === true, files: parsed.positional };
  const quorum = parsed.options.get('quorum');
  if (typeof quorum === 'string') {
    if (!/^\d{1,3}$/.test(quorum)) throw new UsageError('--quorum must be a non-negative integer');
    out.quorum = Number(quorum);
  }
  for (const file of out.files) requireReadable(file, 'bundle file');
  const rootOption = parsed.options.get('root');
  const rootText = typeof rootOption === 'string' ? rootOption : env.LIAISON_DIRECTORY_ROOT_JWK;
  if (rootText !== undefined && rootText !== '') {
    let text = rootText.trim();
    if (!text.startsWith('{')) {
      requireReadable(rootText, '--root file');
      text = readFileSync(rootText, 'utf8');
    }
    let jwk: PublicOkpJwk;
    try {
      jwk = JSON.parse(text) as PublicOkpJwk;
    } catch {
      throw new UsageError('--root is not JSON');
    }
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new UsageError('--root must be an Ed25519 public JWK');
    out.root = jwk;
  }
  return out;
}

/** The options verify and reconcile share. */
export function bundleOptions(command: Command): Command {
  return command
    .option('--root <jwk>', 'federation root public JWK, a file or JSON (default: LIAISON_DIRECTORY_ROOT_JWK): pins every key through the directory')
    .option('--quorum <N>', 'cosignatures required')
    .option('--json', 'print the report as JSON');
}

/** `liaison verify <bundle.ndjson>`: exit 0 when the bundle verifies, 1 when it does not. */
export function registerVerify(program: Command, io: CliIo, code: { value: number }): void {
  const command = bundleOptions(program.command('verify').summary('verify an audit bundle offline').description('Verifies an audit bundle offline: the tree recomputed, the checkpoint signature, the cosignatures against the quorum, every proof. Exit 0 when it verifies, 1 when it does not.').argument('<bundle.ndjson>', 'the audit bundle (GET /audit/bundle, `liaison export`)'));
  act(command, code, async (parsed) => {
    const opts = commonOptions(parsed, io.env);
    const report = await verifyBundleFile(opts.files[0], { root: opts.root, quorum: opts.quorum });
    io.out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? EXIT.ok : EXIT.failed;
  });
}

export function run(args: string[], io: CliIo = processIo): Promise<number> {
  return runStandalone('verify', registerVerify, args, io);
}
