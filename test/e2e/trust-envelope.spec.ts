import { readFileSync } from 'fs';
import { join } from 'path';
import { Directory, PrivateOkpJwk, signDirectory } from '@liaison/envelope';
import { startNode } from '../../apps/node/src/bootstrap';
import { loadNodeConfig } from '../../apps/node/src/config/node-config';
import { noticeRequest, TestFederation } from '../support/federation';
import { HostileKit, RawMessage } from '../support/hostile-kafka';

/**
 * The trust holes of issue 11, proved against a real node (NL), the real broker and PostgreSQL:
 * envelopes are written straight to NL's inbox topic with another member's broker credentials,
 * directories are signed with the federation root and published on the directory topic.
 */
const TARGET = 'NL';
const DAY_MS = 86_400_000;

describe('trust rules on a real node (issue 11)', () => {
  let fed: TestFederation;
  let kit: HostileKit;
  let inbox: string;
  let root: PrivateOkpJwk;

  beforeAll(async () => {
    fed = await TestFederation.create([TARGET, 'ES', 'DE']);
    await fed.start(TARGET);
    kit = await HostileKit.create(fed);
    inbox = fed.topics.inbox(TARGET);
    root = JSON.parse(readFileSync(join(fed.material.dir, 'root.private.jwk.json'), 'utf8')) as PrivateOkpJwk;
  });
  afterAll(async () => {
    await kit?.close();
    await fed?.destroy();
  });

  const received = async (jti: string): Promise<boolean> =>
    (await fed.sql(TARGET, 'SELECT 1 FROM received_message WHERE message_id = $1', [jti])).length === 1;
  const refusalOf = async (jti: string): Promise<string | null> =>
    (await fed.sql(TARGET, 'SELECT code FROM rejected_message WHERE message_id = $1', [jti]))[0]?.code ?? null;
  const waitRefused = async (jti: string): Promise<string> => {
    await fed.waitFor(async () => (await refusalOf(jti)) !== null, `NL to refuse ${jti}`);
    return (await refusalOf(jti)) as string;
  };
  const serialOf = async (): Promise<number | null> => (await fed.get(TARGET, '/directory', 'operator')).body.serial;

  /** The directory NL holds, as its draft (the payload of GET /directory.jws). */
  async function held(): Promise<Directory> {
    const jws = (await fed.get(TARGET, '/directory.jws', null)).body as string;
    return JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString()) as Directory;
  }

  /** Signs `dir` with the federation root as of `now` and publishes it on the directory topic. */
  async function publish(dir: Directory, options: { now?: Date; validityDays?: number } = {}): Promise<void> {
    await fed.publishDirectory(await signDirectory({ ...dir, issued_at: (options.now ?? new Date()).toISOString() }, root, options));
  }

  it('hole 1: a notice signed before its key was revoked, delivered after NL adopted the revocation, is refused', async () => {
    const forged = await kit.valid('DE', TARGET); // iat now: before the revocation below
    await new Promise((r) => setTimeout(r, 2500));
    const serial = await kit.revokeSigningKey('DE'); // revoked_at = now - 1 s, after that iat
    expect(new Date(Date.now() - 1500).getTime()).toBeGreaterThan(forged.claims.iat * 1000);
    await fed.waitFor(async () => ((await serialOf()) ?? 0) >= serial, 'NL to adopt the revoking directory');
    const next = await kit.valid('ES', TARGET);
    await kit.write('DE', inbox, [forged.message, next.message]);
    expect(await waitRefused(forged.claims.jti)).toBe('signing_key_not_valid');
    await fed.waitFor(() => received(next.claims.jti), 'the notice behind it to be recorded');
  });

  it('hole 2: exp 1e13 is refused as malformed and the partition moves on', async () => {
    const claims = kit.claims('ES', [TARGET], { exp: 1e13 });
    const value = await kit.forge(claims, { signer: 'ES', to: [TARGET] });
    const hostile: RawMessage = { value, headers: kit.headers(value, claims, TARGET), key: claims.jti };
    const next = await kit.valid('ES', TARGET);
    await kit.write('ES', inbox, [hostile, next.message]);
    expect(await waitRefused(claims.jti)).toBe('malformed_inner');
    await fed.waitFor(() => received(next.claims.jti), 'the notice behind it to be recorded');
  });

  it('hole 5: past its directory expiry (its gauge counting down to it) NL refuses to open and to seal; a fresh directory reopens both', async () => {
    const base = await held();
    // Signed as if a day ago, valid one day: expires in 20 seconds.
    const expiresAt = Date.now() + 20_000;
    await publish({ ...base, serial: base.serial + 1 }, { now: new Date(expiresAt - DAY_MS), validityDays: 1 });
    await fed.waitFor(async () => (await serialOf()) === base.serial + 1, 'NL to adopt the short-lived directory');
    const gauge = async () => Number(/liaison_directory_expires_in_seconds (-?\d+)/.exec((await fed.get(TARGET, '/metrics', null)).body)?.[1]);
    expect(await gauge()).toBeLessThanOrEqual(20);
    await fed.waitFor(async () => (await gauge()) < 0, 'the directory to expire', 40_000);
    // Health says why: the directory check is down with the expiry.
    const ready = await fed.get(TARGET, '/health/ready', null);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.directory).toMatchObject({ status: 'down', reason: expect.stringMatching(/expired at/) });

    // Closed: a genuine notice waits on the topic (neither recorded nor refused), composing fails.
    const waiting = await kit.valid('ES', TARGET);
    await kit.write('ES', inbox, [waiting.message]);
    const compose = await fed.post(TARGET, '/notices', 'operator', noticeRequest(['ES']));
    expect(compose.status).toBe(503);
    expect(JSON.stringify(compose.body)).toMatch(/directory_expired/);
    await new Promise((r) => setTimeout(r, 5000));
    expect(await received(waiting.claims.jti)).toBe(false);
    expect(await refusalOf(waiting.claims.jti)).toBeNull();
    expect((await fed.sql(TARGET, "SELECT count(*)::int AS n FROM notice WHERE direction = 'outbound'"))[0].n).toBe(0);

    // A fresh directory: the waiting notice is recorded, composing works again.
    await publish({ ...base, serial: base.serial + 2 });
    await fed.waitFor(() => received(waiting.claims.jti), 'the waiting notice to be recorded once the directory is fresh');
    expect(await refusalOf(waiting.claims.jti)).toBeNull();
    expect((await fed.post(TARGET, '/notices', 'operator', noticeRequest(['ES']))).status).toBe(201);
  });

  it('hole 5: NL refuses to start on a cached directory below the highest serial it adopted; LIAISON_DIRECTORY_BOOTSTRAP=1 starts it, still never rolling back', async () => {
    const base = await held();
    const highest = Number((await fed.sql(TARGET, 'SELECT highest_serial FROM directory_trust_state'))[0].highest_serial);
    expect(highest).toBe(base.serial);
    await fed.stop(TARGET);
    // Someone with database access puts back the first (validly signed, older) directory.
    await fed.sql(TARGET, 'UPDATE directory_cache SET jws = $1', [fed.material.directoryJws]);
    await expect(startNode(loadNodeConfig(fed.env(TARGET)))).rejects.toThrow(
      /directory trust state cannot be read \(rollback: .*\); fix it, or set LIAISON_DIRECTORY_BOOTSTRAP=1/,
    );
    // The runtime role cannot lower the recorded serial, nor can anyone without dropping the trigger.
    await expect(fed.sql(TARGET, 'UPDATE directory_trust_state SET highest_serial = 0')).rejects.toThrow(/only rises/);

    // The operator bootstraps: NL reads the directory topic again and takes the latest (the highest
    // recorded serial itself); an older directory published later is still refused, a newer one taken.
    await fed.start(TARGET, { LIAISON_DIRECTORY_BOOTSTRAP: '1' });
    expect(await serialOf()).toBe(base.serial);
    await publish({ ...base, serial: base.serial - 1 });
    await publish({ ...base, serial: base.serial + 1 });
    await fed.waitFor(async () => (await serialOf()) === base.serial + 1, 'NL to adopt the next directory');
    expect(Number((await fed.sql(TARGET, 'SELECT highest_serial FROM directory_trust_state'))[0].highest_serial)).toBe(base.serial + 1);
    const next = await kit.valid('ES', TARGET);
    await kit.write('ES', inbox, [next.message]);
    await fed.waitFor(() => received(next.claims.jti), 'NL to record notices again');
  });
});
