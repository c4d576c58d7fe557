// RFC 9497 VOPRF (mode 0x01) in suite ristretto255-SHA512, on @cloudflare/voprf-ts with the
// libsodium provider (decision 0017). The holder evaluates its own values directly and the
// requester's blinded elements with a batch DLEQ proof; the requester unblinds, verifies the
// proof against the holder's published key and gets 64-byte outputs. Every element that comes from
// outside passes `readElements` first, which refuses wrong lengths, non-canonical encodings (bytes
// that are not a point of the group) and the identity element, naming what is wrong.
import { createHash } from 'node:crypto';
import {
  DLEQProof,
  Evaluation,
  EvaluationRequest,
  FinalizeData,
  Oprf,
  VOPRFClient,
  VOPRFServer,
  derivePrivateKey,
  generatePublicKey,
  randomPrivateKey,
  type Scalar,
} from '@cloudflare/voprf-ts';
import { ELEMENT_BYTES, SCALAR_BYTES, SodiumProvider, isCanonicalElement, isCanonicalScalar, sodiumReady } from './sodium-group';

/** The one suite Liaison uses (RFC 9497 §4.1, contextString "OPRFV1-\x01-ristretto255-SHA512"). */
export const MATCH_SUITE = Oprf.Suite.RISTRETTO255_SHA512;
/** Bytes of an OPRF output (Nh, SHA-512). */
export const OUTPUT_BYTES = 64;
/** Bytes of a DLEQ proof: Serialize(c) || Serialize(s). */
export const PROOF_BYTES = 2 * SCALAR_BYTES;
export { ELEMENT_BYTES, SCALAR_BYTES };

/** What is wrong with a value received from another node; `code` is stable. */
export type MatchInputCode =
  | 'malformed_element'
  | 'identity_element'
  | 'too_many_elements'
  | 'no_elements'
  | 'malformed_proof'
  | 'malformed_key'
  | 'count_mismatch'
  | 'proof_failed';

export class MatchInputError extends Error {
  constructor(
    readonly code: MatchInputCode,
    message: string,
  ) {
    super(message);
    this.name = 'MatchInputError';
  }
}

/** Where blinds and proof nonces come from: libsodium's random scalars, or fixed ones for the RFC vectors. */
export interface ScalarSource {
  next(): Uint8Array;
}

export interface OprfKeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/** A fresh holder key (RFC 9497 §3.2 RandomScalar). */
export async function generateOprfKey(): Promise<OprfKeyPair> {
  await sodiumReady();
  const privateKey = await randomPrivateKey(MATCH_SUITE, SodiumProvider);
  return { privateKey, publicKey: generatePublicKey(MATCH_SUITE, privateKey, SodiumProvider) };
}

/** RFC 9497 §3.2.1 DeriveKeyPair (the vectors use it; nodes use generateOprfKey). */
export async function deriveOprfKey(seed: Uint8Array, info: Uint8Array): Promise<OprfKeyPair> {
  await sodiumReady();
  const privateKey = await derivePrivateKey(Oprf.Mode.VOPRF, MATCH_SUITE, seed, info, SodiumProvider);
  return { privateKey, publicKey: generatePublicKey(MATCH_SUITE, privateKey, SodiumProvider) };
}

/** The public key of a private key (to check a stored pair, and to publish it). */
export async function oprfPublicKey(privateKey: Uint8Array): Promise<Uint8Array> {
  await sodiumReady();
  if (!isCanonicalScalar(privateKey) || privateKey.every((b) => b === 0)) {
    throw new MatchInputError('malformed_key', 'an OPRF private key is a non-zero canonical 32-byte scalar');
  }
  return generatePublicKey(MATCH_SUITE, privateKey, SodiumProvider);
}

/** Key id: lowercase hex of the first 8 bytes of SHA-256(public key); names the key in messages. */
export function oprfKeyId(publicKey: Uint8Array): string {
  return createHash('sha256').update(publicKey).digest('hex').slice(0, 16);
}

/**
 * Reads elements received from another node (each exactly 32 bytes, a canonical ristretto255
 * encoding, not the identity) and refuses the whole list otherwise, naming the first bad index.
 */
export async function readElements(elements: readonly Uint8Array[], max: number): Promise<Uint8Array[]> {
  await sodiumReady();
  if (elements.length === 0) throw new MatchInputError('no_elements', 'at least one element is required');
  if (elements.length > max) {
    throw new MatchInputError('too_many_elements', `at most ${max} elements per request, got ${elements.length}`);
  }
  elements.forEach((e, i) => {
    if (e.length !== ELEMENT_BYTES) {
      throw new MatchInputError('malformed_element', `element ${i}: ${e.length} bytes, a ristretto255 element has ${ELEMENT_BYTES}`);
    }
    if (!isCanonicalElement(e)) {
      throw new MatchInputError('malformed_element', `element ${i}: not the canonical encoding of a ristretto255 point`);
    }
    if (e.every((b) => b === 0)) throw new MatchInputError('identity_element', `element ${i}: the identity element`);
  });
  return elements.map((e) => Uint8Array.from(e));
}

