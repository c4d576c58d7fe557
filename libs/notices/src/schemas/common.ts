import { UUID_V7 } from '@liaison/ids';

/**
 * Building blocks shared by the notice-kind schemas. Every notice body comes from another
 * country's node, so every string has a length limit, every array a size limit, and every
 * object `additionalProperties: false`.
 */

import { MAX_SELECTORS, MAX_SELECTOR_LENGTH, SELECTOR_KIND_NAME } from '@liaison/selectors';

/**
 * No C0/C1 control characters except tab and newline; no bidi overrides (Trojan-Source style
 * spoofing); no lone surrogates (not valid UTF-8: PostgreSQL refuses them, as it refuses NUL).
 * ajv compiles patterns with the `u` flag, so a surrogate range matches only unpaired halves.
 */
const FREE_TEXT = '^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069\\uD800-\\uDFFF]*$';
/** Single line: additionally no tab/newline. */
const LINE = '^[^\\u0000-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069\\uD800-\\uDFFF]*$';

export const freeText = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: FREE_TEXT }) as const;
export const line = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: LINE }) as const;

/** ISO 3166-1 alpha-2 code, checked against the assigned codes (see `./countries`). */
export const countryCode = { type: 'string', format: 'iso3166-alpha2' } as const;

export const isoDateTime = { type: 'string', format: 'date-time', maxLength: 40 } as const;

/** A full or partial date: YYYY, YYYY-MM or YYYY-MM-DD (birth dates are often known only in part). */
export const partialDate = { type: 'string', format: 'partial-date', maxLength: 10 } as const;

export const personName = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: { family: line(200), given: line(200) },
} as const;

export const identityDocument = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'number', 'issuing_country'],
  properties: {
    type: { enum: ['passport', 'national_id', 'driving_licence', 'residence_permit', 'visa', 'other'] },
    // Document numbers: letters, digits and the separators printed on documents, nothing else.
    number: { type: 'string', minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9][A-Za-z0-9 ./-]*$' },
    issuing_country: countryCode,
  },
} as const;

/** Content carried apart from the notice: the SHA-256 of its bytes (lowercase hex) binds it to the signed notice; the reference says where to obtain it. */
const digestedReference = {
  digest: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  reference: line(500),
} as const;

/**
 * A photo of the person: an attachment of the same notice, `{attachment: <its id>}`, which travels
 * end to end encrypted with it (`@liaison/attachments`; the id must name an image in the claim
 * `att`, see `checkAttachmentReferences`). The older form, a digest and a reference to where the
 * recipient can obtain the image, is still read.
 */
export const photo = {
  type: 'object',
  additionalProperties: false,
  properties: {
    attachment: { type: 'string', pattern: UUID_V7.source },
    // Older form: the image's digest and where the recipient can obtain it.
    ...digestedReference,
    media_type: { enum: ['image/jpeg', 'image/png', 'image/webp'] },
  },
  if: { required: ['attachment'] },
  then: { maxProperties: 1 },
  else: { required: ['digest', 'reference'] },
} as const;

/** Fields describing the person of interest, shared by queries and hit details. */
export const subjectProperties = {
  names: personName,
  aliases: { type: 'array', maxItems: 20, items: personName },
  date_of_birth: partialDate,
  nationality: countryCode,
  identity_documents: { type: 'array', minItems: 1, maxItems: 10, items: identityDocument },
  photo,
} as const;

/** A query needs something to search on: a name, a photo or a document (the name may be unknown). */
export const subjectIdentifierRequired = {
  anyOf: [{ required: ['names'] }, { required: ['photo'] }, { required: ['identity_documents'] }],
} as const;
export const SUBJECT_IDENTIFIER_MESSAGE = 'at least one of names, photo or identity_documents is required';

export const caseReference = { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9 ._:/#-]*$' } as const;

export const queryProperties = {
  case_reference: caseReference,
  reason: freeText(2000),
  legal_basis: freeText(500),
} as const;

export const location = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    country: countryCode,
    area: line(200),
    address: line(500),
    coordinates: {
      type: 'object',
      additionalProperties: false,
      required: ['lat', 'lon'],
      properties: {
        lat: { type: 'number', minimum: -90, maximum: 90 },
        lon: { type: 'number', minimum: -180, maximum: 180 },
      },
    },
    seen_at: isoDateTime,
  },
} as const;

/**
 * A selector as an officer wrote it; its normalised form is checked (and refused with its place)
 * by `@liaison/selectors` when the body is validated (docs/selectors.md).
 */
export const selector = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'value'],
  properties: {
    kind: { type: 'string', pattern: SELECTOR_KIND_NAME.source },
    value: line(MAX_SELECTOR_LENGTH),
    /** Usernames: the platform. */
    platform: { type: 'string', minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9][A-Za-z0-9.-]*$' },
    /** Phone numbers without country code: the country to read them in. */
    country: countryCode,
  },
} as const;

export const selectors = { type: 'array', maxItems: MAX_SELECTORS, items: selector } as const;

/** A reference to an attachment (its transport is the attachments feature's). */
export const attachmentReference = {
  type: 'object',
  additionalProperties: false,
  required: ['digest', 'reference'],
  properties: {
    ...digestedReference,
    name: line(200),
    media_type: { type: 'string', maxLength: 100, pattern: '^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$' },
    size: { type: 'integer', minimum: 0, maximum: 1099511627776 },
  },
} as const;

export const MAX_ATTACHMENTS = 50;
export const attachments = { type: 'array', maxItems: MAX_ATTACHMENTS, items: attachmentReference } as const;

/** The case (joint operation) a notice belongs to: an id the cases feature assigns. */
export const caseId = { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' } as const;
