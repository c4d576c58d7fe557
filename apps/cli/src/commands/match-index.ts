// `liaison match-index check <file> [--format csv|jsonl] [--json]`: offline check of a match index
// file before it is imported (issue 18): every record canonicalised as the node will, counted per
// kind and operation, distinct values counted. Prints counts only, never a value; a bad record is
// named by line and field (exit 1). Streams the file: memory grows with distinct values only.
// `liaison match-index import <file>`: the same check, then the records sent to the node (role
// admin) in requests of MAX_IMPORT_ENTRIES, in file order; the node canonicalises them again.
import { createReadStream } from 'fs';
import { createHash } from 'crypto';
import { Command } from 'commander';
import { IndexFileError, MAX_IMPORT_ENTRIES, readIndexFile, type IndexFormat, type IndexRecord } from '@liaison/match';
import { act, EXIT, UsageError } from '../args';
import { apiCommand, client } from './actions';
import { CliIo, optionalValue, flag, printJson } from './cli-io';

export interface IndexFileReport {
  file: string;
  format: IndexFormat;
  ok: boolean;
  records: number;
  /** Records per kind and operation, e.g. { "document": { "add": 10, "remove": 1 } }. */
  counts: Record<string, { add: number; remove: number }>;
  /** Distinct canonical values added (two notations of one value count once). */
  distinctAdded: number;
  error?: { line: number; field: string; message: string };
}

function formatOf(file: string, given: string | undefined): IndexFormat {
  const format = given ?? (file.endsWith('.csv') ? 'csv' : file.endsWith('.jsonl') || file.endsWith('.ndjson') ? 'jsonl' : undefined);
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError('--format is csv or jsonl (or name the file *.csv, *.jsonl)');
  return format;
}

export async function checkIndexFile(file: string, format: IndexFormat): Promise<IndexFileReport> {
  const report: IndexFileReport = { file, format, ok: true, records: 0, counts: {}, distinctAdded: 0 };
  const added = new Set<string>();
  const input = createReadStream(file);
  const opened = new Promise<void>((resolve, reject) => input.once('open', () => resolve()).once('error', reject));
  await opened.catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  try {
    for await (const record of readIndexFile(input, format)) {
      report.records++;
      const counts = (report.counts[record.kind] ??= { add: 0, remove: 0 });
      counts[record.op]++;
      // Digests, not values, in memory: the check holds no more of the file than it must.
      if (record.op === 'add') added.add(createHash('sha256').update(record.canonical).digest('base64'));
    }
  } catch (error) {
    if (!(error instanceof IndexFileError)) throw error;
    report.ok = false;
    report.error = { line: error.line, field: error.field, message: error.message };
  } finally {
    input.destroy();
  }
  report.distinctAdded = added.size;
  return report;
}

function formatReport(r: IndexFileReport): string {
  const lines = [`${r.file} (${r.format}): ${r.ok ? 'valid' : 'INVALID'}, ${r.records} records read, ${r.distinctAdded} distinct values added`];
  for (const [kind, c] of Object.entries(r.counts)) lines.push(`  ${kind}: ${c.add} add, ${c.remove} remove`);
  if (r.error) lines.push(`  ${r.error.message} (field ${r.error.field})`);
  return `${lines.join('\n')}\n`;
}

export function registerMatchIndex(program: Command, io: CliIo, code: { value: number }): void {
  const group = program.command('match-index').summary('the private-match index (issue 18)').description('The private hit/no-hit index of this agency.');
  const check = group
    .command('check')
    .summary('check a match index file offline')
    .description('Reads a match index file (CSV with a header kind,value,country,platform,dob,op, or JSON lines with the same fields) as the node will: every value canonicalised, counted per kind and operation. Prints counts, never values. Exit 0 when every record is valid, 1 naming the first bad line and field.')
    .argument('<file>', 'the index file (.csv or .jsonl)')
    .option('--format <format>', 'csv or jsonl (default: from the file name)')
    .option('--json', 'print the report as JSON');
  act(check, code, async (parsed) => {
    const file = parsed.positional[0];
    const report = await checkIndexFile(file, formatOf(file, optionalValue(parsed, 'format')));
    io.out(flag(parsed, 'json') ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? EXIT.ok : EXIT.failed;
  });

  const importing = apiCommand(group, 'import', 'import a match index file into the node (admin): additions and removals', false)
    .argument('<file>', 'the index file (.csv or .jsonl)')
    .option('--format <format>', 'csv or jsonl (default: from the file name)');
  act(importing, code, async (parsed) => {
    const file = parsed.positional[0];
    const format = formatOf(file, optionalValue(parsed, 'format'));
    const api = client(parsed, io);
    // The whole file is checked first: a bad line stops the import before anything is sent.
    const report = await checkIndexFile(file, format);
    if (!report.ok) {
      io.out(formatReport(report));
      return EXIT.failed;
    }
    const totals = { records: 0, added: 0, removed: 0, unchanged: 0, size: 0 };
    const send = async (batch: IndexRecord[]) => {
      const r = await api.call<{ added: number; removed: number; unchanged: number; size: number }>('POST', '/match/index/entries', { body: { entries: batch.map((b) => ({ ...b.input, op: b.op })) } });
      totals.records += batch.length;
      totals.added += r.added;
      totals.removed += r.removed;
      totals.unchanged += r.unchanged;
      totals.size = r.size;
    };
    const input = createReadStream(file);
    let batch: IndexRecord[] = [];
    try {
      for await (const record of readIndexFile(input, format)) {
        batch.push(record);
        if (batch.length === MAX_IMPORT_ENTRIES) {
          await send(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await send(batch);
    } finally {
      input.destroy();
    }
    if (flag(parsed, 'json')) printJson(io, totals);
    else io.out(`${file}: ${totals.records} records sent, ${totals.added} added, ${totals.removed} removed, ${totals.unchanged} unchanged; the index holds ${totals.size}\n`);
    return EXIT.ok;
  });
}
