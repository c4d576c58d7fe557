import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { SHUTDOWN_DEADLINE_MS } from '../../apps/node/src/shutdown';
import { expectAttachmentArrivedOnce, sendLargeAttachment } from '../support/attachments';
import { countRows, TestFederation } from '../support/federation';
import { expectLedgersVerifyAndReconcile, expectNlToEsExactlyOnce, ProcessNode, ProcessPair, streamNotices } from '../support/process-node';

/**
 * Fault suite, part two: the shared infrastructure goes away while NL streams notices to ES —
 * the Kafka broker is stopped and started (mid-stream, then mid-transfer of an attachment), then
 * PostgreSQL is. Every other test file uses the
 * same broker and server, so jest.config.js leaves this file out of the main run and test/run.sh
 * runs it alone afterwards (LIAISON_FAULT_INFRA=1; as root, for pg_ctlcluster).
 */
const ROOT = join(__dirname, '..', '..');

describe('fault suite: broker and PostgreSQL outages (runs alone)', () => {
  let pair: ProcessPair;
  let fed: TestFederation;
  let nl: ProcessNode;
  let es: ProcessNode;
  let tmp: string;

  beforeAll(async () => {
    pair = await ProcessPair.start();
    ({ fed, nl, es, dir: tmp } = pair);
  }, 480000);
  afterAll(async () => {
    await pair?.destroy();
  }, 120000);

  const stream = (count: number) => streamNotices(fed, nl, count);

  const received = () => countRows(fed, 'ES', 'received_message', `kind = 'identity-query'`);

  it('Kafka broker stopped and started mid-stream: nothing lost, nothing twice, ledgers verify and reconcile', async () => {
    const streaming = stream(600);
    await fed.waitFor(async () => (await received()) >= 100, 'ES to record 100 notices', 120000);
    execFileSync('bash', [join(ROOT, 'deploy/local/broker.sh'), 'stop'], { stdio: 'inherit' });
    await new Promise((r) => setTimeout(r, 5000));
    execFileSync('bash', [join(ROOT, 'deploy/local/broker.sh'), 'start'], { stdio: 'inherit' });
    await streaming;
    await expectNlToEsExactlyOnce(fed);
    await expectLedgersVerifyAndReconcile(fed, [nl, es], tmp, 'broker-restarted');
    expect(nl.running && es.running).toBe(true);
  }, 300000);

  it('Kafka broker stopped and started mid-transfer of a 48 MB attachment: it completes, byte-identical, every chunk once', async () => {
    const sent = await sendLargeAttachment(fed, 48 * 1024 * 1024, 'fault-broker');
    await fed.waitFor(async () => (await countRows(fed, 'ES', 'attachment_chunk', `sender = 'NL' AND attachment_id = $1`, [sent.attachmentId])) >= 5, 'ES to record 5 chunks', 120000);
    execFileSync('bash', [join(ROOT, 'deploy/local/broker.sh'), 'stop'], { stdio: 'inherit' });
    expect(await countRows(fed, 'ES', 'attachment_chunk', `sender = 'NL' AND attachment_id = $1`, [sent.attachmentId])).toBeLessThan(sent.chunks);
    await new Promise((r) => setTimeout(r, 5000));
    execFileSync('bash', [join(ROOT, 'deploy/local/broker.sh'), 'start'], { stdio: 'inherit' });
    await expectAttachmentArrivedOnce(fed, sent);
    await expectLedgersVerifyAndReconcile(fed, [nl, es], tmp, 'broker-restarted-mid-transfer');
    expect(nl.running && es.running).toBe(true);
  }, 420000);

  it('PostgreSQL stopped and started mid-stream: nothing lost, nothing twice, ledgers verify and reconcile', async () => {
    const base = await received();
    const streaming = stream(600);
    await fed.waitFor(async () => (await received()) >= base + 100, 'ES to record 100 more notices', 120000);
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', '15', 'main', 'stop', '-m', 'fast'], { stdio: 'inherit' });
    await new Promise((r) => setTimeout(r, 5000));
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', '15', 'main', 'start'], { stdio: 'inherit' });
    await streaming;
    await expectNlToEsExactlyOnce(fed);
    await expectLedgersVerifyAndReconcile(fed, [nl, es], tmp, 'postgres-restarted');
    // No process needed a restart: both survived the outage on their own.
    expect(nl.running && es.running).toBe(true);
    expect(nl.restarts + es.restarts).toBe(0);
  }, 300000);

  it('SIGTERM while the broker is down: the node exits within its shutdown deadline, and starts again once the broker is back', async () => {
    execFileSync('bash', [join(ROOT, 'deploy/local/broker.sh'), 'stop'], { stdio: 'inherit' });
    try {
      const started = Date.now();
      await nl.stop(SHUTDOWN_DEADLINE_MS + 30_000); // SIGKILL only far past the deadline
      const took = Date.now() - started;
      console.log(`SIGTERM with the broker down: exited after ${took} ms`);
      expect(readFileSync(nl.logFile, 'utf8')).toMatch(/SIGTERM: stopping \(at most 10 s\)/);
      expect(nl.running).toBe(false);
      expect(took).toBeLessThan(SHUTDOWN_DEADLINE_MS + 5_000);
    } finally {
      execFileSync('bash', [join(ROOT, 'deploy/local/broker.sh'), 'start'], { stdio: 'inherit' });
    }
    await nl.restart();
    expect(nl.running).toBe(true);
    expect((await fetch(`${nl.url}/health/live`)).status).toBe(200);
  }, 180000);
});
