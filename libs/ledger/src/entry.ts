// Ledger entries: what a node records about each exchange, and their canonical encoding.
// Entries hold metadata and digests only, never notice content, so personal data can be
// deleted at the end of retention while the ledger still verifies.
import { canonicalJson, hasLoneSurrogate } from './jcs';
import { leafHashOfText } from './merkle';

export const LEDGER_EVENTS = [
  'sent',
  'received',
  'delivered',
  'acknowledged',
  'answered',
  'declined',
  'expired',
  'rejected',
  /** The same envelope (sender, id, digest) published again by its sender: recorded, no effect. */
  'redelivered',
  'directory-updated',
  'key-changed',
  /** A case (joint operation) opened by this agency; its other membership events travel as envelopes (`sent`/`received`, kind `case-…`). */
  'case-opened',
  /**
   * Attachments (docs/protocol/attachments.md): `messageId` the attachment's id, `re` its notice,
   * `kind` its media type, `digest` the SHA-256 of its plaintext, `reason` its size ("N bytes").
   * Sent with a notice; verified whole on arrival (or refused); the recipient said it verified it; deleted at retention.
   */
  'attachment-sent',
  'attachment-received',
  'attachment-refused',
  'attachment-delivered',
  'attachment-deleted',
  /** Private match, holder: a match-request evaluated (reason: the element count; digest: SHA-256 of the request body, never a value). */
  'match-evaluated',
  /** Private match, requester: a match-response checked against the holder's filter (reason: elements and hits counts). */
  'match-checked',
] as const;

export type LedgerEvent = (typeof LEDGER_EVENTS)[number];

/** Per-channel sequence: the n-th message from sender to recipient. */
export interface ChannelRef {
  sender: string;
  recipient: string;
  seq: number;
}

export interface LedgerEntry {
  /** 0-based leaf index in the ledger's Merkle tree. */
  seq: number;
  /** RFC 3339 UTC with milliseconds, e.g. 2026-11-24T07:40:22.123Z. */
  time: string;
  event: LedgerEvent;
  messageId: string | null;
  kind: string | null;
  /** Agency code of the other party. */
  counterpart: string | null;
  channel: ChannelRef | null;
  /** Lowercase hex SHA-256 of the envelope bytes. */
  digest: string | null;
  /** Message id this entry refers to (e.g. the request an answer belongs to). */
  re: string | null;
  actor: string | null;
  reason: string | null;
}

const ENTRY_KEYS = ['seq', 'time', 'event', 'messageId', 'kind', 'counterpart', 'channel', 'digest', 're', 'actor', 'reason'] as const;
const NULLABLE_STRING_KEYS = ['messageId', 'kind', 'counterpart', 're', 'actor', 'reason'] as const;
const CHANNEL_KEYS = ['sender', 'recipient', 'seq'] as const;
const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DIGEST_RE = /^[0-9a-f]{64}$/;
const EVENT_SET: ReadonlySet<string> = new Set(LEDGER_EVENTS);

/**
 * RFC 8785 (JCS) canonical JSON of the entry, UTF-8: the Merkle leaf. Only the eleven
 * entry fields are encoded, so extra properties on the object cannot change the leaf.
 */
export function encodeEntry(entry: LedgerEntry): Uint8Array {
  return Buffer.from(entryJson(entry), 'utf8');
}

/** encodeEntry as text: the entry's RFC 8785 canonical JSON. */
export function entryJson(entry: LedgerEntry): string {
  const c = entry.channel;
  // Members inserted in JCS order (UTF-16 code units), so JSON.stringify emits canonical JSON
  // whenever the values are strings without lone surrogates, safe integers and null.
  const sorted = {
    actor: entry.actor,
    channel: c === null ? null : { recipient: c.recipient, sender: c.sender, seq: c.seq },
    counterpart: entry.counterpart,
    digest: entry.digest,
    event: entry.event,
    kind: entry.kind,
    messageId: entry.messageId,
    re: entry.re,
    reason: entry.reason,
    seq: entry.seq,
    time: entry.time,
  };
  const fast =
    Number.isSafeInteger(entry.seq) &&
    (c === null || (Number.isSafeInteger(c.seq) && plainString(c.recipient) && plainString(c.sender))) &&
    plainString(entry.time) &&
    plainString(entry.event) &&
    NULLABLE_STRING_KEYS.every((k) => entry[k] === null || plainString(entry[k])) &&
    (entry.digest === null || plainString(entry.digest));
  // The general JCS serialiser handles (or refuses) anything else, e.g. a fractional seq.
  return fast ? JSON.stringify(sorted) : canonicalJson(sorted);
}

