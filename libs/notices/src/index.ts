/**
 * @liaison/notices: notice kinds and their schemas, API request validation, deadlines, the
 * per-recipient workflow, handling-code enforcement and UUIDv7 ids. Pure logic: no I/O.
 */
export * from './validation';
export * from './registry';
export * from './metadata';
export * from './deadlines';
export * from './workflow';
export * from './handling';
export { COUNTRY_CODES, isCountryCode } from './schemas/countries';
export {
  identityQuerySchema,
  locationQuerySchema,
  responseSchema,
  receiptSchema,
  RECEIPT_MAX_ENVELOPES,
  type ReceiptBody,
  acknowledgementSchema,
  intelligenceReportSchema,
  MAX_REPORT_SUBJECTS,
  attachmentReceiptSchema,
  ATTACHMENT_ARRIVALS,
  type AttachmentReceiptBody,
} from './schemas/kinds';
export { MAX_ATTACHMENTS } from './schemas/common';
export * from './refusal-grounds';
export * from './summary';
/** String shapes every body schema uses (bounded, no control or bidi characters), for kinds defined in other libs. */
export { freeText, line, isoDateTime } from './schemas/common';
export * from './attachment-references';
export * from './terms';
export * from './casework';
