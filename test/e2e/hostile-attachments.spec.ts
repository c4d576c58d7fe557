import { randomBytes } from 'crypto';
import { AttachmentDescriptor, AttachmentSealer, CHUNK_BYTES, ChunkRefusalCode, chunkHeaders, KEY_BYTES, MAX_CHUNK_MESSAGE_BYTES, orderedDescriptor, sealChunk } from '@liaison/attachments';
import { uuidv7 } from '@liaison/ids';
import { countRows, noticeRequest, TestFederation } from '../support/federation';
import { HostileKit, RawMessage } from '../support/hostile-kafka';
import { download, JPEG_TINY, PNG_1X1, sha256, upload } from '../support/attachments';

const TARGET = 'ES';

/** A file sealed as a sender's node would: its descriptor (with the content key) and its chunks. */
function sealed(bytes: Buffer, type: string, key = randomBytes(KEY_BYTES), id = uuidv7()): { descriptor: AttachmentDescriptor; chunks: Buffer[]; key: Buffer } {
  const sealer = new AttachmentSealer(key, id);
  const chunks = sealer.push(bytes);
  const { last, summary } = sealer.finish();
  chunks.push(last);
  return { descriptor: orderedDescriptor({ id, type, key: key.toString('base64url'), ...summary }), chunks, key };
}

/**
 * Hostile chunks written straight to ES's attachment topic with members' broker credentials,
 * bypassing every node. Each is refused with its reason (refused_chunk, ledger `rejected`) or,
 * for whole-file faults, the attachment is refused (digest, media type) or reported stalled; a
 * partial attachment is never offered; and a genuine transfer right behind them completes.
 */
