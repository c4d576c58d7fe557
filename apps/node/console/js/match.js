// Private hit/no-hit in the console: reading an operator's pasted values into the check request
// (POST /match/checks), an admin's pasted or chosen index file into import requests
// (POST /match/index/entries), and the node's refusals of either back onto the line the person
// typed. The node canonicalises and checks every value again (libs/match); the console only splits
// lines into the request's fields. Values live in the page's memory only, never in storage.
import { t } from './i18n.js';

/** Most values one check carries (MAX_MATCH_BATCH of @liaison/match). */
export const MAX_CHECK_VALUES = 100;
/** Most entries one import request carries (MAX_IMPORT_ENTRIES of @liaison/match). */
export const MAX_IMPORT_ENTRIES = 1000;
/** Most records the console imports from one text or file: above it, `liaison match-index import` streams. */
export const MAX_CONSOLE_IMPORT = 100_000;
export const MATCH_KINDS = ['document', 'phone', 'email', 'username', 'person'];
export const INDEX_COLUMNS = ['kind', 'value', 'country', 'platform', 'dob', 'op'];

const COUNTRY = /^[A-Za-z]{2,3}$/;
const DOB = /^\d{4}-\d{2}-\d{2}$/;

/** The text after the last comma of a line, when it is of the given shape: "X1234567, ES" → ["X1234567", "ES"]. */
function trailing(line, shape) {
  const at = line.lastIndexOf(',');
  if (at < 0) return [line, null];
  const tail = line.slice(at + 1).trim();
  return shape.test(tail) ? [line.slice(0, at).trim(), tail] : [line, null];
}

/**
 * One line as a value of `kind`, with the defaults asked for; `defaulted` names the fields the
 * defaults gave (so that a refusal of them is shown at the default's field).
 * - document: `number[, issuing country]`; phone: `number[, country]`; e-mail: the address;
 * - username: `[platform:]name` (a leading @ is kept for the node to drop);
 * - person: `name, YYYY-MM-DD` (the date after the last comma).
 */
export function readMatchLine(line, kind, defaults = {}) {
  const value = { kind };
  const defaulted = [];
  const withDefault = (field, own) => {
    if (own) value[field] = own;
    else if (defaults[field]) {
      value[field] = defaults[field];
      defaulted.push(field);
    }
  };
  if (kind === 'document' || kind === 'phone') {
    const [text, country] = trailing(line, COUNTRY);
    value.value = text;
    withDefault('country', country);
  } else if (kind === 'username') {
    const prefixed = /^([a-z0-9][a-z0-9.-]*):\s*(@?\S+)$/i.exec(line);
    value.value = prefixed ? prefixed[2] : line;
    withDefault('platform', prefixed?.[1]);
  } else if (kind === 'person') {
    const [name, dob] = trailing(line, DOB);
    value.value = name;
    if (dob) value.dob = dob;
  } else {
    value.value = line;
  }
  return { value, defaulted };
}

/**
 * The pasted list, one value a line, blank lines skipped: `{ values, lines, defaulted, errors }`;
 * `lines[i]` is the line number of values[i]. Errors point at `/values`.
 */
export function readMatchValues(text, kind, defaults = {}) {
  const values = [];
  const lines = [];
  const defaulted = [];
  const rows = String(text ?? '').split(/\r?\n/);
  rows.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const read = readMatchLine(line, kind, defaults);
    values.push(read.value);
    lines.push(i + 1);
    defaulted.push(read.defaulted);
  });
  const errors = [];
  if (values.length === 0) errors.push({ field: '/values', message: t('match.noValues') });
  if (values.length > MAX_CHECK_VALUES) errors.push({ field: '/values', message: t('match.tooMany', { max: MAX_CHECK_VALUES, count: values.length }) });
  return { values, lines, defaulted, errors };
}

/**
 * The node's refusals of a check placed on the form: a value's error names its line, at the
 * list or (when the default gave the field) at the default's field; a holder's at the holders.
 */
export function checkErrors(errors, read, partners, humanise) {
  return errors.map((e) => {
    const value = /^\/values\/(\d+)(?:\/(\w+))?$/.exec(e.field ?? '');
    if (value) {
      const i = Number(value[1]);
      const field = value[2] && read.defaulted[i]?.includes(value[2]) ? `/defaults/${value[2]}` : '/values';
      return { field, message: t('match.line', { line: read.lines[i] ?? i + 1, message: humanise(e.message) }) };
    }
    const partner = /^\/partners\/(\d+)$/.exec(e.field ?? '');
    if (partner) return { field: '/partners', message: partnerMessage(e.message, partners[Number(partner[1])], humanise) };
    return e;
  });
}

function partnerMessage(message, agency, humanise) {
  if (/is not a holder this agency may query/.test(message)) return t('match.notHolder', { agency });
  if (/^no filter from \S+ yet/.test(message)) return t('match.noFilter', { agency });
  if (/is not an agency with a valid key/.test(message)) return t('match.noKey', { agency });
  return humanise(message);
}

