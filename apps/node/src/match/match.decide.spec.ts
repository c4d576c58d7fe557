import type { NoticeClaims } from '@liaison/envelope';
import { epochSeconds, uuidv7 } from '@liaison/ids';
import { FuseFilter, MATCH_FILTER, MATCH_REQUEST, OprfHolder, OprfRequester, filterKeys, filterPartBodies, generateOprfKey, matchRequestBody, oprfKeyId, type Bucket } from '@liaison/match';
import type { InboundMessage } from '@liaison/transport';
import type { Opened } from '../exchange/inbox.decide';
import { checkPartners, filterItems, hitsOf, judgeFilterPart, judgeMatchRequests, keyDue, newOfKind, refusalItem, responseItem, withRefusals } from './match.decide';

const NOW = new Date('2026-12-02T10:00:00Z');
const policy = { perHour: 3600, burst: 10 };
let offset = 0;

function opened(iss: string, kind: string, body: unknown): Opened {
  const claims: NoticeClaims = { iss, aud: ['ES'], jti: uuidv7(), iat: epochSeconds(NOW), exp: epochSeconds(NOW) + 3600, kind, handling: { code: 'H0' }, priority: 'urgent', chseq: { ES: offset }, body };
  const message = { topic: 'p.inbox.ES', partition: 0, offset: String(offset++), key: null, value: Buffer.from('x'), headers: {}, timestamp: '0' } as InboundMessage;
  return { message, result: { ok: true, claims, digest: 'd'.repeat(64), signerKid: 'k' } };
}

describe('the holder judges match-requests', () => {
  let holder: OprfHolder;
  let keyId: string;
  let publicKey: Uint8Array;
  const request = async (count: number, id = keyId) => {
    const { blinded } = await (await OprfRequester.create(publicKey)).blind(Array.from({ length: count }, (_, i) => new TextEncoder().encode(`document:ES:A${i}`)));
    return matchRequestBody(id, blinded);
  };
  const judge = async (batch: Opened[], buckets = new Map<string, Bucket>()) =>
    judgeMatchRequests(batch, newOfKind(batch, () => true, MATCH_REQUEST), { partners: ['NL'], keyId, policy, buckets, now: NOW.getTime() });
  const codes = (j: Awaited<ReturnType<typeof judge>>) => j.map((x) => (x.ok ? 'evaluate' : x.code));

  beforeAll(async () => {
    const key = await generateOprfKey();
    holder = await OprfHolder.create(key.privateKey);
    publicKey = key.publicKey;
    keyId = oprfKeyId(publicKey);
  });

  it('admits a partner within its rate and refuses, each with its code: another agency, bad elements, another key, over the burst, over the rate', async () => {
    const good = await request(4);
    const batch = [
      opened('NL', MATCH_REQUEST, good),
      opened('CO', MATCH_REQUEST, good),
      opened('NL', MATCH_REQUEST, { ...good, elements: ['AAAA'] }),
      opened('NL', MATCH_REQUEST, { ...good, elements: [Buffer.alloc(32).toString('base64url')] }),
      opened('NL', MATCH_REQUEST, { ...good, elements: [Buffer.alloc(32, 0xff).toString('base64url')] }),
      opened('NL', MATCH_REQUEST, await request(1, '0123456789abcdef')),
      opened('NL', MATCH_REQUEST, await request(11)),
      opened('NL', MATCH_REQUEST, good),
      opened('NL', MATCH_REQUEST, good), // 4 + 4 spent of 10: 4 more is over the rate
      opened('NL', 'identity-query', {}),
    ];
    const buckets = new Map<string, Bucket>();
    const judged = await judge(batch, buckets);
    expect(codes(judged)).toEqual([
      'evaluate', 'match_not_authorised', 'match_malformed_element', 'match_identity_element', 'match_malformed_element', 'match_unknown_key', 'match_over_burst', 'evaluate', 'match_rate_limited',
    ]);
    const limited = judged[8];
    expect(!limited.ok && limited.retryAfterSeconds).toBe(2); // two tokens short at one a second
    // Refusals cost nothing: 8 of 10 spent.
    expect(buckets.get('NL')).toEqual({ tokens: 2, at: NOW.getTime() });
    // The refused become refusals of the batch, named; the admitted and the other kinds are left alone.
    const out = withRefusals(batch, judged);
    expect(out.map((o) => (o.result.ok ? 'ok' : o.result.code))).toEqual([
      'ok', 'match_not_authorised', 'match_malformed_element', 'match_identity_element', 'match_malformed_element', 'match_unknown_key', 'match_over_burst', 'ok', 'match_rate_limited', 'ok',
    ]);
  });

  it('answers an evaluation with the evaluated elements and the proof, and a refusal with its code, each `re` the request', async () => {
    const body = await request(2);
    const [j] = await judge([opened('NL', MATCH_REQUEST, body)]);
    if (!j.ok) throw new Error('refused');
    const { evaluated, proof } = await holder.blindEvaluate(j.elements);
    const answer = responseItem('ES', j.claims, keyId, evaluated, proof, NOW);
    expect(answer.draft).toMatchObject({ iss: 'ES', aud: ['NL'], kind: 'match-response', re: j.claims.jti, body: { v: 1, key_id: keyId } });
    const refusal = refusalItem('ES', j.claims, 'match_rate_limited', 'slow down', NOW, 30);
    expect(refusal.draft).toMatchObject({ kind: 'match-refusal', re: j.claims.jti, body: { v: 1, code: 'match_rate_limited', detail: 'slow down', retry_after_seconds: 30 } });
  });
});

