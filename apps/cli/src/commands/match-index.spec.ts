import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runParsed } from '../args';
import { buildProgram } from '../program';
import { memoryIo } from './cli-io';

async function liaison(args: string[]): Promise<{ code: number; out: string }> {
  const io = memoryIo();
  const code = { value: 0 };
  const result = await runParsed(buildProgram(io, code), args, code).catch((e: Error) => (io.err(e.message), -1));
  return { code: result, out: io.stdout() + io.stderr() };
}

describe('liaison match-index check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liaison-match-index-'));

  it('counts the records of a valid file per kind and operation, two notations of one value once', async () => {
    const file = join(dir, 'index.csv');
    writeFileSync(file, 'kind,value,country,op\ndocument,X1234567,ES,\ndocument,x 123-4567,es,\ndocument,Y1,FR,remove\nphone,+34 612 345 678,,\n');
    const r = await liaison(['match-index', 'check', file, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, records: 4, distinctAdded: 2, counts: { document: { add: 2, remove: 1 }, phone: { add: 1, remove: 0 } } });
  });

  it('names the first bad line and field, prints no value, exits 1', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"kind":"document","value":"SECRET1","country":"ES"}\n{"kind":"document","value":"SECRET2","country":"E"}\n');
    const r = await liaison(['match-index', 'check', file]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/INVALID/);
    expect(r.out).toMatch(/line 2: .*country/);
    expect(r.out).not.toMatch(/SECRET/);
  });

  it('refuses an unknown format and an unreadable file as usage errors', async () => {
    await expect(liaison(['match-index', 'check', join(dir, 'index.txt')])).resolves.toMatchObject({ code: -1, out: expect.stringMatching(/--format is csv or jsonl/) });
    await expect(liaison(['match-index', 'check', join(dir, 'missing.csv')])).resolves.toMatchObject({ code: -1, out: expect.stringMatching(/cannot read .*ENOENT/) });
  });
});
