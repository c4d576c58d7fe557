// Audit bundles: NDJSON export of a ledger range with the checkpoint that commits to it,
// verified in one streaming pass with flat memory (O(log n) Merkle state, bounded errors).
import { KeyObject } from 'crypto';
import { LedgerEntry, encodeEntry, entryJson, validateEntry } from './entry';
import { FastEntry, fastEntryLine } from './fastpath';
import { MerkleTreeBuilder, bytesEqual, leafHash, rootFromInclusionProof } from './merkle';
import {
  Checkpoint,
  Ed25519PublicJwk,
  Ed25519PublicKey,
  decodeBase64,
  ed25519PublicKeyObject,
  encodeBase64,
  parseCheckpoint,
  verifyCosignature,
  verifyNote,
} from './note';

export const BUNDLE_TYPE = 'liaison-audit-bundle';
export const BUNDLE_VERSION = 1;

export interface BundleHeader {
  type: typeof BUNDLE_TYPE;
  version: typeof BUNDLE_VERSION;
  /** Checkpoint origin of the log; also the key name of the log's note signature. */
  origin: string;
  /** Agency code of the node that keeps the log. */
  agency: string;
  /** First entry seq in the bundle (inclusive). */
  from: number;
  /** End of the range (exclusive): the bundle holds seqs from..to-1. */
  to: number;
  /** Size of the tree of the final checkpoint. */
  treeSize: number;
  /** The signed directory (JWS compact) in force, or null. Carried, not verified here. */
  directory: string | null;
  keys: { log: Ed25519PublicJwk; witnesses: { name: string; jwk: Ed25519PublicJwk }[] };
  /** Cosignatures required on the final checkpoint. */
  quorum: number;
}

export interface BundleEntryLine {
  type: 'entry';
  entry: LedgerEntry;
  /** Base64 inclusion proof to the final checkpoint; required when the bundle is a partial range. */
  proof?: string[];
}

export interface BundleCheckpointLine {
  type: 'checkpoint';
  /** Signed checkpoint note with its signature and cosignature lines. */
  note: string;
}

export type BundleLine = BundleHeader | BundleEntryLine | BundleCheckpointLine;

/**
 * One NDJSON line (without newline) of a bundle. Entry lines carry the entry as its canonical
 * JSON (the Merkle leaf), which lets verifiers hash it without re-serialising.
 */
export function bundleLine(line: BundleLine): string {
  if (line.type !== 'entry') return JSON.stringify(line);
  const proof = line.proof === undefined ? '' : `,"proof":${JSON.stringify(line.proof)}`;
  return `{"type":"entry","entry":${entryJson(line.entry)}${proof}}`;
}

export interface BundleSource {
  header: BundleHeader;
  /** Entries from header.from to header.to - 1, in order. */
  entries: Iterable<LedgerEntry> | AsyncIterable<LedgerEntry>;
  /** Final checkpoint note (size header.treeSize). */
  checkpoint: string;
  /** Inclusion proof of a seq in the final tree: needed for partial ranges only. */
  inclusionProof?: (seq: number) => Promise<Uint8Array[]>;
  /**
   * Earlier signed checkpoints by tree size (full bundles only); each is written right after
   * the entry that completes it so a verifier can localise an altered entry between two of them.
   */
  intermediateCheckpoints?: ReadonlyMap<number, string>;
}

export function isFullRange(header: Pick<BundleHeader, 'from' | 'to' | 'treeSize'>): boolean {
  return header.from === 0 && header.to === header.treeSize;
}

/** Produces the bundle's NDJSON lines (each ending with '\n') lazily, for streaming export. */
export async function* bundleLines(source: BundleSource): AsyncGenerator<string> {
  const { header } = source;
  const full = isFullRange(header);
  if (!full && source.inclusionProof === undefined) throw new TypeError('a partial bundle needs inclusion proofs');
  yield `${bundleLine(header)}\n`;
  for await (const entry of source.entries) {
    const line: BundleEntryLine = { type: 'entry', entry };
    if (!full && source.inclusionProof !== undefined) line.proof = (await source.inclusionProof(entry.seq)).map(encodeBase64);
    yield `${bundleLine(line)}\n`;
    const cp = full ? source.intermediateCheckpoints?.get(entry.seq + 1) : undefined;
    if (cp !== undefined && entry.seq + 1 !== header.treeSize) yield `${bundleLine({ type: 'checkpoint', note: cp })}\n`;
  }
  yield `${bundleLine({ type: 'checkpoint', note: source.checkpoint })}\n`;
}

