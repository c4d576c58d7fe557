// The bodies of the three match messages (docs/PROTOCOL.md §6): what a node puts in the `body`
// claim of a match envelope and how it reads one, refusing anything malformed with a stable code.
// Byte strings travel as unpadded base64url; a string that does not re-encode to itself is refused.
import { createHash } from 'node:crypto';
import { ELEMENT_BYTES, MatchInputError, PROOF_BYTES, oprfKeyId } from './oprf';

/** Most elements in one match-request (each is one guess at the holder's set). */
export const MAX_MATCH_BATCH = 100;
/**
 * Largest filter part in bytes before base64url. A part is base64url-encoded three times on its
 * way out (the body, the JWS payload, the JWE ciphertext: × 4/3 each, ≈ 2.37 in all), so 384 KiB
 * gives an envelope of ≈ 932 KB, under the 1 MiB envelope limit (DEFAULT_MAX_BYTES) and Kafka's
 * default message size; test/integration/match-filter-envelope.spec.ts seals a full part to prove it.
 */
export const FILTER_PART_BYTES = 384 * 1024;
/** Most parts of one filter: 256 × 384 KiB = 96 MiB, above a 40 MB filter of 10 million entries. */
export const MAX_FILTER_PARTS = 256;
export const MATCH_BODY_VERSION = 1;

export interface MatchRequestBody {
  v: 1;
  key_id: string;
  elements: string[];
}

export interface MatchResponseBody {
  v: 1;
  key_id: string;
  evaluated: string[];
  proof: string;
}

export interface MatchFilterPartBody {
  v: 1;
  key_id: string;
  public_key: string;
  /** SHA-256 of the whole serialised filter, lowercase hex: names the filter and checks its reassembly. */
  filter: string;
  part: number;
  parts: number;
  bytes: string;
}

/** The holder's answer when it does not evaluate a request: a stable code (`match_…`), a detail, when to retry. */
export interface MatchRefusalBody {
  v: 1;
  code: string;
  detail: string;
  retry_after_seconds?: number;
}

export const MATCH_REFUSAL_CODE = /^match_[a-z_]{1,60}$/;
export const MAX_REFUSAL_DETAIL = 500;

const KEY_ID = /^[0-9a-f]{16}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

function bytesOf(value: unknown, field: string, length?: number): Uint8Array {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]*$/.test(value)) throw new MatchInputError('malformed_element', `${field}: unpadded base64url expected`);
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.toString('base64url') !== value) throw new MatchInputError('malformed_element', `${field}: not canonical base64url`);
  if (length !== undefined && bytes.length !== length) throw new MatchInputError('malformed_element', `${field}: ${bytes.length} bytes, ${length} expected`);
  return new Uint8Array(bytes);
}

function object(body: unknown, members: readonly string[], what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new MatchInputError('malformed_element', `${what}: a JSON object expected`);
  const record = body as Record<string, unknown>;
  const extra = Object.keys(record).filter((k) => !members.includes(k));
  if (extra.length > 0) throw new MatchInputError('malformed_element', `${what}: unknown member ${extra[0]}`);
  if (record.v !== MATCH_BODY_VERSION) throw new MatchInputError('malformed_element', `${what}: v must be ${MATCH_BODY_VERSION}`);
  if (typeof record.key_id !== 'string' || !KEY_ID.test(record.key_id)) throw new MatchInputError('malformed_key', `${what}: key_id is 16 lowercase hex digits`);
  return record;
}

function list(value: unknown, field: string, max: number): unknown[] {
  if (!Array.isArray(value)) throw new MatchInputError('malformed_element', `${field}: an array expected`);
  if (value.length === 0) throw new MatchInputError('no_elements', `${field}: at least one element`);
  if (value.length > max) throw new MatchInputError('too_many_elements', `${field}: at most ${max} elements, got ${value.length}`);
  return value;
}

export function matchRequestBody(keyId: string, blinded: readonly Uint8Array[]): MatchRequestBody {
  return { v: 1, key_id: keyId, elements: blinded.map(b64) };
}

/** Reads a match-request body: the key id and the raw elements (still to pass `readElements`). */
export function readMatchRequest(body: unknown, max = MAX_MATCH_BATCH): { keyId: string; elements: Uint8Array[] } {
  const r = object(body, ['v', 'key_id', 'elements'], 'match-request');
  const elements = list(r.elements, 'elements', max).map((e, i) => bytesOf(e, `elements[${i}]`, ELEMENT_BYTES));
  return { keyId: r.key_id as string, elements };
}

export function matchResponseBody(keyId: string, evaluated: readonly Uint8Array[], proof: Uint8Array): MatchResponseBody {
  return { v: 1, key_id: keyId, evaluated: evaluated.map(b64), proof: b64(proof) };
}

