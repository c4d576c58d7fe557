import { countRows, noticeRequest, TestFederation } from '../support/federation';
import { download, generatedFile, JPEG_TINY, ledgersAgree, PNG_1X1, sha256, upload } from '../support/attachments';

const MB = 1024 * 1024;

/**
 * Attachments end to end on the real broker and databases: NL sends ES and CO an identity query
 * with two photos and a 40 MB PDF; both receive and verify them and can download byte-identical
 * files (whole and by range); NL sees every attachment delivered to each; the ledgers record the
 * attachments' facts and verify and reconcile offline. Then what is refused at upload and send.
 */
describe('attachments', () => {
  let fed: TestFederation;
  const pdf = generatedFile(40 * MB, Buffer.from('%PDF-1.7\n'), 'e2e-pdf');

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES', 'CO']);
    await Promise.all(['NL', 'ES', 'CO'].map((a) => fed.start(a)));
  }, 180000);
  afterAll(async () => {
    await fed?.destroy();
  });

  it('carries two photos and a 40 MB PDF to ES and CO, byte for byte, and tells NL each arrived', async () => {
    const front = await upload(fed, 'NL', JPEG_TINY, 'image/jpeg', 'front.jpg');
    const side = await upload(fed, 'NL', PNG_1X1, 'image/png', 'side.png');
    const file = await upload(fed, 'NL', pdf.stream(), 'application/pdf', 'dossier.pdf');
    for (const u of [front, side, file]) expect(u.status).toBe(201);
    expect(file.body).toMatchObject({ size: 40 * MB, sha256: pdf.sha256, chunks: 160, type: 'application/pdf', name: 'dossier.pdf', status: 'uploaded' });
    // Stored encrypted: no chunk holds the file's bytes.
    expect(await countRows(fed, 'NL', 'attachment_chunk', `position('%PDF-1.7'::bytea in bytes) > 0`)).toBe(0);

    const request = noticeRequest(['ES', 'CO'], { attachments: [front.body.id, side.body.id, file.body.id] });
    (request.body as Record<string, unknown>).photo = { attachment: front.body.id };
    const sent = await fed.post('NL', '/notices', 'operator', request);
    expect([sent.status, sent.body.detail]).toEqual([201, undefined]);
    const id = sent.body.id as string;

    const expected = new Map([[front.body.id, sha256(JPEG_TINY)], [side.body.id, sha256(PNG_1X1)], [file.body.id, pdf.sha256]]);
    for (const agency of ['ES', 'CO']) {
      await fed.waitFor(async () => {
        const list = await fed.get(agency, `/inbox/${id}/attachments`, 'liaison_officer');
        return list.status === 200 && list.body.length === 3 && list.body.every((a: { available: boolean }) => a.available);
      }, `${agency} to hold all three attachments`, 120000);
      const list = (await fed.get(agency, `/inbox/${id}/attachments`, 'liaison_officer')).body as { id: string; sha256: string; name: string }[];
      expect(list.map((a) => a.name).sort()).toEqual(['dossier.pdf', 'front.jpg', 'side.png']);
      for (const a of list) {
        const got = await download(fed, agency, `/inbox/${id}/attachments/${a.id}`, 'liaison_officer');
        expect([got.status, got.sha256]).toEqual([200, expected.get(a.id)]);
        expect(got.headers.get('x-content-type-options')).toBe('nosniff');
        expect(got.headers.get('content-security-policy')).toContain("default-src 'none'");
        expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename=/);
      }
      // Each chunk recorded once.
      expect(await countRows(fed, agency, 'attachment_chunk', `sender = 'NL'`)).toBe(1 + 1 + 160);
      // The notice's body refers to its photo, which the officer sees.
      const shown = await fed.get(agency, `/inbox/${id}`, 'liaison_officer');
      expect(shown.body.body.photo).toEqual({ attachment: front.body.id });
      const photo = await download(fed, agency, `/inbox/${id}/attachments/${front.body.id}?disposition=inline`, 'liaison_officer');
      expect([photo.status, photo.headers.get('content-type'), photo.headers.get('content-disposition')?.split(';')[0]]).toEqual([200, 'image/jpeg', 'inline']);
    }

    // A byte range of the PDF, across a chunk boundary, is the same bytes.
    const whole = pdf.stream();
    const wanted: Buffer[] = [];
    let at = 0;
    for await (const piece of whole as AsyncIterable<Buffer>) {
      const from = Math.max(0, 262_100 - at);
      const to = Math.min(piece.length, 262_200 - at);
      if (from < to) wanted.push(piece.subarray(from, to));
      at += piece.length;
      if (at > 262_200) break;
    }
    const ranged = await download(fed, 'ES', `/inbox/${id}/attachments/${file.body.id}`, 'liaison_officer', { range: 'bytes=262100-262199' });
    expect([ranged.status, ranged.headers.get('content-range'), ranged.length, ranged.sha256]).toEqual([206, `bytes 262100-262199/${40 * MB}`, 100, sha256(Buffer.concat(wanted))]);
    expect((await download(fed, 'ES', `/inbox/${id}/attachments/${file.body.id}`, 'liaison_officer', { range: `bytes=${40 * MB}-` })).status).toBe(416);

    // NL sees each attachment delivered to each recipient.
    await fed.waitFor(async () => {
      const list = (await fed.get('NL', `/notices/${id}/attachments`, 'operator')).body as { recipients: { status: string }[] }[];
      return list.length === 3 && list.every((a) => a.recipients.length === 2 && a.recipients.every((r) => r.status === 'delivered'));
    }, 'NL to see every attachment delivered', 60000);
    const mine = await download(fed, 'NL', `/notices/${id}/attachments/${file.body.id}`, 'operator');
    expect([mine.status, mine.sha256]).toEqual([200, pdf.sha256]);

    // The ledgers hold the facts (type, size, SHA-256), never content; they verify and reconcile.
    const facts = await fed.harness.sql<{ event: string; digest: string }>('NL', `SELECT event, digest FROM ledger_entry WHERE re = $1 AND event LIKE 'attachment-%'`, [id]);
    expect(facts.filter((f) => f.event === 'attachment-sent').map((f) => f.digest).sort()).toEqual([...expected.values()].sort());
    expect(facts.filter((f) => f.event === 'attachment-delivered')).toHaveLength(6);
    await fed.waitFor(() => ledgersAgree(fed, ['NL', 'ES', 'CO']), 'the ledgers to verify and reconcile', 90000);
  }, 300000);

  it('refuses an upload whose bytes are not of its declared type, an unknown type, and keeps nothing of it', async () => {
    const before = await countRows(fed, 'NL', 'attachment');
    const lying = await upload(fed, 'NL', PNG_1X1, 'image/jpeg', 'photo.jpg');
    expect([lying.status, lying.body.code]).toEqual([415, 'media_type_mismatch']);
    const html = await upload(fed, 'NL', Buffer.from('<html></html>'), 'text/html');
    expect([html.status, html.body.code, html.body.errors[0].field]).toEqual([415, 'unsupported_media_type', 'Content-Type']);
    const badName = await upload(fed, 'NL', PNG_1X1, 'image/png', '../etc/passwd');
    expect([badName.status, badName.body.errors[0].field]).toEqual([400, 'name']);
    expect(await countRows(fed, 'NL', 'attachment')).toBe(before);
  });

  it('refuses a photo that is not one of the notice\'s images, an upload that is not yours, and sending one upload twice', async () => {
    const pdfUpload = await upload(fed, 'NL', Buffer.from('%PDF-1.4\n%%EOF\n'), 'application/pdf', 'a.pdf');
    const notImage = noticeRequest(['ES'], { attachments: [pdfUpload.body.id] });
    (notImage.body as Record<string, unknown>).photo = { attachment: pdfUpload.body.id };
    const refused = await fed.post('NL', '/notices', 'operator', notImage);
    expect([refused.status, refused.body.errors[0].field]).toEqual([400, '/body']);

    const someoneElses = await upload(fed, 'NL', PNG_1X1, 'image/png', 'b.png', 'liaison_officer');
    const notYours = await fed.post('NL', '/notices', 'operator', noticeRequest(['ES'], { attachments: [someoneElses.body.id] }));
    expect([notYours.status, notYours.body.errors[0].field]).toEqual([400, '/attachments/0']);

    const once = await fed.post('NL', '/notices', 'operator', noticeRequest(['ES'], { attachments: [pdfUpload.body.id] }));
    expect(once.status).toBe(201);
    const twice = await fed.post('NL', '/notices', 'operator', noticeRequest(['ES'], { attachments: [pdfUpload.body.id] }));
    expect([twice.status, twice.body.code]).toEqual([409, 'attachment_already_sent']);
  });

  it('serves attachments only to the roles that may read the notice', async () => {
    const u = await upload(fed, 'NL', PNG_1X1, 'image/png', 'c.png');
    const sent = await fed.post('NL', '/notices', 'operator', noticeRequest(['ES'], { attachments: [u.body.id] }));
    const id = sent.body.id as string;
    await fed.waitFor(async () => (await fed.get('ES', `/inbox/${id}/attachments`, 'liaison_officer')).body?.[0]?.available === true, 'ES to hold it');
    expect((await download(fed, 'ES', `/inbox/${id}/attachments/${u.body.id}`, 'auditor')).status).toBe(403);
    expect((await download(fed, 'ES', `/inbox/${id}/attachments/${u.body.id}`, 'operator')).status).toBe(403);
    expect((await download(fed, 'NL', `/notices/${id}/attachments/${u.body.id}`, 'liaison_officer')).status).toBe(403);
    expect((await upload(fed, 'NL', PNG_1X1, 'image/png', 'd.png', 'auditor')).status).toBe(403);
  });
});
