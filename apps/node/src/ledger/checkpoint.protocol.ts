// What agencies' nodes say to each other about their ledgers on the checkpoints topic, and the
// pure decisions taken on it. Everything here is a plain function: the services around it do
// the database and Kafka side effects.
//
// Names: the log of agency X has the checkpoint origin `liaison/X`; the same string is the key
// name of its note signature (signed with X's Ed25519 directory signing key) and the witness
// name of X's cosignatures on other agencies' checkpoints (key id type 0x04, so the two uses
// never share a key id).
import { createHash } from 'crypto';
import { ConsistencyProofRef, LogKey, decodeBase64 } from '@liaison/ledger';
import type { Directory, DirectoryKey } from '@liaison/envelope';
import { keyInvalidity } from '@liaison/envelope';
import { AGENCY_CODE } from '@liaison/ids';

export const TYPE_HEADER = 'liaison-type';
const ORIGIN_PREFIX = 'liaison/';
const MAX_NOTE_CHARS = 16 * 1024;
const MAX_PROOFS = 64;
const MAX_PROOF_HASHES = 128;

/** Checkpoint origin, note key name and witness name of an agency. */
export function originOf(agency: string): string {
  return `${ORIGIN_PREFIX}${agency}`;
}

export function agencyOfOrigin(origin: unknown): string | null {
  if (typeof origin !== 'string' || !origin.startsWith(ORIGIN_PREFIX)) return null;
  const agency = origin.slice(ORIGIN_PREFIX.length);
  return AGENCY_CODE.test(agency) ? agency : null;
}

export interface CheckpointMessage {
  type: 'checkpoint';
  origin: string;
  agency: string;
  note: string;
  proofs: ConsistencyProofRef[];
}

export interface CosignatureMessage {
  type: 'cosignature';
  origin: string;
  witness: string;
  size: number;
  /** The tlog-cosignature line (with its leading em dash). */
  line: string;
}

export interface AlertMessage {
  type: 'alert';
  origin: string;
  /** The agency that raised it; the origin itself for damage its self-audit found. */
  witness: string;
  /** A WitnessRejection, or `ledger_damage:<kind>` from the origin's self-audit. */
  reason: string;
  /** Last checkpoint the witness cosigned (the origin's latest checkpoint for self-reported damage), or null. */
  cosignedNote: string | null;
  /** The refused checkpoint, or the origin's signed damage statement. */
  refusedNote: string;
}

export type LedgerMessage = CheckpointMessage | CosignatureMessage | AlertMessage;

