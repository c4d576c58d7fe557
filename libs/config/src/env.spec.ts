import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ConfigError, EnvReader, settingValue } from './env';

describe('settings from files (NAME_FILE)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'liaison-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function file(name: string, content: string): string {
    const path = join(dir, name);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  }

  it('reads a secret from the file named by NAME_FILE, as container platforms mount it (one trailing newline dropped)', () => {
    const reader = new EnvReader({ KAFKA_PASSWORD_FILE: file('kafka', 's3cret\n'), PORT_FILE: file('port', '3005') });
    expect(reader.string('KAFKA_PASSWORD')).toBe('s3cret');
    expect(reader.integer('PORT', 3000, { min: 1, max: 65535 })).toBe(3005);
    expect(settingValue({ X_FILE: file('crlf', 'a b\r\n') }, 'X')).toBe('a b');
    expect(settingValue({ X_FILE: file('two', 'keep\n\n') }, 'X')).toBe('keep\n');
  });

  it('still takes the variable itself when no file is named', () => {
    expect(new EnvReader({ KAFKA_PASSWORD: 'direct', KAFKA_PASSWORD_FILE: '' }).string('KAFKA_PASSWORD')).toBe('direct');
  });

  it('refuses both NAME and NAME_FILE, naming the variable and not the value', () => {
    const reader = new EnvReader({ KAFKA_PASSWORD: 'direct-secret', KAFKA_PASSWORD_FILE: file('both', 'other') });
    expect(() => reader.string('KAFKA_PASSWORD')).toThrow(ConfigError);
    expect(() => reader.string('KAFKA_PASSWORD')).toThrow('configuration: KAFKA_PASSWORD and KAFKA_PASSWORD_FILE are both set; set only one of them');
    try {
      reader.string('KAFKA_PASSWORD');
    } catch (error) {
      expect((error as ConfigError).variable).toBe('KAFKA_PASSWORD');
      expect((error as Error).message).not.toMatch(/direct-secret|other/);
    }
  });

  it('names NAME_FILE and the path when the file is missing or unreadable', () => {
    const missing = join(dir, 'missing');
    expect(() => new EnvReader({ DATABASE_URL_FILE: missing }).optional('DATABASE_URL')).toThrow(
      `configuration: DATABASE_URL_FILE names ${missing}, which cannot be read (ENOENT)`,
    );
    expect(() => new EnvReader({ DATABASE_URL_FILE: dir }).optional('DATABASE_URL')).toThrow(/DATABASE_URL_FILE names .* cannot be read \(EISDIR\)/);
    if (process.getuid?.() !== 0) {
      const locked = file('locked', 'x');
      chmodSync(locked, 0o000);
      expect(() => new EnvReader({ DATABASE_URL_FILE: locked }).optional('DATABASE_URL')).toThrow(/cannot be read \(EACCES\)/);
    }
  });

  it('an empty file counts as not set', () => {
    expect(() => new EnvReader({ KAFKA_PASSWORD_FILE: file('empty', '\n') }).string('KAFKA_PASSWORD')).toThrow('KAFKA_PASSWORD is required but not set');
  });
});
