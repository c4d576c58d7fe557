// RFC 8785 JSON Canonicalization Scheme, restricted to the values a ledger entry holds.
// Numbers must be safe integers: their JCS form is then their decimal form, and refusing
// fractions avoids reproducing ECMAScript's double-to-string algorithm in a second language.

export type JcsValue = null | boolean | number | string | JcsValue[] | { [key: string]: JcsValue };

const LONE_SURROGATE = /\p{Surrogate}/u;

/** True when the string is not well-formed UTF-16 (cannot be encoded as UTF-8). */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

function serializeString(s: string): string {
  // I-JSON (RFC 7493) forbids lone surrogates; JSON.stringify would escape them silently.
  if (hasLoneSurrogate(s)) throw new TypeError('string holds a lone surrogate');
  // JSON.stringify escapes exactly what JCS requires: ", \, \b \f \n \r \t, other controls as \u00xx.
  return JSON.stringify(s);
}

function isPlainObject(value: object): boolean {
  // Plain and null-prototype objects only: class instances (Date, Map, Buffer) have no JSON identity.
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function serialize(value: unknown, out: string[]): void {
  if (value === null) {
    out.push('null');
  } else if (typeof value === 'boolean') {
    out.push(value ? 'true' : 'false');
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`not a safe integer: ${value}`);
    out.push(String(value === 0 ? 0 : value)); // -0 serialises as 0
  } else if (typeof value === 'string') {
    out.push(serializeString(value));
  } else if (Array.isArray(value)) {
    out.push('[');
    value.forEach((v, i) => {
      if (i > 0) out.push(',');
      serialize(v, out);
    });
    out.push(']');
  } else if (typeof value === 'object' && isPlainObject(value)) {
    // Array.prototype.sort compares UTF-16 code units, which is the order JCS prescribes.
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    out.push('{');
    let first = true;
    for (const k of keys) {
      if (record[k] === undefined) throw new TypeError(`undefined member "${k}"`);
      if (!first) out.push(',');
      first = false;
      out.push(serializeString(k), ':');
      serialize(record[k], out);
    }
    out.push('}');
  } else {
    throw new TypeError(`cannot canonicalise a ${typeof value}`);
  }
}

/** RFC 8785 canonical JSON text. Throws TypeError on values JCS (or this subset) cannot represent. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  serialize(value, out);
  return out.join('');
}

/** RFC 8785 canonical JSON as UTF-8 bytes. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8'); // a Buffer is a Uint8Array; no copy
}