function plainString(v: unknown): boolean {
  return typeof v === 'string' && !hasLoneSurrogate(v);
}

/** leafHash(encodeEntry(entry)). */
export function entryLeafHash(entry: LedgerEntry): Uint8Array {
  return leafHashOfText(entryJson(entry));
}

export type EntryValidation = { ok: true; entry: LedgerEntry } | { ok: false; error: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSeq(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** YYYY-MM-DDTHH:MM:SS.mmmZ naming a real instant (checked by arithmetic: Date parsing is slow). */
export function isRfc3339Utc(v: unknown): v is string {
  if (typeof v !== 'string' || !TIME_RE.test(v)) return false;
  const year = Number(v.slice(0, 4));
  const month = Number(v.slice(5, 7));
  const day = Number(v.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  // No leap second (:60): Date, and so every producer in this project, cannot express one.
  return day <= days && Number(v.slice(11, 13)) < 24 && Number(v.slice(14, 16)) < 60 && Number(v.slice(17, 19)) < 60;
}

function unknownKey(obj: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  return Object.keys(obj).find((k) => !allowed.includes(k));
}

/**
 * Checks untrusted input (e.g. a bundle line) is exactly a LedgerEntry. Unknown members are
 * refused: they would be dropped by encodeEntry, so the auditor would verify something else
 * than what the file shows.
 */
export function validateEntry(input: unknown): EntryValidation {
  if (!isRecord(input)) return { ok: false, error: 'entry is not an object' };
  const extra = unknownKey(input, ENTRY_KEYS);
  if (extra !== undefined) return { ok: false, error: `unknown member "${extra}"` };
  for (const k of ENTRY_KEYS) if (!(k in input)) return { ok: false, error: `missing member "${k}"` };
  if (!isSeq(input.seq)) return { ok: false, error: 'seq must be a non-negative integer' };
  if (!isRfc3339Utc(input.time)) return { ok: false, error: 'time must be RFC 3339 UTC with milliseconds' };
  if (typeof input.event !== 'string' || !EVENT_SET.has(input.event)) return { ok: false, error: 'unknown event' };
  for (const k of NULLABLE_STRING_KEYS) {
    const v = input[k];
    if (v !== null && typeof v !== 'string') return { ok: false, error: `${k} must be a string or null` };
    if (typeof v === 'string' && hasLoneSurrogate(v)) return { ok: false, error: `${k} holds a lone surrogate` };
  }
  const ch = input.channel;
  if (ch !== null) {
    if (!isRecord(ch)) return { ok: false, error: 'channel must be an object or null' };
    const extraCh = unknownKey(ch, CHANNEL_KEYS);
    if (extraCh !== undefined) return { ok: false, error: `unknown channel member "${extraCh}"` };
    if (typeof ch.sender !== 'string' || typeof ch.recipient !== 'string') {
      return { ok: false, error: 'channel sender and recipient must be strings' };
    }
    if (hasLoneSurrogate(ch.sender) || hasLoneSurrogate(ch.recipient)) return { ok: false, error: 'channel holds a lone surrogate' };
    if (!isSeq(ch.seq)) return { ok: false, error: 'channel seq must be a non-negative integer' };
  }
  const d = input.digest;
  if (d !== null && (typeof d !== 'string' || !DIGEST_RE.test(d))) {
    return { ok: false, error: 'digest must be 64 lowercase hex characters or null' };
  }
  return { ok: true, entry: input as unknown as LedgerEntry };
}
