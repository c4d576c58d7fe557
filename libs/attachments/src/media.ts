/**
 * Media types an attachment may declare, and the check that its bytes agree. The bytes are
 * evidence and are never altered: the check only reads them.
 *
 * Built-in types have a signature (magic bytes) that must be at the start of the file; text types
 * have none and must instead be UTF-8 throughout with no control characters but tab, CR, LF and
 * FF. A federation may allow further types; for those, a signature may be configured, and in any
 * case a file whose signature is that of another known type is refused (a lying type).
 */

/** How a media type's bytes are recognised: a prefix at an offset, `brands` for ISO BMFF files. */
export interface MediaSignature {
  offset: number;
  bytes: Buffer;
  /** HEIC: the `ftyp` box's major brand (bytes 8..11) must be one of these. */
  brands?: string[];
  /** WebP: a second fixed part (bytes 8..11 = "WEBP"). */
  also?: { offset: number; bytes: Buffer };
}

export interface MediaRule {
  type: string;
  /** A signature the file must start with; absent for text (checked as text) or unsigned allow-listed types. */
  signature?: MediaSignature;
  text?: boolean;
  /** File name extensions (lowercase, no dot) that stand for this type when a file's type is not given. */
  extensions?: readonly string[];
}

const ascii = (s: string) => Buffer.from(s, 'ascii');

export const BUILT_IN_MEDIA: readonly MediaRule[] = [
  { type: 'image/jpeg', signature: { offset: 0, bytes: Buffer.from([0xff, 0xd8, 0xff]) }, extensions: ['jpg', 'jpeg'] },
  { type: 'image/png', signature: { offset: 0, bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) }, extensions: ['png'] },
  { type: 'image/webp', signature: { offset: 0, bytes: ascii('RIFF'), also: { offset: 8, bytes: ascii('WEBP') } }, extensions: ['webp'] },
  { type: 'image/heic', signature: { offset: 4, bytes: ascii('ftyp'), brands: ['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'] }, extensions: ['heic'] },
  { type: 'application/pdf', signature: { offset: 0, bytes: ascii('%PDF-') }, extensions: ['pdf'] },
  { type: 'text/plain', text: true, extensions: ['txt'] },
  { type: 'text/csv', text: true, extensions: ['csv'] },
];

/** The media type a file name's extension stands for among `rules`, or null (then the type must be given). */
export function mediaTypeOfFileName(name: string, rules: readonly MediaRule[]): string | null {
  const extension = /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase();
  return (extension && rules.find((r) => r.extensions?.includes(extension))?.type) ?? null;
}

/** Bytes of the file's start the signatures need. */
export const SNIFF_BYTES = 16;

/** A media type as declared: lowercase `type/subtype` (RFC 6838 restricted names), no parameters. */
export const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/;

/**
 * Parses the allow-list configuration of extra types: comma-separated `type` or
 * `type@offset:hex` (a signature), e.g. `application/zip@0:504b0304,video/mp4@4:66747970`.
 * Returns the rules, or a reason naming the entry that is wrong.
 */
export function parseMediaAllowList(text: string): MediaRule[] | string {
  const rules: MediaRule[] = [];
  for (const entry of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([^@]+)(?:@(\d{1,4}):((?:[0-9a-f]{2}){1,16}))?$/.exec(entry);
    if (!m || !MEDIA_TYPE.test(m[1])) return `"${entry}" is not type/subtype or type/subtype@offset:hex`;
    if (BUILT_IN_MEDIA.some((r) => r.type === m[1]) || rules.some((r) => r.type === m[1])) return `"${m[1]}" is listed twice or is built in`;
    if (m[1].startsWith('text/')) return `"${m[1]}": text types other than text/plain and text/csv are not allowed (they may be active content)`;
    rules.push({ type: m[1], signature: m[2] === undefined ? undefined : { offset: Number(m[2]), bytes: Buffer.from(m[3], 'hex') } });
  }
  return rules;
}

function matches(head: Buffer, sig: MediaSignature): boolean {
  const at = (offset: number, bytes: Buffer) => head.length >= offset + bytes.length && head.subarray(offset, offset + bytes.length).equals(bytes);
  if (!at(sig.offset, sig.bytes)) return false;
  if (sig.also && !at(sig.also.offset, sig.also.bytes)) return false;
  if (sig.brands && !(head.length >= 12 && sig.brands.includes(head.subarray(8, 12).toString('latin1')))) return false;
  return true;
}

/** The signed types whose signature the file's first bytes carry. */
export function detectMediaTypes(head: Buffer, rules: readonly MediaRule[]): string[] {
  return rules.filter((r) => r.signature && matches(head, r.signature)).map((r) => r.type);
}

/** Control characters refused in text attachments: C0 but tab, LF, FF, CR; DEL; C1 (as code points). */
// eslint-disable-next-line no-control-regex
const TEXT_CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F]/;

/**
 * Checks a file against its declared type as it streams by (`update` with each piece in order,
 * then `finish`); holds only the first {@link SNIFF_BYTES} and a partial UTF-8 sequence. Each
 * returns null while the file agrees, or the reason it does not (no content in it).
 */
export class MediaCheck {
  private head = Buffer.alloc(0);
  private readonly decoder?: TextDecoder;
  private failure: string | null = null;

  constructor(
    private readonly rule: MediaRule,
    private readonly rules: readonly MediaRule[],
  ) {
    if (rule.text) this.decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  }

  update(bytes: Uint8Array): string | null {
    if (this.failure) return this.failure;
    if (this.head.length < SNIFF_BYTES) this.head = Buffer.concat([this.head, Buffer.from(bytes.subarray(0, SNIFF_BYTES - this.head.length))]);
    if (this.decoder) this.failure = this.text(() => this.decoder!.decode(bytes, { stream: true }));
    return this.failure;
  }

  finish(): string | null {
    if (this.failure) return this.failure;
    if (this.decoder) {
      this.failure = this.text(() => this.decoder!.decode());
      if (this.failure) return this.failure;
    }
    const detected = detectMediaTypes(this.head, this.rules);
    if (this.rule.signature && !detected.includes(this.rule.type)) return `the file does not start with the signature of ${this.rule.type}`;
    const other = detected.find((t) => t !== this.rule.type);
    if (other) return `declared ${this.rule.type} but the file is ${other}`;
    return null;
  }

  private text(decode: () => string): string | null {
    let s: string;
    try {
      s = decode();
    } catch {
      return `declared ${this.rule.type} but the file is not UTF-8`;
    }
    return TEXT_CONTROL.test(s) ? `declared ${this.rule.type} but the file has control characters` : null;
  }
}

/** Checks a whole file held in memory (tests, small files): null or the reason. */
export function checkMedia(bytes: Uint8Array, rule: MediaRule, rules: readonly MediaRule[]): string | null {
  const check = new MediaCheck(rule, rules);
  return check.update(bytes) ?? check.finish();
}
