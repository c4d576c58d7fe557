/** JSON Schemas (draft 2020-12) of the built-in notice kinds. */
import { UUID, UUID_V7 } from '@liaison/ids';
import { ChunkRefusalCode, MAX_ATTACHMENTS_PER_NOTICE } from '@liaison/attachments';
import { REFUSAL_GROUND_CODES } from '../refusal-grounds';
import {
  attachments,
  caseId,
  caseReference,
  freeText,
  identityDocument,
  isoDateTime,
  line,
  location,
  partialDate,
  personName,
  photo,
  queryProperties,
  selectors,
  subjectIdentifierRequired,
  subjectProperties,
} from './common';

export const identityQuerySchema = {
  $id: 'urn:liaison:notice:identity-query',
  title: 'Identify a person of interest',
  type: 'object',
  additionalProperties: false,
  required: ['case_reference', 'reason', 'legal_basis'],
  properties: { ...subjectProperties, ...queryProperties, selectors },
  ...subjectIdentifierRequired,
} as const;

export const locationQuerySchema = {
  $id: 'urn:liaison:notice:location-query',
  title: 'Locate a person of interest',
  type: 'object',
  additionalProperties: false,
  required: ['case_reference', 'reason', 'legal_basis', 'last_known_location'],
  properties: { ...subjectProperties, last_known_location: location, ...queryProperties, selectors },
  ...subjectIdentifierRequired,
} as const;

/**
 * The identity the requested agency matched: who it found, how sure it is, and the record it
 * holds (its own reference, so a follow-up request can name it).
 */
const matchedIdentity = {
  type: 'object',
  additionalProperties: false,
  required: ['confidence'],
  anyOf: [{ required: ['names'] }, { required: ['identity_documents'] }],
  properties: {
    names: { type: 'array', minItems: 1, maxItems: 20, items: personName },
    date_of_birth: partialDate,
    identity_documents: { type: 'array', minItems: 1, maxItems: 10, items: identityDocument },
    /** How sure the match is: confirmed (biometric or document checked), probable, possible. */
    confidence: { enum: ['confirmed', 'probable', 'possible'] },
    /** The holding agency's own reference of the record matched. */
    record_reference: line(200),
    /** The record's photo: an attachment of the answer (`{attachment: <id>}`). */
    photo,
  },
} as const;

const hitDetails = {
  type: 'object',
  additionalProperties: false,
  required: ['summary'],
  properties: {
    summary: freeText(4000),
    identity: matchedIdentity,
    attachments,
    subject: { type: 'object', additionalProperties: false, minProperties: 1, properties: subjectProperties },
    location,
    /** Further structured facts as label/value pairs. */
    records: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['label', 'value'],
        properties: { label: line(100), value: freeText(1000) },
      },
    },
  },
} as const;

export const responseSchema = {
  $id: 'urn:liaison:notice:response',
  title: 'Outcome of a query',
  type: 'object',
  required: ['outcome'],
  discriminator: { propertyName: 'outcome' },
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['outcome', 'details'],
      properties: { outcome: { const: 'hit' }, details: hitDetails },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['outcome'],
      properties: { outcome: { const: 'no-hit' } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['outcome', 'reason'],
      // `ground` (Directive (EU) 2023/977 Art. 6(1)) is optional so that declines sent before it existed still open.
      properties: { outcome: { const: 'declined' }, ground: { enum: REFUSAL_GROUND_CODES }, reason: freeText(2000) },
    },
  ],
} as const;

/** Most envelopes one receipt names; a larger batch from one sender gets several receipts. */
export const RECEIPT_MAX_ENVELOPES = 1000;

/**
 * A delivery receipt. The batch form names every envelope from one sender that one inbox batch
 * recorded, each by message id and the SHA-256 of its value (the `liaison-digest`), so the
 * recipient signs once per batch what it holds. The single form (no `received`) names one
 * envelope by the claims' `re`; it is still read, no longer sent.
 */
export const receiptSchema = {
  $id: 'urn:liaison:notice:receipt',
  title: 'Delivery receipt from the recipient node',
  type: 'object',
  additionalProperties: false,
  required: ['received_at'],
  properties: {
    received_at: isoDateTime,
    received: {
      type: 'array',
      minItems: 1,
      maxItems: RECEIPT_MAX_ENVELOPES,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'digest'],
        properties: {
          id: { type: 'string', pattern: UUID.source },
          digest: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        },
      },
    },
  },
} as const;

/** The body of a receipt, either form. */
export interface ReceiptBody {
  received_at: string;
  received?: { id: string; digest: string }[];
}

export const acknowledgementSchema = {
  $id: 'urn:liaison:notice:acknowledgement',
  title: 'Acknowledgement by a person of the recipient agency',
  type: 'object',
  additionalProperties: false,
  required: ['acknowledged_by', 'at'],
  properties: {
    acknowledged_by: {
      type: 'object',
      additionalProperties: false,
      required: ['role', 'ref'],
      properties: {
        role: { type: 'string', pattern: '^[a-z][a-z_]{0,31}$' },
        /** A pseudonymous reference to the person (e.g. the token subject), not a name. */
        ref: line(200),
      },
    },
    at: isoDateTime,
  },
} as const;

/** One person a report is about: the fields of a query's subject, at least one of them. */
const reportSubject = { type: 'object', additionalProperties: false, minProperties: 1, properties: subjectProperties } as const;

export const MAX_REPORT_SUBJECTS = 100;

/**
 * An intelligence report: information shared without a request (SIENA's information message),
 * expecting no answer; recipients may acknowledge it.
 */
export const intelligenceReportSchema = {
  $id: 'urn:liaison:notice:intelligence-report',
  title: 'Share information without a request',
  type: 'object',
  additionalProperties: false,
  required: ['narrative'],
  properties: {
    narrative: freeText(20_000),
    case_reference: caseReference,
    /**
     * Read only (decision 0023): reports sent before the envelope's `case` claim named their case
     * here, and still open; compose refuses it, and the claim is the case everywhere.
     */
    case: caseId,
    subjects: { type: 'array', maxItems: MAX_REPORT_SUBJECTS, items: reportSubject },
    selectors,
    attachments,
  },
} as const;

/** What a recipient reports of the attachments of one notice: each arrived whole and verified, or why not. */
export const ATTACHMENT_ARRIVALS = ['available', 'refused', 'stalled'] as const;

/**
 * An attachment receipt (docs/protocol/attachments.md): the recipient node signs, per notice
 * (`re` names it), that each listed attachment arrived whole with the SHA-256 the sender signed
 * (`available`), or was refused (`code` says why), or stopped arriving (`stalled`).
 */
export const attachmentReceiptSchema = {
  $id: 'urn:liaison:notice:attachment-receipt',
  title: 'Attachment receipt from the recipient node',
  type: 'object',
  additionalProperties: false,
  required: ['attachments'],
  properties: {
    attachments: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_ATTACHMENTS_PER_NOTICE,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'status', 'at'],
        properties: {
          id: { type: 'string', pattern: UUID_V7.source },
          status: { enum: ATTACHMENT_ARRIVALS },
          code: { enum: ChunkRefusalCode },
          at: isoDateTime,
        },
      },
    },
  },
} as const;

export interface AttachmentReceiptBody {
  attachments: { id: string; status: (typeof ATTACHMENT_ARRIVALS)[number]; code?: ChunkRefusalCode; at: string }[];
}
