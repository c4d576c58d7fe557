import { expectReceiptedOnce, noticeRequest, TestFederation } from '../support/federation';

/**
 * The product's scenario on the real broker and three databases: NL asks ES and CO to identify a
 * person; both receive it, ES acknowledges and answers hit, CO answers no-hit; NL sees all of it,
 * and every step is in both sides' ledgers.
 */
describe('exchange of notices between three agencies', () => {
  let fed: TestFederation;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES', 'CO']);
    await Promise.all(['NL', 'ES', 'CO'].map((a) => fed.start(a)));
  });
  afterAll(async () => {
    await fed?.destroy();
  });

  const recipientStatus = async (id: string) => {
    const { body } = await fed.get('NL', `/notices/${id}`, 'operator');
    return Object.fromEntries((body.recipients as { agency: string; status: string }[]).map((r) => [r.agency, r.status]));
  };

  it('runs query → delivery → acknowledgement → answers, with ledger entries on both sides', async () => {
    const sent = await fed.post('NL', '/notices', 'operator', noticeRequest(['ES', 'CO']));
    expect(sent.status).toBe(201);
    const id: string = sent.body.id;
    expect(new Date(sent.body.deadline).getTime() - Date.now()).toBeLessThanOrEqual(8 * 3600 * 1000);

    // Both recipients decrypt it; NL sees both DELIVERED once the receipts are back.
    for (const agency of ['ES', 'CO']) {
      await fed.waitFor(async () => (await fed.get(agency, '/inbox', 'liaison_officer')).body.some((n: { id: string }) => n.id === id), `${agency} inbox`);
      const detail = await fed.get(agency, `/inbox/${id}`, 'liaison_officer');
      expect(detail.body.body.names).toEqual({ family: 'Janssen', given: 'Pieter' });
      expect(detail.body.sender).toBe('NL');
      expect(detail.body.priority).toBe('urgent');
    }
    await fed.waitFor(async () => JSON.stringify(await recipientStatus(id)) === JSON.stringify({ CO: 'DELIVERED', ES: 'DELIVERED' }), 'both DELIVERED');

    const ack = await fed.post('ES', `/inbox/${id}/acknowledge`, 'liaison_officer');
    expect(ack.body).toEqual({ id, status: 'ACKNOWLEDGED' });
    await fed.waitFor(async () => (await recipientStatus(id)).ES === 'ACKNOWLEDGED', 'NL sees ES ACKNOWLEDGED');

    const hit = await fed.post('ES', `/inbox/${id}/answer`, 'liaison_officer', {
      outcome: 'hit',
      details: { summary: 'Known to ES: resident permit in Madrid since 2021' },
    });
    expect(hit.status).toBe(200);
    const noHit = await fed.post('CO', `/inbox/${id}/answer`, 'liaison_officer', { outcome: 'no-hit' });
    expect(noHit.status).toBe(200);

    await fed.waitFor(async () => JSON.stringify(await recipientStatus(id)) === JSON.stringify({ CO: 'ANSWERED', ES: 'ANSWERED' }), 'both ANSWERED');
    const detail = await fed.get('NL', `/notices/${id}`, 'operator');
    const answers = Object.fromEntries((detail.body.responses as { sender: string; body: { outcome: string } }[]).map((r) => [r.sender, r.body.outcome]));
    expect(answers).toEqual({ ES: 'hit', CO: 'no-hit' });
    expect(detail.body.recipients.find((r: { agency: string }) => r.agency === 'ES').actedBy).toMatch(/^ES:liaison_officer\.es@/);

    // Each step is in both ledgers (events per counterpart, metadata only).
    const events = async (agency: string, counterpart: string, messageId = id) =>
      // The entry itself, those that refer to it, and the receipt that delivered it (named by the 'delivered' entry).
      (await fed.sql(agency, `SELECT event, kind FROM ledger_entry
          WHERE (message_id = $1 OR re = $1 OR message_id IN (SELECT re FROM ledger_entry WHERE event = 'delivered' AND message_id = $1)) AND counterpart = $2
          ORDER BY seq`, [messageId, counterpart]))
        .map((e: { event: string; kind: string | null }) => `${e.event}${e.kind ? `:${e.kind}` : ''}`);
    // NL's receipt for ES's answer comes back to ES: the answer is delivered too.
    await fed.waitFor(async () => (await events('ES', 'NL', hit.body.responseId)).includes('delivered:response'), 'ES ledger records the delivery of its answer');
    expect(await events('NL', 'ES')).toEqual(expect.arrayContaining([
      'sent:identity-query', 'received:receipt', 'delivered:identity-query', 'received:acknowledgement', 'acknowledged:identity-query',
      'received:response', 'answered:identity-query',
    ]));
    expect(await events('ES', 'NL')).toEqual(expect.arrayContaining([
      'received:identity-query', 'acknowledged:identity-query', 'sent:acknowledgement', 'sent:response', 'answered:identity-query',
    ]));
    // Receipts name what they deliver in their signed body, not in `re`: the receipt that NL's
    // 'delivered' entry names is one ES sent, and the other way round for ES's answer.
    await expectReceiptedOnce(fed, 'NL', 'ES', [id]);
    await expectReceiptedOnce(fed, 'ES', 'NL', [hit.body.responseId]);
    expect(await events('CO', 'NL')).toEqual(expect.arrayContaining(['received:identity-query', 'sent:response', 'answered:identity-query']));
  });

  it('refuses illegal transitions and H2 pass-on with a clear error, changing nothing', async () => {
    const sent = await fed.post('NL', '/notices', 'operator', noticeRequest(['ES'], { handling: { code: 'H2' }, priority: 'normal' }));
    const id: string = sent.body.id;
    await fed.waitFor(async () => (await fed.get('ES', `/inbox/${id}`, 'liaison_officer')).status === 200, 'ES received it');

    const passOn = await fed.post('ES', `/inbox/${id}/pass-on`, 'liaison_officer', { recipients: ['CO'] });
    expect(passOn.status).toBe(403);
    expect(passOn.body.code).toBe('handling_restriction');
    expect(passOn.body.detail).toMatch(/H2/);

    const declined = await fed.post('ES', `/inbox/${id}/decline`, 'liaison_officer', { reason: 'Outside our competence' });
    expect(declined.status).toBe(200);
    const again = await fed.post('ES', `/inbox/${id}/acknowledge`, 'liaison_officer');
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'illegal_transition' });
    expect(again.body.detail).toMatch(/DECLINED/);
    await fed.waitFor(async () => (await recipientStatus(id)).ES === 'DECLINED', 'NL sees DECLINED');
    const inbox = await fed.get('CO', '/inbox', 'liaison_officer');
    expect(inbox.body.some((n: { id: string }) => n.id === id)).toBe(false);
  });

  it('answers invalid input with 400 naming the field, and writes nothing', async () => {
    const before = await fed.sql('NL', 'SELECT count(*)::int AS n FROM notice');
    const bad = await fed.post('NL', '/notices', 'operator', noticeRequest(['ES'], { handling: { code: 'H3' }, recipients: ['ES', 'nl'] }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(['/handling/restriction']));
    const unknown = await fed.post('NL', '/notices', 'operator', noticeRequest(['ZZ']));
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toMatch(/ZZ is not an agency/);
    const malformed = await fed.post('NL', '/notices', 'operator', '{"kind": ');
    expect(malformed.status).toBe(400);
    expect(await fed.sql('NL', 'SELECT count(*)::int AS n FROM notice')).toEqual(before);
  });
});
