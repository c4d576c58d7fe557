import { noticeRequest, TestFederation } from '../support/federation';

/** Overload is refused with 503 + Retry-After and nothing written, instead of queueing in memory. */
describe('send backpressure', () => {
  let fed: TestFederation;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES']);
    await fed.start('NL', { LIAISON_MAX_PENDING_SENDS: '1' });
  });
  afterAll(async () => {
    await fed?.destroy();
  });

  it('answers 503 with Retry-After beyond the pending-send limit; every 201 is recorded, nothing else', async () => {
    const token = await fed.token('NL', 'operator');
    const responses = await Promise.all(
      Array.from({ length: 40 }, () =>
        fetch(`http://127.0.0.1:${fed.port('NL')}/notices`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(noticeRequest(['ES'])),
        }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as { id?: string; code?: string } })),
      ),
    );
    const accepted = responses.filter((r) => r.status === 201);
    const refused = responses.filter((r) => r.status === 503);
    expect(accepted.length + refused.length).toBe(40);
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      expect(r.retryAfter).toBe('1');
      expect(r.body.code).toBe('busy');
    }
    const stored: { id: string }[] = await fed.sql('NL', `SELECT id FROM notice WHERE direction = 'outbound'`);
    expect(stored.map((n) => n.id).sort()).toEqual(accepted.map((r) => r.body.id).sort());
    // Still serving once the burst is over.
    expect((await fed.post('NL', '/notices', 'operator', noticeRequest(['ES']))).status).toBe(201);
  });
});
