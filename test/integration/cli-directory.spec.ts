import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Directory, DirectoryCache, PublicOkpJwk, TrustStore, verifyDirectory } from '@liaison/envelope';
import { createKafka, FederationTopics, InboundMessage, KafkaBatchConsumer } from '@liaison/transport';
import { run as directory } from '../../apps/cli/src/commands/directory';
import { run as keys } from '../../apps/cli/src/commands/keys';
import { memoryIo } from '../../apps/cli/src/commands/cli-io';
import { deleteTestTopics, principalSettings, provisionTestFederation } from '../support/kafka';
import { localSecrets } from '../support/local-secrets';

const KEK_ENV = { TEST_KEK: 'c3'.repeat(32) };

/** Runs `liaison directory …` in-process; returns stdout, and throws what the CLI would print. */
async function dir(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo(env);
  const code = await directory(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** `liaison keys generate`, its printed public JWKs saved where `directory add --keys` reads them. */
async function agencyKeys(folder: string, code: string, name: string): Promise<{ file: string; jwks: { keys: PublicOkpJwk[] } }> {
  const io = memoryIo(KEK_ENV);
  expect(await keys(['generate', code, '--out', join(folder, `${name}.keys.json`), '--kek-env', 'TEST_KEK'], io)).toBe(0);
  const file = join(folder, `${name}.public.json`);
  writeFileSync(file, io.stdout());
  return { file, jwks: JSON.parse(io.stdout()) };
}

const memoryCache = (): DirectoryCache => {
  let held: string | null = null;
  return { load: async () => held, save: async (jws) => void (held = jws) };
};

const readJws = (d: string) => readFileSync(join(d, 'directory.jws'), 'utf8').trim();
const readRoot = (d: string) => JSON.parse(readFileSync(join(d, 'root.public.jwk.json'), 'utf8')) as PublicOkpJwk;

describe('liaison directory: build, sign, verify (in-process)', () => {
  const work = mkdtempSync(join(tmpdir(), 'liaison-dir-'));
  const D = join(work, 'fed');
  const other = join(work, 'other-fed');
  let nl: Awaited<ReturnType<typeof agencyKeys>>;
  let nl2: Awaited<ReturnType<typeof agencyKeys>>;
  let es: Awaited<ReturnType<typeof agencyKeys>>;

  beforeAll(async () => {
    nl = await agencyKeys(work, 'NL', 'nl');
    nl2 = await agencyKeys(work, 'NL', 'nl-2');
    es = await agencyKeys(work, 'ES', 'es');
  });

  it('init writes the root key pair (private 0600) and an empty directory with serial 0', async () => {
    const result = await dir(['init', '--federation', 'test-fed', '--dir', D]);
    expect(result.code).toBe(0);
    expect(statSync(join(D, 'root.private.jwk.json')).mode & 0o777).toBe(0o600);
    const printed = JSON.parse(result.out) as Record<string, unknown>;
    expect(printed).toEqual(readRoot(D));
    expect(printed).not.toHaveProperty('d');
    expect(result.out + result.err).not.toContain(JSON.parse(readFileSync(join(D, 'root.private.jwk.json'), 'utf8')).d);
    expect(JSON.parse(readFileSync(join(D, 'directory.json'), 'utf8'))).toMatchObject({ serial: 0, federation: 'test-fed', agencies: [] });
    await expect(dir(['init', '--federation', 'test-fed', '--dir', D])).rejects.toThrow(/already exists; refusing to overwrite/);
    expect((await dir(['init', '--federation', 'other-fed', '--dir', other])).code).toBe(0);
  });

  it('add, rotate, revoke and sign build a directory that verifies with the root and is refused with another root', async () => {
    await dir(['add', '--dir', D, '--code', 'NL', '--name', 'Politie Nederland', '--country', 'NL', '--keys', nl.file]);
    await dir(['add', '--dir', D, '--code', 'ES', '--name', 'Policía Nacional', '--country', 'ES', '--keys', es.file, '--validity-days', '365']);
    await dir(['rotate', '--dir', D, '--code', 'NL', '--keys', nl2.file]);
    const esEnc = es.jwks.keys[1].kid;
    await dir(['revoke', '--dir', D, '--kid', esEnc, '--at', '2026-01-01T10:00:00+01:00']);
    expect((await dir(['show', '--dir', D])).out).toMatch(/serial 4 .*not signed/);
    expect((await dir(['sign', '--dir', D])).code).toBe(0);

    const jws = readJws(D);
    const verified = await verifyDirectory(jws, readRoot(D));
    expect(verified.ok).toBe(true);
    const d = (verified as { directory: Directory }).directory;
    expect(d.serial).toBe(4);
    const nlKeys = d.agencies.find((a) => a.code === 'NL')!.keys;
    expect(nlKeys.map((k) => [k.kid, k.status])).toEqual([
      [nl.jwks.keys[0].kid, 'retired'],
      [nl.jwks.keys[1].kid, 'retired'],
      [nl2.jwks.keys[0].kid, 'active'],
      [nl2.jwks.keys[1].kid, 'active'],
    ]);
    expect(d.agencies.find((a) => a.code === 'ES')!.keys[1]).toMatchObject({ kid: esEnc, status: 'revoked', revoked_at: '2026-01-01T09:00:00.000Z' });

    // The CLI's verify: ok with this federation's root, refused with another.
    const ok = await dir(['verify', join(D, 'directory.jws'), '--root', join(D, 'root.public.jwk.json')]);
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.out).toMatch(/^ok: directory serial 4 of test-fed/);
    const refused = await dir(['verify', join(D, 'directory.jws'), '--root', join(other, 'root.public.jwk.json'), '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out)).toMatchObject({ ok: false, reason: 'wrong_key' });
    expect((await verifyDirectory(jws, readRoot(other))).ok).toBe(false);
    expect((await dir(['show', '--dir', D])).out).toMatch(/serial 4 .*signed \(/);
  });

  it('a trust store refuses a rollback to an older serial, and a directory signed by another root', async () => {
    const serial4 = readJws(D);
    writeFileSync(join(work, 'serial4.jws'), serial4);
    await dir(['revoke', '--dir', D, '--kid', nl.jwks.keys[0].kid]);
    await dir(['sign', '--dir', D]);
    const serial5 = readJws(D);
    const trust = new TrustStore(readRoot(D), memoryCache());
    await trust.init();
    expect(await trust.accept(serial5)).toMatchObject({ ok: true, changed: true });
    expect(await trust.accept(serial4)).toMatchObject({ ok: false, reason: 'rollback' });
    expect(trust.serial).toBe(5);
    // Another federation's root signing a higher serial is refused too.
    writeFileSync(join(other, 'directory.json'), JSON.stringify({ ...JSON.parse(readFileSync(join(D, 'directory.json'), 'utf8')), serial: 99 }));
    await dir(['sign', '--dir', other]);
    expect(await trust.accept(readJws(other))).toMatchObject({ ok: false, reason: 'wrong_key' });
    expect(trust.currentJws()).toBe(serial5);
  });

  it('sign refuses a root key that is not the federation root, and never goes backwards', async () => {
    await expect(dir(['sign', '--dir', D, '--root', join(other, 'root.private.jwk.json')])).rejects.toThrow(/is not this federation's root/);
    const saved = readFileSync(join(D, 'directory.json'), 'utf8');
    writeFileSync(join(D, 'directory.json'), JSON.stringify({ ...JSON.parse(saved), serial: 3 }));
    await expect(dir(['sign', '--dir', D])).rejects.toThrow(/already holds serial 5, above 3/);
    writeFileSync(join(D, 'directory.json'), JSON.stringify({ ...JSON.parse(saved), agencies: [] }));
    await expect(dir(['sign', '--dir', D])).rejects.toThrow(/serial 5 was already signed with other content/);
    writeFileSync(join(D, 'directory.json'), saved);
    expect((await dir(['sign', '--dir', D])).code).toBe(0); // the same content again: idempotent
  });

  it('validates every input with a clear error and writes nothing when it refuses', async () => {
    const before = readFileSync(join(D, 'directory.json'), 'utf8');
    writeFileSync(join(work, 'not-json.json'), '{"keys": [');
    writeFileSync(join(work, 'private.json'), JSON.stringify({ keys: [JSON.parse(readFileSync(join(D, 'root.private.jwk.json'), 'utf8'))] }));
    writeFileSync(join(work, 'sig-only.json'), JSON.stringify({ keys: [nl2.jwks.keys[0]] }));
    const tampered = { keys: [{ ...es.jwks.keys[0], kid: nl.jwks.keys[0].kid }, es.jwks.keys[1]] };
    writeFileSync(join(work, 'bad-kid.json'), JSON.stringify(tampered));
    const add = (extra: string[]) => ['add', '--dir', D, '--name', 'X', '--country', 'CO', ...extra];
    const cases: [string[], RegExp][] = [
      [add(['--code', 'CO', '--keys', join(work, 'missing.json')]), /keys file .*missing.json does not exist/],
      [add(['--code', 'CO', '--keys', join(work, 'not-json.json')]), /is not valid JSON/],
      [add(['--code', 'CO', '--keys', join(work, 'private.json')]), /holds private key material \(d\)/],
      [add(['--code', 'CO', '--keys', join(work, 'sig-only.json')]), /exactly one signing \("sig"\) and one encryption/],
      [add(['--code', 'CO', '--keys', join(work, 'bad-kid.json')]), /kid is not its RFC 7638 thumbprint/],
      [add(['--code', 'CO', '--keys', nl2.file]), /already listed \(agency NL\)/],
      [add(['--code', 'NL', '--keys', es.file]), /agency NL is already listed/],
      [add(['--code', 'C O', '--keys', es.file]), /--code "C O" does not match/],
      [add(['--code', 'EE-PPA', '--keys', es.file]), /--code "EE-PPA" does not match \^\[A-Z\]\[A-Z0-9\]\{1,7\}\$ \(the codes Liaison nodes run with\)/],
      [['add', '--dir', D, '--code', 'CO', '--name', 'X', '--country', 'co', '--keys', es.file], /ISO 3166-1 alpha-2/],
      [['add', '--dir', D, '--code', 'CO', '--name', ' padded', '--country', 'CO', '--keys', es.file], /--name must be/],
      [add(['--code', 'CO', '--keys', es.file, '--validity-days', '0']), /--validity-days must be/],
      [add(['--code', 'CO', '--keys', join(work, 'nl.keys.json')]), /key file of agency NL, not CO/],
      [['rotate', '--dir', D, '--code', 'FR', '--keys', es.file], /agency FR is not listed/],
      [['revoke', '--dir', D, '--kid', 'short'], /--kid must be a key's RFC 7638 thumbprint/],
      [['revoke', '--dir', D, '--kid', 'A'.repeat(43)], /is not listed/],
      [['revoke', '--dir', D, '--kid', nl2.jwks.keys[0].kid, '--at', '2026-02-30T00:00:00Z'], /RFC 3339 date-time/],
      [['revoke', '--dir', D, '--kid', nl2.jwks.keys[0].kid, '--at', 'yesterday'], /RFC 3339 date-time/],
      [['revoke', '--dir', D, '--kid', es.jwks.keys[1].kid], /already revoked/],
      [['show', '--dir', join(work, 'nowhere')], /does not exist; run `liaison directory init`/],
      [['sign', '--dir', D, '--root', join(D, 'root.public.jwk.json')], /no private part d/],
      [['verify', join(D, 'directory.jws'), '--root', join(D, 'root.private.jwk.json')], /holds a private key/],
      [['init', '--federation', 'bad name', '--dir', join(work, 'x')], /--federation "bad name" must match/],
      [['add', '--dir', D, '--code', 'CO', '--name', 'X', '--country', 'CO', '--keys', es.file, '--typo', 'x'], /unknown option '--typo'/],
      [['frobnicate'], /unknown command 'frobnicate'/],
    ];
    for (const [args, message] of cases) await expect(dir(args)).rejects.toThrow(message);
    expect(readFileSync(join(D, 'directory.json'), 'utf8')).toBe(before);
    const corrupt = mkdtempSync(join(work, 'corrupt-'));
    writeFileSync(join(corrupt, 'directory.json'), JSON.stringify({ serial: -1, federation: 'x', agencies: [] }));
    await expect(dir(['show', '--dir', corrupt])).rejects.toThrow(/is not a valid directory: serial/);
  });

  describe('publish to the compacted directory topic (real broker)', () => {
    let topics: FederationTopics;
    const secrets = localSecrets();
    const envFor = (user: string, password: string | undefined): Record<string, string | undefined> => ({
      KAFKA_BROKERS: principalSettings(user).brokers.join(','),
      KAFKA_USERNAME: user,
      KAFKA_PASSWORD: password,
      KAFKA_TOPIC_PREFIX: topics.prefix,
    });

    beforeAll(async () => {
      topics = await provisionTestFederation(['NL', 'ES']);
    });
    afterAll(async () => {
      await deleteTestTopics(topics);
    });

    it('lands on the topic as the federation admin, and an agency reads it', async () => {
      const published = await dir(['publish', '--dir', D], envFor(secrets.KAFKA_ADMIN_USER, secrets.KAFKA_ADMIN_PASSWORD));
      expect(published.code).toBe(0);
      expect(published.err).toMatch(new RegExp(`published directory serial 5 of test-fed to ${topics.directory.replace('.', '\\.')}`));

      const consumer = new KafkaBatchConsumer(createKafka(principalSettings('ES')), { groupId: `${topics.groupPrefix('ES')}cli-test`, topic: topics.directory });
      const received: InboundMessage[] = [];
      const arrived = new Promise<void>((resolve) =>
        void consumer.start(async (batch) => {
          received.push(...batch);
          resolve();
        }),
      );
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([arrived, new Promise((r) => (timer = setTimeout(r, 30000)))]);
      clearTimeout(timer);
      await consumer.stop();
      expect(received).toHaveLength(1);
      expect(received[0].key?.toString()).toBe('directory');
      expect(received[0].headers['liaison-directory-serial']).toBe('5');
      expect(received[0].value?.toString()).toBe(readJws(D));
    });

    it('publishes only forward: the same directory again is a no-op, an older serial is refused', async () => {
      const admin = envFor(secrets.KAFKA_ADMIN_USER, secrets.KAFKA_ADMIN_PASSWORD);
      const again = await dir(['publish', '--dir', D], admin);
      expect(again.code).toBe(0);
      expect(again.err).toMatch(/serial 5 is already the latest on .*; nothing published/);
      const older = mkdtempSync(join(work, 'older-'));
      writeFileSync(join(older, 'root.public.jwk.json'), readFileSync(join(D, 'root.public.jwk.json')));
      writeFileSync(join(older, 'directory.jws'), readFileSync(join(work, 'serial4.jws')));
      await expect(dir(['publish', '--dir', older], admin)).rejects.toThrow(/already holds serial 5, above the signed serial 4; publishing it would roll back/);
    });

    it("refuses an agency's credentials writing the directory topic (authorization error)", async () => {
      await dir(['revoke', '--dir', D, '--kid', nl.jwks.keys[1].kid]);
      await dir(['sign', '--dir', D]); // serial 6: newer than the topic's, so it is really written
      await expect(dir(['publish', '--dir', D], envFor('NL', secrets.KAFKA_PASSWORD_NL))).rejects.toThrow(
        /refused principal NL writing .*\.directory \(TOPIC_AUTHORIZATION_FAILED\): only the federation admin may publish/,
      );
    });

    it('names the missing or wrong broker setting, without echoing the password', async () => {
      await expect(dir(['publish', '--dir', D], envFor(secrets.KAFKA_ADMIN_USER, undefined))).rejects.toThrow(/KAFKA_PASSWORD is required but not set/);
      await expect(dir(['publish', '--dir', D], { ...envFor(secrets.KAFKA_ADMIN_USER, 'x'), KAFKA_BROKERS: 'no port' })).rejects.toThrow(/KAFKA_BROKERS has "no port"/);
      const wrong = dir(['publish', '--dir', D], envFor(secrets.KAFKA_ADMIN_USER, 'not-the-admin-password'));
      await expect(wrong).rejects.toThrow(/refused the credentials of KAFKA_USERNAME=/);
      await expect(wrong).rejects.not.toThrow(/not-the-admin-password/);
    });

    it('never publishes a directory that does not verify under the federation root', async () => {
      const forged = mkdtempSync(join(work, 'forged-'));
      for (const f of ['root.public.jwk.json', 'directory.json']) writeFileSync(join(forged, f), readFileSync(join(D, f)));
      writeFileSync(join(forged, 'directory.jws'), readFileSync(join(other, 'directory.jws')));
      await expect(dir(['publish', '--dir', forged], envFor(secrets.KAFKA_ADMIN_USER, secrets.KAFKA_ADMIN_PASSWORD))).rejects.toThrow(/does not verify .*wrong_key.*not published/);
    });
  });
});
