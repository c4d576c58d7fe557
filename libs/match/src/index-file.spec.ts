import { Readable } from 'node:stream';
import { IndexFileError, readIndexFile, type IndexFormat, type IndexRecord } from './index-file';

async function all(text: string, format: IndexFormat): Promise<IndexRecord[]> {
  const out: IndexRecord[] = [];
  for await (const { input: _input, ...r } of readIndexFile(Readable.from([text]), format)) out.push(r as IndexRecord);
  return out;
}

async function all2(bytes: Buffer): Promise<IndexRecord[]> {
  const out: IndexRecord[] = [];
  // Split inside a multi-byte character on purpose: the reader must decode across chunks.
  for await (const { input: _input, ...r } of readIndexFile(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]), 'jsonl')) out.push(r as IndexRecord);
  return out;
}

async function refusal(text: string, format: IndexFormat): Promise<{ line: number; field: string; message: string }> {
  try {
    await all(text, format);
  } catch (error) {
    if (error instanceof IndexFileError) return { line: error.line, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('index files', () => {
  it('reads CSV with a header, quoted fields and removals, canonicalised', async () => {
    const csv = 'kind,value,country,op\r\ndocument,"x 123 4567",es,\r\ndocument,Y-1,FR,remove\r\nphone,+34 612 34 56 78,,\r\n';
    expect(await all(csv, 'csv')).toEqual([
      { line: 2, op: 'add', kind: 'document', canonical: 'document:ES:X1234567' },
      { line: 3, op: 'remove', kind: 'document', canonical: 'document:FR:Y1' },
      { line: 4, op: 'add', kind: 'phone', canonical: 'phone:+34612345678' },
    ]);
  });

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = Buffer.from('{"kind":"person","value":"Ñandú","dob":"2000-01-01"}\n');
    const at = bytes.indexOf(Buffer.from('Ñ')) + 1; // inside the two bytes of Ñ
    const out: IndexRecord[] = [];
    for await (const r of readIndexFile(Readable.from([bytes.subarray(0, at), bytes.subarray(at)]), 'jsonl')) out.push(r);
    expect(out[0].canonical).toBe('person:nandu:2000-01-01');
  });

  it('reads JSON lines, skipping blank lines, in chunks that split lines', async () => {
    const text = '{"kind":"email","value":"A@B.ES"}\n\n{"kind":"person","value":"Ana  López","dob":"1990-01-02","op":"add"}';
    const chunks = [text.slice(0, 7), text.slice(7, 40), text.slice(40)];
    const out: IndexRecord[] = [];
    for await (const r of readIndexFile(Readable.from(chunks), 'jsonl')) out.push(r);
    expect(out.map((r) => [r.line, r.canonical])).toEqual([
      [1, 'email:A@b.es'],
      [3, 'person:ana lopez:1990-01-02'],
    ]);
  });

  it('refuses a bad record with its line and field, never its value', async () => {
    const secret = 'X9999999';
    const bad = await refusal(`kind,value,country\ndocument,${secret},ES\ndocument,${secret},E\n`, 'csv');
    expect(bad).toMatchObject({ line: 3, field: 'country' });
    expect(bad.message).not.toContain(secret);
    expect(await refusal('kind,value,colour\ndocument,X,red\n', 'csv')).toMatchObject({ field: 'colour' });
    expect(await refusal('kind,value\ndocument,X,extra\n', 'csv')).toMatchObject({ field: 'csv' });
    expect(await refusal('{"kind":"email","kind":"phone","value":"x"}', 'jsonl')).toMatchObject({ line: 1, field: '/kind' });
    expect(await refusal('{"kind":"email","value":"a@b"}\n[1]', 'jsonl')).toMatchObject({ line: 2, field: 'json' });
    expect(await refusal('{"kind":"email","value":"a@b","op":"delete"}', 'jsonl')).toMatchObject({ field: 'op' });
    expect(await refusal('{"kind":"email","value":7}', 'jsonl')).toMatchObject({ field: 'value' });
    const invalid = Buffer.concat([Buffer.from('{"kind":"email","value":"a@b"}\n{"kind":"email","value":"'), Buffer.from([0xff]), Buffer.from('"}')]);
    await expect(all2(invalid)).rejects.toMatchObject({ field: 'utf-8' });
  });
});
