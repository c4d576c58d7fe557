import { existsSync, mkdirSync } from 'fs';
import { createPrivateKey, createPublicKey } from 'crypto';
import { join } from 'path';
import {
  addAgency,
  checkDirectory,
  checkPublicJwk,
  DEFAULT_DIRECTORY_VALIDITY_DAYS,
  Directory,
  DirectoryKey,
  emptyDirectory,
  generateRootKey,
  KEY_FILE_FORMAT,
  MAX_DIRECTORY_VALIDITY_DAYS,
  PrivateOkpJwk,
  PublicOkpJwk,
  revokeKey,
  rotateKeys,
  signDirectory,
  toPublicJwk,
  verifyDirectory,
} from '@liaison/envelope';
import { ConfigError, EnvReader } from '@liaison/config';
import { AGENCY_CODE } from '@liaison/ids';
import { federationTopics, kafkaSettingsFromEnv, KafkaPublisher } from '@liaison/transport';
import { DIRECTORY_RECORD_KEY } from '@liaison/federation';
import { Command } from 'commander';
import { act, option, ParsedArgs, runStandalone, UsageError } from '../args';
import { commandKafka, latestVerifiedOnTopic } from './directory-topic';
import {
  CliIo,
  flag,
  onlyOptions,
  optionalValue,
  positionals,
  printJson,
  processIo,
  readJsonFile,
  readTextFile,
  warnIfShared,
  writeFileAtomic,
} from './cli-io';

/** The files of a directory folder. */
export const directoryFiles = (dir: string) => ({
  rootPrivate: join(dir, 'root.private.jwk.json'),
  rootPublic: join(dir, 'root.public.jwk.json'),
  directory: join(dir, 'directory.json'),
  jws: join(dir, 'directory.jws'),
});

const FEDERATION_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const KID = /^[A-Za-z0-9_-]{43}$/;
const COUNTRY = /^[A-Z]{2}$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;
const MAX_NAME = 200;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// ---------------------------------------------------------------------------------------------
// Input validation

/** Parses an RFC 3339 date-time with every field range checked (no 30 February, no hour 24). */
export function parseRfc3339(value: string, what: string): Date {
  const m = RFC3339.exec(value);
  const fail = () => new UsageError(`${what} must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z, got "${value.slice(0, 40)}"`);
  if (!m) throw fail();
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) throw fail();
  if (m[9] && (Number(m[10]) > 23 || Number(m[11]) > 59)) throw fail();
  const time = Date.parse(value.toUpperCase());
  if (Number.isNaN(time)) throw fail();
  return new Date(time);
}

function requireDirOption(parsed: ParsedArgs): string {
  return option(parsed, 'dir');
}

function agencyCode(parsed: ParsedArgs): string {
  const code = option(parsed, 'code');
  // The envelope format allows more (e.g. EE-PPA), but a node runs only with such a code (LIAISON_AGENCY).
  if (typeof code !== 'string' || !AGENCY_CODE.test(code)) throw new UsageError(`--code "${String(code).slice(0, 70)}" does not match ${AGENCY_CODE.source} (the codes Liaison nodes run with)`);
  return code;
}

/** --validity-days: of new keys (default 730, at most 3650) or of a signed directory. */
function validityDaysOption(parsed: ParsedArgs, fallback = 730, max = 3650): number {
  const raw = optionalValue(parsed, 'validity-days') ?? String(fallback);
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw new UsageError(`--validity-days must be a whole number of days from 1 to ${max}, got "${raw.slice(0, 20)}"`);
  return Number(raw);
}

/**
 * Public keys from a JWK Set file ({"keys": [...]}), as `keys generate` prints it, or from a sealed
 * key file (its public part). Every key is checked: public members only, kid = thumbprint.
 */
