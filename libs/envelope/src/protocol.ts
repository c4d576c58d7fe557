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

/**
 * Every reason an envelope is refused, in the order the opener checks them. `internal_error` is the
 * only one that says nothing about the envelope (a replay guard or body validator failed): retry it.
 */
export const RefusalCode = [
  'too_large',
  'malformed',
  'algorithm_not_allowed',
  'unknown_recipient_key',
  'decryption_failed',
  'malformed_inner',
  'unknown_signing_key',
  'bad_signature',
  'signing_key_not_valid',
  'sender_mismatch',
  'header_mismatch',
  'not_a_recipient',
  'expired',
  'clock_skew',
  'replay',
  'schema_violation',
  'internal_error',
] as const;
export type RefusalCode = (typeof RefusalCode)[number];
