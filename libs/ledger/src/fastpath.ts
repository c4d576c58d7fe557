// Fast path of bundle verification for entry lines written exactly as bundleLine writes them:
// one strict pattern both parses the line and proves its entry text is already RFC 8785
// canonical, so the verifier can hash that text as it stands instead of JSON.parse,
// validate and re-serialise (about twice the speed). Any other line, valid or not, returns
// null and goes through the general path, which decides; so this path can only ever
// accept what the general path accepts, with the same leaf hash (tested by property).
import { LEDGER_EVENTS, isRfc3339Utc } from './entry';
import { leafHashOfText } from './merkle';

// A JCS string: no raw control characters, only the short escapes JCS uses, \u00xx for the
// other controls (never for \b \t \n \f \r), no other escapes (so no escaped surrogates), and
// surrogates only as valid pairs. Matched one UTF-16 unit (or pair) at a time without the u
// flag: twice as fast, and the alternatives start with disjoint characters, so matching stays
// linear on hostile input (no nested quantifier that could backtrack exponentially).
const STR = String.raw`"(?:[^"\\\u0000-\u001f\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff]|\\["\\bfnrt]|\\u00(?:0[0-7bef]|1[0-9a-f]))*"`;
const NSTR = `(null|${STR})`;
const INT = '(0|[1-9][0-9]{0,15})';
const EVENT = `"(${LEDGER_EVENTS.join('|')})"`;
const ENTRY =
  `\\{"actor":${NSTR},"channel":(?:null|\\{"recipient":${STR},"sender":${STR},"seq":${INT}\\}),"counterpart":${NSTR},` +
  `"digest":(?:null|"[0-9a-f]{64}"),"event":${EVENT},"kind":${NSTR},"messageId":${NSTR},"re":${NSTR},"reason":${NSTR},` +
  `"seq":${INT},"time":"([0-9TZ:.-]{24})"\\}`;
const LINE = new RegExp(`^\\{"type":"entry","entry":(${ENTRY})\\}$`);

export interface FastEntry {
  seq: number;
  leaf: Uint8Array;
}

/** Leaf hash and seq of a canonical entry line, or null when the general path must decide. */
export function fastEntryLine(line: string): FastEntry | null {
  const m = LINE.exec(line);
  if (m === null) return null;
  // Groups: 1 entry text, 2 actor, 3 channel seq, 4 counterpart, 5 event, 6 kind, 7 messageId, 8 re, 9 reason, 10 seq, 11 time.
  const seq = Number(m[10]);
  if (!Number.isSafeInteger(seq) || (m[3] !== undefined && !Number.isSafeInteger(Number(m[3])))) return null;
  if (!isRfc3339Utc(m[11])) return null;
  return { seq, leaf: leafHashOfText(m[1]) };
}