export async function readPublicKeys(file: string, expectedAgency: string): Promise<PublicOkpJwk[]> {
  const value = readJsonFile(file, 'keys file') as Record<string, unknown> | null;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`keys file ${file} is not a JSON object`);
  let set = value;
  if (value.format === KEY_FILE_FORMAT) {
    if (value.agency !== expectedAgency) throw new Error(`keys file ${file} is a key file of agency ${String(value.agency).slice(0, 70)}, not ${expectedAgency}`);
    set = value.public_jwks as Record<string, unknown>;
  }
  const keys = (set as { keys?: unknown } | undefined)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`keys file ${file} must be a JWK Set: {"keys": [signing JWK, encryption JWK]}`);
  const uses = new Set<string>();
  const checked: PublicOkpJwk[] = [];
  for (const [i, key] of keys.entries()) {
    if (typeof key === 'object' && key !== null && 'd' in key) throw new Error(`keys file ${file}: key ${i} holds private key material (d); give the public JWKs only`);
    const use = (key as { use?: unknown })?.use;
    if (use !== 'sig' && use !== 'enc') throw new Error(`keys file ${file}: key ${i} has no use "sig" or "enc"`);
    const reason = await checkPublicJwk(key, use);
    if (reason) throw new Error(`keys file ${file}: key ${i}: ${reason}`);
    if (uses.has(use)) throw new Error(`keys file ${file}: more than one "${use}" key`);
    uses.add(use);
    checked.push(toPublicJwk(key as PublicOkpJwk));
  }
  return checked;
}

export async function readRootPublic(file: string): Promise<PublicOkpJwk> {
  const value = readJsonFile(file, 'root public key file');
  if (typeof value === 'object' && value !== null && 'd' in value) throw new Error(`root public key file ${file} holds a private key; give the public JWK`);
  const reason = await checkPublicJwk(value, 'sig');
  if (reason) throw new Error(`root public key file ${file}: ${reason}`);
  return value as PublicOkpJwk;
}

export async function readRootPrivate(file: string, io: CliIo): Promise<PrivateOkpJwk> {
  warnIfShared(file, io);
  const value = readJsonFile(file, 'root private key file') as Record<string, unknown>;
  const fail = (why: string) => new Error(`root private key file ${file}: ${why}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('not a JSON object');
  const { d, ...pub } = value;
  const reason = await checkPublicJwk(pub, 'sig');
  if (reason) throw fail(reason);
  if (typeof d !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(d)) throw fail('no private part d of 32 bytes');
  let derived: unknown;
  try {
    derived = createPublicKey(createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pub.x as string, d }, format: 'jwk' })).export({ format: 'jwk' }).x;
  } catch {
    throw fail('not a usable Ed25519 private key');
  }
  if (derived !== pub.x) throw fail('private part d does not match x');
  return value as unknown as PrivateOkpJwk;
}

async function loadDirectory(dir: string): Promise<Directory> {
  const file = directoryFiles(dir).directory;
  if (!existsSync(file)) throw new Error(`${file} does not exist; run \`liaison directory init\` first`);
  const value = readJsonFile(file, 'directory file');
  const reason = await checkDirectory(value);
  if (reason) throw new Error(`${file} is not a valid directory: ${reason}`);
  return value as Directory;
}

async function saveDirectory(dir: string, directory: Directory): Promise<void> {
  const reason = await checkDirectory(directory);
  if (reason) throw new Error(`the edited directory would be invalid (${reason}); nothing written`);
  writeFileAtomic(directoryFiles(dir).directory, `${JSON.stringify(directory, null, 2)}\n`, { mode: 0o644 });
}

function findKey(directory: Directory, kid: string): { agency: string; key: DirectoryKey } | undefined {
  for (const agency of directory.agencies) {
    const key = agency.keys.find((k) => k.kid === kid);
    if (key) return { agency: agency.code, key };
  }
  return undefined;
}

