import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { FederationTopics } from '@liaison/transport';
import { deleteTestTopics, principalSettings, provisionTestFederation } from '../support/kafka';
import { localSecrets } from '../support/local-secrets';
import { CLI_MAIN as MAIN, liaison } from '../support/cli';

describe('the compiled CLI (dist/, built by npm run build or test/run.sh)', () => {
  const work = mkdtempSync(join(tmpdir(), 'liaison-compiled-'));
  const D = join(work, 'fed');
  const secrets = localSecrets();
  let topics: FederationTopics;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (test/run.sh builds it)`);
    topics = await provisionTestFederation(['NL']);
  });
  afterAll(async () => {
    await deleteTestTopics(topics);
  });

  it('generates keys, builds, signs, verifies and publishes a directory, with the exit codes scripts rely on', async () => {
    const env = { AGENCY_KEK: 'e5'.repeat(32) };
    const generated = await liaison(['keys', 'generate', 'NL', '--out', join(work, 'nl.keys.json'), '--kek-env', 'AGENCY_KEK'], env);
    expect(generated).toMatchObject({ code: 0 });
    expect(JSON.parse(generated.stdout).keys).toHaveLength(2);
    writeFileSync(join(work, 'nl.public.json'), generated.stdout);

    expect((await liaison(['directory', 'init', '--federation', 'compiled-fed', '--dir', D])).code).toBe(0);
    const rootPrivate = JSON.parse(readFileSync(join(D, 'root.private.jwk.json'), 'utf8')) as { d: string };
    const added = await liaison(['directory', 'add', '--dir', D, '--code', 'NL', '--name', 'Politie', '--country', 'NL', '--keys', join(work, 'nl.public.json')]);
    expect(added).toMatchObject({ code: 0 });
    expect((await liaison(['directory', 'sign', '--dir', D])).code).toBe(0);
    const verified = await liaison(['directory', 'verify', join(D, 'directory.jws'), '--root', join(D, 'root.public.jwk.json')]);
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toMatch(/^ok: directory serial 1 of compiled-fed/);

    // Usage errors exit 2, refusals and failures 1, each with the reason on stderr.
    const usage = await liaison(['directory', 'add', '--dir', D]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/liaison directory: missing --code/);
    expect((await liaison(['directory', 'init', '--federation', 'x', '--dir', join(work, 'other')])).code).toBe(0);
    const refused = await liaison(['directory', 'verify', join(D, 'directory.jws'), '--root', join(work, 'other', 'root.public.jwk.json')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused: wrong_key/);
    const unset = await liaison(['directory', 'publish', '--dir', D], { KAFKA_USERNAME: secrets.KAFKA_ADMIN_USER });
    expect(unset.code).toBe(1);
    expect(unset.stderr).toMatch(/KAFKA_PASSWORD is required but not set/);

    const published = await liaison(['directory', 'publish', '--dir', D], {
      KAFKA_BROKERS: principalSettings(secrets.KAFKA_ADMIN_USER).brokers.join(','),
      KAFKA_USERNAME: secrets.KAFKA_ADMIN_USER,
      KAFKA_PASSWORD: secrets.KAFKA_ADMIN_PASSWORD,
      KAFKA_TOPIC_PREFIX: topics.prefix,
    });
    expect(published).toMatchObject({ code: 0 });
    expect(published.stderr).toMatch(new RegExp(`published directory serial 1 of compiled-fed to ${topics.prefix}\\.directory`));

    const everything = [generated, added, verified, usage, refused, unset, published].map((r) => r.stdout + r.stderr).join('\n');
    expect(everything).not.toContain(rootPrivate.d);
    expect(everything).not.toContain(secrets.KAFKA_ADMIN_PASSWORD);
    expect(everything).not.toMatch(/"d"\s*:/);
  });
});
