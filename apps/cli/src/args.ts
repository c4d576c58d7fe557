/** Minimal `--name value` / `--flag` parsing; every command validates what it reads. */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string | true>;
}

export class UsageError extends Error {}

export function parseArgs(args: string[]): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2);
      if (inline !== undefined) options.set(name, inline);
      else if (i + 1 < args.length && !args[i + 1].startsWith('--')) options.set(name, args[++i]);
      else options.set(name, true);
    } else {
      positional.push(arg);
    }
  }
  return { positional, options };
}

export function option(parsed: ParsedArgs, name: string, fallback?: string): string {
  const value = parsed.options.get(name);
  if (typeof value === 'string') return value;
  if (fallback !== undefined) return fallback;
  throw new UsageError(`missing --${name}`);
}
