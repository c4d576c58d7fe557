import { HEADER_MESSAGE_ID } from '@liaison/envelope';
import { countRows, sendNotices, TestFederation } from '../support/federation';
import { HostileKit, readTopic } from '../support/hostile-kafka';

/**
 * What another member of the federation can no longer do to an agency's inbox (issue 11,
 * holes 2–4, and hole 8 for content at rest), on real nodes, the real broker and databases:
 * stall a partition with a message whose recording fails, stall it with an id equal to one of
 * ours, or suppress a genuine notice by using its id first.
 */
describe('inbox trust: no member can stall or pre-empt another agency inbox', () => {
  const TARGET = 'NL';
  let fed: TestFederation;
  let kit: HostileKit;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES', 'CO']);
    await fed.start(TARGET);
    await fed.start('ES');
    kit = await HostileKit.create(fed);
  });
  afterAll(async () => {
    await kit?.close();
    await fed?.destroy();
  });

  const received = async (sender: string, id: string) =>
    (await fed.sql(TARGET, 'SELECT 1 FROM received_message WHERE sender = $1 AND message_id = $2', [sender, id])).length === 1;

  it('records a notice whose id equals one this agency sent (hole 3): nothing stalls, both notices kept', async () => {
    const [ours] = await sendNotices(fed, TARGET, ['ES'], 1, 1);
    // ES answers with its own notice to NL that reuses NL's id, then a normal one behind it.
    const colliding = await kit.valid('ES', TARGET, { jti: ours });
    const behind = await kit.valid('ES', TARGET);
    await kit.write('ES', fed.topics.inbox(TARGET), [colliding.message, behind.message]);
    await fed.waitFor(() => received('ES', behind.claims.jti), 'the notice behind the colliding id to be recorded');
    expect(await received('ES', ours)).toBe(true);
    const rows = await fed.sql<{ sender: string; direction: string }>(TARGET, 'SELECT sender, direction FROM notice WHERE id = $1 ORDER BY direction', [ours]);
    expect(rows).toEqual([{ sender: 'ES', direction: 'inbound' }, { sender: 'NL', direction: 'outbound' }]);
    // Our own notice still shows and still progresses (ES's node delivered it).
    const sent = await fed.get(TARGET, `/notices/${ours}`, 'operator');
    expect(sent.status).toBe(200);
    expect(sent.body.sender).toBe('NL');
    const inbound = await fed.get(TARGET, `/inbox/${ours}`, 'liaison_officer');
    expect(inbound.status).toBe(200);
    expect(inbound.body.sender).toBe('ES');
  });

  it('accepts a genuine notice after a co-recipient sent its own notice with the same id first (hole 4)', async () => {
    // ES sends one notice to NL and CO; CO, a co-recipient, saw its id and sends NL a notice with it first.
    const genuine = kit.claims('ES', [TARGET, 'CO']);
    const sealed = await kit.seal(genuine);
    const preempt = await kit.valid('CO', TARGET, { jti: genuine.jti });
    await kit.write('CO', fed.topics.inbox(TARGET), [preempt.message]);
    await fed.waitFor(() => received('CO', genuine.jti), "CO's notice to be recorded");
    await kit.write('ES', fed.topics.inbox(TARGET), [{ value: sealed.value, headers: sealed.headersFor(TARGET), key: genuine.jti }]);
    await fed.waitFor(() => received('ES', genuine.jti), "ES's genuine notice to be recorded, not refused as a replay");
    expect(await countRows(fed, TARGET, 'rejected_message', 'message_id = $1', [genuine.jti])).toBe(0);
    expect(await countRows(fed, TARGET, 'ledger_entry', `event = 'received' AND message_id = $1`, [genuine.jti])).toBe(2);
    // Two senders chose one id: the API says so and asks which one is meant.
    const ambiguous = await fed.get(TARGET, `/inbox/${genuine.jti}`, 'liaison_officer');
    expect(ambiguous.status).toBe(409);
    expect(JSON.stringify(ambiguous.body)).toMatch(/CO, ES/);
    const chosen = await fed.get(TARGET, `/inbox/${genuine.jti}?sender=ES`, 'liaison_officer');
    expect(chosen.status).toBe(200);
    expect(chosen.body.sender).toBe('ES');
    const ack = await fed.request(TARGET, 'POST', `/inbox/${genuine.jti}/acknowledge?sender=ES`, 'liaison_officer');
    expect(ack.status).toBe(200);
    const states = await fed.sql<{ notice_sender: string; status: string }>(TARGET, 'SELECT notice_sender, status FROM notice_recipient WHERE notice_id = $1 ORDER BY notice_sender', [genuine.jti]);
    expect(states).toEqual([{ notice_sender: 'CO', status: 'DELIVERED' }, { notice_sender: 'ES', status: 'ACKNOWLEDGED' }]);
  });

  it('turns a message whose recording throws into a recorded refusal, and processes the next notice in the partition (hole 2)', async () => {
    const poisoned = await kit.valid('ES', TARGET);
    const behind = await kit.valid('ES', TARGET);
    // Fault injection: the database refuses this one notice row (as a constraint or a bug would).
    await fed.sql(TARGET, `CREATE FUNCTION test_refuse_notice() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.id = '${poisoned.claims.jti}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`);
    await fed.sql(TARGET, 'CREATE TRIGGER test_refuse_notice BEFORE INSERT ON notice FOR EACH ROW EXECUTE FUNCTION test_refuse_notice()');
    try {
      // Same key: same partition, the poisoned one first.
      await kit.write('ES', fed.topics.inbox(TARGET), [{ ...poisoned.message, key: 'one-partition' }, { ...behind.message, key: 'one-partition' }]);
      await fed.waitFor(() => received('ES', behind.claims.jti), 'the notice behind the poisoned one to be recorded');
    } finally {
      await fed.sql(TARGET, 'DROP TRIGGER test_refuse_notice ON notice');
      await fed.sql(TARGET, 'DROP FUNCTION test_refuse_notice()');
    }
    const refusals = await fed.sql<{ code: string; detail: string; partition: number; offset: string }>(TARGET, 'SELECT code, detail, partition, "offset" FROM rejected_message WHERE message_id = $1', [poisoned.claims.jti]);
    expect(refusals).toHaveLength(1);
    expect(refusals[0].code).toBe('recording_failed');
    expect(refusals[0].detail).toMatch(/P0001/);
    expect(await received('ES', poisoned.claims.jti)).toBe(false);
    expect(await countRows(fed, TARGET, 'ledger_entry', `event = 'rejected' AND message_id = $1 AND reason LIKE 'recording_failed:%'`, [poisoned.claims.jti])).toBe(1);
    const dead = await readTopic(fed.topics.deadLetter(TARGET), (ms) => ms.some((m) => m.headers[HEADER_MESSAGE_ID] === poisoned.claims.jti));
    expect(dead.find((m) => m.headers[HEADER_MESSAGE_ID] === poisoned.claims.jti)?.headers['liaison-refusal']).toBe('recording_failed');
    expect((await fed.get(TARGET, '/health/ready', null)).status).toBe(200);
  });

  it('refuses to show a stored notice whose handling code was changed in the database (hole 8)', async () => {
    const notice = await kit.valid('ES', TARGET, { handling: { code: 'H2' } });
    await kit.write('ES', fed.topics.inbox(TARGET), [notice.message]);
    await fed.waitFor(() => received('ES', notice.claims.jti), 'the notice to be recorded');
    expect((await fed.get(TARGET, `/inbox/${notice.claims.jti}`, 'liaison_officer')).status).toBe(200);
    // A database user lowers the handling code so that the notice could be passed on.
    await fed.sql(TARGET, `UPDATE notice SET handling_code = 'H0' WHERE id = $1 AND sender = 'ES'`, [notice.claims.jti]);
    const shown = await fed.get(TARGET, `/inbox/${notice.claims.jti}`, 'liaison_officer');
    expect(shown.status).toBe(500);
    expect(JSON.stringify(shown.body)).toMatch(/stored_content_altered/);
    const passOn = await fed.request(TARGET, 'POST', `/inbox/${notice.claims.jti}/pass-on`, 'liaison_officer', { recipients: ['CO'] });
    expect(passOn.status).toBe(500);
    expect(await countRows(fed, TARGET, 'notice', `re = $1 AND direction = 'outbound'`, [notice.claims.jti])).toBe(0);
  });
});
