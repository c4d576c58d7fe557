import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ConfigError } from '@liaison/config';
import { emptyDirectory, generateRootKey, PrivateOkpJwk, PublicOkpJwk, signDirectory, TrustStore } from '@liaison/envelope';
import { FederationTopics, KafkaPublisher } from '@liaison/transport';
import { loadDirectoryConfig, RunningDirectoryService, startDirectoryService } from '../../apps/directory/src/main';
import { run as directory } from '../../apps/cli/src/commands/directory';
import { run as keys } from '../../apps/cli/src/commands/keys';
import { memoryIo } from '../../apps/cli/src/commands/cli-io';
import { adminKafka, deleteTestTopics, principalSettings, provisionTestFederation } from '../support/kafka';
import { localSecrets } from '../support/local-secrets';

const secrets = localSecrets();

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('directory service: serves the last verified directory from the topic (real broker)', () => {
  const work = mkdtempSync(join(tmpdir(), 'liaison-dirsvc-'));
  const D = join(work, 'federation');
  const cacheFile = join(work, 'cache', 'directory.jws');
  let topics: FederationTopics;
  let root: PublicOkpJwk;
  let service: RunningDirectoryService | undefined;
  let adminEnv: Record<string, string>;

  /** The federation admin's CLI, in-process. */
  const cli = async (args: string[]) => expect(await directory(args, memoryIo(adminEnv))).toBe(0);
  const signedJws = () => readFileSync(join(D, 'directory.jws'), 'utf8').trim();
  const serviceEnv = (overrides: Record<string, string> = {}): Record<string, string> => ({
    LIAISON_DIRECTORY_ROOT_JWK: JSON.stringify(root),
    DIRECTORY_CACHE_FILE: cacheFile,
    PORT: '0',
    KAFKA_BROKERS: principalSettings('ES').brokers.join(','),
    KAFKA_USERNAME: 'ES',
    KAFKA_PASSWORD: secrets.KAFKA_PASSWORD_ES,
    KAFKA_TOPIC_PREFIX: topics.prefix,
    ...overrides,
  });
  /** Publishes raw bytes as the admin: what a compromised or confused publisher could put on the topic. */
  const publishRaw = async (jws: string) => {
    const publisher = new KafkaPublisher(adminKafka());
    await publisher.publish([{ topic: topics.directory, key: 'directory', value: Buffer.from(jws), headers: {} }]);
    await publisher.close();
  };

  beforeAll(async () => {
    topics = await provisionTestFederation(['NL', 'ES']);
    adminEnv = {
      KAFKA_BROKERS: principalSettings(secrets.KAFKA_ADMIN_USER).brokers.join(','),
      KAFKA_USERNAME: secrets.KAFKA_ADMIN_USER,
      KAFKA_PASSWORD: secrets.KAFKA_ADMIN_PASSWORD,
      KAFKA_TOPIC_PREFIX: topics.prefix,
      TEST_KEK: 'd4'.repeat(32),
    };
    mkdirSync(join(work, 'cache'));
    const io = memoryIo(adminEnv);
    await directory(['init', '--federation', 'svc-fed', '--dir', D], io);
    root = JSON.parse(io.stdout());
    const nl = memoryIo(adminEnv);
    await keys(['generate', 'NL', '--out', join(work, 'nl.keys.json'), '--kek-env', 'TEST_KEK'], nl);
    writeFileSync(join(work, 'nl.public.json'), nl.stdout());
    await cli(['add', '--dir', D, '--code', 'NL', '--name', 'Politie', '--country', 'NL', '--keys', join(work, 'nl.public.json')]);
    await cli(['sign', '--dir', D]);
    await cli(['publish', '--dir', D]);
  });

  afterAll(async () => {
    await service?.close();
    await deleteTestTopics(topics);
  });

  it('serves the published JWS exactly, as application/jose, and its payload as JSON', async () => {
    service = await startDirectoryService(await loadDirectoryConfig(serviceEnv()), { logLevels: ['error'] });
    await waitFor('serial 1 from the topic', () => service!.trust.serial === 1);

    const response = await fetch(`${service.url}/directory.jws`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/jose');
    expect(response.headers.get('x-liaison-directory-serial')).toBe('1');
    const text = await response.text();
    expect(text).toBe(signedJws());

    // What a node does with its LIAISON_DIRECTORY_URL: fetch, offer to its own trust store.
    const nodeTrust = new TrustStore(root, { load: async () => null, save: async () => undefined });
    expect(await nodeTrust.accept(text.trim())).toMatchObject({ ok: true, changed: true });

    const json = await (await fetch(`${service.url}/directory.json`)).json();
    expect(json).toMatchObject({ serial: 1, federation: 'svc-fed', agencies: [{ code: 'NL', name: 'Politie', country: 'NL' }] });
    expect(await (await fetch(`${service.url}/health/live`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${service.url}/health/ready`)).json()).toMatchObject({ status: 'ready', serial: 1, consuming: true });
    expect(readFileSync(cacheFile, 'utf8').trim()).toBe(signedJws());
  });

  it('keeps serving the last verified directory when a forged or an older one is published after it', async () => {
    const served = signedJws();
    // Forged: a higher serial signed by another root key.
    const forger = await generateRootKey();
    const forged = await signDirectory({ ...JSON.parse(readFileSync(join(D, 'directory.json'), 'utf8')), serial: 42 }, forger.privateJwk);
    await publishRaw(forged);
    await waitFor('the forged directory refused', () => service!.feed.status.lastRefused?.reason === 'wrong_key');
    // Rollback: an older serial, genuinely signed by the root.
    const rootPrivate = JSON.parse(readFileSync(join(D, 'root.private.jwk.json'), 'utf8')) as PrivateOkpJwk;
    await publishRaw(await signDirectory(emptyDirectory('svc-fed'), rootPrivate));
    await waitFor('the rollback refused', () => service!.feed.status.lastRefused?.reason === 'rollback');
    // Not a JWS at all.
    await publishRaw('{"serial": 1000, "agencies": []}');
    await waitFor('the unsigned directory refused', () => service!.feed.status.lastRefused?.reason === 'unsigned');

    expect(await (await fetch(`${service!.url}/directory.jws`)).text()).toBe(served);
    expect(service!.trust.serial).toBe(1);
    expect(readFileSync(cacheFile, 'utf8').trim()).toBe(served);

    // A genuine newer directory is adopted after all that.
    const nlSigningKid = JSON.parse(readFileSync(join(work, 'nl.public.json'), 'utf8')).keys[0].kid as string;
    await cli(['revoke', '--dir', D, '--kid', nlSigningKid]);
    await cli(['sign', '--dir', D]);
    await cli(['publish', '--dir', D]);
    await waitFor('serial 2', () => service!.trust.serial === 2);
    expect(await (await fetch(`${service!.url}/directory.jws`)).text()).toBe(signedJws());
  });

  it('after a restart, serves the cached directory while the broker is unreachable', async () => {
    await service!.close();
    service = await startDirectoryService(await loadDirectoryConfig(serviceEnv({ KAFKA_BROKERS: '127.0.0.1:1' })), { logLevels: [] });
    const response = await fetch(`${service.url}/directory.jws`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(signedJws());
    expect(await (await fetch(`${service.url}/health/ready`)).json()).toMatchObject({ status: 'ready', serial: 2, consuming: false });
    await service.close();
    service = undefined;
  });

  it('does not trust a cache file it cannot verify: it serves nothing until the topic gives a verified directory', async () => {
    const forger = await generateRootKey();
    writeFileSync(cacheFile, await signDirectory({ ...emptyDirectory('svc-fed'), serial: 7 }, forger.privateJwk));
    service = await startDirectoryService(await loadDirectoryConfig(serviceEnv({ KAFKA_BROKERS: '127.0.0.1:1' })), { logLevels: [] });
    expect((await fetch(`${service.url}/directory.jws`)).status).toBe(503);
    expect((await fetch(`${service.url}/health/ready`)).status).toBe(503);
    expect((await fetch(`${service.url}/health/live`)).status).toBe(200);
    await service.close();
    service = undefined;
  });

  it('validates its configuration at start, naming the variable', async () => {
    const { LIAISON_DIRECTORY_ROOT_JWK: _root, ...noRoot } = serviceEnv();
    await expect(loadDirectoryConfig(noRoot)).rejects.toThrow(/LIAISON_DIRECTORY_ROOT_JWK is required/);
    await expect(loadDirectoryConfig(serviceEnv({ LIAISON_DIRECTORY_ROOT_JWK: '{not json' }))).rejects.toThrow(/LIAISON_DIRECTORY_ROOT_JWK must be valid JSON/);
    await expect(loadDirectoryConfig(serviceEnv({ LIAISON_DIRECTORY_ROOT_JWK: readFileSync(join(D, 'root.private.jwk.json'), 'utf8') }))).rejects.toThrow(/holds a private key/);
    await expect(loadDirectoryConfig(serviceEnv({ LIAISON_DIRECTORY_ROOT_JWK: JSON.stringify({ ...root, kid: 'x' }) }))).rejects.toThrow(/thumbprint/);
    await expect(loadDirectoryConfig(serviceEnv({ DIRECTORY_CACHE_FILE: join(work, 'nowhere', 'c.jws') }))).rejects.toThrow(/DIRECTORY_CACHE_FILE .* folder does not exist/);
    await expect(loadDirectoryConfig(serviceEnv({ PORT: 'eighty' }))).rejects.toThrow(/PORT must be a whole number/);
    await expect(loadDirectoryConfig(serviceEnv({ KAFKA_USERNAME: '' }))).rejects.toBeInstanceOf(ConfigError);
    // A root set (rotation): every member must be a public Ed25519 root JWK.
    const successor = (await generateRootKey()).publicJwk;
    expect((await loadDirectoryConfig(serviceEnv({ LIAISON_DIRECTORY_ROOT_JWK: JSON.stringify({ keys: [root, successor] }) }))).rootJwks).toEqual([root, successor]);
    await expect(loadDirectoryConfig(serviceEnv({ LIAISON_DIRECTORY_ROOT_JWK: JSON.stringify({ keys: [] }) }))).rejects.toThrow(/LIAISON_DIRECTORY_ROOT_JWK is an empty JWK set/);
  });
});
