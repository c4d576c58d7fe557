// What an operator relies on when the inbox or a peer goes wrong (issue 13), on real nodes.
//
// No crash loops: CO's database superuser puts a forged row at the ledger's next
// sequence number, so every batch of CO's inbox fails (the sequencer refuses to append). The
// consumer must not crash-loop: the batch is retried in place with backoff, each failure is
// counted, readiness names the inbox as down with the reason, the notice waits on the topic
// (nothing refused, nothing lost), and once the row is removed the inbox recovers by itself and
// records the notice that waited.
//
// Metrics: a refusal copied to the dead-letter topic is counted by code; a received query open
// past its reply deadline shows in the overdue gauge.
//
// Peers notice silence: NL's log stops producing checkpoints (its self-audit found damage) while
// NL keeps sending to CO; CO, as NL's witness, raises a `silent` alert.
import { withDatabase } from '../../apps/node/src/persistence/database';
import { noticeRequest, TestFederation } from '../support/federation';
import { SERVER_URL, tamper } from '../support/ledger-db';

jest.setTimeout(240_000);

describe('inbox and witness operations: failures, metrics and silence an operator sees', () => {
  let fed: TestFederation;
  const owner = (agency: string) => ({ ownerUrl: withDatabase(SERVER_URL, fed.databaseName(agency)) });

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'CO']);
    await Promise.all(['NL', 'CO'].map((a) => fed.start(a, { LIAISON_LEDGER_AUDIT_PAUSE_SECONDS: '1' })));
  });
  afterAll(async () => {
    await fed?.destroy();
  });

  const status = async (id: string) => (await fed.get('NL', `/notices/${id}`, 'operator')).body.recipients[0].status as string;
  const received = async (id: string) => (await fed.sql('CO', 'SELECT 1 FROM received_message WHERE sender = $1 AND message_id = $2', ['NL', id])).length === 1;
  const metric = async (line: RegExp) => Number(line.exec((await fed.get('CO', '/metrics', null)).body as string)?.[1] ?? 0);
  const failures = () => metric(/^liaison_inbox_batch_failures_total\{reason="ledger_damaged"\} (\d+)/m);

  it('backs off, counts, reports inbox down with the reason, and recovers by itself once the forged row is gone', async () => {
    const first = await fed.post('NL', '/notices', 'operator', noticeRequest(['CO']));
    expect(first.status).toBe(201);
    await fed.waitFor(async () => (await status(first.body.id)) === 'DELIVERED', 'a first notice delivered to CO');
    expect((await fed.get('CO', '/health/ready', null)).body.checks.inbox).toEqual({ status: 'up' });

    // The forged row, at the next seq under the head's lock (as the sequencer takes it).
    await tamper(owner('CO'), [
      'SELECT size FROM ledger_head FOR UPDATE',
      `INSERT INTO ledger_entry (seq, time, event, message_id, kind, counterpart, channel_sender, channel_recipient, channel_seq, digest, re, actor, reason, leaf_hash)
       SELECT h.size, e.time, e.event, e.message_id, e.kind, e.counterpart, e.channel_sender, e.channel_recipient, e.channel_seq, e.digest, e.re, e.actor, e.reason, e.leaf_hash
       FROM ledger_head h JOIN ledger_entry e ON e.seq = h.size - 1`,
    ]);
    const waiting = await fed.post('NL', '/notices', 'operator', noticeRequest(['CO']));
    expect(waiting.status).toBe(201);

    await fed.waitFor(async () => (await fed.get('CO', '/health/ready', null)).body.checks?.inbox?.status === 'down', 'CO readiness: inbox down', 30_000);
    const ready = await fed.get('CO', '/health/ready', null);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.inbox.reason).toMatch(/inbox consumer failing.*ledger_damaged: ledger damaged, append refused/);
    const counted = await failures();
    expect(counted).toBeGreaterThanOrEqual(3);
    // Still failing (backed off, not crashed): the counter keeps growing, and nothing was refused or recorded.
    await fed.waitFor(async () => (await failures()) > counted, 'a further counted retry', 30_000);
    expect(await received(waiting.body.id)).toBe(false);
    expect(await fed.sql('CO', 'SELECT 1 FROM rejected_message')).toEqual([]);
    expect(await status(waiting.body.id)).toBe('SENT');

    await tamper(owner('CO'), ['DELETE FROM ledger_entry WHERE seq = (SELECT size FROM ledger_head)']);
    // Within the longest backoff (30 s) plus slack: the waiting notice is recorded and acknowledged.
    await fed.waitFor(() => received(waiting.body.id), 'CO to record the notice that waited', 60_000);
    await fed.waitFor(async () => (await status(waiting.body.id)) === 'DELIVERED', 'the waiting notice delivered', 30_000);
    await fed.waitFor(async () => (await fed.get('CO', '/health/ready', null)).status === 200, 'CO ready again', 30_000);
    expect((await fed.get('CO', '/health/ready', null)).body.checks.inbox).toEqual({ status: 'up' });
  });

  it('counts a refusal copied to the dead-letter topic, by code, and received queries open past their deadline', async () => {
    expect((await fed.get('CO', '/metrics', null)).body).not.toMatch(/^liaison_dead_letters_total\{/m);
    const raw = fed.rawPublisher('NL');
    try {
      await raw.publish([{ topic: fed.topics.inbox('CO'), key: 'garbage', value: Buffer.from('not an envelope'), headers: {} }]);
    } finally {
      await raw.close();
    }
    await fed.waitFor(async () => (await fed.sql('CO', 'SELECT 1 FROM rejected_message')).length === 1, 'the garbage refused at CO');
    const [{ code }] = await fed.sql<{ code: string }>('CO', 'SELECT code FROM rejected_message');
    expect(await metric(new RegExp(`^liaison_dead_letters_total\\{code="${code}"\\} (\\d+)`, 'm'))).toBe(1);

    expect(await metric(/^liaison_inbound_overdue (\d+)/m)).toBe(0);
    const sent = await fed.post('NL', '/notices', 'operator', noticeRequest(['CO']));
    await fed.waitFor(async () => (await status(sent.body.id)) === 'DELIVERED', 'a query delivered to CO');
    // Its reply deadline passes (moved back as the owner; the expiry sweeper, every 30 s, would later mark it EXPIRED).
    await fed.sql('CO', "UPDATE notice SET deadline = now() - interval '1 minute' WHERE id = $1 AND direction = 'inbound'", [sent.body.id]);
    expect(await metric(/^liaison_inbound_overdue (\d+)/m)).toBe(1);
  });

  it('raises a silence alert at the witness when a log stops producing checkpoints while its traffic continues', async () => {
    const silent = async () =>
      (await fed.get('CO', '/audit/alerts', 'auditor')).body.alerts.some(
        (a: { origin: string; witness: string; reason: string; refusedNote: string }) =>
          a.origin === 'NL' && a.witness === 'CO' && a.reason === 'silent' && /^no checkpoint of liaison\/NL .* while its envelopes arrived for \d+ s/.test(a.refusedNote),
      );
    // While NL checkpoints, its traffic raises nothing.
    expect(await silent()).toBe(false);
    // NL's self-audit finds an edited entry, so NL issues no further checkpoint; it still sends.
    await tamper(owner('NL'), ["UPDATE ledger_entry SET actor = 'forged' WHERE seq = 1"]);
    await fed.waitFor(async () => (await fed.get('NL', '/health/ready', null)).body.checks?.ledger?.status === 'down', 'NL to find its damage', 30_000);
    const deadline = Date.now() + 60_000;
    while (!(await silent())) {
      if (Date.now() > deadline) throw new Error('no silence alert at CO');
      const sent = await fed.post('NL', '/notices', 'operator', noticeRequest(['CO']));
      expect(sent.status).toBe(201);
      await new Promise((r) => setTimeout(r, 1000));
    }
  });
});
