import { adminKafka } from '../support/kafka';
import { countRows, expectReceiptedOnce, readTopic, sendNotices, TestFederation, useFreePorts } from '../support/federation';

/**
 * Delivery guarantees of the node on the real broker and databases: a message delivered twice
 * (the broker redelivering the same offsets, or the identical bytes written again) records one
 * notice; notices sent while the recipient node is down arrive once it is back.
 */
describe('node delivery', () => {
  let fed: TestFederation;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES']);
    await useFreePorts(fed, ['NL', 'ES']);
    await Promise.all(['NL', 'ES'].map((a) => fed.start(a)));
  });
  afterAll(async () => {
    await fed?.destroy();
  });

  const statuses = async (ids: string[]) =>
    fed.sql<{ status: string; n: number }>('NL', `SELECT status, count(*)::int AS n FROM notice_recipient WHERE notice_id = ANY($1::uuid[]) AND agency = 'ES' GROUP BY status`, [ids]);
  const allDelivered = async (ids: string[]) => (await countRows(fed, 'NL', 'notice_recipient', `notice_id = ANY($1::uuid[]) AND agency = 'ES' AND status = 'DELIVERED'`, [ids])) === ids.length;

  it('records one notice when the same Kafka message is delivered twice (identical bytes at a new offset, and the same offsets redelivered)', async () => {
    const [id] = await sendNotices(fed, 'NL', ['ES'], 1, 1);
    await fed.waitFor(() => allDelivered([id]), 'NL sees DELIVERED');
    const rejectedBefore = await countRows(fed, 'ES', 'rejected_message');

    // The exact message the broker holds (value and headers as NL's relay wrote them).
    const inbox = await readTopic(fed, 'ES', fed.topics.inbox('ES'), (ms) => ms.some((m) => m.key === id));
    const original = inbox.find((m) => m.key === id)!;
    const publisher = fed.rawPublisher('NL');
    try {
      for (let i = 0; i < 2; i++) {
        await publisher.publish([{ topic: fed.topics.inbox('ES'), key: original.key ?? id, value: original.value, headers: original.headers }]);
      }
    } finally {
      await publisher.close();
    }
    // Processed as redeliveries (same sender, id and digest at new offsets): recorded as such, not refused, nothing recorded twice.
    await fed.waitFor(async () => (await countRows(fed, 'ES', 'redelivered_message', `message_id = $1`, [id])) === 2, 'ES handles both copies');
    expect(await countRows(fed, 'ES', 'notice', 'id = $1', [id])).toBe(1);
    expect(await countRows(fed, 'ES', 'received_message', 'message_id = $1', [id])).toBe(1);
    expect(await countRows(fed, 'ES', 'ledger_entry', `event = 'received' AND message_id = $1`, [id])).toBe(1);
    expect(await countRows(fed, 'ES', 'ledger_entry', `event = 'redelivered' AND message_id = $1 AND counterpart = 'NL'`, [id])).toBe(2);
    expect(await countRows(fed, 'ES', 'rejected_message')).toBe(rejectedBefore);
    // NL got exactly one receipt for it.
    await expectReceiptedOnce(fed, 'NL', 'ES', [id]);

    // Now the broker delivers the same offsets again (the group's offsets reset while ES is down,
    // as after a crash before the commit): redeliveries change nothing and are not refusals.
    const before = {
      notices: await countRows(fed, 'ES', 'notice'),
      received: await countRows(fed, 'ES', 'received_message'),
      rejected: await countRows(fed, 'ES', 'rejected_message'),
      redelivered: await countRows(fed, 'ES', 'redelivered_message'),
      ledger: await countRows(fed, 'ES', 'ledger_entry'),
    };
    await fed.stop('ES');
    const admin = adminKafka().admin();
    await admin.connect();
    try {
      await admin.resetOffsets({ groupId: fed.topics.inboxGroup('ES'), topic: fed.topics.inbox('ES'), earliest: true });
    } finally {
      await admin.disconnect();
    }
    await fed.start('ES');
    // Wait until the group has consumed to the end again (its committed offsets reach the topic's).
    await fed.waitFor(async () => {
      const a = adminKafka().admin();
      await a.connect();
      try {
        const [committed] = await a.fetchOffsets({ groupId: fed.topics.inboxGroup('ES'), topics: [fed.topics.inbox('ES')] });
        const ends = await a.fetchTopicOffsets(fed.topics.inbox('ES'));
        return ends.every((e) => {
          const c = committed.partitions.find((p) => p.partition === e.partition);
          return e.high === '0' || (c !== undefined && c.offset === e.high);
        });
      } finally {
        await a.disconnect();
      }
    }, 'ES to re-consume its inbox', 60000);
    expect(await countRows(fed, 'ES', 'notice')).toBe(before.notices);
    expect(await countRows(fed, 'ES', 'received_message')).toBe(before.received);
    expect(await countRows(fed, 'ES', 'rejected_message')).toBe(before.rejected);
    expect(await countRows(fed, 'ES', 'redelivered_message')).toBe(before.redelivered);
    // The ledger may only have grown by checkpoints' bookkeeping, never by exchange events.
    expect(await countRows(fed, 'ES', 'ledger_entry')).toBe(before.ledger);
  });

  it('delivers notices sent while the recipient node is down once it is back, and NL sees them DELIVERED', async () => {
    await fed.stop('ES');
    const ids = await sendNotices(fed, 'NL', ['ES'], 25, 4);
    expect(new Set(ids).size).toBe(25);
    // Published (outbox drained) but nobody reads ES's inbox: all still SENT.
    await fed.waitFor(async () => (await countRows(fed, 'NL', 'outbox')) === 0, 'NL outbox drained');
    expect(await statuses(ids)).toEqual([{ status: 'SENT', n: 25 }]);

    await fed.start('ES');
    await fed.waitFor(() => allDelivered(ids), 'all 25 DELIVERED at NL', 90000);
    expect(await countRows(fed, 'ES', 'notice', `id = ANY($1::uuid[])`, [ids])).toBe(25);
    expect(await countRows(fed, 'ES', 'received_message', `message_id = ANY($1::uuid[])`, [ids])).toBe(25);
    expect(await countRows(fed, 'ES', 'ledger_entry', `event = 'received' AND message_id = ANY($1)`, [ids])).toBe(25);
    expect(await countRows(fed, 'NL', 'ledger_entry', `event = 'delivered' AND counterpart = 'ES' AND message_id = ANY($1)`, [ids])).toBe(25);
    const inbox = await fed.get('ES', '/inbox?limit=100', 'liaison_officer');
    expect(inbox.status).toBe(200);
    expect(ids.every((id) => inbox.body.some((n: { id: string }) => n.id === id))).toBe(true);
  });
});
