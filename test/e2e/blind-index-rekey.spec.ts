import { noticeRequest, TestFederation } from '../support/federation';

/**
 * The blind index catches up with what it does not cover, on the real broker and databases:
 * notices stored before it existed (no index rows at all), rows indexed before the key's id was
 * recorded, and every notice after its key changed (ES restarted with another
 * LIAISON_BLIND_INDEX_KEY): each is indexed again with no step by the operator, search finds it,
 * none of the old key's hashes is left, and a later notice correlates with it.
 */
jest.setTimeout(240_000);

const PHONE = '+31 6 4000 0042';
const OTHER_KEY = '5a'.repeat(32);

describe('blind index: notices stored before it, or under another key, are indexed again', () => {
  let fed: TestFederation;
  let firstId: string;

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES']);
    await Promise.all(['NL', 'ES'].map((a) => fed.start(a)));
  });
  afterAll(async () => {
    await fed?.destroy();
  });

  const query = (phone: string) => {
    const request = noticeRequest(['ES'], { priority: 'normal' });
    return { ...request, body: { ...request.body, selectors: [{ kind: 'phone', value: phone }] } };
  };
  /** What ES's officer finds by the phone number. */
  const found = async () => (await fed.get('ES', `/search?selector_kind=phone&selector=${encodeURIComponent('0031 (0)6-4000 0042')}`, 'liaison_officer')).body.map((n: { id: string }) => n.id);
  const terms = async () => (await fed.sql<{ term: Buffer }>('ES', `SELECT term FROM notice_term WHERE notice_id = $1 ORDER BY term`, [firstId])).map((r) => r.term.toString('hex'));
  const keyIds = async () => (await fed.sql<{ key: string | null }>('ES', `SELECT DISTINCT encode(index_key, 'hex') AS key FROM notice_indexed`)).map((r) => r.key);

  it('indexes a received notice under the key it records, once', async () => {
    const sent = await fed.post('NL', '/notices', 'operator', query(PHONE));
    expect(sent.status).toBe(201);
    firstId = sent.body.id;
    await fed.waitFor(async () => (await fed.get('ES', `/inbox/${firstId}`, 'liaison_officer')).status === 200, 'ES to receive the query');
    expect(await found()).toEqual([firstId]);
    const keys = await keyIds();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^[0-9a-f]{16}$/);
  });

  it('indexes notices stored before the blind index existed (no index rows) and rows indexed before key ids were recorded', async () => {
    const before = await terms();
    expect(before.length).toBeGreaterThan(0);
    await fed.sql('ES', 'DELETE FROM notice_term');
    await fed.sql('ES', 'DELETE FROM notice_indexed');
    expect(await found()).toEqual([firstId]);
    expect(await terms()).toEqual(before);

    const [key] = await keyIds();
    await fed.sql('ES', 'UPDATE notice_indexed SET index_key = NULL');
    expect(await found()).toEqual([firstId]);
    expect(await terms()).toEqual(before);
    expect(await keyIds()).toEqual([key]);
  });

  it('after a change of key, indexes every notice again: found, no old hash left, and a later notice correlates with it', async () => {
    const before = await terms();
    const [oldKey] = await keyIds();
    await fed.stop('ES');
    await fed.start('ES', { LIAISON_BLIND_INDEX_KEY: OTHER_KEY });

    expect(await found()).toEqual([firstId]);
    const after = await terms();
    expect(after).toHaveLength(before.length);
    expect(after.filter((t) => before.includes(t))).toEqual([]);
    const keys = await keyIds();
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toBe(oldKey);
    // Nothing at ES is left under the old key.
    expect(await fed.sql('ES', `SELECT 1 FROM notice_indexed WHERE index_key IS DISTINCT FROM decode($1, 'hex')`, [keys[0]])).toEqual([]);

    // A later query with the same number in another notation correlates with the re-indexed one.
    const later = await fed.post('NL', '/notices', 'operator', query('+31640000042'));
    expect(later.status).toBe(201);
    await fed.waitFor(async () => (await fed.get('ES', `/inbox/${later.body.id}`, 'liaison_officer')).status === 200, 'ES to receive the later query');
    const casework = (await fed.get('ES', `/inbox/${later.body.id}/casework`, 'liaison_officer')).body;
    expect(casework.correlations).toEqual([expect.objectContaining({ id: firstId, sender: 'NL', shared: expect.arrayContaining(['phone']) })]);
  });
});
