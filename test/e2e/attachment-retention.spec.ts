import { countRows, noticeRequest, TestFederation } from '../support/federation';
import { download, JPEG_TINY, ledgersAgree, upload } from '../support/attachments';

/**
 * Retention of attachment content (LIAISON_ATTACHMENT_RETENTION, per notice kind, off by
 * default): at its end the chunks and the content key are deleted on both sides, the facts stay
 * (type, size, SHA-256, in the ledger with an `attachment-deleted` entry), the attachment is no
 * longer served, and the ledgers still verify and reconcile offline.
 */
describe('attachment retention', () => {
  let fed: TestFederation;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES']);
    await Promise.all(['NL', 'ES'].map((a) => fed.start(a)));
  }, 180000);
  afterAll(async () => {
    await fed?.destroy();
  });

  it('deletes content at the end of its kind\'s retention, keeps the facts, and the ledgers still verify and reconcile', async () => {
    const photo = await upload(fed, 'NL', JPEG_TINY, 'image/jpeg', 'kept-for-a-while.jpg');
    const sent = await fed.post('NL', '/notices', 'operator', noticeRequest(['ES'], { attachments: [photo.body.id] }));
    const id = sent.body.id as string;
    await fed.waitFor(async () => (await fed.get('NL', `/notices/${id}/attachments`, 'operator')).body?.[0]?.recipients?.[0]?.status === 'delivered', 'the attachment delivered');
    // Off by default: nothing is deleted.
    expect(await countRows(fed, 'ES', 'attachment_chunk', `attachment_id = $1`, [photo.body.id])).toBe(1);

    // Both nodes restarted with a retention of 2 s for identity queries (reports: kept).
    const retention = { LIAISON_ATTACHMENT_RETENTION: 'identity-query=2s,intelligence-report=1y', LIAISON_ATTACHMENT_SWEEP_SECONDS: '1' };
    for (const agency of ['NL', 'ES']) {
      await fed.stop(agency);
      await fed.start(agency, retention);
    }
    for (const agency of ['NL', 'ES']) {
      await fed.waitFor(async () => (await countRows(fed, agency, 'attachment', `id = $1 AND status = 'deleted'`, [photo.body.id])) === 1, `${agency} to delete the content`);
      expect(await countRows(fed, agency, 'attachment_chunk', `attachment_id = $1`, [photo.body.id])).toBe(0);
      expect(await countRows(fed, agency, 'attachment', `id = $1 AND octet_length(wrapped_key) = 0 AND sha256 <> ''`, [photo.body.id])).toBe(1);
      expect(await countRows(fed, agency, 'ledger_entry', `event = 'attachment-deleted' AND message_id = $1 AND digest IS NOT NULL`, [photo.body.id])).toBe(1);
    }
    const gone = await download(fed, 'ES', `/inbox/${id}/attachments/${photo.body.id}`, 'liaison_officer');
    expect(gone.status).toBe(409);
    await fed.waitFor(() => ledgersAgree(fed, ['NL', 'ES']), 'the ledgers to verify and reconcile after the deletion', 90000);
  }, 240000);

  it('refuses a retention setting it cannot read, naming the variable', async () => {
    await expect(fed.start('NL', { LIAISON_ATTACHMENT_RETENTION: 'identity-query=forever' })).rejects.toThrow(/LIAISON_ATTACHMENT_RETENTION/);
  });
});
