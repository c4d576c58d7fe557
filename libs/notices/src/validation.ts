/** Result types shared by every validator in this library, and the ajv error → field error mapping. */
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { isCountryCode } from './schemas/countries';

/** One problem with the input: `field` is a JSON pointer into the input ('' = the whole input). */
export interface FieldError {
  field: string;
  message: string;
}

export type ValidationResult = { ok: true } | { ok: false; errors: FieldError[] };

/** At most this many errors are reported for one input (the input is untrusted; keep answers small). */
export const MAX_REPORTED_ERRORS = 50;

const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/** YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date, year 1800..9999. */
export function isPartialDate(value: string): boolean {
  const m = PARTIAL_DATE.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  if (year < 1800) return false;
  if (m[2] === undefined) return true;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return false;
  if (m[3] === undefined) return true;
  const day = Number(m[3]);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day >= 1 && day <= daysInMonth;
}

const FORMAT_MESSAGES: Record<string, string> = {
  'iso3166-alpha2': 'must be an ISO 3166-1 alpha-2 country code (e.g. "NL")',
  'partial-date': 'must be a date written YYYY, YYYY-MM or YYYY-MM-DD',
  'date-time': 'must be an RFC 3339 date-time with a time zone (e.g. "2026-01-31T12:00:00Z")',
  uuid: 'must be a UUID',
};

/** A draft 2020-12 ajv instance with the formats notices use. */
export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true, // error.schema / parentSchema: used to write readable messages
    discriminator: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
  });
  addFormats(ajv, ['date-time', 'date', 'uuid', 'uri']);
  ajv.addFormat('iso3166-alpha2', { type: 'string', validate: (s: string) => isCountryCode(s) });
  ajv.addFormat('partial-date', { type: 'string', validate: isPartialDate });
  return ajv;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A key name from the input (untrusted): bounded and printable before it goes into a field pointer. */
function untrustedSegment(name: string): string {
  const printable = name.replace(/[^\x20-\x7e]/g, '?');
  return escapePointer(printable.length > 64 ? `${printable.slice(0, 64)}…` : printable);
}

function toFieldError(e: ErrorObject, prefix: string): FieldError | null {
  const at = prefix + e.instancePath;
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { field: `${at}/${escapePointer(String(params.missingProperty))}`, message: 'is required' };
    case 'additionalProperties':
      return { field: `${at}/${untrustedSegment(String(params.additionalProperty))}`, message: 'is not an allowed field' };
    case 'anyOf': {
      // anyOf: [{required: [a]}, {required: [b]}] → "at least one of a, b is required"
      const branches = Array.isArray(e.schema) ? (e.schema as Array<Record<string, unknown>>) : [];
      const names = branches.flatMap((b) => (Array.isArray(b.required) ? (b.required as string[]) : []));
      if (names.length === branches.length && names.length > 0) {
        return { field: at, message: `at least one of ${names.join(', ')} is required` };
      }
      return { field: at, message: 'does not match any allowed form' };
    }
    case 'discriminator': {
      const tag = String(params.tag);
      const data = e.data as Record<string, unknown> | undefined;
      if (data && typeof data === 'object' && !(tag in data)) return null; // `required` already says so
      const oneOf = ((e.parentSchema as Record<string, unknown> | undefined)?.oneOf ?? []) as Array<{
        properties?: Record<string, { const?: unknown }>;
      }>;
      const values = oneOf.map((s) => s.properties?.[tag]?.const).filter((v) => v !== undefined);
      return { field: `${at}/${escapePointer(tag)}`, message: `must be one of: ${values.join(', ')}` };
    }
    case 'pattern':
      return { field: at, message: 'contains characters or a layout that is not allowed' };
    case 'format':
      return { field: at, message: FORMAT_MESSAGES[String(params.format)] ?? `must be a valid ${String(params.format)}` };
    case 'enum':
      return { field: at, message: `must be one of: ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'const':
      return { field: at, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'minProperties':
      return { field: at, message: 'must not be empty' };
    case 'if':
    case 'oneOf':
      return null; // the errors of the failing branch say what is wrong
    default:
      return { field: at, message: e.message ?? 'is invalid' };
  }
}

/** Turns ajv's errors into field errors: readable, deduplicated, capped. */
export function toFieldErrors(errors: readonly ErrorObject[] | null | undefined, prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  const list = errors ?? [];
  // Errors inside an anyOf of `required` branches are summarised by the anyOf error itself.
  const summarisedAnyOf = list.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath);
  for (const e of list) {
    if (summarisedAnyOf.some((p) => e.schemaPath.startsWith(`${p}/`))) continue;
    const fe = toFieldError(e, prefix);
    if (!fe) continue;
    const key = `${fe.field}\u0000${fe.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fe);
    if (out.length >= MAX_REPORTED_ERRORS) break;
  }
  if (out.length === 0 && list.length > 0) out.push({ field: prefix, message: 'is invalid' });
  return out;
}

/** One line for logs and rejection records: "/names/family is required (+2 more)". */
export function summariseErrors(errors: readonly FieldError[]): string {
  if (errors.length === 0) return 'invalid';
  const first = errors[0];
  const more = errors.length > 1 ? ` (+${errors.length - 1} more)` : '';
  return `${first.field || '(root)'} ${first.message}${more}`;
}
