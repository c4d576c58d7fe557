import { readFileSync } from 'fs';

/**
 * Configuration is read once, at start, from the environment and validated before anything
 * connects: a wrong value stops the process with the variable's name and what was expected.
 */
export class ConfigError extends Error {
  constructor(readonly variable: string, readonly problem: string) {
    super(`configuration: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/**
 * A setting's value: `NAME`, or the contents of the file named by `NAME_FILE` (how container
 * platforms deliver secrets; one trailing newline is dropped). Both set is an error, as is a file
 * that cannot be read; the error names the variable, never the value.
 */
export function settingValue(env: Env, name: string): string | undefined {
  const fileName = env[`${name}_FILE`];
  const direct = env[name];
  if (fileName === undefined || fileName === '') return direct;
  if (direct !== undefined && direct !== '') throw new ConfigError(name, `and ${name}_FILE are both set; set only one of them`);
  try {
    return readFileSync(fileName, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`${name}_FILE`, `names ${fileName}, which cannot be read (${reason})`);
  }
}

export class EnvReader {
  constructor(private readonly env: Env = process.env) {}

  string(name: string, fallback?: string): string {
    const value = settingValue(this.env, name);
    if (value === undefined || value === '') {
      if (fallback !== undefined) return fallback;
      throw new ConfigError(name, 'is required but not set');
    }
    return value;
  }

  optional(name: string): string | undefined {
    const value = settingValue(this.env, name);
    return value === undefined || value === '' ? undefined : value;
  }

  integer(name: string, fallback: number, range: { min: number; max: number }): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
    const value = Number(raw);
    if (value < range.min || value > range.max) {
      throw new ConfigError(name, `must be between ${range.min} and ${range.max}, got ${value}`);
    }
    return value;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    throw new ConfigError(name, `must be true or false, got "${raw}"`);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name) ?? fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  }

  matching(name: string, pattern: RegExp, description: string, fallback?: string): string {
    const value = this.string(name, fallback);
    if (!pattern.test(value)) throw new ConfigError(name, `must be ${description}, got "${value}"`);
    return value;
  }

  list(name: string, fallback?: string): string[] {
    return this.string(name, fallback)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  json<T>(name: string): T | undefined {
    const raw = this.optional(name);
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      throw new ConfigError(name, 'must be valid JSON');
    }
  }
}
