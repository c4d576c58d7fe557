/**
 * The one rule for each identifier the federation exchanges: agency codes, UUIDs and the
 * seconds-since-the-epoch of JOSE NumericDates. Every lib and app imports these; none writes
 * its own pattern.
 */

/**
 * Agency codes as used in topic names, Kafka principals, tokens and the directory: 2 to 8 capital
 * letters or digits, starting with a letter (`NL`, `ES`, `AG0`).
 */
export const AGENCY_CODE = /^[A-Z][A-Z0-9]{1,7}$/;

export function isAgencyCode(value: unknown): value is string {
  return typeof value === 'string' && AGENCY_CODE.test(value);
}

/** A UUID of any version in canonical lowercase form (RFC 9562 §4). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * The last second a NumericDate may name: 9999-12-31T23:59:59Z. A larger value is not a date
 * any agency means, and past 8.64e12 s JavaScript's Date becomes Invalid Date.
 */
export const MAX_EPOCH_SECONDS = 253_402_300_799;

/** Whole seconds since the epoch (JOSE NumericDate, RFC 7519 §2), rounded down. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** A NumericDate this federation accepts: a positive integer no later than {@link MAX_EPOCH_SECONDS}. */
export function isEpochSeconds(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= MAX_EPOCH_SECONDS;
}

export function fromEpochSeconds(seconds: number): Date {
  if (!isEpochSeconds(seconds)) throw new RangeError(`not a NumericDate in (0, ${MAX_EPOCH_SECONDS}]`);
  return new Date(seconds * 1000);
}

/**
 * A case (joint operation) reference, human-readable and unique per owning agency:
 * `<owner agency>-<year>-<serial of at least 4 digits>`, e.g. `NL-2026-0042`.
 */
export const CASE_REFERENCE = new RegExp(`^${AGENCY_CODE.source.slice(1, -1)}-\\d{4}-\\d{4,6}$`);

export function isCaseReference(value: unknown): value is string {
  return typeof value === 'string' && CASE_REFERENCE.test(value);
}

/** The reference of the owner's `serial`-th case opened in `year` (serial from 1, padded to 4 digits). */
export function formatCaseReference(owner: string, year: number, serial: number): string {
  if (!isAgencyCode(owner) || !Number.isSafeInteger(year) || year < 1000 || year > 9999 || !Number.isSafeInteger(serial) || serial < 1 || serial > 999_999) {
    throw new RangeError('a case reference needs an agency code, a four-digit year and a serial from 1 to 999999');
  }
  return `${owner}-${year}-${String(serial).padStart(4, '0')}`;
}
