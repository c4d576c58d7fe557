import { ConfigError } from '@liaison/config';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadNodeConfig, parseRetention } from './node-config';

const valid = {
  LIAISON_AGENCY: 'NL',
  KAFKA_USERNAME: 'NL',
  KAFKA_PASSWORD: 'secret',
  LIAISON_KEY_FILE: '/keys/nl.json',
  LIAISON_KEY_ENCRYPTION_KEY: 'ab'.repeat(32),
  LIAISON_DIRECTORY_ROOT_JWK: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'x'.repeat(43) }),
  AUTH_ISSUER: 'https://idp.example',
  AUTH_JWKS_URL: 'https://idp.example/jwks',
};

function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    loadNodeConfig({ ...valid, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('configuration was accepted');
}

describe('node configuration', () => {
  it('keeps Idempotency-Keys 24 h unless LIAISON_IDEMPOTENCY_TTL_SECONDS says otherwise, and names it when it is wrong', () => {
    expect(loadNodeConfig(valid).idempotencyTtlSeconds).toBe(86400);
    expect(loadNodeConfig({ ...valid, LIAISON_IDEMPOTENCY_TTL_SECONDS: '3600' }).idempotencyTtlSeconds).toBe(3600);
    for (const bad of ['0', '59', 'a day', String(31 * 86400)]) expect(refusal({ LIAISON_IDEMPOTENCY_TTL_SECONDS: bad }).message).toMatch(/LIAISON_IDEMPOTENCY_TTL_SECONDS/);
  });

  it('derives defaults: database liaison_<agency>, app role, audience, deadlines', () => {
    const config = loadNodeConfig(valid);
    expect(config.databaseName).toBe('liaison_nl');
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/liaison_nl');
    expect(config.appDatabaseUrl).toBe('postgres://liaison_nl_app@127.0.0.1:5432/liaison_nl');
    expect(config.auth.audience).toBe('liaison-nl');
    expect(config.deadlines).toEqual({ urgentHours: 8, normalDays: 7 });
    expect(config.kafka.brokers).toEqual(['127.0.0.1:19092']);
    expect(config.kafka.topicPrefix).toBe('liaison');
    expect(config.oidc).toBeNull();
  });

  it('trust settings: one root or a root set, https or loopback directory source, windows in days', () => {
    const root = { kty: 'OKP', crv: 'Ed25519', x: 'x'.repeat(43) };
    const next = { kty: 'OKP', crv: 'Ed25519', x: 'y'.repeat(43) };
    const config = loadNodeConfig(valid);
    expect(config.directoryRootJwks).toEqual([root]);
    expect(config).toMatchObject({ directoryBootstrap: false, directoryMaxSerialJump: 1000, transitWindowSeconds: 14 * 86_400, maxEnvelopeLifetimeSeconds: 366 * 86_400 });
    expect(loadNodeConfig({ ...valid, LIAISON_DIRECTORY_ROOT_JWK: JSON.stringify({ keys: [root, next] }) }).directoryRootJwks).toEqual([root, next]);
    for (const url of ['https://directory.example/d.jws', 'http://127.0.0.1:3900/directory.jws', 'http://localhost:3900/d', 'http://[::1]:3900/d']) {
      expect(loadNodeConfig({ ...valid, LIAISON_DIRECTORY_URL: url }).directoryUrl).toBe(url);
    }
    expect(loadNodeConfig({ ...valid, LIAISON_DIRECTORY_BOOTSTRAP: '1', LIAISON_TRANSIT_WINDOW_DAYS: '7' })).toMatchObject({ directoryBootstrap: true, transitWindowSeconds: 7 * 86_400 });
  });

  it('takes the console sign-in provider when both issuer and client id are set', () => {
    const config = loadNodeConfig({ ...valid, AUTH_OIDC_ISSUER_URL: 'https://idp.example/realms/nl/', AUTH_OIDC_CLIENT_ID: 'console' });
    expect(config.oidc).toEqual({ issuer: 'https://idp.example/realms/nl', clientId: 'console' });
  });

  it.each([
    [{ LIAISON_AGENCY: 'nl' }, 'LIAISON_AGENCY'],
    [{ LIAISON_AGENCY: undefined }, 'LIAISON_AGENCY'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://h/Bad-Name' }, 'DATABASE_URL'],
    [{ KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS'],
    [{ KAFKA_PASSWORD: '' }, 'KAFKA_PASSWORD'],
    [{ KAFKA_SASL_MECHANISM: 'gssapi' }, 'KAFKA_SASL_MECHANISM'],
    [{ KAFKA_TLS: 'yes' }, 'KAFKA_TLS'],
    [{ KAFKA_TLS_CA_FILE: '/ca.pem' }, 'KAFKA_TLS_CA_FILE'],
    [{ KAFKA_TOPIC_PREFIX: 'Liaison!' }, 'KAFKA_TOPIC_PREFIX'],
    [{ LIAISON_KEY_ENCRYPTION_KEY: 'short' }, 'LIAISON_KEY_ENCRYPTION_KEY'],
    [{ LIAISON_KEY_ENCRYPTION_KEY: undefined }, 'LIAISON_KEY_ENCRYPTION_KEY'],
    [{ LIAISON_KEY_ENCRYPTION_KEY: undefined, LIAISON_KEY_PASSPHRASE: 'a long passphrase' }, 'LIAISON_CONTENT_KEY'],
    [{ LIAISON_BLIND_INDEX_KEY: 'ab'.repeat(31) }, 'LIAISON_BLIND_INDEX_KEY'],
    [{ LIAISON_DIRECTORY_ROOT_JWK: '{not json' }, 'LIAISON_DIRECTORY_ROOT_JWK'],
    [{ LIAISON_DIRECTORY_ROOT_JWK: JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: 'a', d: 'private' }) }, 'LIAISON_DIRECTORY_ROOT_JWK'],
    [{ LIAISON_DIRECTORY_ROOT_JWK: JSON.stringify({ keys: [] }) }, 'LIAISON_DIRECTORY_ROOT_JWK'],
    [{ LIAISON_DIRECTORY_ROOT_JWK: JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'a' }, { kty: 'OKP', crv: 'X25519', x: 'b' }] }) }, 'LIAISON_DIRECTORY_ROOT_JWK'],
    [{ LIAISON_DIRECTORY_URL: 'http://directory.example/directory.jws' }, 'LIAISON_DIRECTORY_URL'],
    [{ LIAISON_DIRECTORY_URL: 'http://127.0.0.1.example.com/d' }, 'LIAISON_DIRECTORY_URL'],
    [{ LIAISON_DIRECTORY_URL: 'ftp://127.0.0.1/d' }, 'LIAISON_DIRECTORY_URL'],
    [{ LIAISON_DIRECTORY_URL: 'not a url' }, 'LIAISON_DIRECTORY_URL'],
    [{ LIAISON_DIRECTORY_BOOTSTRAP: 'yes' }, 'LIAISON_DIRECTORY_BOOTSTRAP'],
    [{ LIAISON_TRANSIT_WINDOW_DAYS: '6' }, 'LIAISON_TRANSIT_WINDOW_DAYS'],
    [{ LIAISON_MAX_ENVELOPE_LIFETIME_DAYS: '0' }, 'LIAISON_MAX_ENVELOPE_LIFETIME_DAYS'],
    [{ LIAISON_DIRECTORY_MAX_SERIAL_JUMP: '0' }, 'LIAISON_DIRECTORY_MAX_SERIAL_JUMP'],
    [{ AUTH_JWKS_URL: undefined }, 'AUTH_JWKS_URL'],
    [{ AUTH_JWKS: '{"no":"keys"}' }, 'AUTH_JWKS'],
    [{ LIAISON_DEADLINE_URGENT_HOURS: '0' }, 'LIAISON_DEADLINE_URGENT_HOURS'],
    [{ LIAISON_WITNESS_QUORUM: '-1' }, 'LIAISON_WITNESS_QUORUM'],
    [{ LIAISON_WITNESS_SILENCE_SECONDS: '0' }, 'LIAISON_WITNESS_SILENCE_SECONDS'],
    [{ AUTH_OIDC_CLIENT_ID: 'console' }, 'AUTH_OIDC_ISSUER_URL'],
    [{ AUTH_OIDC_ISSUER_URL: 'https://idp.example/realms/nl' }, 'AUTH_OIDC_CLIENT_ID'],
    [{ AUTH_OIDC_ISSUER_URL: 'idp.example', AUTH_OIDC_CLIENT_ID: 'console' }, 'AUTH_OIDC_ISSUER_URL'],
  ])('refuses %j and names %s', (env, variable) => {
    const error = refusal(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
    // A refusal never echoes a secret.
    expect(error.message).not.toContain('secret');
  });

  it('derives the blind index from the content secret unless LIAISON_BLIND_INDEX_KEY names its own', () => {
    const config = loadNodeConfig({ ...valid, LIAISON_CONTENT_KEY: 'ef'.repeat(32) });
    expect(Buffer.from(config.blindIndexSecret).toString('hex')).toBe('ef'.repeat(32));
    expect(Buffer.from(loadNodeConfig({ ...valid, LIAISON_BLIND_INDEX_KEY: '12'.repeat(32) }).blindIndexSecret).toString('hex')).toBe('12'.repeat(32));
  });

  it('takes every secret from a file as a container platform mounts it (NAME_FILE), and refuses both forms', () => {
    const dir = mkdtempSync(join(tmpdir(), 'liaison-secrets-'));
    try {
      const put = (name: string, value: string) => {
        writeFileSync(join(dir, name), `${value}\n`, { mode: 0o600 });
        return join(dir, name);
      };
      const { KAFKA_PASSWORD: _p, LIAISON_KEY_ENCRYPTION_KEY: _k, ...rest } = valid;
      const config = loadNodeConfig({
        ...rest,
        KAFKA_PASSWORD_FILE: put('kafka', 'from-file'),
        LIAISON_KEY_ENCRYPTION_KEY_FILE: put('kek', 'cd'.repeat(32)),
        LIAISON_CONTENT_KEY_FILE: put('content', 'ef'.repeat(32)),
        DATABASE_URL_FILE: put('db', 'postgres://owner:pw@db.example:5432/liaison_nl'),
        DATABASE_APP_URL_FILE: put('app', 'postgres://liaison_nl_app:pw2@db.example:5432/liaison_nl'),
      });
      expect(config.kafka.password).toBe('from-file');
      expect(Buffer.from((config.keySecret as { kek: Uint8Array }).kek).toString('hex')).toBe('cd'.repeat(32));
      expect(Buffer.from(config.contentSecret).toString('hex')).toBe('ef'.repeat(32));
      expect(config.databaseUrl).toBe('postgres://owner:pw@db.example:5432/liaison_nl');
      expect(config.appDatabaseUrl).toBe('postgres://liaison_nl_app:pw2@db.example:5432/liaison_nl');
      expect(refusal({ KAFKA_PASSWORD_FILE: put('k2', 'x') }).message).toBe('configuration: KAFKA_PASSWORD and KAFKA_PASSWORD_FILE are both set; set only one of them');
      expect(refusal({ LIAISON_KEY_ENCRYPTION_KEY: undefined, LIAISON_KEY_ENCRYPTION_KEY_FILE: join(dir, 'nope') }).variable).toBe('LIAISON_KEY_ENCRYPTION_KEY_FILE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('attachment retention (LIAISON_ATTACHMENT_RETENTION)', () => {
  it('reads kind=<n><unit> pairs, off when absent', () => {
    expect(parseRetention(undefined)).toEqual({});
    expect(parseRetention('identity-query=90d, intelligence-report=1y,response=12h')).toEqual({ 'identity-query': 90 * 86400, 'intelligence-report': 365 * 86400, response: 12 * 3600 });
  });
  it('refuses what it cannot read, naming the variable', () => {
    for (const bad of ['identity-query', 'identity-query=0d', 'identity-query=5w', 'Identity=1d', 'identity-query=1d,identity-query=2d']) {
      expect(() => parseRetention(bad)).toThrow(/LIAISON_ATTACHMENT_RETENTION/);
    }
  });
});