describe('hostile chunks on the attachment topic', () => {
  let fed: TestFederation;
  let kit: HostileKit;
  let topic: string;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES', 'CO']);
    await Promise.all(['NL', TARGET].map((a) => fed.start(a, { LIAISON_ATTACHMENT_STALL_SECONDS: '5', LIAISON_ATTACHMENT_SWEEP_SECONDS: '1' })));
    kit = await HostileKit.create(fed);
    topic = fed.topics.attachments(TARGET);
  }, 180000);
  afterAll(async () => {
    await kit?.close();
    await fed?.destroy();
  });

  /** A genuine notice from NL to ES (and `also`) declaring `att`, written to ES's inbox; resolves once ES recorded it. */
  async function declare(att: AttachmentDescriptor[], also: string[] = []): Promise<string> {
    const claims = kit.claims('NL', [TARGET, ...also], { att });
    const value = (await kit.seal(claims)).value;
    await kit.write('NL', fed.topics.inbox(TARGET), [{ value, headers: kit.headers(value, claims, TARGET), key: claims.jti }]);
    await fed.waitFor(async () => (await countRows(fed, TARGET, 'attachment', `sender = 'NL' AND notice_id = $1`, [claims.jti])) === att.length, 'ES to register the attachments');
    return claims.jti;
  }

  const chunkMessage = (notice: string, attachment: string, index: number, value: Buffer, over: Partial<Record<'sender' | 'recipient', string>> = {}): RawMessage => ({
    value,
    headers: chunkHeaders({ sender: over.sender ?? 'NL', recipient: over.recipient ?? TARGET, notice, attachment, index }),
    key: `NL/${attachment}`,
  });

  /** One produce request per chunk: a record batch of several 256 KiB chunks would pass the broker's 1 MiB. */
  async function writeEach(writer: string, messages: RawMessage[]): Promise<void> {
    for (const m of messages) await kit.write(writer, topic, [m]);
  }

  const status = async (attachment: string) => (await fed.sql<{ status: string; status_code: string | null }>(TARGET, `SELECT status, status_code FROM attachment WHERE sender = 'NL' AND id = $1`, [attachment]))[0];

  async function expectRefused(attachment: string | null, code: ChunkRefusalCode): Promise<void> {
    await fed.waitFor(async () => (await countRows(fed, TARGET, 'refused_chunk', `code = $1 AND attachment_id IS NOT DISTINCT FROM $2::uuid`, [code, attachment])) >= 1, `a ${code} refusal`);
    expect(await countRows(fed, TARGET, 'ledger_entry', `event = 'rejected' AND kind = 'attachment-chunk' AND reason LIKE $1`, [`${code}:%`])).toBeGreaterThanOrEqual(1);
  }

  it('refuses chunks that are not the ones the sender signed, and never offers the partial attachment', async () => {
    const pdf = (n: number) => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(n)]);
    const a = sealed(pdf(CHUNK_BYTES + 1000), 'application/pdf');
    const b = sealed(pdf(CHUNK_BYTES + 1000), 'application/pdf');
    const notice = await declare([a.descriptor, b.descriptor]);
    const id = a.descriptor.id;
    // A co-recipient knows the content key: a chunk it encrypts authenticates, but is not the signed one.
    const forged = sealChunk(a.key, id, 0, false, randomBytes(CHUNK_BYTES));
    await writeEach('CO', [
      chunkMessage(notice, id, 0, b.chunks[0]), // another attachment's chunk
      chunkMessage(notice, id, 0, forged),
      chunkMessage(notice, id, 7, a.chunks[1]), // a wrong index
      chunkMessage(notice, id, 2, a.chunks[1]), // more chunks than declared
      chunkMessage(notice, id, 0, Buffer.alloc(MAX_CHUNK_MESSAGE_BYTES + 1)), // oversize
      chunkMessage(notice, id, 1, a.chunks[1].subarray(0, 100)), // cut short
      chunkMessage(notice, id, 0, a.chunks[0], { recipient: 'CO' }), // addressed to someone else
      chunkMessage(uuidv7(), id, 0, a.chunks[0]), // under another notice's name
      { value: a.chunks[0], headers: { 'liaison-sender': 'NL', 'liaison-chunk': 'zero' }, key: 'x' },
    ]);
    await expectRefused(id, 'chunk_digest_mismatch');
    await expectRefused(id, 'index_out_of_range');
    await expectRefused(id, 'oversize_chunk');
    await expectRefused(id, 'wrong_chunk_length');
    await expectRefused(id, 'not_addressed');
    await expectRefused(id, 'unknown_attachment');
    await expectRefused(null, 'malformed_chunk');
    expect(await countRows(fed, TARGET, 'refused_chunk', `attachment_id = $1`, [id])).toBe(8);
    expect(await countRows(fed, TARGET, 'attachment_chunk', `attachment_id = $1`, [id])).toBe(0);
    // One genuine chunk of two, twice: recorded once; the attachment is not offered.
    await writeEach('NL', [chunkMessage(notice, id, 0, a.chunks[0]), chunkMessage(notice, id, 0, a.chunks[0])]);
    await fed.waitFor(async () => (await countRows(fed, TARGET, 'attachment_chunk', `attachment_id = $1`, [id])) === 1, 'the genuine chunk recorded');
    const offered = await fed.get(TARGET, `/inbox/${notice}/attachments`, 'liaison_officer');
    expect(offered.body.find((x: { id: string }) => x.id === id)).toMatchObject({ available: false });
    expect((await download(fed, TARGET, `/inbox/${notice}/attachments/${id}`, 'liaison_officer')).status).toBe(409);
    // The rest of the genuine stream completes it, despite everything above.
    await writeEach('NL', [chunkMessage(notice, id, 1, a.chunks[1])]);
    await fed.waitFor(async () => (await status(id)).status === 'available', 'the attachment to be available');
    expect(await countRows(fed, TARGET, 'attachment_chunk', `attachment_id = $1`, [id])).toBe(2);
  });

  it('refuses a whole file whose digest or media type is not the signed one, and reports a stream that stops', async () => {
    const wrongDigest = sealed(Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(5000)]), 'application/pdf');
    wrongDigest.descriptor.sha256 = sha256(Buffer.from('another file'));
    const lying = sealed(JPEG_TINY, 'image/png'); // signed as PNG, bytes of a JPEG
    const truncated = sealed(Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(CHUNK_BYTES)]), 'application/pdf');
    const notice = await declare([wrongDigest.descriptor, lying.descriptor, truncated.descriptor]);
    await writeEach('NL', [
      chunkMessage(notice, wrongDigest.descriptor.id, 0, wrongDigest.chunks[0]),
      chunkMessage(notice, lying.descriptor.id, 0, lying.chunks[0]),
      chunkMessage(notice, truncated.descriptor.id, 0, truncated.chunks[0]), // of two: the second never comes
    ]);
    await fed.waitFor(async () => (await status(wrongDigest.descriptor.id)).status === 'refused', 'the wrong digest refused');
    expect(await status(wrongDigest.descriptor.id)).toEqual({ status: 'refused', status_code: 'digest_mismatch' });
    await fed.waitFor(async () => (await status(lying.descriptor.id)).status === 'refused', 'the lying type refused');
    expect(await status(lying.descriptor.id)).toEqual({ status: 'refused', status_code: 'media_type_mismatch' });
    await fed.waitFor(async () => (await status(truncated.descriptor.id)).status === 'stalled', 'the truncated stream reported stalled', 30000);
    // Each outcome is in ES's ledger and went back to NL in a signed attachment receipt.
    expect(await countRows(fed, TARGET, 'ledger_entry', `event = 'attachment-refused' AND re = $1`, [notice])).toBe(3);
    await fed.waitFor(async () => (await countRows(fed, 'NL', 'received_message', `sender = $1 AND kind = 'attachment-receipt'`, [TARGET])) >= 3, 'NL to receive the attachment receipts');
    for (const d of [wrongDigest, lying, truncated]) expect((await download(fed, TARGET, `/inbox/${notice}/attachments/${d.descriptor.id}`, 'liaison_officer')).status).toBe(409);
  });

  it('holds chunks that overtake their envelope, and records them when it arrives', async () => {
    const early = sealed(PNG_1X1, 'image/png');
    const claims = kit.claims('NL', [TARGET], { att: [early.descriptor] });
    await writeEach('NL', [chunkMessage(claims.jti, early.descriptor.id, 0, early.chunks[0])]);
    await fed.waitFor(async () => (await countRows(fed, TARGET, 'held_chunk', `attachment_id = $1`, [early.descriptor.id])) === 1, 'the chunk held');
    const value = (await kit.seal(claims)).value;
    await kit.write('NL', fed.topics.inbox(TARGET), [{ value, headers: kit.headers(value, claims, TARGET), key: claims.jti }]);
    await fed.waitFor(async () => (await status(early.descriptor.id))?.status === 'available', 'the held chunk to complete the attachment');
    expect(await countRows(fed, TARGET, 'held_chunk', `attachment_id = $1`, [early.descriptor.id])).toBe(0);
  });

  it('still completes a genuine transfer through the nodes after all of it', async () => {
    const u = await upload(fed, 'NL', PNG_1X1, 'image/png', 'after.png');
    const sent = await fed.post('NL', '/notices', 'operator', noticeRequest([TARGET], { attachments: [u.body.id] }));
    expect(sent.status).toBe(201);
    await fed.waitFor(async () => (await fed.get('NL', `/notices/${sent.body.id}/attachments`, 'operator')).body[0]?.recipients[0]?.status === 'delivered', 'NL to see it delivered');
    expect((await download(fed, TARGET, `/inbox/${sent.body.id}/attachments/${u.body.id}`, 'liaison_officer')).sha256).toBe(sha256(PNG_1X1));
  });
});
