import { expectAttachmentArrivedOnce, sendLargeAttachment } from '../support/attachments';
import { countRows, TestFederation } from '../support/federation';
import { expectLedgersVerifyAndReconcile, ProcessNode, ProcessPair } from '../support/process-node';

const MB = 1024 * 1024;

/**
 * Faults in the middle of a 48 MB transfer, on real node processes, the real broker and real
 * databases: the receiver is SIGKILLed once some of the chunks are recorded, then the sender is
 * SIGKILLed once some of them are published. After each restart the transfer completes by
 * itself: the file is byte-identical at ES, every chunk recorded once, its arrival in ES's
 * ledger once, NL sees it delivered once, and both ledgers verify and reconcile. A broker
 * restart mid-transfer is in fault-infra.spec.ts (it stops the shared broker, so runs alone).
 */
describe('fault suite: SIGKILL mid-transfer of an attachment', () => {
  let pair: ProcessPair;
  let fed: TestFederation;
  let nl: ProcessNode;
  let es: ProcessNode;

  beforeAll(async () => {
    pair = await ProcessPair.start();
    ({ fed, nl, es } = pair);
  }, 480000);
  afterAll(async () => {
    await pair?.destroy();
  }, 120000);

  const recordedAtEs = (attachmentId: string) => countRows(fed, 'ES', 'attachment_chunk', `sender = 'NL' AND attachment_id = $1`, [attachmentId]);

  it('SIGKILL of the receiver mid-transfer: it completes after restart, every chunk recorded once, byte-identical', async () => {
    const sent = await sendLargeAttachment(fed, 48 * MB, 'fault-receiver');
    await fed.waitFor(async () => (await recordedAtEs(sent.attachmentId)) >= 5, 'ES to record 5 chunks', 120000);
    await es.kill();
    const atKill = await recordedAtEs(sent.attachmentId);
    expect(atKill).toBeLessThan(sent.chunks);
    await es.restart();
    await expectAttachmentArrivedOnce(fed, sent);
    await expectLedgersVerifyAndReconcile(fed, [nl, es], pair.dir, 'receiver-killed');
  }, 480000);

  it('SIGKILL of the sender mid-transfer: it resumes where it was after restart, byte-identical, once', async () => {
    const sent = await sendLargeAttachment(fed, 48 * MB, 'fault-sender');
    const published = async () => (await fed.sql<{ n: number }>('NL', `SELECT next_chunk AS n FROM attachment_transfer WHERE attachment_id = $1`, [sent.attachmentId]))[0]?.n ?? 0;
    await fed.waitFor(async () => (await published()) >= 5, 'NL to publish 5 chunks', 120000);
    await nl.kill();
    const atKill = await published();
    expect(atKill).toBeLessThan(sent.chunks);
    await nl.restart();
    await expectAttachmentArrivedOnce(fed, sent);
    await expectLedgersVerifyAndReconcile(fed, [nl, es], pair.dir, 'sender-killed');
  }, 480000);
});
