import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { UsageError } from '../args';
import { envSetting, memoryIo, writeFileAtomic } from './cli-io';
import { brokerErrorType, parseRfc3339 } from './directory';
import { decodeKek } from './keys';

describe('writeFileAtomic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liaison-atomic-'));

  it('writes with the mode asked, replaces unless exclusive, and leaves no temporary file', () => {
    const file = join(dir, 'a.json');
    writeFileAtomic(file, 'one', { mode: 0o600, exclusive: true });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => writeFileAtomic(file, 'two', { mode: 0o600, exclusive: true })).toThrow(/already exists; refusing to overwrite/);
    expect(readFileSync(file, 'utf8')).toBe('one');
    writeFileAtomic(file, 'three', { mode: 0o644 });
    expect(readFileSync(file, 'utf8')).toBe('three');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('says when the folder is missing', () => {
    expect(() => writeFileAtomic(join(dir, 'missing', 'b'), 'x', { mode: 0o600 })).toThrow(/its folder does not exist/);
  });

  it('cleans up its temporary file when the final step fails', () => {
    writeFileSync(join(dir, 'taken'), 'x');
    expect(() => writeFileAtomic(join(dir, 'taken'), 'y', { mode: 0o600, exclusive: true })).toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('parseRfc3339', () => {
  it.each([
    ['2026-01-31T12:00:00Z', '2026-01-31T12:00:00.000Z'],
    ['2026-01-31T12:00:00.123456789Z', '2026-01-31T12:00:00.123Z'],
    ['2026-01-01T10:00:00+01:00', '2026-01-01T09:00:00.000Z'],
    ['2024-02-29t23:59:59-00:30', '2024-03-01T00:29:59.000Z'],
  ])('accepts %s', (text, iso) => {
    expect(parseRfc3339(text, '--at').toISOString()).toBe(iso);
  });

  it.each(['2026-02-30T00:00:00Z', '2025-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T00:60:00Z',
    '2026-01-01T00:00:60Z', '2026-01-01T00:00:00+24:00', '2026-01-01', '2026-01-01 00:00:00Z', 'now', '1969-12-31T23:59:59Z', ''])('refuses %j', (text) => {
    expect(() => parseRfc3339(text, '--at')).toThrow(/--at must be an RFC 3339 date-time/);
  });
});

describe('decodeKek', () => {
  const bytes = Buffer.alloc(32, 0xfb);
  it('reads 32 bytes as hex, base64 or base64url', () => {
    for (const text of [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')]) {
      expect(Buffer.from(decodeKek(text)!)).toEqual(bytes);
    }
  });
  it('refuses other lengths and alphabets', () => {
    for (const text of ['', 'ab'.repeat(31), 'ab'.repeat(33), Buffer.alloc(31).toString('base64'), Buffer.alloc(33).toString('base64url'), 'zz'.repeat(32)]) {
      expect(decodeKek(text)).toBeNull();
    }
  });
});

describe('brokerErrorType', () => {
  it('finds the broker error type through kafkajs wrappers', () => {
    expect(brokerErrorType({ type: 'TOPIC_AUTHORIZATION_FAILED' })).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(brokerErrorType({ name: 'KafkaJSNumberOfRetriesExceeded', cause: { type: 'GROUP_AUTHORIZATION_FAILED' } })).toBe('GROUP_AUTHORIZATION_FAILED');
    expect(brokerErrorType({ name: 'KafkaJSNonRetriableError', originalError: { name: 'KafkaJSSASLAuthenticationError' } })).toBe('SASL_AUTHENTICATION_FAILED');
    expect(brokerErrorType(new Error('plain'))).toBeUndefined();
  });
});

describe('envSetting (LIAISON_TOKEN, key secrets)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liaison-cli-secret-'));

  it('reads LIAISON_TOKEN_FILE, and refuses both forms or an unreadable file as a usage error naming the variable', () => {
    const token = join(dir, 'token');
    writeFileSync(token, 'eyJ.token.sig\n');
    expect(envSetting(memoryIo({ LIAISON_TOKEN_FILE: token }), 'LIAISON_TOKEN')).toBe('eyJ.token.sig');
    expect(envSetting(memoryIo({ LIAISON_TOKEN: 'direct' }), 'LIAISON_TOKEN')).toBe('direct');
    expect(envSetting(memoryIo({}), 'LIAISON_TOKEN')).toBeUndefined();
    expect(() => envSetting(memoryIo({ LIAISON_TOKEN: 'a', LIAISON_TOKEN_FILE: token }), 'LIAISON_TOKEN')).toThrow(
      new UsageError('LIAISON_TOKEN and LIAISON_TOKEN_FILE are both set; set only one of them'),
    );
    expect(() => envSetting(memoryIo({ LIAISON_TOKEN_FILE: join(dir, 'none') }), 'LIAISON_TOKEN')).toThrow(/^LIAISON_TOKEN_FILE names .*none, which cannot be read \(ENOENT\)$/);
  });
});