/** Splits a byte or text stream (e.g. fs.createReadStream) into lines without buffering it whole. */
export async function* ndjsonLines(chunks: AsyncIterable<string | Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let rest = '';
  for await (const chunk of chunks) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
    }
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest;
}

// ---------------------------------------------------------------- verification

export interface WitnessKey {
  name: string;
  key: Ed25519PublicKey | Ed25519PublicJwk;
}

export interface VerifyBundleOptions {
  /** The log's key as the auditor knows it. Without it the bundle's own key is used (see keysPinned). */
  logPublicKey?: Ed25519PublicKey | Ed25519PublicJwk;
  /** Witnesses the auditor trusts. Without them the bundle's list is used. */
  witnesses?: WitnessKey[];
  /** Cosignatures required; defaults to the header's quorum. */
  quorum?: number;
  /** Cap on the errors kept (memory stays flat on hostile input). Default 100. */
  maxErrors?: number;
}

export interface BadEntry {
  seq: number;
  reason: string;
  /** When the alteration can only be bounded: the first bad entry lies in seqs from..to-1. */
  range?: { from: number; to: number };
}

export interface BundleReport {
  ok: boolean;
  /** Tree size of the final checkpoint, or null when there is none. */
  treeSize: number | null;
  /** Entry lines read. */
  entries: number;
  /** True when the bundle covers the whole tree (root recomputed), false for a range with proofs. */
  full: boolean;
  checkpoint: { signatureValid: boolean; origin: string | null; rootHash: string | null; intermediate: number };
  cosignatures: { valid: number; required: number; names: string[] };
  /** True when both the log key and the witness keys came from the caller, not the bundle. */
  keysPinned: boolean;
  firstBadEntry?: BadEntry;
  errors: string[];
}

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function checkHeader(v: unknown): { ok: true; header: BundleHeader; logKey: KeyObject; witnesses: { name: string; key: KeyObject }[] } | { ok: false; error: string } {
  if (!isRecord(v) || v.type !== BUNDLE_TYPE) return { ok: false, error: 'first line is not a liaison-audit-bundle header' };
  if (v.version !== BUNDLE_VERSION) return { ok: false, error: `unsupported bundle version ${String(v.version)}` };
  if (typeof v.origin !== 'string' || typeof v.agency !== 'string') return { ok: false, error: 'header origin and agency must be strings' };
  if (!isCount(v.from) || !isCount(v.to) || !isCount(v.treeSize) || v.from > v.to || v.to > v.treeSize) {
    return { ok: false, error: 'header needs 0 <= from <= to <= treeSize' };
  }
  if (v.directory !== null && typeof v.directory !== 'string') return { ok: false, error: 'header directory must be a string or null' };
  if (!isCount(v.quorum)) return { ok: false, error: 'header quorum must be a non-negative integer' };
  const keys = v.keys;
  if (!isRecord(keys) || !Array.isArray(keys.witnesses)) return { ok: false, error: 'header keys must hold log and witnesses' };
  const logKey = ed25519PublicKeyObject(keys.log);
  if (logKey === null) return { ok: false, error: 'header log key is not an Ed25519 public JWK' };
  const witnesses: { name: string; key: KeyObject }[] = [];
  for (const w of keys.witnesses) {
    const key = isRecord(w) ? ed25519PublicKeyObject(w.jwk) : null;
    if (!isRecord(w) || typeof w.name !== 'string' || key === null) return { ok: false, error: 'header witness keys must be {name, jwk} with Ed25519 JWKs' };
    witnesses.push({ name: w.name, key });
  }
  return { ok: true, header: v as unknown as BundleHeader, logKey, witnesses };
}

