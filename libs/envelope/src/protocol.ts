/** Kafka header names of a Liaison envelope (values are UTF-8 strings). */
export const HEADER_MESSAGE_ID = 'liaison-message-id';
export const HEADER_SENDER = 'liaison-sender';
export const HEADER_RECIPIENT = 'liaison-recipient';
export const HEADER_DIGEST = 'liaison-digest';

export const ENVELOPE_HEADERS = [HEADER_MESSAGE_ID, HEADER_SENDER, HEADER_RECIPIENT, HEADER_DIGEST] as const;

/** Inner JWS `typ` and outer JWE `cty` (nested JWT, RFC 7519 §5.2). */
export const INNER_TYP = 'JWT';
export const OUTER_CTY = 'JWT';

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_CLOCK_SKEW_SECONDS = 300;
const DAY_SECONDS = 86_400;
/**
 * Longest accepted `exp − iat`: 366 days, the longest expiry the compose API allows
 * (`@liaison/notices` DEFAULT_MAX_EXPIRY_DAYS), so no notice a node composes is refused by its
 * recipients. It bounds the claims, not forgery with an old key: the transit window does that.
 */
export const DEFAULT_MAX_LIFETIME_SECONDS = 366 * DAY_SECONDS;
/**
 * Oldest accepted `iat`, in seconds before now: twice the inbox topics' seven-day retention, so a
 * node that was down reads its whole backlog, while a stolen expired or retired key can backdate
 * nothing by more than this.
 */
export const DEFAULT_TRANSIT_WINDOW_SECONDS = 14 * DAY_SECONDS;

/**
 * Every reason an envelope is refused, in the order the opener checks them. `trust_unavailable`
 * is the only one that says nothing about the envelope (the node holds no verified directory, or
 * it has expired: the node fails closed): retry later, do not record it; the message waits on its
 * topic. `internal_error` is an unexpected failure while checking this envelope: recorded as a
 * refusal, so no crafted message can loop forever. `replay` is never returned by the opener: the
 * inbox decides new / redelivered / replay by (sender, message id) and records it.
 */
export const RefusalCode = [
  'trust_unavailable',
  'too_large',
  'malformed',
  'duplicate_member',
  'algorithm_not_allowed',
  'non_canonical_key',
  'unknown_recipient_key',
  'decryption_failed',
  'malformed_inner',
  'unknown_signing_key',
  'bad_signature',
  'too_old',
  'signing_key_not_valid',
  'sender_mismatch',
  'header_mismatch',
  'not_a_recipient',
  'expired',
  'clock_skew',
  'lifetime_too_long',
  'jti_time_mismatch',
  'replay',
  'schema_violation',
  'internal_error',
] as const;
export type RefusalCode = (typeof RefusalCode)[number];
