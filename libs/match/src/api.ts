// The node's match API requests (issue 18): an operator's check and an admin's index import, as
// JSON Schemas (also the OpenAPI document's) and validators that canonicalise every value, naming
// the field of each refusal and never echoing a value.
import { AGENCY_CODE } from '@liaison/ids';
import { createAjv, toFieldErrors, type FieldError } from '@liaison/notices';
import { MAX_MATCH_BATCH } from './messages';
import { MATCH_KINDS, MAX_MATCH_VALUE_LENGTH, MatchValueError, canonicalMatchValue, type MatchValue } from './match-value';

/** Most entries in one import request (the CLI sends a file in requests of this size). */
export const MAX_IMPORT_ENTRIES = 1000;
/** Most holders one check asks. */
export const MAX_CHECK_PARTNERS = 16;

const matchValueSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'value'],
  properties: {
    kind: { enum: [...MATCH_KINDS] },
    value: { type: 'string', minLength: 1, maxLength: MAX_MATCH_VALUE_LENGTH },
    country: { type: 'string', maxLength: 3 },
    platform: { type: 'string', maxLength: 64 },
    dob: { type: 'string', maxLength: 10 },
  },
} as const;

export const matchCheckRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['values', 'partners'],
  properties: {
    values: { type: 'array', minItems: 1, maxItems: MAX_MATCH_BATCH, items: matchValueSchema },
    partners: { type: 'array', minItems: 1, maxItems: MAX_CHECK_PARTNERS, uniqueItems: true, items: { type: 'string', pattern: AGENCY_CODE.source } },
  },
} as const;

export const matchImportRequestSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['entries'],
  properties: {
    entries: {
      type: 'array', minItems: 1, maxItems: MAX_IMPORT_ENTRIES,
      items: { ...matchValueSchema, properties: { ...matchValueSchema.properties, op: { enum: ['add', 'remove'] } } },
    },
  },
} as const;

const ajv = createAjv();
const checkCheck = ajv.compile(matchCheckRequestSchema);
const checkImport = ajv.compile(matchImportRequestSchema);

type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

function canonicalAll<T extends MatchValue>(items: T[], prefix: string): Checked<{ item: T; canonical: string }[]> {
  const errors: FieldError[] = [];
  const out = items.map((item, i) => {
    try {
      return { item, canonical: canonicalMatchValue(item) };
    } catch (error) {
      if (!(error instanceof MatchValueError)) throw error;
      errors.push({ field: `${prefix}/${i}/${error.field}`, message: error.message });
      return { item, canonical: '' };
    }
  });
  return errors.length ? { ok: false, errors } : { ok: true, value: out };
}

/** An operator's check: 1 to 100 values, each canonicalised, and the holders to ask. */
export function validateMatchCheckRequest(input: unknown): Checked<{ canonical: string[]; partners: string[] }> {
  if (!checkCheck(input)) return { ok: false, errors: toFieldErrors(checkCheck.errors) };
  const r = input as unknown as { values: MatchValue[]; partners: string[] };
  const values = canonicalAll(r.values, '/values');
  return values.ok ? { ok: true, value: { canonical: values.value.map((v) => v.canonical), partners: r.partners } } : values;
}

/** An admin's import: up to 1,000 additions and removals, each canonicalised. */
export function validateMatchImportRequest(input: unknown): Checked<{ op: 'add' | 'remove'; kind: string; canonical: string }[]> {
  if (!checkImport(input)) return { ok: false, errors: toFieldErrors(checkImport.errors) };
  const r = input as unknown as { entries: (MatchValue & { op?: 'add' | 'remove' })[] };
  const entries = canonicalAll(r.entries.map(({ op: _op, ...v }) => v), '/entries');
  return entries.ok ? { ok: true, value: entries.value.map((e, i) => ({ op: r.entries[i].op ?? 'add', kind: e.item.kind, canonical: e.canonical })) } : entries;
}