export function readMatchResponse(body: unknown, max = MAX_MATCH_BATCH): { keyId: string; evaluated: Uint8Array[]; proof: Uint8Array } {
  const r = object(body, ['v', 'key_id', 'evaluated', 'proof'], 'match-response');
  const evaluated = list(r.evaluated, 'evaluated', max).map((e, i) => bytesOf(e, `evaluated[${i}]`, ELEMENT_BYTES));
  return { keyId: r.key_id as string, evaluated, proof: bytesOf(r.proof, 'proof', PROOF_BYTES) };
}

/** Splits a serialised filter into message bodies of at most `FILTER_PART_BYTES` each. */
export function filterPartBodies(publicKey: Uint8Array, filter: Uint8Array, partBytes = FILTER_PART_BYTES): MatchFilterPartBody[] {
  const parts = Math.max(1, Math.ceil(filter.length / partBytes));
  if (parts > MAX_FILTER_PARTS) throw new MatchInputError('too_many_elements', `a filter of ${filter.length} bytes needs more than ${MAX_FILTER_PARTS} parts`);
  const digest = createHash('sha256').update(filter).digest('hex');
  return Array.from({ length: parts }, (_, part) => ({
    v: 1 as const,
    key_id: oprfKeyId(publicKey),
    public_key: b64(publicKey),
    filter: digest,
    part,
    parts,
    bytes: b64(filter.subarray(part * partBytes, (part + 1) * partBytes)),
  }));
}

/** Reads one filter part body (the public key must be the one its key id names). */
export function readFilterPart(body: unknown): { keyId: string; publicKey: Uint8Array; filter: string; part: number; parts: number; bytes: Uint8Array } {
  const r = object(body, ['v', 'key_id', 'public_key', 'filter', 'part', 'parts', 'bytes'], 'match-filter');
  const publicKey = bytesOf(r.public_key, 'public_key', ELEMENT_BYTES);
  if (oprfKeyId(publicKey) !== r.key_id) throw new MatchInputError('malformed_key', 'match-filter: key_id is not the id of public_key');
  if (typeof r.filter !== 'string' || !SHA256_HEX.test(r.filter)) throw new MatchInputError('malformed_element', 'match-filter: filter is a lowercase hex SHA-256');
  const parts = r.parts;
  const part = r.part;
  if (!Number.isInteger(parts) || (parts as number) < 1 || (parts as number) > MAX_FILTER_PARTS) throw new MatchInputError('malformed_element', `match-filter: parts is 1 to ${MAX_FILTER_PARTS}`);
  if (!Number.isInteger(part) || (part as number) < 0 || (part as number) >= (parts as number)) throw new MatchInputError('malformed_element', 'match-filter: part is 0 to parts − 1');
  const bytes = bytesOf(r.bytes, 'bytes');
  if (bytes.length > FILTER_PART_BYTES) throw new MatchInputError('malformed_element', `match-filter: a part has at most ${FILTER_PART_BYTES} bytes`);
  return { keyId: r.key_id as string, publicKey, filter: r.filter, part: part as number, parts: parts as number, bytes };
}

/** Joins the parts of one filter (any order, each once) and checks the whole against its digest. */
export function assembleFilter(parts: ReadonlyArray<ReturnType<typeof readFilterPart>>): Uint8Array {
  if (parts.length === 0) throw new MatchInputError('no_elements', 'no filter parts');
  const [first] = parts;
  const ordered = [...parts].sort((a, b) => a.part - b.part);
  if (ordered.length !== first.parts || ordered.some((p, i) => p.part !== i || p.parts !== first.parts || p.filter !== first.filter || p.keyId !== first.keyId)) {
    throw new MatchInputError('count_mismatch', `filter ${first.filter.slice(0, 12)}…: parts missing, repeated or from another filter`);
  }
  const whole = Buffer.concat(ordered.map((p) => p.bytes));
  if (createHash('sha256').update(whole).digest('hex') !== first.filter) throw new MatchInputError('malformed_element', 'filter parts do not hash to the announced filter');
  return new Uint8Array(whole);
}

export function matchRefusalBody(code: string, detail: string, retryAfterSeconds?: number): MatchRefusalBody {
  return { v: 1, code, detail: detail.slice(0, MAX_REFUSAL_DETAIL), ...(retryAfterSeconds === undefined ? {} : { retry_after_seconds: retryAfterSeconds }) };
}

/** Reads a match-refusal body (its shape is also the registered schema's: the opener checked it). */
export function readMatchRefusal(body: unknown): { code: string; detail: string; retryAfterSeconds?: number } {
  const r = body as MatchRefusalBody;
  return { code: r.code, detail: r.detail, retryAfterSeconds: r.retry_after_seconds };
}
