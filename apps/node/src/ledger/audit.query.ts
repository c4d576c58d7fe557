// Validation of the auditor API's query parameters: every parameter is checked, unknown ones are
// refused, and a refusal names the field (400). Pure functions, tested without a server.
import { LEDGER_EVENTS, LedgerEvent } from '@liaison/ledger';
import { AGENCY_CODE } from '@liaison/ids';

export class QueryError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

type Query = Record<string, unknown>;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const KIND = /^[a-z][a-z0-9-]{0,63}$/;
const MESSAGE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const EVENTS: ReadonlySet<string> = new Set(LEDGER_EVENTS);
export const MAX_PAGE = 1000;

function only(query: Query, allowed: readonly string[]): void {
  for (const key of Object.keys(query)) if (!allowed.includes(key)) throw new QueryError(key, `unknown query parameter "${key}"`);
}

function single(query: Query, field: string): string | undefined {
  const v = query[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new QueryError(field, `${field} must be given once, as a single value`);
  return v;
}

export function integer(query: Query, field: string, options: { min?: number; max?: number; required?: boolean } = {}): number | undefined {
  const raw = single(query, field);
  if (raw === undefined) {
    if (options.required) throw new QueryError(field, `${field} is required`);
    return undefined;
  }
  if (!/^(0|[1-9][0-9]{0,15})$/.test(raw)) throw new QueryError(field, `${field} must be a non-negative integer`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new QueryError(field, `${field} is too large`);
  if (options.min !== undefined && n < options.min) throw new QueryError(field, `${field} must be at least ${options.min}`);
  if (options.max !== undefined && n > options.max) throw new QueryError(field, `${field} must be at most ${options.max}`);
  return n;
}

function instant(query: Query, field: string): Date | undefined {
  const raw = single(query, field);
  if (raw === undefined) return undefined;
  const t = Date.parse(raw);
  if (!RFC3339.test(raw) || Number.isNaN(t)) throw new QueryError(field, `${field} must be an RFC 3339 date-time, e.g. 2026-11-24T08:00:00Z`);
  return new Date(t);
}

function matching(query: Query, field: string, re: RegExp, what: string): string | undefined {
  const raw = single(query, field);
  if (raw === undefined) return undefined;
  if (!re.test(raw)) throw new QueryError(field, `${field} must be ${what}`);
  return raw;
}

export function messageIdParam(value: unknown): string {
  if (typeof value !== 'string' || !MESSAGE_ID.test(value)) throw new QueryError('id', 'id must be a message id (letters, digits, . _ : -; at most 128)');
  return value;
}

export interface EntryFilter {
  from?: Date;
  to?: Date;
  counterpart?: string;
  kind?: string;
  event?: LedgerEvent;
  messageId?: string;
  /** Keyset cursor: entries with seq > after. */
  after?: number;
  limit: number;
}

/** The query parameters of GET /audit/entries. */
export const ENTRY_FILTER_PARAMS = ['from', 'to', 'counterpart', 'kind', 'event', 'messageId', 'after', 'limit'] as const;

export function parseEntryFilter(query: Query): EntryFilter {
  only(query, ENTRY_FILTER_PARAMS);
  const filter: EntryFilter = {
    from: instant(query, 'from'),
    to: instant(query, 'to'),
    counterpart: matching(query, 'counterpart', AGENCY_CODE, 'an agency code'),
    kind: matching(query, 'kind', KIND, 'a notice kind such as identity-query'),
    messageId: matching(query, 'messageId', MESSAGE_ID, 'a message id'),
    after: integer(query, 'after'),
    limit: integer(query, 'limit', { min: 1, max: MAX_PAGE }) ?? 100,
  };
  const event = single(query, 'event');
  if (event !== undefined) {
    if (!EVENTS.has(event)) throw new QueryError('event', `event must be one of ${LEDGER_EVENTS.join(', ')}`);
    filter.event = event as LedgerEvent;
  }
  if (filter.from && filter.to && filter.from > filter.to) throw new QueryError('from', 'from must not be after to');
  return filter;
}

/** SQL WHERE clause and parameters for a filter (parameters only: no value is spliced into SQL). */
export function entryFilterSql(f: EntryFilter): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  if (f.after !== undefined) add('seq > ?', f.after);
  if (f.from) add('time >= ?', f.from.toISOString());
  if (f.to) add('time < ?', f.to.toISOString());
  if (f.counterpart) add('counterpart = ?', f.counterpart);
  if (f.kind) add('kind = ?', f.kind);
  if (f.event) add('event = ?', f.event);
  if (f.messageId) add('message_id = ?', f.messageId);
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
