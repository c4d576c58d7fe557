import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { KeyFileError, openPrivateKeys } from '@liaison/envelope';
import { run } from '../../apps/cli/src/commands/keys';
import { memoryIo } from '../../apps/cli/src/commands/cli-io';
import { UsageError } from '../../apps/cli/src/args';

const PASSPHRASE = 'correct horse battery staple';
const KEK_HEX = 'a1'.repeat(32);
const env = { LIAISON_TEST_PASSPHRASE: PASSPHRASE, LIAISON_TEST_KEK: KEK_HEX, SHORT: 'short' };

describe('liaison keys (in-process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liaison-keys-'));

  it('generates a passphrase-sealed key file (mode 0600), prints public JWKs only, and the file opens with that passphrase only', async () => {
    const out = join(dir, 'nl.keys.json');
    const io = memoryIo(env);
    expect(await run(['generate', 'NL', '--out', out, '--passphrase-env', 'LIAISON_TEST_PASSPHRASE', '--argon2', 'interactive'], io)).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);

    const printed = JSON.parse(io.stdout()) as { keys: Record<string, unknown>[] };
    expect(printed.keys.map((k) => [k.use, k.crv])).toEqual([['sig', 'Ed25519'], ['enc', 'X25519']]);
    expect(printed.keys.every((k) => !('d' in k))).toBe(true);
    expect(io.stdout() + io.stderr()).not.toMatch(/"d"/);

    const file = readFileSync(out, 'utf8');
    const opened = await openPrivateKeys(file, { passphrase: PASSPHRASE });
    expect(opened.agency).toBe('NL');
    expect(opened.signing.kid).toBe(printed.keys[0].kid);
    expect(opened.encryption.kid).toBe(printed.keys[1].kid);
    await expect(openPrivateKeys(file, { passphrase: 'not the passphrase at all' })).rejects.toMatchObject({ code: 'wrong_secret_or_corrupt' });
    await expect(openPrivateKeys(file, { kek: new Uint8Array(32) })).rejects.toBeInstanceOf(KeyFileError);

    // `keys public` prints the same JWKs, and refuses a wrong passphrase with a clear error.
    const pub = memoryIo(env);
    expect(await run(['public', out, '--passphrase-env', 'LIAISON_TEST_PASSPHRASE'], pub)).toBe(0);
    expect(JSON.parse(pub.stdout())).toEqual(printed);
    await expect(run(['public', out, '--passphrase-env', 'SHORT'], memoryIo(env))).rejects.toThrow(/wrong_secret_or_corrupt/);
  });

  it('generates a KEK-sealed key file that opens with the KEK only', async () => {
    const out = join(dir, 'es.keys.json');
    const io = memoryIo(env);
    expect(await run(['generate', 'ES', '--out', out, '--kek-env', 'LIAISON_TEST_KEK'], io)).toBe(0);
    const file = readFileSync(out, 'utf8');
    expect((await openPrivateKeys(file, { kek: Buffer.from(KEK_HEX, 'hex') })).agency).toBe('ES');
    await expect(openPrivateKeys(file, { kek: new Uint8Array(32).fill(7) })).rejects.toMatchObject({ code: 'wrong_secret_or_corrupt' });
    const wrongKek = memoryIo({ OTHER: 'b2'.repeat(32) });
    await expect(run(['public', out, '--kek-env', 'OTHER'], wrongKek)).rejects.toThrow(/does not open with this secret/);
    // base64url form of the same KEK is accepted too
    const b64 = memoryIo({ K: Buffer.from(KEK_HEX, 'hex').toString('base64url') });
    expect(await run(['public', out, '--kek-env', 'K'], b64)).toBe(0);
  });

  it('refuses to overwrite an existing file, and leaves it untouched', async () => {
    const out = join(dir, 'existing.json');
    writeFileSync(out, 'precious');
    await expect(run(['generate', 'NL', '--out', out, '--kek-env', 'LIAISON_TEST_KEK'], memoryIo(env))).rejects.toThrow(/already exists; refusing to overwrite/);
    expect(readFileSync(out, 'utf8')).toBe('precious');
  });

  it('validates every input with a clear error', async () => {
    const out = join(dir, 'never.json');
    const cases: [string[], RegExp][] = [
      [['generate', 'N L', '--out', out, '--kek-env', 'LIAISON_TEST_KEK'], /agency code "N L" does not match/],
      [['generate', 'NL', '--kek-env', 'LIAISON_TEST_KEK'], /missing --out/],
      [['generate', 'NL', '--out', out], /exactly one of --passphrase-env VAR or --kek-env VAR/],
      [['generate', 'NL', '--out', out, '--kek-env', 'LIAISON_TEST_KEK', '--passphrase-env', 'LIAISON_TEST_PASSPHRASE'], /exactly one of/],
      [['generate', 'NL', '--out', out, '--kek-env', 'UNSET_VARIABLE'], /environment variable UNSET_VARIABLE \(or UNSET_VARIABLE_FILE\) is not set/],
      [['generate', 'NL', '--out', out, '--kek-env', 'LIAISON_TEST_PASSPHRASE'], /LIAISON_TEST_PASSPHRASE must hold a 32-byte key-encryption key/],
      [['generate', 'NL', '--out', out, '--passphrase-env', 'SHORT'], /shorter than 12 characters/],
      [['generate', 'NL', '--out', out, '--passphrase-env', 'LIAISON_TEST_PASSPHRASE', '--argon2', 'weak'], /--argon2 must be one of/],
      [['generate', 'NL', '--out', out, '--kek-env', 'LIAISON_TEST_KEK', '--force'], /unknown option '--force'/],
      [['generate', 'NL', '--out', join(dir, 'missing-folder', 'k.json'), '--kek-env', 'LIAISON_TEST_KEK'], /folder does not exist/],
      [['public', join(dir, 'nope.json'), '--kek-env', 'LIAISON_TEST_KEK'], /key file .* does not exist/],
      [['rotate'], /unknown command 'rotate'/],
    ];
    for (const [args, message] of cases) {
      const io = memoryIo(env);
      await expect(run(args, io)).rejects.toThrow(message);
      expect(io.stdout()).toBe('');
    }
    await expect(run(['generate', 'NL', '--out', out], memoryIo(env))).rejects.toBeInstanceOf(UsageError);
    writeFileSync(join(dir, 'garbage.json'), '{"format":"liaison-agency-keys"');
    await expect(run(['public', join(dir, 'garbage.json'), '--kek-env', 'LIAISON_TEST_KEK'], memoryIo(env))).rejects.toThrow(/malformed/);
  });
});
