import { createServer, Server } from 'http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } from 'fs';
import { AddressInfo } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { Command } from 'commander';
import { ensureFederationMaterial } from '@liaison/federation';
import { buildProgram } from '../../apps/cli/src/program';
import { memoryIo } from '../../apps/cli/src/commands/cli-io';
import { ensureBuilt } from '../support/process-node';
import { CLI_MAIN, liaison } from '../support/cli';

/** Every command path of the CLI, read from the program itself (so a new command is covered too). */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

/** Every file and folder under `dir` with its modification time: a sentinel that nothing was written. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => `${name} ${statSync(join(dir, name)).mtimeMs}`)
    .sort();
}

describe('liaison --help never runs anything (compiled CLI)', () => {
  const work = mkdtempSync(join(tmpdir(), 'liaison-help-'));
  const state = join(work, 'state');
  const requests: string[] = [];
  let server: Server;
  let env: Record<string, string>;

  beforeAll(async () => {
    ensureBuilt();
    if (!existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} is missing`);
    mkdirSync(state);
    // A node stand-in that records every request: a command that ran would reach it.
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    env = {
      LIAISON_STATE: state,
      LIAISON_NODE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      LIAISON_TOKEN: 'sentinel-token',
      KAFKA_BROKERS: '127.0.0.1:1',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      AGENCY_KEK: 'e5'.repeat(32),
    };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('every command and subcommand prints its help, exits 0 and writes, sends and creates nothing', async () => {
    const paths = commandPaths(buildProgram(memoryIo(), { value: 0 })).filter((p) => p[p.length - 1] !== 'help');
    // Arguments that would make each command act, given before --help: help must still win.
    const acting: Record<string, string[]> = {
      'local-setup': [],
      demo: [],
      send: ['--to', 'ES', '--body', '-', '--attach', join(work, 'scan.pdf'), '--photo', join(work, 'face.jpg')],
      'attachment fetch': ['0190a0b0-0000-7000-8000-000000000001', '0190a0b0-0000-7000-8000-000000000002', '--out', join(work, 'fetched.jpg')],
      'attachment list': ['0190a0b0-0000-7000-8000-000000000001', '--sent'],
      acknowledge: ['0190a0b0-0000-7000-8000-000000000001'],
      'pass-on': ['0190a0b0-0000-7000-8000-000000000001', '--to', 'CO'],
      export: ['--out', join(work, 'bundle.ndjson')],
      'keys generate': ['NL', '--out', join(work, 'nl.keys.json'), '--kek-env', 'AGENCY_KEK'],
      'directory init': ['--federation', 'help-fed', '--dir', join(work, 'dir')],
      'directory publish': ['--dir', join(work, 'dir')],
      token: ['--agency', 'NL', '--role', 'operator'],
    };
    expect(paths.map((p) => p.join(' '))).toEqual(expect.arrayContaining(['local-setup', 'demo', 'token', 'verify', 'reconcile', 'keys generate', 'directory publish', 'send', 'export', 'attachment fetch', 'attachment list']));
    const before = snapshot(work);
    for (const path of paths) {
      for (const help of path.length === 1 && ['local-setup', 'demo'].includes(path[0]) ? ['--help', '-h'] : ['--help']) {
        const result = await liaison([...path, ...(acting[path.join(' ')] ?? []), help], env, '{"names":{"family":"X"}}');
        expect({ path, code: result.code }).toEqual({ path, code: 0 });
        expect(result.stdout).toMatch(new RegExp(`^Usage: liaison ${path.join(' ')}`));
        expect(result.stderr).toBe('');
      }
    }
    expect(await liaison(['help', 'local-setup'], env)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: liaison local-setup/) });
    expect(snapshot(work)).toEqual(before);
    expect(readdirSync(state)).toEqual([]);
    expect(requests).toEqual([]);
    // About sixty compiled-CLI starts one after another: 142–220 s on the 2-core CI machine under the parallel suites.
  }, 360_000);

  it('liaison --help documents the exit codes and the environment', async () => {
    const result = await liaison(['--help'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*verification failed.*\n\s+2 .*usage or input error.*\n\s+3 .*node/);
    expect(result.stdout).toMatch(/LIAISON_NODE_URL/);
    expect(result.stdout).toMatch(/LIAISON_TOKEN/);
  });

  it('names an unknown command or option, exits 2 and does nothing', async () => {
    const command = await liaison(['frobnicate'], env);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/unknown command 'frobnicate'/);
    const option = await liaison(['inbox', '--sinse', 'yesterday'], env);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/unknown option '--sinse'/);
    const sub = await liaison(['directory', 'frob'], env);
    expect(sub.code).toBe(2);
    expect(sub.stderr).toMatch(/unknown command 'frob'/);
    const none = await liaison([], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Usage: liaison/);
    expect(requests).toEqual([]);
  });

  it('validates every argument before anything happens', async () => {
    const cases: [string[], RegExp][] = [
      [['send', '--to', 'E S', '--body', '-'], /--to must be comma-separated agency codes/],
      [['send', '--to', 'ES', '--priority', 'asap', '--body', '-'], /\/priority/],
      [['send', '--to', 'ES', '--body', join(work, 'missing.json')], /missing.json does not exist/],
      [['send', '--to', 'ES'], /missing --body/],
      [['send', '--to', 'ES', '--body', '-', '--attach', join(work, 'missing.jpg')], /--attach .*missing\.jpg: cannot read it \(ENOENT\)/],
      [['send', '--to', 'ES', '--body', '-', '--attach', 'package.json'], /--attach package\.json: its media type cannot be told from the file name; give it as --attach 'package\.json;type=<media type>'/],
      [['send', '--to', 'ES', '--body', '-', '--attach', 'package.json;type=Text/<b>'], /is not a media type such as image\/jpeg/],
      [['send', '--to', 'ES', '--body', '-', '--photo', 'package.json;type=text/plain'], /--photo must be an image, not text\/plain/],
      [['attachment', 'fetch', '0190a0b0-0000-7000-8000-000000000001', 'photo.jpg'], /attachment id "photo.jpg" is not a UUID/],
      [['attachment', 'list', '0190a0b0-0000-7000-8000-000000000001', '--sent', '--sender', 'ES'], /--sender is for a notice of the inbox/],
      [['acknowledge', 'not-a-uuid'], /notice id "not-a-uuid" is not a UUID/],
      [['answer', '0190a0b0-0000-7000-8000-000000000001', '--outcome', 'maybe'], /the answer is not valid/],
      [['decline', '0190a0b0-0000-7000-8000-000000000001', '--reason', ' '], /\/reason: must not be blank/],
      [['inbox', '--limit', '5000'], /--limit must be a number from 1 to 200/],
      [['inbox', '--status', 'LOST'], /--status must be one of/],
      [['export', '--out', join(work, 'x.ndjson'), '--from', '-1'], /--from must be a ledger sequence number/],
      [['show', '0190a0b0-0000-7000-8000-000000000001', '--node-url', 'ftp://x'], /must be an http or https URL/],
      [['token', '--agency', 'NL', '--role', 'chief'], /--role must be one of/],
      [['token', '--agency', 'NL', '--role', 'operator', '--ttl', '99999999'], /--ttl must be/],
    ];
    for (const [args, message] of cases) {
      const result = await liaison(args, env, '{"names":{"family":"X"}}');
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
    }
    const noToken = await liaison(['inbox'], { ...env, LIAISON_TOKEN: '' });
    expect(noToken).toMatchObject({ code: 2, stderr: expect.stringMatching(/LIAISON_TOKEN/) });
    expect(requests).toEqual([]);
    expect(readdirSync(state)).toEqual([]);
  });

  it('verify of a missing bundle says it cannot be read (exit 2) and says nothing about signatures', async () => {
    for (const args of [['verify', '/nonexistent.ndjson'], ['reconcile', '/nonexistent-a.ndjson', '/nonexistent-b.ndjson']]) {
      const result = await liaison(args, env);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/bundle file \/nonexistent(-a)?\.ndjson cannot be read \(no such file\)/);
      expect(result.stdout).toBe('');
      expect(result.stdout + result.stderr).not.toMatch(/signature|cosignature|witness|RESULT/i);
    }
  });

  it('token refuses an agency that is not in the federation directory it reads, and needs the federation set up', async () => {
    const notSetUp = await liaison(['token', '--agency', 'NL', '--role', 'operator'], env);
    expect(notSetUp.code).toBe(1);
    expect(notSetUp.stderr).toMatch(/not set up.*liaison local-setup/);
    expect(readdirSync(state)).toEqual([]); // no identity provider key generated on the way
    // What local-setup writes (deploy/local/federation.json names liaison-local), with NL and ES only.
    const fedState = join(work, 'fed-state');
    const agencies = [
      { code: 'NL', name: 'Politie', country: 'NL' },
      { code: 'ES', name: 'Policía', country: 'ES' },
    ];
    await ensureFederationMaterial(join(fedState, 'federation'), 'liaison-local', agencies, new Uint8Array(32).fill(7));
    const withFed = { ...env, LIAISON_STATE: fedState };
    for (const agency of ['XX', 'DE']) {
      const refused = await liaison(['token', '--agency', agency, '--role', 'operator'], withFed);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(new RegExp(`agency ${agency} is not in the liaison-local directory \\(listed: NL, ES\\)`));
      expect(refused.stdout).toBe('');
    }
    const minted = await liaison(['token', '--agency', 'ES', '--role', 'liaison_officer'], withFed);
    expect(minted.code).toBe(0);
    expect(minted.stdout.trim().split('.')).toHaveLength(3);
  });
});
