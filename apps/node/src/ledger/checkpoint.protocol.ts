// What agencies' nodes say to each other about their ledgers on the checkpoints topic, and the
// pure decisions taken on it. Everything here is a plain function: the services around it do
// the database and Kafka side effects.
//
// Names: the log of agency X has the checkpoint origin `liaison/X`; the same string is the key
// name of its note signature (signed with X's Ed25519 directory signing key) and the witness
// name of X's cosignatures on other agencies' checkpoints (key id type 0x04, so the two uses
// never share a key id).
import {
  Checkpoint,
  Ed25519PublicJwk,
  WitnessRejection,
  decodeBase64,
  parseCheckpoint,
  verifyNote,
  witnessDecision,
} from '@liaison/ledger';
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

export interface ConsistencyProofRef {
  /** Tree size the proof starts from (a witness's last cosigned size). */
  from: number;
  /** Base64 hashes. */
  proof: string[];
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
  witness: string;
  reason: WitnessRejection;
  /** Last checkpoint the witness cosigned, or null. */
  cosignedNote: string | null;
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
        message: { type: 'alert', origin: m.origin as string, witness: m.witness as string, reason: m.reason as WitnessRejection, cosignedNote: m.cosignedNote as string | null, refusedNote: m.refusedNote },
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

/** Whether some key verifies the note under `name`. */
export function noteSignedBy(note: string, name: string, keys: readonly (DirectoryKey | { jwk: Ed25519PublicJwk })[]): boolean {
  return keys.some((k) => verifyNote(note, name, k.jwk as unknown as Ed25519PublicJwk).ok);
}

export interface WitnessState {
  size: bigint;
  root: Uint8Array;
  note: string;
}

export type WitnessVerdict =
  | { action: 'ignore'; why: string; stale?: boolean }
  | { action: 'cosign'; checkpoint: Checkpoint }
  | { action: 'refuse'; checkpoint: Checkpoint; reason: WitnessRejection; error: string };

/**
 * What a witness does with another agency's checkpoint. Only a checkpoint validly signed by the
 * origin can be evidence: anything else is ignored (anyone may write garbage on the topic).
 * Older checkpoints (redeliveries, replays) are ignored, not alerted. A validly signed checkpoint
 * that is not provably an extension of the last one cosigned is refused and becomes an alert.
 */
export function judgeCheckpoint(input: { message: CheckpointMessage; self: string; state: WitnessState | null; originKeys: readonly DirectoryKey[] }): WitnessVerdict {
  const { message, state } = input;
  if (message.agency === input.self) return { action: 'ignore', why: 'own checkpoint' };
  const parsed = parseCheckpoint(message.note);
  if (!parsed.ok) return { action: 'ignore', why: `malformed checkpoint: ${parsed.error}` };
  const checkpoint = parsed.value;
  if (checkpoint.origin !== message.origin) return { action: 'ignore', why: 'note origin differs from the message origin' };
  if (input.originKeys.length === 0) return { action: 'ignore', why: `no valid signing key for ${message.agency} in the directory` };
  if (!noteSignedBy(message.note, message.origin, input.originKeys)) return { action: 'ignore', why: 'log signature does not verify' };
  if (state !== null && checkpoint.size < state.size) return { action: 'ignore', why: `older than the last cosigned size ${state.size}`, stale: true };
  let proof: Uint8Array[] = [];
  if (state !== null && checkpoint.size > state.size) {
    const ref = message.proofs.find((p) => BigInt(p.from) === state.size);
    if (ref === undefined) return { action: 'ignore', why: `no consistency proof from size ${state.size}` };
    proof = ref.proof.map((h) => decodeBase64(h) as Uint8Array);
  }
  const decision = witnessDecision({
    last: state === null ? null : { size: state.size, root: state.root, origin: message.origin },
    incoming: checkpoint,
    consistencyProof: proof,
    signatureValid: true,
  });
  if (decision.ok) return { action: 'cosign', checkpoint };
  return { action: 'refuse', checkpoint, reason: decision.reason, error: decision.error };
}

/** Whether it is time for a new checkpoint. */
export function checkpointDue(input: { headSize: bigint; lastSize: bigint; lastAtMs: number; nowMs: number; everyEntries: number; everySeconds: number }): boolean {
  const pending = input.headSize - input.lastSize;
  if (pending <= 0n) return false;
  return pending >= BigInt(input.everyEntries) || input.nowMs - input.lastAtMs >= input.everySeconds * 1000;
}
