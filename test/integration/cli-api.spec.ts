import { mkdtempSync, readdirSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Role } from '@liaison/auth';
import { countRows, noticeRequest, TestFederation } from '../support/federation';
import { ensureBuilt } from '../support/process-node';
import { liaison } from '../support/cli';

/**
 * The daily actions through the compiled CLI against real nodes of a test federation (real broker,
 * databases): NL sends with the body on stdin, ES lists, shows, acknowledges and answers, passes
 * another notice on to CO and declines a third; NL lists what it sent; an auditor exports the
 * bundle, which `liaison verify` accepts.
 */
describe('liaison send / inbox / show / acknowledge / answer / decline / pass-on / sent / export (real nodes)', () => {
  let fed: TestFederation;
  const work = mkdtempSync(join(tmpdir(), 'liaison-cli-api-'));
  const tokens: string[] = [];
  const as = async (agency: string, role: Role): Promise<Record<string, string>> => {
    const token = await fed.token(agency, role);
    tokens.push(token);
    return { LIAISON_NODE_URL: fed.url(agency), LIAISON_TOKEN: token };
  };
  const outputs: string[] = [];
  const run = async (args: string[], env: Record<string, string>, stdin?: string) => {
    const result = await liaison(args, env, stdin);
    outputs.push(result.stdout, result.stderr);
    return result;
  };
  const body = JSON.stringify(noticeRequest(['ES']).body);

  beforeAll(async () => {
    ensureBuilt();
    fed = await TestFederation.create(['NL', 'ES', 'CO']);
    await Promise.all(['NL', 'ES', 'CO'].map((a) => fed.start(a)));
  });
  afterAll(async () => {
    await fed?.destroy();
  });

  const inboxOf = async (agency: string, id: string) => {
    await fed.waitFor(async () => (await fed.get(agency, '/inbox', 'liaison_officer')).body.some((n: { id: string }) => n.id === id), `${id} in ${agency}'s inbox`);
  };

  it('runs a working day of one notice end to end, with tables by default and JSON for scripts', async () => {
    const nl = await as('NL', 'operator');
    const sent = await run(['send', '--to', 'ES', '--kind', 'identity-query', '--priority', 'urgent', '--handling', 'H1', '--body', '-', '--json'], nl, body);
    expect(sent.code).toBe(0);
    const { id, status } = JSON.parse(sent.stdout) as { id: string; status: string };
    expect(status).toBe('SENT');
    await inboxOf('ES', id);

    const es = await as('ES', 'liaison_officer');
    const inbox = await run(['inbox', '--priority', 'urgent'], es);
    expect(inbox.code).toBe(0);
    expect(inbox.stdout).toMatch(/^ID\s+FROM\s+KIND\s+PRIORITY\s+STATUS\s+DEADLINE\n/);
    expect(inbox.stdout).toMatch(new RegExp(`${id}\\s+NL\\s+identity-query\\s+urgent\\s+DELIVERED`));
    const filtered = await run(['inbox', '--priority', 'normal', '--json'], es);
    expect((JSON.parse(filtered.stdout) as { id: string }[]).map((n) => n.id)).not.toContain(id);

    const shown = await run(['show', id, '--json'], es);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id, sender: 'NL', body: { names: { family: 'Janssen' } } });

    expect(await run(['acknowledge', id], es)).toMatchObject({ code: 0, stdout: `${id} ACKNOWLEDGED\n` });
    const details = join(work, 'details.json');
    writeFileSync(details, JSON.stringify({ summary: 'Resident permit holder in Madrid since 2021' }));
    expect(await run(['answer', id, '--outcome', 'hit', '--details', details], es)).toMatchObject({ code: 0, stdout: `${id} ANSWERED\n` });
    // The workflow refuses a second answer: the node's reason, exit 3.
    const again = await run(['decline', id, '--reason', 'changed my mind'], es);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/HTTP 409/);

    await fed.waitFor(async () => (await fed.get('NL', `/notices/${id}`, 'operator')).body.recipients[0].status === 'ANSWERED', 'the answer at NL');
    const list = await run(['sent', '--limit', '10'], nl);
    expect(list.stdout).toMatch(/^ID\s+TO\s+KIND/);
    expect(list.stdout).toContain(id);
    // An operator's token cannot read the inbox: show falls back to the notices sent.
    const mine = await run(['show', id, '--json'], nl);
    expect(JSON.parse(mine.stdout)).toMatchObject({ id, recipients: [{ agency: 'ES', status: 'ANSWERED' }] });
  });

  it('passes a notice on, declines another, and names what the node refuses', async () => {
    const nl = await as('NL', 'operator');
    const es = await as('ES', 'liaison_officer');
    const first = JSON.parse((await run(['send', '--to', 'ES', '--body', '-', '--json'], nl, body)).stdout).id as string;
    const restricted = JSON.parse((await run(['send', '--to', 'ES', '--handling', 'H2', '--body', '-', '--json'], nl, body)).stdout).id as string;
    await inboxOf('ES', first);
    await inboxOf('ES', restricted);

    const passed = await run(['pass-on', first, '--to', 'CO', '--json'], es);
    expect(passed.code).toBe(0);
    const passedId = JSON.parse(passed.stdout).id as string;
    await inboxOf('CO', passedId);
    const refused = await run(['pass-on', restricted, '--to', 'CO'], es);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/HTTP 403.*H2/);

    expect(await run(['decline', restricted, '--reason', 'Not within our competence'], es)).toMatchObject({ code: 0, stdout: `${restricted} DECLINED\n` });
    const unknown = await run(['acknowledge', '0190a0b0-0000-7000-8000-000000000001'], es);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/HTTP 404/);
    const wrongRole = await run(['inbox'], nl);
    expect(wrongRole.code).toBe(3);
    expect(wrongRole.stderr).toMatch(/HTTP 403/);
  });

  it('exports the audit bundle to a file, streamed, which liaison verify accepts', async () => {
    const auditor = await as('NL', 'auditor');
    await fed.waitFor(async () => {
      const checkpoint = await fed.get('NL', '/audit/checkpoint', 'auditor');
      return checkpoint.status === 200 && Number(checkpoint.body.size) === (await countRows(fed, 'NL', 'ledger_entry')) && checkpoint.body.witnessed;
    }, 'a witnessed checkpoint covering the ledger');
    const file = join(work, 'nl.ndjson');
    const exported = await run(['export', '--out', file], auditor);
    expect(exported.code).toBe(0);
    expect(exported.stderr).toMatch(/wrote \d+ bytes to .*nl\.ndjson/);
    const verified = await run(['verify', file, '--root', JSON.stringify(fed.material.rootPublicJwk)], {});
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/RESULT: OK/);
    // Refused by the node: nothing is left behind, not even a partial file.
    const operator = await as('NL', 'operator');
    const denied = await run(['export', '--out', join(work, 'denied.ndjson')], operator);
    expect(denied.code).toBe(3);
    expect(readdirSync(work).filter((f) => f.includes('denied'))).toEqual([]);
  });

  afterAll(() => {
    const everything = outputs.join('\n');
    for (const token of tokens) expect(everything).not.toContain(token);
  });
});
