import { generateAgencyKeys, encryptionKeyFor, NoticeClaims, resolveDirectoryKey } from '@liaison/envelope';
import { editJwe, encryptTo, flipB64, headersOf, signAs } from '../../libs/envelope/src/testing/forge';
import { uuidv7 } from '@liaison/ids';
import { EnvelopeSealer } from '@liaison/envelope';
import { countRows, noticeRequest, readTopic, ReadMessage, sealerFor, TestFederation, useFreePorts } from '../support/federation';

/**
 * Hostile messages written straight to ES's inbox with NL's broker credentials (bypassing NL's
 * node): a forged, a tampered, a replayed and two misaddressed envelopes. Each is refused with its
 * reason in GET /rejected, the ledger and the dead-letter topic, and a valid notice written right
 * behind it in the same partition (same key) is still recorded.
 */
describe('node rejections', () => {
  let fed: TestFederation;
  let nlSealer: EnvelopeSealer;
  let seq = 0;
  const KEY = 'same-partition';

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES', 'CO']);
    await useFreePorts(fed, ['NL', 'ES', 'CO']);
    await fed.start('ES');
    nlSealer = await sealerFor(fed, 'NL');
  });
  afterAll(async () => {
    await fed?.destroy();
  });

  const now = () => Math.floor(Date.now() / 1000);
  /** Valid claims from NL (its node is not running: the test numbers NL's channels itself). */
  const claims = (aud: string[] = ['ES']): NoticeClaims => {
    const request = noticeRequest(aud);
    return {
      iss: 'NL',
      aud,
      jti: uuidv7(() => Date.now()),
      iat: now(),
      exp: now() + 7 * 24 * 3600,
      kind: 'identity-query',
      handling: { code: 'H0' },
      grades: { source: 'B', information: 2 },
      priority: 'normal',
      body: request.body,
      chseq: Object.fromEntries(aud.map((a) => [a, seq++])),
    } as NoticeClaims;
  };

  type Raw = { value: Buffer; headers: Record<string, string>; id: string };
  const validNotice = async (): Promise<Raw> => {
    const c = claims();
    const sealed = await nlSealer.seal(c);
    return { value: sealed.value, headers: sealed.headersFor('ES'), id: c.jti };
  };

  /** Writes the hostile message and a valid notice right behind it, same key (same partition), one produce call. */
  async function writeWithValidBehind(hostile: Raw): Promise<Raw> {
    const valid = await validNotice();
    const publisher = fed.rawPublisher('NL');
    try {
      await publisher.publish([
        { topic: fed.topics.inbox('ES'), key: KEY, value: hostile.value, headers: hostile.headers },
        { topic: fed.topics.inbox('ES'), key: KEY, value: valid.value, headers: valid.headers },
      ]);
    } finally {
      await publisher.close();
    }
    return valid;
  }

  async function expectRefusedThenValid(hostile: Raw, expectedCode: RegExp | string): Promise<void> {
    const valid = await writeWithValidBehind(hostile);
    await fed.waitFor(async () => (await countRows(fed, 'ES', 'notice', 'id = $1', [valid.id])) === 1, 'the valid notice behind it to be recorded', 60000);
    const refusals = await fed.sql<{ code: string; detail: string; partition: number; offset: string; digest: string }>(
      'ES',
      'SELECT code, detail, partition, "offset", digest FROM rejected_message WHERE message_id = $1 ORDER BY id',
      [hostile.id],
    );
    expect(refusals).toHaveLength(1);
    const refusal = refusals[0];
    expect(refusal.code).toMatch(expectedCode);
    // The valid one sits right behind it in the same partition.
    const received = await fed.sql<{ partition: number; offset: string }>('ES', 'SELECT partition, "offset" FROM received_message WHERE message_id = $1', [valid.id]);
    expect(received[0].partition).toBe(refusal.partition);
    expect(BigInt(received[0].offset)).toBe(BigInt(refusal.offset) + 1n);

    // GET /rejected, for admins and auditors (not for operators).
    for (const role of ['admin', 'auditor'] as const) {
      const listed = await fed.get('ES', '/rejected?limit=100', role);
      expect(listed.status).toBe(200);
      const item = listed.body.find((r: { messageId: string }) => r.messageId === hostile.id);
      expect(item).toMatchObject({ code: refusal.code, claimedSender: 'NL', partition: refusal.partition });
      expect(JSON.stringify(item)).not.toMatch(/Janssen|Pieter/);
    }
    expect((await fed.get('ES', '/rejected', 'operator')).status).toBe(403);

    // The ledger: a 'rejected' entry with the reason.
    const ledger = await fed.sql<{ reason: string; digest: string }>('ES', `SELECT reason, digest FROM ledger_entry WHERE event = 'rejected' AND message_id = $1`, [hostile.id]);
    expect(ledger).toHaveLength(1);
    expect(ledger[0].reason.startsWith(`${refusal.code}: `)).toBe(true);
    expect(ledger[0].digest).toBe(refusal.digest);

    // The dead-letter topic, read with ES's own credentials: the exact bytes and the refusal code.
    const dead = await readTopic(fed, 'ES', fed.topics.deadLetter('ES'), (ms) => ms.some((m) => m.headers['liaison-message-id'] === hostile.id || m.headers['liaison-source'] === `${fed.topics.inbox('ES')}/${refusal.partition}/${refusal.offset}`));
    const copy = dead.find((m: ReadMessage) => m.headers['liaison-source'] === `${fed.topics.inbox('ES')}/${refusal.partition}/${refusal.offset}`);
    expect(copy).toBeDefined();
    expect(copy!.headers['liaison-refusal']).toBe(refusal.code);
    expect(copy!.value.equals(hostile.value)).toBe(true);
  }

  it('refuses a forged envelope (signed by a key not in the directory, under NL\'s kid)', async () => {
    const c = claims();
    const impostor = await generateAgencyKeys('NL');
    const nlSigningKid = fed.material.directory.agencies.find((a) => a.code === 'NL')!.keys.find((k) => k.use === 'sig')!.kid;
    expect(resolveDirectoryKey(fed.material.directory, nlSigningKid, 'sig', new Date()).status).toBe('valid');
    const jws = await signAs(c, impostor.signing as never, nlSigningKid);
    const esKey = encryptionKeyFor(fed.material.directory, 'ES', new Date())!;
    const value = await encryptTo(jws, [esKey.jwk]);
    await expectRefusedThenValid({ value, headers: headersOf(value, c, 'ES'), id: c.jti }, 'bad_signature');
  });

  it('refuses a tampered envelope (one ciphertext byte flipped, digest header recomputed)', async () => {
    const c = claims();
    const sealed = await nlSealer.seal(c);
    const value = editJwe(sealed.value, (j) => (j.ciphertext = flipB64(j.ciphertext, 7)));
    await expectRefusedThenValid({ value, headers: headersOf(value, c, 'ES'), id: c.jti }, 'decryption_failed');
  });

  it('refuses a replay (the same sender and message id with another digest, from another offset)', async () => {
    const c = claims();
    const first = await nlSealer.seal(c);
    const original = { value: first.value, headers: first.headersFor('ES'), id: c.jti };
    const behind = await writeWithValidBehind(original);
    await fed.waitFor(async () => (await countRows(fed, 'ES', 'notice', 'id = ANY($1::uuid[])', [[original.id, behind.id]])) === 2, 'the original to be recorded');
    // Sealed again: the same signed claims under a new ephemeral key, so another digest.
    const again = await nlSealer.seal(c);
    expect(again.digest).not.toBe(first.digest);
    await expectRefusedThenValid({ value: again.value, headers: again.headersFor('ES'), id: c.jti }, 'replay');
    expect(await countRows(fed, 'ES', 'notice', 'id = $1', [original.id])).toBe(1);
    expect(await countRows(fed, 'ES', 'ledger_entry', `event = 'received' AND message_id = $1`, [original.id])).toBe(1);
  });

  it('refuses a misaddressed envelope (sealed for CO, written to ES\'s inbox)', async () => {
    const c = claims(['CO']);
    const sealed = await nlSealer.seal(c);
    await expectRefusedThenValid({ value: sealed.value, headers: sealed.headersFor('CO'), id: c.jti }, /not_a_recipient|header_mismatch|unknown_recipient_key/);
    expect(await countRows(fed, 'ES', 'notice', 'id = $1', [c.jti])).toBe(0);
  });

  it('refuses a forward (sealed for CO, its recipient header rewritten to ES)', async () => {
    const c = claims(['CO']);
    const sealed = await nlSealer.seal(c);
    await expectRefusedThenValid({ value: sealed.value, headers: { ...sealed.headersFor('CO'), ...headersOf(sealed.value, c, 'ES') }, id: c.jti }, /not_a_recipient|header_mismatch|unknown_recipient_key/);
    expect(await countRows(fed, 'ES', 'notice', 'id = $1', [c.jti])).toBe(0);
  });

  it('kept running throughout: ready, and every valid notice written behind a refusal recorded once', async () => {
    expect((await fetch(`http://127.0.0.1:${fed.port('ES')}/health/ready`)).status).toBe(200);
    const dupes = await fed.sql('ES', `SELECT message_id FROM ledger_entry WHERE event = 'received' GROUP BY message_id HAVING count(*) > 1`);
    expect(dupes).toEqual([]);
    expect(await countRows(fed, 'ES', 'rejected_message')).toBe(5);
  });
});
