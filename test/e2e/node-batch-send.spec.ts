import { BATCH_SEND_MAX } from '@liaison/notices';
import { countRows, noticeRequest, TestFederation } from '../support/federation';

/**
 * POST /notices/batch on real nodes: each notice of a batch is validated and written on its own
 * (a refused one leaves the others sent, its problem names the notice's fields), the sent ones
 * arrive once each, a malformed batch is refused whole with nothing written, and only operators
 * may send.
 */
describe('batch send', () => {
  let fed: TestFederation;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES']);
    await Promise.all(['NL', 'ES'].map((a) => fed.start(a)));
  }, 180000);
  afterAll(async () => {
    await fed?.destroy();
  });

  const outbound = () => countRows(fed, 'NL', 'notice', `direction = 'outbound'`);

  it('sends every valid notice, answers each in order, and refuses the invalid ones alone', async () => {
    const before = await outbound();
    const noReason = noticeRequest(['ES']);
    delete (noReason.body as Record<string, unknown>).reason;
    const notices = [noticeRequest(['ES']), noReason, noticeRequest(['XX']), noticeRequest(['ES'], { priority: 'normal' })];
    const answer = await fed.post('NL', '/notices/batch', 'operator', { notices });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ sent: 2, refused: 2 });
    const results = answer.body.results;
    expect(results.map((r: { status: number }) => r.status)).toEqual([201, 400, 400, 201]);
    expect(results[1].problem).toMatchObject({ code: 'invalid_request', errors: [expect.objectContaining({ field: '/notices/1/body/reason' })] });
    expect(results[2].problem.errors.map((e: { field: string }) => e.field)).toContain('/notices/2/recipients/0');
    const ids = [results[0].id, results[3].id];
    expect(await outbound()).toBe(before + 2);
    // Both arrive at ES once each, and each is delivered back at NL.
    await fed.waitFor(async () => (await countRows(fed, 'NL', 'notice_recipient', `notice_id = ANY($1::uuid[]) AND status = 'DELIVERED'`, [ids])) === 2, 'both DELIVERED at NL');
    expect(await countRows(fed, 'ES', 'received_message', `sender = 'NL' AND message_id = ANY($1::uuid[])`, [ids])).toBe(2);
  });

  it('refuses a malformed batch whole and writes nothing', async () => {
    const before = await outbound();
    const malformed = [
      {},
      { notices: [] },
      { notices: noticeRequest(['ES']) },
      { notices: [noticeRequest(['ES'])], extra: true },
      { notices: Array.from({ length: BATCH_SEND_MAX + 1 }, () => ({ kind: 'identity-query' })) },
    ];
    for (const body of malformed) {
      const answer = await fed.post('NL', '/notices/batch', 'operator', body);
      expect([answer.status, answer.body.code, answer.body.errors?.[0]?.field]).toEqual([400, 'invalid_request', '/notices']);
    }
    expect(await outbound()).toBe(before);
  });

  it('is for operators only', async () => {
    const answer = await fed.post('NL', '/notices/batch', 'liaison_officer', { notices: [noticeRequest(['ES'])] });
    expect(answer.status).toBe(403);
    expect((await fed.post('NL', '/notices/batch', null, { notices: [noticeRequest(['ES'])] })).status).toBe(401);
  });
});