/** The signed directory as its unsigned draft (without the expires_at set at signing), as JSON text. */
function payloadOf(jws: string): string | null {
  const parts = jws.trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const { expires_at: _signedExpiry, ...draft } = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Directory;
    return JSON.stringify(draft);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Subcommands

async function init(parsed: ParsedArgs, io: CliIo): Promise<number> {
  onlyOptions(parsed, ['federation', 'dir']);
  positionals(parsed, []);
  const federation = option(parsed, 'federation');
  if (!FEDERATION_NAME.test(federation)) throw new UsageError(`--federation "${federation.slice(0, 70)}" must match ${FEDERATION_NAME.source}`);
  const dir = requireDirOption(parsed);
  const files = directoryFiles(dir);
  for (const file of [files.rootPrivate, files.rootPublic, files.directory]) {
    if (existsSync(file)) throw new Error(`${file} already exists; refusing to overwrite a federation's root or directory`);
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const root = await generateRootKey();
  writeFileAtomic(files.rootPrivate, `${JSON.stringify(root.privateJwk)}\n`, { mode: 0o600, exclusive: true });
  writeFileAtomic(files.rootPublic, `${JSON.stringify(root.publicJwk)}\n`, { mode: 0o644, exclusive: true });
  writeFileAtomic(files.directory, `${JSON.stringify(emptyDirectory(federation), null, 2)}\n`, { mode: 0o644, exclusive: true });
  io.err(`federation ${federation}: root key ${root.publicJwk.kid} (private part in ${files.rootPrivate}, mode 0600: keep it offline); empty directory serial 0 in ${files.directory}\n`);
  printJson(io, root.publicJwk);
  return 0;
}

async function add(parsed: ParsedArgs, io: CliIo): Promise<number> {
  onlyOptions(parsed, ['dir', 'code', 'name', 'country', 'keys', 'validity-days']);
  positionals(parsed, []);
  const dir = requireDirOption(parsed);
  const code = agencyCode(parsed);
  const name = option(parsed, 'name');
  if (name.trim() !== name || name.length === 0 || name.length > MAX_NAME || /\p{Cc}/u.test(name) || LONE_SURROGATE.test(name)) {
    throw new UsageError(`--name must be 1 to ${MAX_NAME} printable characters without leading or trailing spaces`);
  }
  const country = option(parsed, 'country');
  if (!COUNTRY.test(country)) throw new UsageError(`--country must be an ISO 3166-1 alpha-2 code in capitals (e.g. NL), got "${country.slice(0, 20)}"`);
  const days = validityDaysOption(parsed);
  const directory = await loadDirectory(dir);
  if (directory.agencies.some((a) => a.code === code)) throw new Error(`agency ${code} is already listed; use \`liaison directory rotate\` to change its keys`);
  const keys = await readPublicKeys(option(parsed, 'keys'), code);
  if (keys.length !== 2) throw new Error('a new agency needs exactly one signing ("sig") and one encryption ("enc") key');
  for (const key of keys) {
    const listed = findKey(directory, key.kid);
    if (listed) throw new Error(`key ${key.kid} is already listed (agency ${listed.agency}); every agency needs keys of its own`);
  }
  const next = addAgency(directory, { code, name, country, keys }, { validityDays: days });
  await saveDirectory(dir, next);
  io.err(`added ${code} (${keys.map((k) => `${k.use} ${k.kid}`).join(', ')}); directory serial ${next.serial}, not signed yet: run \`liaison directory sign\`\n`);
  return 0;
}

async function rotate(parsed: ParsedArgs, io: CliIo): Promise<number> {
  onlyOptions(parsed, ['dir', 'code', 'keys', 'validity-days']);
  positionals(parsed, []);
  const dir = requireDirOption(parsed);
  const code = agencyCode(parsed);
  const days = validityDaysOption(parsed);
  const directory = await loadDirectory(dir);
  if (!directory.agencies.some((a) => a.code === code)) throw new Error(`agency ${code} is not listed; use \`liaison directory add\``);
  const keys = await readPublicKeys(option(parsed, 'keys'), code);
  for (const key of keys) {
    const listed = findKey(directory, key.kid);
    if (listed) throw new Error(`key ${key.kid} is already listed (agency ${listed.agency}); rotate to new keys`);
  }
  const next = rotateKeys(directory, code, keys, { validityDays: days });
  await saveDirectory(dir, next);
  io.err(`rotated ${code}: new ${keys.map((k) => `${k.use} ${k.kid}`).join(', ')}; its previous active keys of the same use are retired; directory serial ${next.serial}, not signed yet\n`);
  return 0;
}

async function revoke(parsed: ParsedArgs, io: CliIo): Promise<number> {
  onlyOptions(parsed, ['dir', 'kid', 'at']);
  positionals(parsed, []);
  const dir = requireDirOption(parsed);
  const kid = option(parsed, 'kid');
  if (!KID.test(kid)) throw new UsageError(`--kid must be a key's RFC 7638 thumbprint (43 base64url characters), got "${kid.slice(0, 60)}"`);
  const atText = optionalValue(parsed, 'at');
  const now = new Date();
  const at = atText === undefined ? now : parseRfc3339(atText, '--at');
  const directory = await loadDirectory(dir);
  const found = findKey(directory, kid);
  if (!found) throw new Error(`key ${kid} is not listed in ${directoryFiles(dir).directory}`);
  if (found.key.status === 'revoked') throw new Error(`key ${kid} of ${found.agency} is already revoked as of ${found.key.revoked_at}`);
  // The directory is issued now, whatever instant the revocation takes effect.
  const next = { ...revokeKey(directory, kid, { at }), issued_at: now.toISOString() };
  await saveDirectory(dir, next);
  io.err(`revoked ${found.key.use} key ${kid} of ${found.agency} as of ${at.toISOString()}; directory serial ${next.serial}, not signed yet\n`);
  return 0;
}

async function sign(parsed: ParsedArgs, io: CliIo): Promise<number> {
  onlyOptions(parsed, ['dir', 'root', 'validity-days', 'renew']);
  positionals(parsed, []);
  const dir = requireDirOption(parsed);
  const files = directoryFiles(dir);
  const validityDays = validityDaysOption(parsed, DEFAULT_DIRECTORY_VALIDITY_DAYS, MAX_DIRECTORY_VALIDITY_DAYS);
  let directory = await loadDirectory(dir);
  if (flag(parsed, 'renew')) {
    // Nodes accept a serial once: a new expiry needs a new serial (same content otherwise).
    directory = { ...directory, serial: directory.serial + 1, issued_at: new Date().toISOString() };
    await saveDirectory(dir, directory);
  }
  const root = await readRootPrivate(optionalValue(parsed, 'root') ?? files.rootPrivate, io);
  if (existsSync(files.rootPublic)) {
    const pinned = await readRootPublic(files.rootPublic);
    if (pinned.kid !== root.kid) throw new Error(`the root key ${root.kid} is not this federation's root ${pinned.kid} (${files.rootPublic})`);
  }
  if (existsSync(files.jws)) {
    const previous = await verifyDirectory(readTextFile(files.jws, 'signed directory').trim(), toPublicJwk(root));
    if (previous.ok && previous.directory.serial > directory.serial) {
      throw new Error(`${files.jws} already holds serial ${previous.directory.serial}, above ${directory.serial}: the directory must only move forward`);
    }
    if (previous.ok && previous.directory.serial === directory.serial) {
      if (payloadOf(readTextFile(files.jws, 'signed directory')) !== JSON.stringify(directory)) {
        throw new Error(`serial ${directory.serial} was already signed with other content; edit the directory (which raises the serial) before signing`);
      }
      io.err(`serial ${directory.serial} is already signed (expires ${previous.directory.expires_at}); nothing to do (--renew signs it again as serial ${directory.serial + 1})\n`);
      return 0;
    }
  }
  const jws = await signDirectory(directory, root, { validityDays });
  const check = await verifyDirectory(jws, toPublicJwk(root));
  if (!check.ok) throw new Error(`the signed directory does not verify (${check.reason}: ${check.detail}); nothing written`);
  writeFileAtomic(files.jws, `${jws}\n`, { mode: 0o644 });
  io.err(`signed directory serial ${directory.serial} of ${directory.federation} with root ${root.kid}, expires ${check.directory.expires_at}: ${files.jws}\n`);
  return 0;
}

function describeKey(key: DirectoryKey): string {
  const when = key.status === 'revoked' ? ` revoked ${key.revoked_at}` : key.status === 'retired' ? ` retired ${key.retired_at}` : '';
  return `    ${key.use}  ${key.kid}  ${key.status.padEnd(7)}  ${key.not_before} → ${key.not_after}${when}`;
}

async function show(parsed: ParsedArgs, io: CliIo): Promise<number> {
  onlyOptions(parsed, ['dir', 'json']);
  positionals(parsed, []);
  const dir = requireDirOption(parsed);
  const directory = await loadDirectory(dir);
  if (flag(parsed, 'json')) {
    printJson(io, directory);
    return 0;
  }
  const files = directoryFiles(dir);
  let signed = 'not signed: run `liaison directory sign`';
  if (existsSync(files.jws)) {
    const payload = payloadOf(readTextFile(files.jws, 'signed directory'));
    signed = payload === JSON.stringify(directory) ? `signed (${files.jws})` : `${files.jws} is out of date: run \`liaison directory sign\``;
  }
  const lines = [`federation ${directory.federation}  serial ${directory.serial}  issued ${directory.issued_at}  ${signed}`];
  for (const agency of directory.agencies) {
    lines.push(`  ${agency.code}  ${agency.name}  (${agency.country})`, ...agency.keys.map(describeKey));
  }
  if (directory.agencies.length === 0) lines.push('  (no agencies)');
  io.out(`${lines.join('\n')}\n`);
  return 0;
}

interface KafkaErrorLike {
  name?: string;
  type?: string;
  message?: string;
  cause?: unknown;
  originalError?: unknown;
}

/** The broker's error type (e.g. TOPIC_AUTHORIZATION_FAILED) in a kafkajs error chain. */
export function brokerErrorType(error: unknown): string | undefined {
  let current = error as KafkaErrorLike | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current.type) return current.type;
    if (current.name === 'KafkaJSSASLAuthenticationError') return 'SASL_AUTHENTICATION_FAILED';
    current = (current.cause ?? current.originalError) as KafkaErrorLike | undefined;
  }
  return undefined;
}

