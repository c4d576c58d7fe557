import { readFileSync, statSync } from 'fs';
import { BROKERS, cluster } from '../support/cluster';
import { countRows, sendNotices, TestFederation } from '../support/federation';
import { expectLedgersVerifyAndReconcile, expectNlToEsExactlyOnce, ProcessNode, ProcessPair, streamNotices } from '../support/process-node';

/**
 * Fault suite, part three: a replicated Kafka cluster (deploy/local/cluster.sh: three dedicated
 * KRaft controllers, three brokers, every federation topic at replication factor 3 with
 * min.insync.replicas 2, producers at acks=all) loses brokers and controllers while NL streams
 * notices to ES. It starts and stops its own cluster on its own ports (the shared broker is not
 * touched), but six more JVMs are heavy: jest.config.js leaves it out of the main run and
 * test/run.sh runs it alone, last (LIAISON_FAULT_CLUSTER=1).
 */
describe('fault suite: a three-broker cluster loses brokers and controllers (runs alone)', () => {
  let pair: ProcessPair;
  let fed: TestFederation;
  let nl: ProcessNode;
  let es: ProcessNode;
  let tmp: string;
  const PER_FAULT = 700;

  beforeAll(async () => {
    await cluster.start();
    pair = await ProcessPair.start({ kafkaBrokers: await cluster.brokers() });
    ({ fed, nl, es, dir: tmp } = pair);
  }, 480000);
  afterAll(async () => {
    try {
      await cluster.start(); // destroy() deletes the topics: every broker back first
      await pair?.destroy();
    } finally {
      await cluster.stop();
    }
  }, 240000);

  const received = () => countRows(fed, 'ES', 'received_message', `kind = 'identity-query'`);

  /** Streams PER_FAULT notices and runs `fault` once ES has recorded the first 150 of them. */
  async function streamThrough(fault: () => Promise<void>): Promise<void> {
    const base = await received();
    const streaming = streamNotices(fed, nl, PER_FAULT);
    await fed.waitFor(async () => (await received()) >= base + 150, 'ES to record 150 of the stream', 180000);
    await fault();
    expect(await streaming).toBe(PER_FAULT);
    await fed.waitFor(() => cluster.fullyReplicated(), 'every partition back at three in-sync replicas', 120000);
  }

  async function expectAllThere(label: string): Promise<void> {
    await expectNlToEsExactlyOnce(fed);
    await expectLedgersVerifyAndReconcile(fed, [nl, es], tmp, label);
    // Nothing needed a restart or a manual repair.
    expect(nl.running && es.running).toBe(true);
    expect(nl.restarts + es.restarts).toBe(0);
  }

  it('topics are replicated three times with two in sync required', async () => {
    const inbox = await cluster.partitions(fed.topics.inbox('ES'));
    expect(inbox).toHaveLength(3);
    for (const p of inbox) expect(p.replicas.sort()).toEqual(BROKERS);
    for (const topic of [fed.topics.inbox('NL'), fed.topics.checkpoints, fed.topics.directory, fed.topics.deadLetter('ES')]) {
      for (const p of await cluster.partitions(topic)) expect(p.replicas).toHaveLength(3);
    }
  });

  it('kill -9 of the broker leading the inbox partitions mid-stream: nothing lost, nothing twice', async () => {
    let victim = 0;
    await streamThrough(async () => {
      victim = await cluster.mainLeader(fed.topics.inbox('ES'));
      await cluster.kill(victim);
      // Its partitions get new leaders among the in-sync replicas.
      await fed.waitFor(async () => (await cluster.partitions(fed.topics.inbox('ES'))).every((p) => p.leader !== victim && p.leader > 0), 'new inbox leaders', 60000);
      await fed.waitFor(async () => (await received()) >= 300, 'ES to go on recording', 180000);
      await cluster.start(victim);
    });
    expect(victim).toBeGreaterThan(3);
    await expectAllThere('leader-killed');
  }, 480000);

  it('kill -9 of the active controller mid-stream: a new one is elected, nothing lost, nothing twice', async () => {
    let first = 0;
    await streamThrough(async () => {
      first = await cluster.controller();
      await cluster.kill(first);
      await fed.waitFor(async () => ![0, first].includes(await cluster.controller()), 'another active controller', 60000);
      await cluster.start(first);
    });
    expect(first).toBeLessThanOrEqual(3);
    await expectAllThere('controller-killed');
  }, 480000);

  it('rolling restart of all three brokers mid-stream: nothing lost, nothing twice', async () => {
    await streamThrough(async () => {
      for (const broker of BROKERS) {
        await cluster.stop(broker);
        await cluster.start(broker);
        await fed.waitFor(() => cluster.fullyReplicated(), `broker ${broker} back in sync`, 120000);
      }
    });
    await expectAllThere('rolling-restart');
  }, 600000);

  it('two brokers stopped: sends are accepted but held (never acknowledged and lost), and all flow once a broker is back', async () => {
    const [a, b] = BROKERS;
    await cluster.stop(a, b);
    const logFrom = statSync(nl.logFile).size;
    const held = await sendNotices(fed, 'NL', ['ES'], 100, 4, nl.url);
    // The relay tried: with one in-sync replica the broker refuses acks=all writes (NOT_ENOUGH_REPLICAS).
    await fed.waitFor(async () => readFileSync(nl.logFile, 'utf8').slice(logFrom).includes('outbox relay paused'), 'the relay to be refused', 120000);
    expect(await countRows(fed, 'NL', 'outbox')).toBeGreaterThanOrEqual(held.length);
    expect(await countRows(fed, 'ES', 'notice', `id = ANY($1::uuid[])`, [held])).toBe(0);
    expect(await countRows(fed, 'NL', 'notice_recipient', `status = 'SENT' AND notice_id = ANY($1::uuid[])`, [held])).toBe(held.length);

    await cluster.start(a);
    await expectAllThere('two-brokers-down');
    await cluster.start(b);
    await fed.waitFor(() => cluster.fullyReplicated(), 'the cluster whole again', 120000);
  }, 480000);
});
