import { existsSync } from 'fs';
import {
  generateAgencyKeys,
  KeyFileError,
  KeySecret,
  openPrivateKeys,
  publicJwks,
  sealPrivateKeys,
  SealKeyOptions,
} from '@liaison/envelope';
import { AGENCY_CODE } from '@liaison/ids';
import { Command } from 'commander';
import { act, option, ParsedArgs, runStandalone, UsageError } from '../args';
import { CliIo, envSetting, onlyOptions, optionalValue, positionals, printJson, processIo, readTextFile, writeFileAtomic } from './cli-io';

const KEYS_SECRET_NOTE = [
  'The secret is read from the environment variable named, never from the command line:',
  'a passphrase (at least 12 characters to generate), or a key-encryption key of 32 bytes',
  '(64 hex characters, or base64/base64url).',
].join('\n');

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const MIN_PASSPHRASE = 12;

/** Argon2id profiles (libsodium INTERACTIVE, MODERATE, SENSITIVE). */
const ARGON2_PROFILES: Record<string, Required<SealKeyOptions>> = {
  interactive: { opslimit: 2, memlimit: 64 * 1024 * 1024 },
  moderate: { opslimit: 3, memlimit: 256 * 1024 * 1024 },
  sensitive: { opslimit: 4, memlimit: 1024 * 1024 * 1024 },
};

/** Decodes a 32-byte key-encryption key given as hex, base64 or base64url. */
export function decodeKek(raw: string): Uint8Array | null {
  const text = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Uint8Array.from(Buffer.from(text, 'hex'));
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 32) return Uint8Array.from(bytes);
  }
  return null;
}

/** The key file's secret, from the environment variable named by --passphrase-env or --kek-env. */
export function secretFromEnv(parsed: ParsedArgs, io: CliIo, purpose: 'seal' | 'open'): KeySecret {
  const passphraseVar = optionalValue(parsed, 'passphrase-env');
  const kekVar = optionalValue(parsed, 'kek-env');
  if ((passphraseVar === undefined) === (kekVar === undefined)) throw new UsageError('give exactly one of --passphrase-env VAR or --kek-env VAR');
  const name = (passphraseVar ?? kekVar) as string;
  if (!ENV_NAME.test(name)) throw new UsageError(`--${passphraseVar ? 'passphrase-env' : 'kek-env'} must name an environment variable, got "${name.slice(0, 40)}"`);
  const value = envSetting(io, name);
  if (value === undefined) throw new Error(`environment variable ${name} (or ${name}_FILE) is not set (it must hold the ${passphraseVar ? 'passphrase' : 'key-encryption key'})`);
  if (passphraseVar !== undefined) {
    if (purpose === 'seal' && [...value].length < MIN_PASSPHRASE) throw new Error(`the passphrase in ${name} is shorter than ${MIN_PASSPHRASE} characters`);
    return { passphrase: value };
  }
  const kek = decodeKek(value);
  if (!kek) throw new Error(`${name} must hold a 32-byte key-encryption key as 64 hex characters or base64/base64url`);
  return { kek };
}

async function generate(parsed: ParsedArgs, io: CliIo): Promise<number> {
  onlyOptions(parsed, ['out', 'passphrase-env', 'kek-env', 'argon2']);
  const [agency] = positionals(parsed, ['AGENCY']);
  if (typeof agency !== 'string' || !AGENCY_CODE.test(agency)) throw new UsageError(`agency code "${String(agency).slice(0, 70)}" does not match ${AGENCY_CODE.source} (the codes Liaison nodes run with)`);
  const out = option(parsed, 'out');
  const secret = secretFromEnv(parsed, io, 'seal');
  const profileName = optionalValue(parsed, 'argon2');
  if (profileName !== undefined && 'kek' in secret) throw new UsageError('--argon2 applies to --passphrase-env only');
  const profile = ARGON2_PROFILES[profileName ?? 'moderate'];
  if (!profile) throw new UsageError(`--argon2 must be one of ${Object.keys(ARGON2_PROFILES).join(', ')}`);
  // Checked before the (slow) key derivation; the exclusive link below closes the race.
  if (existsSync(out)) throw new Error(`${out} already exists; refusing to overwrite it`);
  const keys = await generateAgencyKeys(agency);
  const file = await sealPrivateKeys(keys, secret, profile);
  writeFileAtomic(out, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, exclusive: true });
  const jwks = publicJwks(keys);
  io.err(`wrote the sealed keys of ${agency} to ${out} (signing ${jwks.keys[0].kid}, encryption ${jwks.keys[1].kid})\n`);
  printJson(io, jwks);
  return 0;
}

async function showPublic(parsed: ParsedArgs, io: CliIo): Promise<number> {
  onlyOptions(parsed, ['passphrase-env', 'kek-env']);
  const [file] = positionals(parsed, ['file']);
  const secret = secretFromEnv(parsed, io, 'open');
  const text = readTextFile(file, 'key file');
  try {
    // Opening proves the secret is right and that the public JWKs in the clear match the sealed keys.
    printJson(io, publicJwks(await openPrivateKeys(text, secret)));
  } catch (error) {
    if (error instanceof KeyFileError) throw new Error(`key file ${file}: ${error.message}`);
    throw error;
  }
  return 0;
}

/** `liaison keys generate|public`: an agency's key pair, sealed at rest; prints public JWKs only. */
export function registerKeys(program: Command, io: CliIo, code: { value: number }): void {
  const keys = program.command('keys').summary("generate an agency's sealed key file and print its public JWKs").description(`An agency's key pair, sealed at rest; prints public JWKs only.\n\n${KEYS_SECRET_NOTE}`);
  const secretOptions = (c: Command) =>
    c.option('--passphrase-env <VAR>', 'environment variable holding the passphrase').option('--kek-env <VAR>', 'environment variable holding a 32-byte key-encryption key');
  act(
    secretOptions(keys.command('generate').description('generate and seal a new key pair; prints the public JWKs').argument('<AGENCY>', 'agency code, e.g. NL').option('--out <file>', 'sealed key file to create (never overwritten)'))
      .option('--argon2 <profile>', 'interactive, moderate (default) or sensitive, with --passphrase-env'),
    code,
    (parsed) => generate(parsed, io),
  );
  act(secretOptions(keys.command('public').description("print a sealed key file's public JWKs (opening it proves the secret)").argument('<file>', 'sealed key file')), code, (parsed) =>
    showPublic(parsed, io),
  );
}

export function run(args: string[], io: CliIo = processIo): Promise<number> {
  return runStandalone('keys', registerKeys, args, io);
}