/** A clear error for a broker failure; never echoes the password. */
function kafkaFailure(error: unknown, action: 'reading' | 'writing', username: string, prefix: string, topic: string, brokers: string[]): Error {
  const type = brokerErrorType(error);
  if (type === 'TOPIC_AUTHORIZATION_FAILED' || type === 'GROUP_AUTHORIZATION_FAILED') {
    return new Error(`the broker refused principal ${username} ${action} ${topic} (${type}): only the federation admin may publish the directory`);
  }
  if (type === 'SASL_AUTHENTICATION_FAILED') return new Error(`the broker refused the credentials of KAFKA_USERNAME=${username} (SASL authentication failed)`);
  if (type === 'UNKNOWN_TOPIC_OR_PARTITION') return new Error(`topic ${topic} does not exist (KAFKA_TOPIC_PREFIX=${prefix}); provision the federation first`);
  return new Error(`${action} ${topic} on ${brokers.join(',')} failed: ${type ?? (error as Error).message}`);
}

async function publish(parsed: ParsedArgs, io: CliIo): Promise<number> {
  onlyOptions(parsed, ['dir']);
  positionals(parsed, []);
  const dir = requireDirOption(parsed);
  const files = directoryFiles(dir);
  // Configuration first: a missing variable is named before anything is read or sent.
  let settings;
  try {
    settings = kafkaSettingsFromEnv(new EnvReader(io.env), 'liaison-cli-directory');
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`${error.message} (publishing needs the federation admin's broker credentials)`);
    throw error;
  }
  if (!existsSync(files.jws)) throw new Error(`${files.jws} does not exist; run \`liaison directory sign\` first`);
  const jws = readTextFile(files.jws, 'signed directory').trim();
  const root = await readRootPublic(files.rootPublic);
  const verified = await verifyDirectory(jws, root);
  if (!verified.ok) throw new Error(`${files.jws} does not verify under ${files.rootPublic} (${verified.reason}: ${verified.detail}); not published`);
  if (existsSync(files.directory) && payloadOf(jws) !== JSON.stringify(await loadDirectory(dir))) {
    io.err(`warning: ${files.directory} has changes that are not signed; publishing the signed serial ${verified.directory.serial}\n`);
  }
  const topics = federationTopics(settings.topicPrefix);
  const topic = topics.directory;
  const serial = verified.directory.serial;
  const failure = (action: 'reading' | 'writing', error: unknown) => kafkaFailure(error, action, settings.username, settings.topicPrefix, topic, settings.brokers);
  // Compaction keeps only the latest record: an older one published now would be all that a node
  // starting later sees. So the topic must only ever move forward, like every trust store.
  const onTopic = await latestVerifiedOnTopic(settings, topic, topics.groupPrefix(settings.username), root).catch((error: unknown) => {
    throw failure('reading', error);
  });
  if (onTopic && onTopic.directory.serial > serial) {
    throw new Error(`${topic} already holds serial ${onTopic.directory.serial}, above the signed serial ${serial}; publishing it would roll back nodes that start from the topic`);
  }
  if (onTopic && onTopic.directory.serial === serial) {
    if (onTopic.jws !== jws) throw new Error(`${topic} holds another directory with the same serial ${serial}; edit and sign a new serial`);
    io.err(`directory serial ${serial} is already the latest on ${topic}; nothing published\n`);
    return 0;
  }
  const publisher = new KafkaPublisher(commandKafka(settings));
  try {
    await publisher.publish([{ topic, key: DIRECTORY_RECORD_KEY, value: Buffer.from(jws), headers: { 'liaison-directory-serial': String(serial) } }]);
  } catch (error) {
    throw failure('writing', error);
  } finally {
    await publisher.close().catch(() => undefined);
  }
  io.err(`published directory serial ${serial} of ${verified.directory.federation} to ${topic} as ${settings.username}\n`);
  return 0;
}

