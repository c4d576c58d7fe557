// Reading an index file (`liaison match-index import`): CSV with a header line, or JSON lines.
// Each record is a value to add or (op "remove") to remove, canonicalised on the way; a bad record
// is refused with its line number and the field, never with its content. Streams: records are
// yielded one at a time, so a file of millions of lines is never held whole.
import { parse } from 'csv-parse';
import { Readable } from 'node:stream';
import { parseStrictJson } from '@liaison/json';
import { ndjsonLines } from '@liaison/ledger';
import { MATCH_KINDS, MatchValueError, canonicalMatchValue, type MatchKind, type MatchValue } from './match-value';

export type IndexFormat = 'csv' | 'jsonl';
export const INDEX_COLUMNS = ['kind', 'value', 'country', 'platform', 'dob', 'op'] as const;

export interface IndexRecord {
  /** 1-based line (CSV: record) number in the file. */
  line: number;
  op: 'add' | 'remove';
  kind: MatchKind;
  /** The canonical text (`canonicalMatchValue`). */
  canonical: string;
  /** The fields as the file gave them (the CLI sends these to the node, which canonicalises again). */
  input: MatchValue;
}

export class IndexFileError extends Error {
  constructor(
    readonly line: number,
    readonly field: string,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'IndexFileError';
  }
}

function toRecord(raw: Record<string, unknown>, line: number): IndexRecord {
  for (const key of Object.keys(raw)) {
    if (!(INDEX_COLUMNS as readonly string[]).includes(key)) throw new IndexFileError(line, key, `unknown field ${key} (fields: ${INDEX_COLUMNS.join(', ')})`);
  }
  const text = (key: string): string | undefined => {
    const v = raw[key];
    if (v === undefined || v === '' || v === null) return undefined;
    if (typeof v !== 'string') throw new IndexFileError(line, key, `${key} must be a string`);
    return v;
  };
  const op = text('op') ?? 'add';
  if (op !== 'add' && op !== 'remove') throw new IndexFileError(line, 'op', 'op is add or remove');
  const kind = text('kind');
  if (!kind || !(MATCH_KINDS as readonly string[]).includes(kind)) throw new IndexFileError(line, 'kind', `kind is one of ${MATCH_KINDS.join(', ')}`);
  try {
    const input: MatchValue = { kind: kind as MatchKind, value: text('value') ?? '' };
    for (const field of ['country', 'platform', 'dob'] as const) if (text(field) !== undefined) input[field] = text(field);
    return { line, op, kind: kind as MatchKind, canonical: canonicalMatchValue(input), input };
  } catch (error) {
    if (error instanceof MatchValueError) throw new IndexFileError(line, error.field, error.message);
    throw error;
  }
}

async function* jsonLines(input: Readable): AsyncGenerator<IndexRecord> {
  let line = 0;
  try {
    for await (const text of ndjsonLines(input)) {
      line++;
      if (text.trim() === '') continue;
      const parsed = parseStrictJson(text.replace(/\r$/, ''));
      if (!parsed.ok) throw new IndexFileError(line, parsed.duplicate ?? 'json', parsed.duplicate ? `repeated member ${parsed.duplicate}` : 'not JSON');
      if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) throw new IndexFileError(line, 'json', 'each line is one JSON object');
      yield toRecord(parsed.value as Record<string, unknown>, line);
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') throw new IndexFileError(line + 1, 'utf-8', 'not valid UTF-8 (at this line or a later one in the same read)');
    throw error;
  }
}

async function* csvRecords(input: Readable): AsyncGenerator<IndexRecord> {
  const parser = input.pipe(parse({ columns: true, bom: true, trim: true, skip_empty_lines: true, info: true }));
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield toRecord(item.record, item.info.lines);
    }
  } catch (error) {
    if (error instanceof IndexFileError) throw error;
    const e = error as { lines?: number; code?: string };
    throw new IndexFileError(e.lines ?? 0, 'csv', `not valid CSV (${e.code ?? 'parse error'})`);
  }
}

/** The records of an index file, in order, canonicalised; throws IndexFileError at the first bad one. */
export function readIndexFile(input: Readable, format: IndexFormat): AsyncGenerator<IndexRecord> {
  return format === 'csv' ? csvRecords(input) : jsonLines(input);
}
