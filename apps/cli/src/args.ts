import { Command, CommanderError } from 'commander';
import type { CliIo } from './commands/cli-io';

/** What one command was given, as its handler reads it (option names without the leading --). */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string | true>;
}

/** A usage or input error: the command line, or a file or stream it names, is wrong (exit code 2). */
export class UsageError extends Error {}

/** The exit codes of every command (README, "Command line", and `liaison --help`). */
export const EXIT = { ok: 0, failed: 1, usage: 2, remote: 3 } as const;

export function option(parsed: ParsedArgs, name: string, fallback?: string): string {
  const value = parsed.options.get(name);
  if (typeof value === 'string') return value;
  if (fallback !== undefined) return fallback;
  throw new UsageError(`missing --${name}`);
}

/** Commander's parse of one command, as a ParsedArgs (the names its options are declared with). */
export function parsedFrom(command: Command): ParsedArgs {
  const values = command.opts() as Record<string, string | boolean | undefined>;
  const options = new Map<string, string | true>();
  for (const declared of command.options) {
    const value = values[declared.attributeName()];
    if (typeof value === 'string' || value === true) options.set((declared.long ?? '').replace(/^--/, ''), value);
  }
  return { positional: [...command.args], options };
}

/**
 * Sends commander's help to the command's output and its errors to a UsageError (the caller
 * prints it once), so that `--help` prints help and ends without running anything.
 */
export function configure(command: Command, io: CliIo): Command {
  return command
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text), outputError: () => undefined });
}

/** Adds an action that records its exit code (commander discards what an action returns). */
export function act(command: Command, code: { value: number }, handler: (parsed: ParsedArgs, command: Command) => Promise<number>): Command {
  return command.action(async (...args: unknown[]) => {
    const self = args[args.length - 1] as Command;
    code.value = await handler(parsedFrom(self), self);
  });
}

/**
 * Runs a parsed command line: the exit code of the action, 0 after help, or a thrown UsageError
 * naming what commander refused (an unknown command or option, a missing value or argument).
 */
export async function runParsed(program: Command, args: string[], code: { value: number }): Promise<number> {
  try {
    await program.parseAsync(args, { from: 'user' });
    return code.value;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help asked for exits 0; a command with subcommands but none given printed its help to stderr (exit 1 in commander).
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw new UsageError(error.message.replace(/^error: /, ''));
  }
}

/** One command on its own (tests and other tools run `keys`, `directory` … in-process). */
export function runStandalone(name: string, register: (program: Command, io: CliIo, code: { value: number }) => void, args: string[], io: CliIo): Promise<number> {
  const code = { value: 0 };
  const program = configure(new Command('liaison'), io);
  register(program, io, code);
  return runParsed(program, [name, ...args], code);
}