/** Mutable state of one verification pass. */
class BundleVerifier {
  readonly errors: string[] = [];
  private dropped = 0;
  firstBadEntry: BadEntry | undefined;
  header: BundleHeader | null = null;
  full = false;
  entries = 0;
  expectedSeq = 0;
  private logKey: KeyObject | null = null;
  private witnesses: { name: string; key: KeyObject }[] = [];
  readonly keysPinned: boolean;
  private readonly builder = new MerkleTreeBuilder();
  /** Last tree size at which the recomputed root matched a signed checkpoint. */
  private verifiedSize = 0;
  intermediate = 0;
  /** The most recent checkpoint line; it is the final one when the stream ends after it. */
  pendingCheckpoint: string | null = null;
  // Partial ranges: roots implied by the proofs, checked against the final checkpoint at the end.
  private firstProofRoot: Uint8Array | null = null;
  private firstProofSeq = -1;
  private firstDivergent: BadEntry | undefined;

  constructor(private readonly options: VerifyBundleOptions) {
    this.keysPinned = options.logPublicKey !== undefined && options.witnesses !== undefined;
  }

  error(message: string): void {
    if (this.errors.length < (this.options.maxErrors ?? 100)) this.errors.push(message);
    else this.dropped++;
  }

  bad(seq: number, reason: string, range?: { from: number; to: number }): void {
    this.error(`entry ${seq}: ${reason}`);
    if (this.firstBadEntry === undefined) this.firstBadEntry = range === undefined ? { seq, reason } : { seq, reason, range };
  }

  finishErrors(): string[] {
    if (this.dropped > 0) this.errors.push(`… ${this.dropped} more errors`);
    return this.errors;
  }

  onHeader(value: unknown): boolean {
    const h = checkHeader(value);
    if (!h.ok) {
      this.error(h.error);
      return false;
    }
    this.header = h.header;
    this.full = isFullRange(h.header);
    this.expectedSeq = h.header.from;
    const pinnedLog = this.options.logPublicKey === undefined ? h.logKey : ed25519PublicKeyObject(this.options.logPublicKey);
    if (pinnedLog === null) this.error('the given log public key is not an Ed25519 key');
    this.logKey = pinnedLog;
    if (this.options.witnesses === undefined) {
      this.witnesses = h.witnesses;
    } else {
      for (const w of this.options.witnesses) {
        const key = ed25519PublicKeyObject(w.key);
        if (key === null) this.error(`witness ${w.name}: not an Ed25519 public key`);
        else this.witnesses.push({ name: w.name, key });
      }
    }
    return true;
  }

  /** Counts an entry line; returns the seq expected at its position, or null when past the range. */
  private admit(header: BundleHeader): number | null {
    const seq = this.expectedSeq;
    this.entries++;
    if (this.pendingCheckpoint !== null) this.onIntermediateCheckpoint(this.pendingCheckpoint);
    this.pendingCheckpoint = null;
    if (seq < header.to) return seq;
    this.bad(seq, `beyond the bundle range (to = ${header.to})`);
    this.expectedSeq++;
    return null;
  }

  /** Checks the entry's own seq against its position and adds its leaf to the tree or proof check. */
  private place(expected: number, entrySeq: number, leaf: Uint8Array, proof: unknown, header: BundleHeader): void {
    if (entrySeq !== expected) {
      if (entrySeq < expected) this.bad(expected, `seq ${entrySeq} repeated or out of order (expected ${expected})`);
      else this.bad(expected, `missing entries ${expected}..${entrySeq - 1}`);
    }
    this.expectedSeq = entrySeq >= expected ? entrySeq + 1 : expected + 1;
    if (this.full) this.builder.append(leaf);
    else this.checkProof(proof, entrySeq, leaf, header);
  }

  /** An entry line already proven canonical by the fast path. */
  onFastEntry(fast: FastEntry, header: BundleHeader): void {
    const expected = this.admit(header);
    if (expected !== null) this.place(expected, fast.seq, fast.leaf, undefined, header);
  }

  onEntry(line: Json, header: BundleHeader): void {
    const expected = this.admit(header);
    if (expected === null) return;
    const v = validateEntry(line.entry);
    if (v.ok) {
      this.place(expected, v.entry.seq, leafHash(encodeEntry(v.entry)), line.proof, header);
      return;
    }
    this.bad(expected, `invalid entry: ${v.error}`);
    // Keep the tree size aligned so later checkpoints are still compared at the right place.
    const leaf = leafHash(Buffer.from(JSON.stringify(line.entry ?? null), 'utf8'));
    this.expectedSeq = expected + 1;
    if (this.full) this.builder.append(leaf);
  }