export type ParsedMessage = { ok: true; message: LedgerMessage } | { ok: false; error: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNote(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_NOTE_CHARS;
}

function isSize(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Validates one message of the checkpoints topic (bytes from any agency: never trusted). */
export function parseLedgerMessage(value: Uint8Array | null, headerType?: string): ParsedMessage {
  if (value === null || value.length === 0) return { ok: false, error: 'empty message' };
  if (value.length > 256 * 1024) return { ok: false, error: 'message too large' };
  let m: unknown;
  try {
    m = JSON.parse(Buffer.from(value).toString('utf8'));
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  if (!isRecord(m)) return { ok: false, error: 'not an object' };
  if (headerType !== undefined && headerType !== m.type) return { ok: false, error: `header ${TYPE_HEADER} does not match the type` };
  if (agencyOfOrigin(m.origin) === null) return { ok: false, error: 'origin is not liaison/<AGENCY>' };
  switch (m.type) {
    case 'checkpoint': {
      if (typeof m.agency !== 'string' || originOf(m.agency) !== m.origin) return { ok: false, error: 'agency does not match the origin' };
      if (!isNote(m.note)) return { ok: false, error: 'note missing or too long' };
      if (!Array.isArray(m.proofs) || m.proofs.length > MAX_PROOFS) return { ok: false, error: 'proofs must be an array' };
      for (const p of m.proofs as unknown[]) {
        if (!isRecord(p) || !isSize(p.from) || !Array.isArray(p.proof) || p.proof.length > MAX_PROOF_HASHES) return { ok: false, error: 'malformed proof' };
        if (!p.proof.every((h) => typeof h === 'string' && decodeBase64(h)?.length === 32)) return { ok: false, error: 'proof hashes must be 32 bytes of base64' };
      }
      return { ok: true, message: { type: 'checkpoint', origin: m.origin as string, agency: m.agency, note: m.note, proofs: m.proofs as ConsistencyProofRef[] } };
    }
    case 'cosignature': {
      if (agencyOfOrigin(m.witness) === null) return { ok: false, error: 'witness is not liaison/<AGENCY>' };
      if (!isSize(m.size)) return { ok: false, error: 'size must be a non-negative integer' };
      if (typeof m.line !== 'string' || m.line.length > 1024 || !/^\u2014 \S+ \S+\n?$/u.test(m.line)) return { ok: false, error: 'line is not one signature line' };
      return { ok: true, message: { type: 'cosignature', origin: m.origin as string, witness: m.witness as string, size: m.size, line: m.line } };
    }
    case 'alert': {
      if (agencyOfOrigin(m.witness) === null) return { ok: false, error: 'witness is not liaison/<AGENCY>' };
      if (typeof m.reason !== 'string' || m.reason.length > 64) return { ok: false, error: 'reason missing' };
      if (m.cosignedNote !== null && !isNote(m.cosignedNote)) return { ok: false, error: 'cosignedNote must be a note or null' };
      if (!isNote(m.refusedNote)) return { ok: false, error: 'refusedNote missing' };
      return {
        ok: true,
        message: { type: 'alert', origin: m.origin as string, witness: m.witness as string, reason: m.reason, cosignedNote: m.cosignedNote as string | null, refusedNote: m.refusedNote },
      };
    }
    default:
      return { ok: false, error: 'unknown type' };
  }
}

/** An agency's Ed25519 signing keys from the directory that are valid at `at` (rotation overlap: several). */
export function signingKeysOf(directory: Directory | null, agency: string, at: Date): DirectoryKey[] {
  const entry = directory?.agencies.find((a) => a.code === agency);
  if (!entry) return [];
  return entry.keys.filter((k) => k.use === 'sig' && keyInvalidity(k, at) === null);
}

/** Every signing key the directory has ever listed for an agency (active, retired or revoked). */
export function everSigningKeysOf(directory: Directory | null, agency: string): DirectoryKey[] {
  return directory?.agencies.find((a) => a.code === agency)?.keys.filter((k) => k.use === 'sig') ?? [];
}

/** Directory keys as the log keys the ledger's pure code checks notes with. */
export function asLogKeys(keys: readonly DirectoryKey[]): LogKey[] {
  return keys.map((k) => ({ jwk: { kty: 'OKP', crv: 'Ed25519', x: k.jwk.x } }));
}

/** One alert per refusal (or damage statement), however often redelivered. */
export function evidenceDigest(origin: string, witness: string, refusedNote: string): string {
  return createHash('sha256').update(`${origin}\n${witness}\n${refusedNote}`).digest('hex');
}

/** Whether it is time for a new checkpoint. */
export function checkpointDue(input: { headSize: bigint; lastSize: bigint; lastAtMs: number; nowMs: number; everyEntries: number; everySeconds: number }): boolean {
  const pending = input.headSize - input.lastSize;
  if (pending <= 0n) return false;
  return pending >= BigInt(input.everyEntries) || input.nowMs - input.lastAtMs >= input.everySeconds * 1000;
}

/**
 * While the head stays at `headSize`, the next time a checkpoint round has anything to do: when
 * the pending entries fall due by time, else one interval on (to republish an unwitnessed
 * checkpoint). A head that moves makes a round due at once (everyEntries may be reached).
 */
export function nextCheckpointRoundAt(input: { headSize: bigint; lastSize: bigint; lastAtMs: number; nowMs: number; everySeconds: number }): number {
  const every = input.everySeconds * 1000;
  return input.headSize > input.lastSize ? Math.max(input.nowMs, input.lastAtMs + every) : input.nowMs + every;
}
