// The Idempotency-Key request header (IETF httpapi draft "The Idempotency-Key HTTP Header Field"):
// pure parsing and the request fingerprint. Tested without a server.
import { createHash } from 'crypto';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const MAX_KEY_LENGTH = 255;

const SF_STRING = /^"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"$/;
const BARE = /^[A-Za-z0-9._:~+/=-]+$/;

/**
 * The key, from an RFC 8941 sf-string (`"8e03978e-…"`, as the draft writes it) or, as many
 * clients send it, unquoted; null when the value is neither or is empty or too long.
 */
export function parseIdempotencyKey(header: string | string[] | undefined): string | null {
  if (typeof header !== 'string') return null;
  const quoted = SF_STRING.exec(header);
  const key = quoted ? quoted[1].replace(/\\(["\\])/g, '$1') : BARE.test(header) ? header : null;
  return key !== null && key.length >= 1 && key.length <= MAX_KEY_LENGTH ? key : null;
}

/** Identifies "the same request": method, target and the body's bytes as received. */
export function requestFingerprint(method: string, target: string, body: Buffer | undefined): Buffer {
  return createHash('sha256')
    .update(`${method}\n${target}\n`)
    .update(body ?? Buffer.alloc(0))
    .digest();
}