function withSource<T extends object>(target: T, method: string, source: ScalarSource | undefined): T {
  if (source) {
    const group = SodiumProvider.Group.get('ristretto255');
    Object.assign(target, { [method]: (): Promise<Scalar> => Promise.resolve(group.desScalar(source.next())) });
  }
  return target;
}

/** The holder's side: direct evaluation of its own values, blind evaluation with a proof for requesters. */
export class OprfHolder {
  private constructor(
    private readonly server: VOPRFServer,
    readonly publicKey: Uint8Array,
  ) {}

  static async create(privateKey: Uint8Array, nonces?: ScalarSource): Promise<OprfHolder> {
    const publicKey = await oprfPublicKey(privateKey);
    const server = new VOPRFServer(MATCH_SUITE, privateKey, SodiumProvider);
    withSource((server as unknown as { prover: object }).prover, 'randomScalar', nonces);
    return new OprfHolder(server, publicKey);
  }

  /** RFC 9497 §3.3.2 Evaluate: the output for one of the holder's own values. */
  evaluate(input: Uint8Array): Promise<Uint8Array> {
    return this.server.evaluate(input);
  }

  /** BlindEvaluate + GenerateProof over a batch; the elements are checked again (`readElements`), whatever the caller did. */
  async blindEvaluate(blinded: readonly Uint8Array[]): Promise<{ evaluated: Uint8Array[]; proof: Uint8Array }> {
    const group = SodiumProvider.Group.get('ristretto255');
    const checked = await readElements(blinded, blinded.length);
    const request = new EvaluationRequest(checked.map((b) => group.desElt(b)));
    const evaluation = await this.server.blindEvaluate(request);
    if (!evaluation.proof) throw new Error('VOPRF evaluation without a proof');
    return { evaluated: evaluation.evaluated.map((e) => e.serialize()), proof: evaluation.proof.serialize() };
  }
}

/** What the requester keeps between blinding and finalising (never sent; it contains the inputs). */
export interface BlindState {
  readonly finalize: FinalizeData;
}

/** The blind state as bytes (voprf-ts's own encoding), for the requester to keep sealed at rest until the answer. */
export function blindStateBytes(state: BlindState): Uint8Array {
  return state.finalize.serialize();
}

/** A blind state back from blindStateBytes. */
export async function blindStateFrom(bytes: Uint8Array): Promise<BlindState> {
  await sodiumReady();
  return { finalize: FinalizeData.deserialize(MATCH_SUITE, bytes, SodiumProvider) };
}

/** The requester's side: blind inputs, then verify the proof and unblind the holder's answer. */
export class OprfRequester {
  private constructor(private readonly client: VOPRFClient) {}

  static async create(holderPublicKey: Uint8Array, blinds?: ScalarSource): Promise<OprfRequester> {
    await sodiumReady();
    if (!isCanonicalElement(holderPublicKey) || holderPublicKey.every((b) => b === 0)) {
      throw new MatchInputError('malformed_key', 'the holder public key is not a ristretto255 element other than the identity');
    }
    return new OprfRequester(withSource(new VOPRFClient(MATCH_SUITE, holderPublicKey, SodiumProvider), 'randomBlinder', blinds));
  }

  async blind(inputs: readonly Uint8Array[]): Promise<{ state: BlindState; blinded: Uint8Array[] }> {
    const [finalize, request] = await this.client.blind([...inputs]);
    return { state: { finalize }, blinded: request.blinded.map((e) => e.serialize()) };
  }

  /** Checks the answer (sizes, encodings, the proof) and returns one 64-byte output per input. */
  async finalize(state: BlindState, evaluated: readonly Uint8Array[], proof: Uint8Array): Promise<Uint8Array[]> {
    if (evaluated.length !== state.finalize.inputs.length) {
      throw new MatchInputError('count_mismatch', `${evaluated.length} evaluated elements for ${state.finalize.inputs.length} blinded`);
    }
    const elements = await readElements(evaluated, evaluated.length);
    if (proof.length !== PROOF_BYTES || !isCanonicalScalar(proof.subarray(0, SCALAR_BYTES)) || !isCanonicalScalar(proof.subarray(SCALAR_BYTES))) {
      throw new MatchInputError('malformed_proof', `a DLEQ proof is two canonical scalars, ${PROOF_BYTES} bytes`);
    }
    const group = SodiumProvider.Group.get('ristretto255');
    const evaluation = new Evaluation(
      Oprf.Mode.VOPRF,
      elements.map((e) => group.desElt(e)),
      DLEQProof.deserialize('ristretto255', proof, SodiumProvider),
    );
    try {
      return await this.client.finalize(state.finalize, evaluation);
    } catch (error) {
      if (error instanceof Error && error.message === 'proof failed') {
        throw new MatchInputError('proof_failed', 'the DLEQ proof does not verify under the holder key');
      }
      throw error;
    }
  }
}