describe('the requester', () => {
  it('accepts filter parts only from holders it may query, and refuses a malformed part', async () => {
    const key = await generateOprfKey();
    const [part] = filterPartBodies(key.publicKey, new Uint8Array(100));
    const claims = (iss: string, body: unknown) => (opened(iss, MATCH_FILTER, body).result as { claims: NoticeClaims }).claims;
    expect(judgeFilterPart(claims('ES', part), ['ES'])).toMatchObject({ ok: true, part: { part: 0, parts: 1 } });
    expect(judgeFilterPart(claims('CO', part), ['ES'])).toMatchObject({ ok: false, code: 'match_not_authorised' });
    expect(judgeFilterPart(claims('ES', { ...part, key_id: '0123456789abcdef' }), ['ES'])).toMatchObject({ ok: false, code: 'match_malformed_key' });
  });

  it('hits exactly the values in the holder set', async () => {
    const key = await generateOprfKey();
    const holder = await OprfHolder.create(key.privateKey);
    const held = ['document:ES:A1', 'document:ES:A2'].map((v) => new TextEncoder().encode(v));
    const filter = FuseFilter.build(filterKeys(await Promise.all(held.map((h) => holder.evaluate(h)))));
    const requester = await OprfRequester.create(key.publicKey);
    const asked = [held[1], new TextEncoder().encode('document:ES:B1'), held[0]];
    const { state, blinded } = await requester.blind(asked);
    const { evaluated, proof } = await holder.blindEvaluate(blinded);
    expect(hitsOf(await requester.finalize(state, evaluated, proof), filter)).toEqual([0, 2]);
  });

  it('asks only configured holders whose filter it holds, naming each refused one', () => {
    expect(checkPartners(['ES', 'CO', 'DE'], ['ES', 'CO'], new Set(['ES']))).toEqual([
      { field: '/partners/1', message: 'no filter from CO yet: nothing can be checked against it' },
      { field: '/partners/2', message: 'DE is not a holder this agency may query (LIAISON_MATCH_HOLDERS)' },
    ]);
  });
});

describe('filters and keys', () => {
  it('sends one envelope per part to every partner, valid past the key rotation by the grace, bounded by the federation limit', async () => {
    const key = await generateOprfKey();
    const filter = new Uint8Array(1_000_000);
    const items = filterItems('ES', ['CO', 'NL'], key.publicKey, filter, NOW, new Date(NOW.getTime() + 30 * 86_400_000), 366 * 86_400);
    expect(items).toHaveLength(3); // 1,000,000 bytes in parts of 384 KiB
    expect(items.every((i) => i.draft.kind === MATCH_FILTER && i.draft.aud.join() === 'CO,NL')).toBe(true);
    expect(items[0].draft.exp - items[0].draft.iat).toBe(44 * 86_400);
    expect(filterItems('ES', ['NL'], key.publicKey, filter, NOW, new Date(NOW.getTime() + 30 * 86_400_000), 7 * 86_400)[0].draft.exp - epochSeconds(NOW)).toBe(7 * 86_400);
  });

  it('rotates a key once it is as old as the schedule says', () => {
    const made = new Date('2026-11-01T10:00:00Z');
    expect(keyDue(made, new Date('2026-12-01T09:59:59Z'), 30)).toBe(false);
    expect(keyDue(made, new Date('2026-12-01T10:00:00Z'), 30)).toBe(true);
  });
});
