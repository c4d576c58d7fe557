// The four match envelope kinds (docs/PROTOCOL.md §6), registered in the notice-kind registry so the
// envelope opener refuses a body of the wrong shape before anything is recorded. The schemas are
// loose on purpose about element lengths and encodings: the strict readers of messages.ts name
// what is wrong (`malformed_element`, `identity_element`, …), and the holder answers with that name.
import { getNoticeKind, registerNoticeKind } from '@liaison/notices';
import { MATCH_REFUSAL_CODE, MAX_FILTER_PARTS, MAX_MATCH_BATCH, MAX_REFUSAL_DETAIL } from './messages';

export const MATCH_FILTER = 'match-filter';
export const MATCH_REQUEST = 'match-request';
export const MATCH_RESPONSE = 'match-response';
export const MATCH_REFUSAL = 'match-refusal';
export const MATCH_ENVELOPE_KINDS = [MATCH_FILTER, MATCH_REQUEST, MATCH_RESPONSE, MATCH_REFUSAL] as const;
export type MatchEnvelopeKind = (typeof MATCH_ENVELOPE_KINDS)[number];

/** Longest base64url string a schema lets through to the readers (an element is 43 characters). */
const LOOSE_STRING = { type: 'string', maxLength: 128 } as const;
/** The readers refuse more than MAX_MATCH_BATCH with `too_many_elements`; the schema only bounds the work. */
const LOOSE_LIST = { type: 'array', maxItems: 10 * MAX_MATCH_BATCH, items: LOOSE_STRING } as const;
const version = { const: 1 } as const;

export const matchKindSchemas: Record<MatchEnvelopeKind, object> = {
  [MATCH_FILTER]: {
    type: 'object', additionalProperties: false, required: ['v', 'key_id', 'public_key', 'filter', 'part', 'parts', 'bytes'],
    properties: { v: version, key_id: LOOSE_STRING, public_key: LOOSE_STRING, filter: LOOSE_STRING, part: { type: 'integer' }, parts: { type: 'integer', minimum: 1, maximum: MAX_FILTER_PARTS }, bytes: { type: 'string' } },
  },
  [MATCH_REQUEST]: { type: 'object', additionalProperties: false, required: ['v', 'key_id', 'elements'], properties: { v: version, key_id: LOOSE_STRING, elements: LOOSE_LIST } },
  [MATCH_RESPONSE]: {
    type: 'object', additionalProperties: false, required: ['v', 'key_id', 'evaluated', 'proof'],
    properties: { v: version, key_id: LOOSE_STRING, evaluated: LOOSE_LIST, proof: LOOSE_STRING },
  },
  [MATCH_REFUSAL]: {
    type: 'object', additionalProperties: false, required: ['v', 'code', 'detail'],
    properties: { v: version, code: { type: 'string', pattern: MATCH_REFUSAL_CODE.source }, detail: { type: 'string', maxLength: MAX_REFUSAL_DETAIL }, retry_after_seconds: { type: 'integer', minimum: 0, maximum: 366 * 86400 } },
  },
};

/** Registers the match kinds (protocol kinds: not composable, not answerable). Idempotent. */
export function registerMatchKinds(): void {
  for (const [kind, schema] of Object.entries(matchKindSchemas)) {
    if (!getNoticeKind(kind)) registerNoticeKind(kind, { title: `Private match: ${kind}`, ...schema }, { answerable: false, isQuery: false });
  }
}
registerMatchKinds();

export const isMatchKind = (kind: string): kind is MatchEnvelopeKind => (MATCH_ENVELOPE_KINDS as readonly string[]).includes(kind);
