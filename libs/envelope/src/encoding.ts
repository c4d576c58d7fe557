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

/**
 * Whether an object in `text`, which must already be valid JSON, names a member twice (after
 * unescaping, so "a" and "\u0061" are the same name). JSON.parse keeps the last one silently,
 * so two readers of one signed text could see different values (RFC 8259 §4, RFC 7515 §5.2).
 */
export function hasDuplicateMember(text: string): boolean {
  // One entry per open container: the member names seen so far, or null for an array.
  const open: (Set<string> | null)[] = [];
  let keyNext = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const names = open[open.length - 1];
      if (keyNext && names) {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        if (names.has(name)) return true;
        names.add(name);
      }
      keyNext = false;
      i = end;
    } else if (c === '{' || c === '[') {
      open.push(c === '{' ? new Set() : null);
      keyNext = c === '{';
    } else if (c === '}' || c === ']') {
      open.pop();
      keyNext = false;
    } else if (c === ',') {
      keyNext = open[open.length - 1] instanceof Set;
    }
  }
  return false;
}

export type StrictJson = { ok: true; value: unknown } | { ok: false; duplicate: boolean };

/** Strict JSON: invalid text and repeated member names are both refused, never thrown. */
export function parseStrictJson(text: string): StrictJson {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { ok: false, duplicate: false };
  }
  return hasDuplicateMember(text) ? { ok: false, duplicate: true } : { ok: true, value };
}

/** {@link parseStrictJson}'s value, or undefined for invalid JSON or a repeated member name. */
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