async function verify(parsed: ParsedArgs, io: CliIo): Promise<number> {
  onlyOptions(parsed, ['root', 'json']);
  const [file] = positionals(parsed, ['directory.jws']);
  const root = await readRootPublic(option(parsed, 'root'));
  const result = await verifyDirectory(readTextFile(file, 'signed directory').trim(), root);
  const json = flag(parsed, 'json');
  if (!result.ok) {
    if (json) printJson(io, { ok: false, reason: result.reason, detail: result.detail });
    io.err(`refused: ${result.reason} (${result.detail})\n`);
    return 1;
  }
  const d = result.directory;
  if (json) printJson(io, { ok: true, root: root.kid, directory: d });
  else io.out(`ok: directory serial ${d.serial} of ${d.federation}, issued ${d.issued_at}, ${d.agencies.length} agencies, signed by root ${root.kid}\n`);
  return 0;
}

/** `liaison directory …`: build, sign, publish and verify the federation directory. */
export function registerDirectory(program: Command, io: CliIo, code: { value: number }): void {
  const directory = program.command('directory').summary('federation directory: init, add, rotate, revoke, sign, show, publish, verify');
  const sub = (name: string, description: string, handler: (parsed: ParsedArgs, io: CliIo) => Promise<number>, options: [string, string][], args: [string, string][] = []) => {
    const command = directory.command(name).description(description);
    for (const [arg, text] of args) command.argument(arg, text);
    for (const [flags, text] of options) command.option(flags, text);
    act(command, code, (parsed) => handler(parsed, io));
  };
  const dir: [string, string] = ['--dir <D>', 'the directory folder'];
  const keys: [string, string] = ['--keys <file>', 'public JWKs (as `keys generate` prints them) or a sealed key file'];
  const validity: [string, string] = ['--validity-days <days>', 'key validity, 1 to 3650 (default 730)'];
  sub('init', 'root key pair and an empty directory (serial 0)', init, [['--federation <NAME>', "the federation's name"], dir]);
  sub('add', 'list a new agency with its keys', add, [dir, ['--code <CODE>', 'agency code, e.g. NL'], ['--name <name>', "the agency's name"], ['--country <CC>', 'ISO 3166-1 alpha-2 code'], keys, validity]);
  sub('rotate', "replace an agency's active keys", rotate, [dir, ['--code <CODE>', 'agency code'], keys, validity]);
  sub('revoke', 'revoke a key', revoke, [dir, ['--kid <kid>', "the key's RFC 7638 thumbprint"], ['--at <RFC3339>', 'when the revocation takes effect (default: now)']]);
  sub('sign', 'sign the directory: writes D/directory.jws, valid for --validity-days', sign, [
    dir,
    ['--root <file>', 'root private JWK (default D/root.private.jwk.json)'],
    ['--validity-days <days>', 'how long the signed directory is valid, 1 to 366 (default 30): past it nodes fail closed'],
    ['--renew', 'raise the serial to sign the same directory again (a new expiry needs a new serial)'],
  ]);
  sub('show', 'print the directory', show, [dir, ['--json', 'print JSON']]);
  sub('publish', 'publish the signed directory as the federation admin (KAFKA_* environment)', publish, [dir]);
  sub('verify', 'verify a signed directory under a root public key', verify, [['--root <file>', 'root public JWK'], ['--json', 'print JSON']], [['<directory.jws>', 'the signed directory']]);
}

export function run(args: string[], io: CliIo = processIo): Promise<number> {
  return runStandalone('directory', registerDirectory, args, io);
}
