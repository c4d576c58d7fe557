import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { run as verify } from '../../apps/cli/src/commands/verify';
import { adminKafka } from '../support/kafka';
import { countRows, downloadAuditBundle, expectReceiptedOnce, sendNotices, startReplica, TestFederation, useFreePorts } from '../support/federation';
import { ensureBuilt, expectLedgersVerifyAndReconcile, expectNlToEsExactlyOnce, ProcessNode, streamNotices } from '../support/process-node';
import { RoundRobinProxy } from '../support/round-robin';

/**
 * Two replicas of ES's node (same environment, same database, same consumer group, different
 * HTTP ports) share its inbox: every notice NL sends is recorded exactly once, all are DELIVERED
 * at NL, and ES's ledger holds one 'received' per notice in one gapless sequence (no fork).
 */
describe('node replicas', () => {
  let fed: TestFederation;
  let tmp: string;
  const N = 300;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'liaison-replicas-'));
    fed = await TestFederation.create(['NL', 'ES']);
    await useFreePorts(fed, ['NL', 'ES', 'ES#b']);
    await Promise.all([fed.start('NL'), fed.start('ES')]);
    await startReplica(fed, 'ES', 'b');
  }, 180000);
  async function groupMembers(n: number): Promise<boolean> {
    const admin = adminKafka().admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([fed.topics.inboxGroup('ES')]);
      return groups[0].state === 'Stable' && groups[0].members.length === n;
    } finally {
      await admin.disconnect();
    }
  }

  afterAll(async () => {
    await fed?.destroy();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it(`records ${N} notices exactly once with two replicas consuming ES's inbox together`, async () => {
    // Both replicas are members of ES's inbox group, each with partitions of its own.
    await fed.waitFor(() => groupMembers(2), 'two members in ES inbox group', 90000);

    const ids = await sendNotices(fed, 'NL', ['ES'], N, 8);
    expect(new Set(ids).size).toBe(N);
    await fed.waitFor(
      async () => (await countRows(fed, 'NL', 'notice_recipient', `agency = 'ES' AND status = 'DELIVERED' AND notice_id = ANY($1::uuid[])`, [ids])) === N,
      `all ${N} DELIVERED at NL`,
      180000,
    );
    // The inbox was shared: received from every partition.
    const partitions = await fed.sql<{ partition: number }>('ES', `SELECT DISTINCT partition FROM received_message ORDER BY partition`);
    expect(partitions.length).toBeGreaterThan(1);

    expect(await countRows(fed, 'ES', 'notice', `id = ANY($1::uuid[])`, [ids])).toBe(N);
    expect(await countRows(fed, 'ES', 'notice', `direction = 'inbound'`)).toBe(N);
    expect(await countRows(fed, 'ES', 'received_message', `kind = 'identity-query'`)).toBe(N);
    expect(await countRows(fed, 'ES', 'rejected_message')).toBe(0);
    expect(await countRows(fed, 'ES', 'ledger_entry', `event = 'received' AND kind = 'identity-query' AND message_id = ANY($1)`, [ids])).toBe(N);
    expect(await fed.sql('ES', `SELECT message_id FROM ledger_entry WHERE event IN ('received', 'sent') GROUP BY event, message_id, counterpart HAVING count(*) > 1`)).toEqual([]);
    await expectReceiptedOnce(fed, 'NL', 'ES', ids);
    expect(await countRows(fed, 'NL', 'ledger_entry', `event = 'delivered' AND counterpart = 'ES'`)).toBe(N);

    // One gapless ledger sequence at ES, and the channel NL→ES numbered 0..N-1 once each.
    const ledger = await fed.sql<{ n: number; lo: string; hi: string }>('ES', 'SELECT count(*)::int AS n, min(seq) AS lo, max(seq) AS hi FROM ledger_entry');
    expect(ledger[0].lo).toBe('0');
    expect(Number(ledger[0].hi)).toBe(ledger[0].n - 1);
    const channel = await fed.sql<{ n: number; d: number; hi: string }>(
      'ES',
      `SELECT count(*)::int AS n, count(DISTINCT channel_seq)::int AS d, max(channel_seq) AS hi FROM ledger_entry WHERE event = 'received' AND channel_sender = 'NL'`,
    );
    expect(channel[0]).toEqual({ n: N, d: N, hi: String(N - 1) });

    // No fork: once a checkpoint covers it, the bundle of ES's ledger verifies offline.
    await fed.waitFor(async () => {
      const size = await countRows(fed, 'ES', 'ledger_entry');
      const c = await fed.get('ES', '/audit/checkpoint', 'auditor');
      return c.status === 200 && Number(c.body.size) === size && c.body.witnessed;
    }, 'an ES checkpoint covering its ledger', 60000);
    const file = await downloadAuditBundle(fed, 'ES', join(tmp, 'es.ndjson'));
    const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await verify([file, '--root', JSON.stringify(fed.material.rootPublicJwk)])).toBe(0);
    } finally {
      out.mockRestore();
    }
  }, 300000);

  it('a replica leaving mid-stream (rebalance to the other) loses and duplicates nothing', async () => {
    await fed.waitFor(() => groupMembers(2), 'two members in ES inbox group', 90000);
    const before = await countRows(fed, 'ES', 'received_message', `kind = 'identity-query'`);
    const streaming = sendNotices(fed, 'NL', ['ES'], 200, 6);
    await fed.waitFor(async () => (await countRows(fed, 'ES', 'received_message', `kind = 'identity-query'`)) >= before + 50, 'ES to record 50 of the stream', 120000);
    await fed.stop('ES#b');
    const ids = await streaming;
    await fed.waitFor(
      async () => (await countRows(fed, 'NL', 'notice_recipient', `agency = 'ES' AND status = 'DELIVERED' AND notice_id = ANY($1::uuid[])`, [ids])) === ids.length,
      'all 200 DELIVERED at NL',
      180000,
    );
    expect(await countRows(fed, 'ES', 'notice', `id = ANY($1::uuid[])`, [ids])).toBe(200);
    expect(await countRows(fed, 'ES', 'ledger_entry', `event = 'received' AND kind = 'identity-query' AND message_id = ANY($1)`, [ids])).toBe(200);
    expect(await countRows(fed, 'NL', 'ledger_entry', `event = 'delivered' AND counterpart = 'ES' AND message_id = ANY($1)`, [ids])).toBe(200);
    const total = N + 200;
    const channel = await fed.sql<{ n: number; d: number; hi: string }>(
      'ES',
      `SELECT count(*)::int AS n, count(DISTINCT channel_seq)::int AS d, max(channel_seq) AS hi FROM ledger_entry WHERE event = 'received' AND channel_sender = 'NL'`,
    );
    expect(channel[0]).toEqual({ n: total, d: total, hi: String(total - 1) });
    const ledger = await fed.sql<{ n: number; hi: string }>('ES', 'SELECT count(*)::int AS n, max(seq) AS hi FROM ledger_entry');
    expect(Number(ledger[0].hi)).toBe(ledger[0].n - 1);
    // A batch the leaving replica had not committed is redelivered to the other at the same offsets: not a refusal.
    expect(await countRows(fed, 'ES', 'rejected_message')).toBe(0);
  }, 300000);
});

