// The witness's judgement of another log's checkpoint, as a plain function: the node around it
// reads its state, finds the origin's keys in its directory and does the side effects.
import { Checkpoint, Ed25519PublicJwk, WitnessRejection, decodeBase64, parseCheckpoint, verifyNote, witnessDecision } from './note';

/** A public key a log signs its checkpoints with (the app adapts its directory's keys to it). */
export interface LogKey {
  jwk: Ed25519PublicJwk;
}

export interface ConsistencyProofRef {
  /** Tree size the proof starts from (a witness's last cosigned size). */
  from: number;
  /** Base64 hashes. */
  proof: string[];
}

/** A checkpoint as another log presents it: the signed note and proofs from sizes witnesses may hold. */
export interface CheckpointClaim {
  origin: string;
  note: string;
  proofs: readonly ConsistencyProofRef[];
}

/** The last checkpoint this witness cosigned for a log. */
export interface WitnessState {
  size: bigint;
  root: Uint8Array;
  note: string;
  /** When the witness cosigned it (its own clock). */
  cosignedAt?: Date;
}

/**
 * A smaller checkpoint published this long after the witness cosigned a larger one is the log
 * shrinking, not a replay: the margin covers clock skew between the origin and the witness.
 */
export const SHRINK_MARGIN_SECONDS = 60;

export type WitnessVerdict =
  | { action: 'ignore'; why: string; stale?: boolean }
  | { action: 'cosign'; checkpoint: Checkpoint }
  | { action: 'refuse'; checkpoint: Checkpoint; reason: WitnessRejection; error: string };

/** Whether some key verifies the note under `name`. */
export function noteSignedBy(note: string, name: string, keys: readonly LogKey[]): boolean {
  return keys.some((k) => verifyNote(note, name, k.jwk).ok);
}

/**
 * What a witness does with another log's checkpoint. Only a checkpoint validly signed by the
 * origin can be evidence: anything else is ignored (anyone may write garbage on the topic).
 * Older checkpoints (redeliveries, replays: published before the witness cosigned a larger one)
 * are ignored, not alerted; a smaller one published well after that is the log shrinking. A validly
 * signed checkpoint that is not provably an extension of the last one cosigned is refused and
 * becomes an alert.
 */
export function judgeCheckpoint(input: { claim: CheckpointClaim; state: WitnessState | null; originKeys: readonly LogKey[]; publishedAt?: Date }): WitnessVerdict {
  const { claim, state } = input;
  const parsed = parseCheckpoint(claim.note);
  if (!parsed.ok) return { action: 'ignore', why: `malformed checkpoint: ${parsed.error}` };
  const checkpoint = parsed.value;
  if (checkpoint.origin !== claim.origin) return { action: 'ignore', why: 'note origin differs from the message origin' };
  if (input.originKeys.length === 0) return { action: 'ignore', why: `no valid signing key for ${claim.origin}` };
  if (!noteSignedBy(claim.note, claim.origin, input.originKeys)) return { action: 'ignore', why: 'log signature does not verify' };
  if (state !== null && checkpoint.size < state.size && !publishedWellAfter(input.publishedAt, state.cosignedAt)) {
    return { action: 'ignore', why: `older than the last cosigned size ${state.size}`, stale: true };
  }
  let proof: Uint8Array[] = [];
  if (state !== null && checkpoint.size > state.size) {
    const ref = claim.proofs.find((p) => BigInt(p.from) === state.size);
    if (ref === undefined) return { action: 'ignore', why: `no consistency proof from size ${state.size}` };
    proof = ref.proof.map((h) => decodeBase64(h) as Uint8Array);
  }
  const decision = witnessDecision({
    last: state === null ? null : { size: state.size, root: state.root, origin: claim.origin },
    incoming: checkpoint,
    consistencyProof: proof,
    signatureValid: true,
  });
  if (decision.ok) return { action: 'cosign', checkpoint };
  return { action: 'refuse', checkpoint, reason: decision.reason, error: decision.error };
}

function publishedWellAfter(publishedAt: Date | undefined, cosignedAt: Date | undefined): boolean {
  return publishedAt !== undefined && cosignedAt !== undefined && publishedAt.getTime() - cosignedAt.getTime() > SHRINK_MARGIN_SECONDS * 1000;
}

export type SilenceVerdict = { silent: false } | { silent: true; seconds: number };

/**
 * Whether a watched log has gone silent: this node keeps receiving the agency's envelopes, each of
 * which puts entries in its log, but no checkpoint of it followed within `limitSeconds`.
 * `firstTrafficSince` is the earliest envelope received from the agency after its last
 * checkpoint was seen (`null`: none since, so silence is expected).
 */
export function judgeSilence(input: { firstTrafficSince: Date | null; now: Date; limitSeconds: number }): SilenceVerdict {
  if (input.firstTrafficSince === null) return { silent: false };
  const seconds = Math.floor((input.now.getTime() - input.firstTrafficSince.getTime()) / 1000);
  return seconds > input.limitSeconds ? { silent: true, seconds } : { silent: false };
}
