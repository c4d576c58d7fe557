import { parseStrictJson } from '@liaison/json';
import { createHash } from 'node:crypto';

const B64U = /^[A-Za-z0-9_-]*$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Base64url without padding (RFC 7515 §2). */
export function b64u(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Strict base64url decoding: only the URL-safe alphabet, no padding, and canonical (the unused
 * low bits of the last character must be zero), so that one byte string has exactly one text
 * form. Returns null for anything else.
 */
export function b64uDecode(text: unknown): Buffer | null {
  if (typeof text !== 'string' || !B64U.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

/** Strict UTF-8 decoding (invalid sequences are refused, a BOM is kept and so refused by JSON). */
export function utf8Decode(bytes: Uint8Array): string | null {
  try {
    return UTF8.decode(bytes);
  } catch {
    return null;
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value of strict JSON (@liaison/json), or undefined for invalid JSON or a repeated member name. */
export function parseJson(text: string): unknown {
  const parsed = parseStrictJson(text);
  return parsed.ok ? parsed.value : undefined;
}

/** True when `obj` has no own keys outside `allowed`. */
export function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[]): boolean {
  return Object.keys(obj).every((k) => allowed.includes(k));
}

/** An error with a machine-readable code; the message never carries key material or content. */
export class CodedError<C extends string> extends Error {
  constructor(
    readonly code: C,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = new.target.name;
  }
}
