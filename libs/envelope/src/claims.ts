import { isPlainObject } from './encoding';
import { AttachmentDescriptor, checkAttachments, orderedDescriptor } from '@liaison/attachments';
import { isAgencyCode, isEpochSeconds, isUuid, isUuidV7 } from '@liaison/ids';

export type HandlingCode = 'H0' | 'H1' | 'H2' | 'H3';
export type SourceGrade = 'A' | 'B' | 'C' | 'X';
export type InformationGrade = 1 | 2 | 3 | 4;

/** The signed claims of a notice (the payload of the inner JWS). */
export interface NoticeClaims {
  /** Sender agency code. */
  iss: string;
  /** Every recipient agency code (all of them, in every copy). */
  aud: string[];
  /** Message id: a UUIDv7, lowercase. */
  jti: string;
  /** Issued-at and expiry, NumericDate (whole seconds since the epoch). */
  iat: number;
  exp: number;
  kind: string;
  handling: { code: HandlingCode; restriction?: string };
  grades?: { source: SourceGrade; information: InformationGrade };
  priority: 'urgent' | 'normal';
  /** The message id this one answers or refers to. */
  re?: string;
  /** The case (joint operation) the message belongs to: the case's id, a UUIDv7 (see @liaison/cases). */
  case?: string;
  /** Per-recipient channel sequence number, assigned by the sender's ledger: one entry per `aud`. */
  chseq: Record<string, number>;
  /**
   * The notice's attachments (`@liaison/attachments`): each one's id, media type, size, SHA-256,
   * content key and chunk digests, signed and sealed with the rest; absent when there are none.
   */
  att?: AttachmentDescriptor[];
  body: unknown;
}

/** Claim names in the order they are serialised. */
export const CLAIM_ORDER = ['iss', 'aud', 'jti', 'iat', 'exp', 'kind', 'handling', 'grades', 'priority', 're', 'case', 'chseq', 'att', 'body'] as const;

export const KIND_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;
export const MAX_RECIPIENTS = 64;
const MAX_RESTRICTION = 1024;

/**
 * Checks the claims' shape (not their meaning as of now: expiry and skew are checked by the
 * opener). Returns null when well-formed, otherwise a reason that names claims, never values.
 */
export function checkClaims(value: unknown): string | null {
  if (!isPlainObject(value)) return 'claims are not a JSON object';
  const c = value;
  const extra = Object.keys(c).filter((k) => !(CLAIM_ORDER as readonly string[]).includes(k));
  if (extra.length) return `unknown claims (${extra.length})`;
  if (!isAgencyCode(c.iss)) return 'iss is not an agency code';
  if (!Array.isArray(c.aud) || c.aud.length === 0 || c.aud.length > MAX_RECIPIENTS) return `aud is not a list of 1..${MAX_RECIPIENTS} agencies`;
  if (!c.aud.every(isAgencyCode) || new Set(c.aud).size !== c.aud.length) return 'aud has an invalid or repeated agency code';
  if (!isUuidV7(c.jti)) return 'jti is not a lowercase UUIDv7';
  if (!isEpochSeconds(c.iat) || !isEpochSeconds(c.exp)) return 'iat/exp are not NumericDate integers';
  if (c.exp <= c.iat) return 'exp is not after iat';
  if (typeof c.kind !== 'string' || !KIND_PATTERN.test(c.kind)) return 'kind is not a lowercase kind name';
  const h = c.handling;
  if (!isPlainObject(h) || !['H0', 'H1', 'H2', 'H3'].includes(h.code as string)) return 'handling.code is not H0..H3';
  if (Object.keys(h).some((k) => k !== 'code' && k !== 'restriction')) return 'handling has unknown members';
  if (h.restriction !== undefined && (typeof h.restriction !== 'string' || h.restriction.length > MAX_RESTRICTION)) return 'handling.restriction';
  if (h.code === 'H3' && !(typeof h.restriction === 'string' && h.restriction.trim().length > 0)) return 'handling H3 requires a restriction';
  if (c.grades !== undefined) {
    const g = c.grades;
    if (!isPlainObject(g) || Object.keys(g).length !== 2 || !['A', 'B', 'C', 'X'].includes(g.source as string) || ![1, 2, 3, 4].includes(g.information as number)) {
      return 'grades are not {source A|B|C|X, information 1..4}';
    }
  }
  if (c.priority !== 'urgent' && c.priority !== 'normal') return 'priority is not urgent or normal';
  if (c.re !== undefined && (typeof c.re !== 'string' || !isUuid(c.re))) return 're is not a lowercase UUID';
  if (c.case !== undefined && !isUuidV7(c.case)) return 'case is not a lowercase UUIDv7';
  const seq = c.chseq;
  if (!isPlainObject(seq)) return 'chseq is not an object';
  const seqKeys = Object.keys(seq);
  if (seqKeys.length !== c.aud.length || !c.aud.every((a) => Object.prototype.hasOwnProperty.call(seq, a))) return 'chseq does not have exactly one entry per aud';
  if (!seqKeys.every((k) => Number.isSafeInteger(seq[k]) && (seq[k] as number) >= 0)) return 'chseq values are not non-negative integers';
  if (c.att !== undefined) {
    const reason = checkAttachments(c.att);
    if (reason) return reason;
  }
  if (!('body' in c) || c.body === undefined) return 'body is missing';
  return null;
}

/** The claims with members in {@link CLAIM_ORDER}, optional ones left out when undefined. */
export function orderedClaims(claims: NoticeClaims): NoticeClaims {
  const out: Record<string, unknown> = {};
  for (const name of CLAIM_ORDER) if (claims[name] !== undefined) out[name] = claims[name];
  if (claims.att) out.att = claims.att.map(orderedDescriptor);
  return out as unknown as NoticeClaims;
}