/** RFC 4180 records with the line each starts on (quoted fields may span lines). */
export function csvRecords(text) {
  const records = [];
  let record = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let touched = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else { if (c === '\n') line++; cell += c; }
      continue;
    }
    if (c === '"' && cell === '') { quoted = true; touched = true; }
    else if (c === ',') { record.push(cell); cell = ''; touched = true; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (touched || cell !== '') records.push({ line: start, cells: [...record, cell] });
      record = [];
      cell = '';
      touched = false;
      start = ++line;
    } else { cell += c; touched = true; }
  }
  if (quoted) throw new IndexTextError(start, t('match.csvQuote'));
  if (touched || cell !== '') records.push({ line: start, cells: [...record, cell] });
  return records;
}

export class IndexTextError extends Error {
  constructor(line, message) {
    super(t('match.line', { line, message }));
    this.line = line;
  }
}

/** One record's fields as the import request takes them: known fields only, strings, empty ones left out. */
function entryOf(fields, line) {
  const entry = {};
  for (const [key, raw] of Object.entries(fields)) {
    if (!INDEX_COLUMNS.includes(key)) throw new IndexTextError(line, t('match.unknownField', { field: key, fields: INDEX_COLUMNS.join(', ') }));
    if (raw === null || raw === undefined || raw === '') continue;
    if (typeof raw !== 'string') throw new IndexTextError(line, t('match.notString', { field: key }));
    entry[key] = raw.trim();
  }
  if (!entry.kind) throw new IndexTextError(line, t('match.noKind', { kinds: MATCH_KINDS.join(', ') }));
  return entry;
}

/**
 * An index as pasted or chosen: JSON lines (the first filled line starts with "{") or CSV with a
 * header line, the columns of `liaison match-index import`. `{ entries, lines }`; throws
 * IndexTextError naming the line of the first record it cannot read.
 */
export function readIndexText(text) {
  const body = String(text ?? '').replace(/^\uFEFF/, '');
  const entries = [];
  const lines = [];
  if (/^\s*\{/.test(body)) {
    body.split(/\r?\n/).forEach((raw, i) => {
      if (raw.trim() === '') return;
      let parsed;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new IndexTextError(i + 1, t('match.notJson'));
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new IndexTextError(i + 1, t('match.notObject'));
      entries.push(entryOf(parsed, i + 1));
      lines.push(i + 1);
    });
  } else {
    const [header, ...records] = csvRecords(body);
    if (!header) return { entries, lines };
    const columns = header.cells.map((c) => c.trim());
    for (const c of columns) if (!INDEX_COLUMNS.includes(c)) throw new IndexTextError(header.line, t('match.unknownField', { field: c, fields: INDEX_COLUMNS.join(', ') }));
    for (const r of records) {
      if (r.cells.length !== columns.length) throw new IndexTextError(r.line, t('match.csvColumns', { count: r.cells.length, columns: columns.length }));
      entries.push(entryOf(Object.fromEntries(columns.map((c, i) => [c, r.cells[i]])), r.line));
      lines.push(r.line);
    }
  }
  if (entries.length > MAX_CONSOLE_IMPORT) throw new IndexTextError(lines[MAX_CONSOLE_IMPORT], t('match.importTooLarge', { max: MAX_CONSOLE_IMPORT }));
  return { entries, lines };
}

/** The entries in import requests of at most MAX_IMPORT_ENTRIES, each with the index of its first entry. */
export function importBatches(entries, size = MAX_IMPORT_ENTRIES) {
  const batches = [];
  for (let from = 0; from < entries.length; from += size) batches.push({ from, entries: entries.slice(from, from + size) });
  return batches;
}

/** The node's refusal of one import request (`/entries/5/country …`) as errors naming the line of the text. */
export function importErrors(errors, lines, from, humanise) {
  return errors.map((e) => {
    const m = /^\/entries\/(\d+)(?:\/\w+)?$/.exec(e.field ?? '');
    return m ? t('match.line', { line: lines[from + Number(m[1])] ?? from + Number(m[1]) + 1, message: humanise(e.message) }) : humanise(e.message);
  });
}

/** The names the operator gave on the follow-up form, if any. */
const namesOf = (edited) => (edited.family || edited.given ? { names: { ...(edited.family ? { family: edited.family } : {}), ...(edited.given ? { given: edited.given } : {}) } } : {});

/**
 * The follow-up identity query's identifier of a value that hit, as the operator corrected or
 * completed it on the follow-up form (`edited`): a document as an identity document, a person as
 * name and date of birth, the others as selectors with the name the operator knows (an identity
 * query names a person, a photo or a document: the node refuses one with a selector alone).
 * Notices take ISO 3166-1 alpha-2 countries: a phone's 3-letter region is left out.
 */
export function followUpSubject(value, edited = {}) {
  switch (value.kind) {
    case 'document':
      return { identity_documents: [{ type: edited.type || 'other', number: edited.number ?? value.value, issuing_country: (edited.country ?? value.country ?? '').toUpperCase() }] };
    case 'person':
      return { names: namesOf(edited).names ?? { family: value.value }, date_of_birth: edited.dob ?? value.dob };
    case 'username':
      return { selectors: [{ kind: 'username', value: value.value, platform: value.platform }], ...namesOf(edited) };
    case 'phone':
      return { selectors: [{ kind: 'phone', value: value.value, ...(value.country?.length === 2 ? { country: value.country.toUpperCase() } : {}) }], ...namesOf(edited) };
    default:
      return { selectors: [{ kind: 'email', value: value.value }], ...namesOf(edited) };
  }
}