/**
 * Two replicas of NL's node (processes: same environment and database, their own HTTP ports)
 * behind one HTTP address, as a load balancer serves them; one is killed with SIGKILL mid-stream.
 * Any replica answers the API; the outbox relay (rows claimed FOR UPDATE SKIP LOCKED), the
 * checkpointer and the expiry sweeper (advisory locks, one replica at a time) and the witness and
 * inbox consumers (Kafka consumer groups) go on in the survivor: nothing lost, nothing twice.
 */
describe('node replicas behind one address', () => {
  let fed: TestFederation;
  let tmp: string;
  let a: ProcessNode;
  let b: ProcessNode;
  let es: ProcessNode;
  let proxy: RoundRobinProxy;

  beforeAll(async () => {
    ensureBuilt();
    tmp = mkdtempSync(join(tmpdir(), 'liaison-replicas-proxy-'));
    fed = await TestFederation.create(['NL', 'ES']);
    await useFreePorts(fed, ['NL', 'NL#b', 'ES']);
    a = new ProcessNode(fed, 'NL', {}, 'a');
    b = new ProcessNode(fed, 'NL', { PORT: String(fed.port('NL#b')) }, 'b');
    es = new ProcessNode(fed, 'ES');
    await a.start();
    await Promise.all([b.start(), es.start()]);
    proxy = new RoundRobinProxy(() => [a.port, b.port]);
    await proxy.listen();
  }, 240000);

  afterAll(async () => {
    await proxy?.close();
    await Promise.all([a?.stop(), b?.stop(), es?.stop()]);
    await fed?.destroy();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }, 120000);

  it('any replica answers, and a replica killed mid-stream loses and duplicates nothing', async () => {
    const nl = { agency: 'NL', url: proxy.url };
    const received = () => countRows(fed, 'ES', 'received_message', `kind = 'identity-query'`);
    const streaming = streamNotices(fed, nl, 600, 6);
    await fed.waitFor(async () => (await received()) >= 150, 'ES to record 150 of the stream', 180000);
    // Both replicas answered part of the stream through the one address.
    expect(proxy.served.every((n) => n > 0)).toBe(true);
    await b.kill();
    expect(await streaming).toBe(600);

    await expectNlToEsExactlyOnce(fed);
    await expectLedgersVerifyAndReconcile(fed, [a, es], tmp, 'replica-killed');
    // One checkpointer at a time across the replicas: checkpoints were signed in size order, each once.
    const sizes = (await fed.sql<{ size: string }>('NL', 'SELECT size FROM ledger_checkpoint ORDER BY created_at, size')).map((r) => Number(r.size));
    expect(sizes.length).toBeGreaterThan(1);
    expect(sizes).toEqual([...new Set(sizes)].sort((x, y) => x - y));
    // NL's one ledger: gapless, no entry twice.
    const ledger = await fed.sql<{ n: number; hi: string }>('NL', 'SELECT count(*)::int AS n, max(seq) AS hi FROM ledger_entry');
    expect(Number(ledger[0].hi)).toBe(ledger[0].n - 1);
    expect(await fed.sql('NL', `SELECT message_id FROM ledger_entry WHERE event IN ('sent', 'delivered') GROUP BY event, message_id, counterpart HAVING count(*) > 1`)).toEqual([]);
    expect(await countRows(fed, 'ES', 'witness_alert')).toBe(0);

    // The killed replica comes back and serves again behind the same address.
    await b.restart();
    const before = [...proxy.served];
    for (let i = 0; i < 4; i++) expect((await fetch(`${proxy.url}/health/ready`)).status).toBe(200);
    expect(proxy.served.map((n, i) => n - before[i])).toEqual([2, 2]);
  }, 480000);
});