  private checkProof(rawProof: unknown, seq: number, leaf: Uint8Array, header: BundleHeader): void {
    const proof = Array.isArray(rawProof) ? rawProof.map((p) => (typeof p === 'string' ? decodeBase64(p) : null)) : null;
    if (proof === null || proof.some((p) => p === null)) {
      this.bad(seq, 'partial bundle entry without a well-formed inclusion proof');
      return;
    }
    const root = rootFromInclusionProof(seq, header.treeSize, leaf, proof as Uint8Array[]);
    if (root === null) {
      this.bad(seq, `inclusion proof has the wrong shape for tree size ${header.treeSize}`);
    } else if (this.firstProofRoot === null) {
      this.firstProofRoot = root;
      this.firstProofSeq = seq;
    } else if (this.firstDivergent === undefined && !bytesEqual(root, this.firstProofRoot)) {
      this.firstDivergent = { seq, reason: 'inclusion proof does not lead to the checkpoint root' };
    }
  }

  onCheckpointLine(note: unknown): void {
    if (typeof note !== 'string') {
      this.error('checkpoint line without a note string');
      return;
    }
    if (this.pendingCheckpoint !== null) this.onIntermediateCheckpoint(this.pendingCheckpoint);
    this.pendingCheckpoint = note;
  }

  /** A checkpoint followed by more lines: an earlier state of the same log. */
  private onIntermediateCheckpoint(note: string): void {
    this.intermediate++;
    if (!this.full) {
      this.error('intermediate checkpoints are only meaningful in a full bundle');
      return;
    }
    const cp = this.checkSigned(note, 'intermediate checkpoint');
    if (cp === null) return;
    if (cp.size !== this.builder.size) {
      this.error(`intermediate checkpoint of size ${cp.size} placed after ${this.builder.size} entries`);
      return;
    }
    if (bytesEqual(this.builder.root(), cp.rootHash)) {
      this.verifiedSize = Number(cp.size);
    } else if (this.firstBadEntry === undefined) {
      this.rootMismatch(Number(cp.size));
    }
  }

  private rootMismatch(size: number): void {
    const from = this.verifiedSize;
    this.bad(from, `recomputed root differs from the signed checkpoint of size ${size}: the first altered entry is among seqs ${from}..${size - 1}`, { from, to: size });
  }

  /** Parses a checkpoint and checks origin and log signature; errors are recorded. */
  checkSigned(note: string, what: string): Checkpoint | null {
    const parsed = parseCheckpoint(note);
    if (!parsed.ok) {
      this.error(`${what}: ${parsed.error}`);
      return null;
    }
    const header = this.header as BundleHeader;
    if (parsed.value.origin !== header.origin) {
      this.error(`${what}: origin ${parsed.value.origin} is not ${header.origin}`);
      return null;
    }
    const sig = this.logKey === null ? null : verifyNote(note, header.origin, this.logKey);
    if (sig === null || !sig.ok) {
      this.error(`${what}: log signature invalid (${sig === null ? 'no key' : sig.error})`);
      return null;
    }
    return parsed.value;
  }

  finalCheckpoint(note: string, report: BundleReport): void {
    const header = this.header as BundleHeader;
    const parsed = parseCheckpoint(note);
    if (parsed.ok) {
      report.treeSize = parsed.value.size <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(parsed.value.size) : null;
      report.checkpoint.origin = parsed.value.origin;
      report.checkpoint.rootHash = Buffer.from(parsed.value.rootHash).toString('hex');
    }
    const cp = this.checkSigned(note, 'checkpoint');
    report.checkpoint.signatureValid = cp !== null;
    if (cp === null) return;
    if (cp.size !== BigInt(header.treeSize)) this.error(`checkpoint size ${cp.size} is not the header's treeSize ${header.treeSize}`);
    if (this.expectedSeq !== header.to) {
      if (this.expectedSeq < header.to) this.bad(this.expectedSeq, `missing entries ${this.expectedSeq}..${header.to - 1} at the end`);
      else this.error(`bundle holds entries past its range end ${header.to}`);
    }
    if (this.full) {
      if (this.builder.size === cp.size && !bytesEqual(this.builder.root(), cp.rootHash) && this.firstBadEntry === undefined) {
        this.rootMismatch(Number(cp.size));
      } else if (this.builder.size === cp.size && !bytesEqual(this.builder.root(), cp.rootHash)) {
        this.error('recomputed root differs from the checkpoint');
      }
    } else if (this.firstProofRoot !== null) {
      // The first entry whose proof does not lead to the checkpoint root is the first bad one.
      const bad = !bytesEqual(this.firstProofRoot, cp.rootHash)
        ? { seq: this.firstProofSeq, reason: 'inclusion proof does not lead to the checkpoint root' }
        : this.firstDivergent;
      if (bad !== undefined) {
        // Known only now, so it may precede a structural fault already named.
        this.error(`entry ${bad.seq}: ${bad.reason}`);
        if (this.firstBadEntry === undefined || bad.seq < this.firstBadEntry.seq) this.firstBadEntry = bad;
      }
    }
    this.countCosignatures(note, report);
  }

