import { closeSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'fs';
import { randomBytes } from 'crypto';
import { basename, dirname, join } from 'path';
import { ConfigError, settingValue } from '@liaison/config';
import { ParsedArgs, UsageError } from '../args';

/**
 * Where a command writes and what environment it reads. The CLI uses the process's; tests pass
 * their own, so commands run in-process without touching process.env or the terminal.
 */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  /** Standard input, read whole (default: the process's). */
  stdin?: () => string;
}

export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  env: process.env,
};

/** Refuses options the command does not know (a typo must not silently change what it does). */
/** An environment setting, or the contents of the file named by `NAME_FILE` (a usage error if both or unreadable). */
export function envSetting(io: CliIo, name: string): string | undefined {
  try {
    const value = settingValue(io.env, name);
    return value === '' ? undefined : value;
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message.replace(/^configuration: /, ''));
    throw error;
  }
}

export function onlyOptions(parsed: ParsedArgs, allowed: readonly string[]): void {
  for (const name of parsed.options.keys()) {
    if (!allowed.includes(name)) throw new UsageError(`unknown option --${name} (expected ${allowed.map((a) => `--${a}`).join(', ')})`);
  }
}

/** An option that must carry a value when present. */
export function optionalValue(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.options.get(name);
  if (value === true) throw new UsageError(`--${name} needs a value`);
  return value;
}

export function flag(parsed: ParsedArgs, name: string): boolean {
  const value = parsed.options.get(name);
  if (value !== undefined && value !== true) throw new UsageError(`--${name} takes no value`);
  return value === true;
}

/** Exactly `count` positional arguments, named in the error. */
export function positionals(parsed: ParsedArgs, names: readonly string[]): string[] {
  if (parsed.positional.length !== names.length) {
    throw new UsageError(`expected ${names.length ? names.map((n) => `<${n}>`).join(' ') : 'no positional arguments'}, got ${parsed.positional.length ? parsed.positional.map((p) => JSON.stringify(p)).join(' ') : 'none'}`);
  }
  return parsed.positional;
}

const MAX_INPUT_BYTES = 4 * 1024 * 1024;

/** Reads a text input file with an error that names it and says what is wrong. */
export function readTextFile(file: string, what: string): string {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error(`${what} ${file} is not a regular file`);
    size = stat.size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`${what} ${file} does not exist`);
    if (code) throw new Error(`${what} ${file} cannot be read (${code})`);
    throw error;
  }
  if (size > MAX_INPUT_BYTES) throw new Error(`${what} ${file} is larger than ${MAX_INPUT_BYTES} bytes`);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${what} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Reads and parses a JSON input file; the error names the file, never echoes its content. */
export function readJsonFile(file: string, what: string): unknown {
  const text = readTextFile(file, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${what} ${file} is not valid JSON (${(error as Error).message.replace(/\s+in JSON.*$/s, '')})`);
  }
}

/**
 * Writes a file all at once or not at all: the content goes to a temporary file in the same
 * folder (fsynced, created with `mode`), which is then renamed over the target — or, with
 * `exclusive`, hard-linked to it, which fails when the target exists (no overwrite, no race).
 */
export function writeFileAtomic(file: string, content: string, options: { mode: number; exclusive?: boolean }): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', options.mode);
    writeSync(fd, content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    if (options.exclusive) {
      try {
        linkSync(tmp, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${file} already exists; refusing to overwrite it`);
        throw error;
      }
      unlinkSync(tmp);
    } else {
      renameSync(tmp, file);
    }
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already renamed, linked and unlinked, or never created
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`cannot write ${file}: its folder does not exist`);
    if (code === 'EACCES' || code === 'EPERM') throw new Error(`cannot write ${file}: permission denied`);
    throw error;
  }
}

/** Warns when a file holding private material can be read by others than its owner. */
export function warnIfShared(file: string, io: CliIo): void {
  try {
    if ((statSync(file).mode & 0o077) !== 0) io.err(`warning: ${file} holds private key material but is readable by group or others (chmod 600 it)\n`);
  } catch {
    // unreadable files fail when they are read, with their own error
  }
}

export function printJson(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** An in-memory CliIo, for running commands in-process (tests, other tools). */
export function memoryIo(env: Record<string, string | undefined> = {}): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    env,
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    stdout: () => out,
    stderr: () => err,
  };
}
