import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createHash } from 'crypto';
import { Role } from '@liaison/auth';
import { noticeRequest, TestFederation } from '../support/federation';
import { ensureBuilt } from '../support/process-node';
import { liaison } from '../support/cli';

const FIXTURES = join(__dirname, '..', 'browser', 'fixtures');
const PHOTO = join(FIXTURES, 'subject-photo.png');
const NOTE = join(FIXTURES, 'case-note.pdf');
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

interface Listed {
  id: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
  available?: boolean;
  recipients?: { agency: string; status: string; deliveredAt: string | null }[];
}

/**
 * Attachments through the compiled CLI against real nodes (real broker, databases): NL sends ES
 * an identity query with a photo and a PDF, streamed from disk; the files come back byte for
 * byte from NL's own store and from ES's inbox once they arrived, and NL sees both delivered.
 */
describe('liaison send --attach/--photo, attachment list and fetch (real nodes)', () => {
  let fed: TestFederation;
  const work = mkdtempSync(join(tmpdir(), 'liaison-cli-attach-'));
  const as = async (agency: string, role: Role): Promise<Record<string, string>> => ({ LIAISON_NODE_URL: fed.url(agency), LIAISON_TOKEN: await fed.token(agency, role) });
  let noticeId = '';
  let sent: { id: string; name: string; sha256: string }[] = [];

  beforeAll(async () => {
    ensureBuilt();
    fed = await TestFederation.create(['NL', 'ES']);
    await Promise.all(['NL', 'ES'].map((a) => fed.start(a)));
  });
  afterAll(async () => {
    await fed?.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  it('sends a notice with two attachments, the photo named in its body, and fetches them back byte-identical', async () => {
    const nl = await as('NL', 'operator');
    // A photo alone identifies the person (the name is unknown).
    const body: Record<string, unknown> = { ...noticeRequest(['ES']).body };
    delete body.names;
    const result = await liaison(['send', '--to', 'ES', '--body', '-', '--attach', NOTE, '--photo', PHOTO, '--json'], nl, JSON.stringify(body));
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.stringMatching(/uploaded case-note\.pdf: 615 bytes, application\/pdf[\s\S]*uploaded subject-photo\.png: 218 bytes, image\/png/) });
    const answer = JSON.parse(result.stdout) as { id: string; status: string; attachments: { id: string; name: string; sha256: string; type: string }[] };
    expect(answer).toMatchObject({ status: 'SENT', attachments: [{ name: 'case-note.pdf', type: 'application/pdf', sha256: sha256(NOTE) }, { name: 'subject-photo.png', type: 'image/png', sha256: sha256(PHOTO) }] });
    noticeId = answer.id;
    sent = answer.attachments;
    const notice = await fed.get('NL', `/notices/${noticeId}`, 'operator');
    expect(notice.body.body.photo).toEqual({ attachment: sent[1].id });

    const list = await liaison(['attachment', 'list', noticeId, '--sent', '--json'], nl);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Listed[]).map((a) => [a.name, a.recipients?.map((r) => r.agency)])).toEqual([['case-note.pdf', ['ES']], ['subject-photo.png', ['ES']]]);

    for (const [a, original] of [[sent[0], NOTE], [sent[1], PHOTO]] as const) {
      const out = join(work, `sent-${a.name}`);
      const fetched = await liaison(['attachment', 'fetch', noticeId, a.id, '--sent', '--out', out], nl);
      expect(fetched).toMatchObject({ code: 0, stdout: expect.stringContaining(`SHA-256 ${a.sha256} verified`) });
      expect(readFileSync(out).equals(readFileSync(original))).toBe(true);
    }
  });

  it("ES's officer fetches both once they arrived, byte-identical; NL sees both delivered to ES", async () => {
    const es = await as('ES', 'liaison_officer');
    await fed.waitFor(async () => {
      const r = await fed.get('ES', `/inbox/${noticeId}/attachments`, 'liaison_officer');
      return r.status === 200 && (r.body as Listed[]).length === 2 && (r.body as Listed[]).every((a) => a.available);
    }, 'both attachments available at ES');
    const list = await liaison(['attachment', 'list', noticeId], es);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+TYPE\s+BYTES\s+SHA-256\s+AVAILABLE\n/);
    for (const [a, original] of [[sent[0], NOTE], [sent[1], PHOTO]] as const) {
      const out = join(work, `received-${a.name}`);
      const fetched = await liaison(['attachment', 'fetch', noticeId, a.id, '--sender', 'NL', '--out', out, '--json'], es);
      expect(fetched.code).toBe(0);
      expect(JSON.parse(fetched.stdout)).toMatchObject({ file: out, id: a.id, sha256: a.sha256 });
      expect(readFileSync(out).equals(readFileSync(original))).toBe(true);
    }
    const nl = await as('NL', 'operator');
    await fed.waitFor(async () => ((await fed.get('NL', `/notices/${noticeId}/attachments`, 'operator')).body as Listed[]).every((a) => a.recipients?.[0]?.status === 'delivered'), 'both delivered to ES');
    const delivered = await liaison(['attachment', 'list', noticeId, '--sent'], nl);
    expect(delivered.stdout).toMatch(/ES:delivered@\d{4}-/);
  });

  it('refuses to fetch an attachment the notice does not carry, with the reason (exit 1)', async () => {
    const nl = await as('NL', 'operator');
    const missing = await liaison(['attachment', 'fetch', noticeId, '0190a0b0-0000-7000-8000-000000000009', '--sent', '--out', join(work, 'x')], nl);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/has no attachment 0190a0b0-0000-7000-8000-000000000009 \(it has /) });
  });
});
