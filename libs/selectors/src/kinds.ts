/**
 * The built-in selector kinds and their normalisation rules (docs/selectors.md): each turns a
 * value as an officer wrote it into the one form two agencies' copies of it match in.
 */
import { domainToASCII } from 'url';
import { parsePhoneNumberWithError, ParseError, type CountryCode } from 'libphonenumber-js/max';
import { accepted, commonRefusal, refused, tidy, type Normalised } from './text';

/** What a normaliser may use besides the value: the platform of a username, the country of a national-format phone number. */
export interface SelectorContext {
  platform?: string;
  /** ISO 3166-1 alpha-2 code: how to read a phone number written without its country code. */
  country?: string;
}

// ---------------------------------------------------------------- phone numbers

/**
 * Phone numbers to E.164 (`+31612345678`) with libphonenumber-js's full metadata: the number
 * must be valid for its country's numbering plan, not only of a plausible length. A number
 * written with `00` before the country code is read as international; one without a country
 * code needs `context.country`.
 */
export function normalisePhone(raw: unknown, context: SelectorContext = {}): Normalised {
  const bad = commonRefusal(raw, 64);
  if (bad) return refused(bad);
  let value = tidy(raw as string);
  if (!/^[+0-9 ().\-/]+$/.test(value)) return refused('may contain only digits, spaces, "+", "(", ")", ".", "-" and "/"');
  if (value.startsWith('00')) value = `+${value.slice(2)}`;
  const country = context.country;
  if (!value.startsWith('+') && country === undefined) return refused('needs its country code (+…) or a country to read it in');
  try {
    const parsed = parsePhoneNumberWithError(value, country ? { defaultCountry: country as CountryCode } : undefined);
    if (!parsed.isValid()) return refused('is not a valid phone number for its country');
    return accepted(parsed.number);
  } catch (error) {
    if (error instanceof ParseError) return refused(`is not a phone number (${error.message.toLowerCase().replace(/_/g, ' ')})`);
    throw error;
  }
}

// ---------------------------------------------------------------- URLs

const URL_SCHEMES = new Set(['http:', 'https:']);

/**
 * URLs by the WHATWG URL Standard (Node's `URL`): scheme and host lowercased, IDN hosts to
 * punycode, default ports and dot segments removed, percent-encoding as the standard writes it.
 * Refused: anything but http(s), credentials (`user:pass@`), control characters and spaces
 * (which the standard would strip or encode silently). The fragment is dropped: it never
 * reaches the server, so `…/page#a` and `…/page#b` name the same resource.
 */
export function normaliseUrl(raw: unknown): Normalised {
  const bad = commonRefusal(raw);
  if (bad) return refused(bad);
  const value = tidy(raw as string);
  if (/\s/u.test(value)) return refused('must not contain spaces');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return refused('is not an absolute URL');
  }
  if (!URL_SCHEMES.has(url.protocol)) return refused('must be an http or https URL');
  if (url.username !== '' || url.password !== '') return refused('must not contain credentials (user:password@)');
  if (url.hostname === '') return refused('has no host');
  url.hash = '';
  return accepted(url.href);
}

// ---------------------------------------------------------------- e-mail addresses

const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
const DNS_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * E-mail addresses: the domain lowercased and IDN to ASCII (`domainToASCII`, UTS #46), at
 * least two labels; the local part kept as written (RFC 5321 lets the receiving server decide
 * its case), dot-atom only (quoted local parts are refused), at most 64 characters.
 */
export function normaliseEmail(raw: unknown): Normalised {
  const bad = commonRefusal(raw, 254);
  if (bad) return refused(bad);
  const value = tidy(raw as string);
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return refused('must be local-part@domain');
  const local = value.slice(0, at);
  if (local.length > 64 || !LOCAL_PART.test(local)) return refused('has a local part (before @) that is not allowed');
  const domain = domainToASCII(value.slice(at + 1));
  const labels = domain.split('.');
  if (domain === '' || domain.length > 253 || labels.length < 2 || !labels.every((l) => DNS_LABEL.test(l))) {
    return refused('has a domain (after @) that is not a valid host name');
  }
  return accepted(`${local}@${domain}`);
}

// ---------------------------------------------------------------- usernames

/** How one platform treats its usernames. */
export interface PlatformRule {
  /** Usernames differ only in case do not name different accounts. */
  caseInsensitive: boolean;
  /** The characters and length the platform allows (tested after the case rule). */
  pattern: RegExp;
  /** Characters the platform ignores inside a username (Facebook: dots). */
  ignore?: RegExp;
  /** Other names of the platform. */
  aliases?: string[];
}

/**
 * Platforms with known username rules. Unknown platforms get the generic rule: case kept,
 * no spaces, at most 256 characters. Add a platform here (and to docs/selectors.md).
 */
export const PLATFORMS: Readonly<Record<string, PlatformRule>> = {
  telegram: { caseInsensitive: true, pattern: /^[a-z][a-z0-9_]{4,31}$/ },
  x: { caseInsensitive: true, pattern: /^[a-z0-9_]{1,15}$/, aliases: ['twitter'] },
  instagram: { caseInsensitive: true, pattern: /^[a-z0-9._]{1,30}$/ },
  tiktok: { caseInsensitive: true, pattern: /^[a-z0-9._]{2,24}$/ },
  facebook: { caseInsensitive: true, pattern: /^[a-z0-9]{5,50}$/, ignore: /\./g },
  discord: { caseInsensitive: true, pattern: /^[a-z0-9_.]{2,32}$/ },
  snapchat: { caseInsensitive: true, pattern: /^[a-z][a-z0-9._-]{2,14}$/ },
  reddit: { caseInsensitive: true, pattern: /^[a-z0-9_-]{3,20}$/ },
  github: { caseInsensitive: true, pattern: /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/ },
};

const PLATFORM_NAME = /^[a-z0-9][a-z0-9.-]{0,39}$/;
const ALIASES = new Map<string, string>(Object.entries(PLATFORMS).flatMap(([name, rule]) => [name, ...(rule.aliases ?? [])].map((a): [string, string] => [a, name])));

/** A platform name: lowercased, aliases to their platform (`twitter` → `x`); null when not a name. */
export function normalisePlatform(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const name = raw.trim().toLowerCase();
  if (!PLATFORM_NAME.test(name)) return null;
  return ALIASES.get(name) ?? name;
}

/**
 * Usernames per platform: a leading `@` removed, then the platform's case rule (lowercase where
 * the platform ignores case) and its allowed characters. The normalised value is
 * `<platform>:<username>`, so one name on two platforms never matches.
 */
export function normaliseUsername(raw: unknown, context: SelectorContext = {}): Normalised {
  const bad = commonRefusal(raw, 256);
  if (bad) return refused(bad);
  const platform = normalisePlatform(context.platform);
  if (platform === null) return refused('needs its platform (lowercase letters, digits, "." or "-", e.g. "telegram")');
  let name = tidy(raw as string).replace(/^@/, '');
  if (/\s/u.test(name) || name === '') return refused('must be one word without spaces');
  const rule = PLATFORMS[platform];
  if (rule) {
    if (rule.ignore) name = name.replace(rule.ignore, '');
    if (rule.caseInsensitive) name = name.toLowerCase();
    if (!rule.pattern.test(name)) return refused(`is not a possible ${platform} username`);
  }
  return accepted(`${platform}:${name}`);
}