  private countCosignatures(note: string, report: BundleReport): void {
    const seen = new Set<string>();
    for (const w of this.witnesses) {
      if (seen.has(w.name)) continue; // one vote per witness name
      if (verifyCosignature(note, w.name, w.key).ok) {
        seen.add(w.name);
        report.cosignatures.names.push(w.name);
      }
    }
    report.cosignatures.valid = seen.size;
    if (seen.size < report.cosignatures.required) {
      this.error(`${seen.size} valid cosignatures, ${report.cosignatures.required} required`);
    }
  }
}

/**
 * Verifies an audit bundle in one pass. Names the first bad entry exactly for structural
 * faults (invalid entry, seq out of order, duplicate, gap) and, in a partial bundle, for any
 * entry whose inclusion proof fails. In a full bundle an altered entry only changes the
 * recomputed root, so it is bounded by the nearest signed checkpoints around it
 * (firstBadEntry.range); with no intermediate checkpoints that range is the whole bundle.
 */
export async function verifyBundle(lines: AsyncIterable<string> | Iterable<string>, options: VerifyBundleOptions = {}): Promise<BundleReport> {
  const v = new BundleVerifier(options);
  const report: BundleReport = {
    ok: false,
    treeSize: null,
    entries: 0,
    full: false,
    checkpoint: { signatureValid: false, origin: null, rootHash: null, intermediate: 0 },
    cosignatures: { valid: 0, required: 0, names: [] },
    keysPinned: v.keysPinned,
    errors: v.errors,
  };
  let lineNo = 0;
  let headerOk = false;
  try {
    for await (const raw of lines) {
      lineNo++;
      if (raw.length === 0) continue;
      const fast = headerOk && v.full ? fastEntryLine(raw) : null;
      if (fast !== null) {
        v.onFastEntry(fast, v.header as BundleHeader);
        continue;
      }
      if (raw.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        if (headerOk) v.bad(v.expectedSeq, `line ${lineNo} is not JSON`);
        else v.error(`line ${lineNo} is not JSON`);
        if (!headerOk) break;
        continue;
      }
      if (!headerOk) {
        headerOk = v.onHeader(value);
        if (!headerOk) break;
        continue;
      }
      const header = v.header as BundleHeader;
      if (!isRecord(value)) {
        v.error(`line ${lineNo} is not an object`);
      } else if (value.type === 'entry') {
        v.onEntry(value, header);
      } else if (value.type === 'checkpoint') {
        v.onCheckpointLine(value.note);
      } else {
        v.error(`line ${lineNo}: unknown line type ${JSON.stringify(value.type)}`);
      }
    }
  } catch (e) {
    v.error(`reading the bundle failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (lineNo === 0) v.error('empty bundle');
  if (v.header !== null) {
    report.full = v.full;
    report.cosignatures.required = options.quorum ?? v.header.quorum;
    if (v.pendingCheckpoint === null) v.error('bundle does not end with a checkpoint line');
    else v.finalCheckpoint(v.pendingCheckpoint, report);
  }
  report.entries = v.entries;
  report.checkpoint.intermediate = v.intermediate;
  if (v.firstBadEntry !== undefined) report.firstBadEntry = v.firstBadEntry;
  report.errors = v.finishErrors();
  report.ok = report.errors.length === 0 && report.checkpoint.signatureValid;
  return report;
}
