// What an agency can expose to matching, and the one canonical form of each value, so that two
// notations of one document number or phone number give the same OPRF input. Minimal on purpose:
// when libs/selectors (issue 16) lands, these rules should become its rules (decision 0017).
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export const MATCH_KINDS = ['document', 'phone', 'email', 'username', 'person'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

/** One value as an operator or an import file gives it. */
export interface MatchValue {
  kind: MatchKind;
  /** document: the number; phone: the number; email: the address; username: the name; person: the name. */
  value: string;
  /** document: ISO 3166-1 alpha-2 or alpha-3 issuing country; phone: default region for national notation. */
  country?: string;
  /** username: the platform (e.g. "telegram"). */
  platform?: string;
  /** person: date of birth, YYYY-MM-DD. */
  dob?: string;
}

export class MatchValueError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'MatchValueError';
  }
}

const COUNTRY = /^[A-Z]{2,3}$/;
const DOB = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** Longest raw value accepted, in characters. */
export const MAX_MATCH_VALUE_LENGTH = 256;

/** NFKD, marks removed, case folded, every run of spaces and punctuation one space, trimmed. */
function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[\s\p{P}]+/gu, ' ')
    .trim();
}

function country(input: MatchValue, kind: string): string {
  const c = (input.country ?? '').trim().toUpperCase();
  if (!COUNTRY.test(c)) throw new MatchValueError('country', `${kind}: the issuing country is 2 or 3 letters (ISO 3166-1)`);
  return c;
}

/**
 * The canonical text of a value (`kind:…`), the OPRF input once UTF-8 encoded:
 * - document `document:<COUNTRY>:<NUMBER>` — country uppercase, number uppercase without spaces or separators;
 * - phone `phone:<E.164>` — parsed with libphonenumber-js, `country` as region for national notation;
 * - email `email:<local>@<domain>` — domain lowercased (the local part is kept: providers differ);
 * - username `username:<platform>:<name>` — both lowercased, a leading "@" dropped;
 * - person `person:<folded name>:<YYYY-MM-DD>` — name NFKD, marks removed, case folded, spaces collapsed.
 */
export function canonicalMatchValue(input: MatchValue): string {
  if (!MATCH_KINDS.includes(input.kind)) throw new MatchValueError('kind', `kind is one of ${MATCH_KINDS.join(', ')}`);
  if (typeof input.value !== 'string' || input.value.length === 0 || input.value.length > MAX_MATCH_VALUE_LENGTH) {
    throw new MatchValueError('value', `value is a string of 1 to ${MAX_MATCH_VALUE_LENGTH} characters`);
  }
  switch (input.kind) {
    case 'document': {
      const number = input.value.normalize('NFKC').toUpperCase().replace(/[\s\p{P}\p{S}]+/gu, '');
      if (!/^[A-Z0-9]+$/.test(number)) throw new MatchValueError('value', 'document: the number has letters and digits only once separators are removed');
      return `document:${country(input, 'document')}:${number}`;
    }
    case 'phone': {
      const region = input.country?.trim().toUpperCase();
      const parsed = parsePhoneNumberFromString(input.value, region && region.length === 2 ? (region as CountryCode) : undefined);
      if (!parsed || !parsed.isPossible()) throw new MatchValueError('value', 'phone: not a possible phone number (give +<country code> or a country)');
      return `phone:${parsed.number}`;
    }
    case 'email': {
      const text = input.value.trim();
      const at = text.lastIndexOf('@');
      if (at <= 0 || at === text.length - 1 || /\s/.test(text)) throw new MatchValueError('value', 'email: local@domain without spaces');
      return `email:${text.slice(0, at)}@${text.slice(at + 1).toLowerCase()}`;
    }
    case 'username': {
      const platform = (input.platform ?? '').trim().toLowerCase();
      if (!/^[a-z0-9.-]{1,64}$/.test(platform)) throw new MatchValueError('platform', 'username: the platform is 1 to 64 letters, digits, dots or dashes');
      const name = input.value.trim().replace(/^@/, '').toLowerCase();
      if (name.length === 0 || /\s/.test(name)) throw new MatchValueError('value', 'username: a name without spaces');
      return `username:${platform}:${name}`;
    }
    case 'person': {
      const name = foldText(input.value);
      if (name.length === 0) throw new MatchValueError('value', 'person: a name is required');
      const dob = (input.dob ?? '').trim();
      if (!DOB.test(dob)) throw new MatchValueError('dob', 'person: date of birth as YYYY-MM-DD');
      return `person:${name}:${dob}`;
    }
  }
}

/** The OPRF input of a value: the UTF-8 bytes of its canonical text. */
export function matchInput(input: MatchValue): Uint8Array {
  return new TextEncoder().encode(canonicalMatchValue(input));
}
