import { randomBytes } from 'node:crypto';
import { MatchInputError, OprfHolder, OprfRequester, generateOprfKey, oprfKeyId, readElements } from './oprf';
import { FuseFilter, filterKeys } from './fuse-filter';
import { assembleFilter, filterPartBodies, matchRefusalBody, matchRequestBody, matchResponseBody, readFilterPart, readMatchRequest, readMatchResponse } from './messages';

const code = (f: () => unknown): string => {
  try {
    f();
    return 'accepted';
  } catch (error) {
    return error instanceof MatchInputError ? error.code : String(error);
  }
};

describe('match message bodies', () => {
  it('a whole query through the bodies: request, response, filter parts, hit and no-hit', async () => {
    const key = await generateOprfKey();
    const holder = await OprfHolder.create(key.privateKey);
    const held = ['document:ES:X1234567', 'document:ES:Y7654321'].map((v) => new TextEncoder().encode(v));
    const filter = FuseFilter.build(filterKeys(await Promise.all(held.map((h) => holder.evaluate(h)))));
    // The filter travels in small parts here to exercise reassembly; out of order.
    const parts = filterPartBodies(key.publicKey, filter.serialize(), 16).map((b) => readFilterPart(JSON.parse(JSON.stringify(b))));
    expect(parts.length).toBeGreaterThan(2);
    const received = FuseFilter.deserialize(assembleFilter([...parts].reverse()), 1000);

    const requester = await OprfRequester.create(parts[0].publicKey);
    const queried = [held[0], new TextEncoder().encode('document:ES:Z0000000')];
    const { state, blinded } = await requester.blind(queried);
    const request = readMatchRequest(JSON.parse(JSON.stringify(matchRequestBody(oprfKeyId(key.publicKey), blinded))));
    expect(request.keyId).toBe(oprfKeyId(key.publicKey));
    const answer = await holder.blindEvaluate(await readElements(request.elements, 100));
    const response = readMatchResponse(JSON.parse(JSON.stringify(matchResponseBody(request.keyId, answer.evaluated, answer.proof))));
    const outputs = await requester.finalize(state, response.evaluated, response.proof);
    expect(outputs.map((o) => received.has(o))).toEqual([true, false]);
  });

  it('refuses malformed bodies with a stable code', () => {
    const element = Buffer.alloc(32, 1).toString('base64url');
    const ok = { v: 1, key_id: '0123456789abcdef', elements: [element] };
    expect(code(() => readMatchRequest(ok))).toBe('accepted');
    expect(code(() => readMatchRequest({ ...ok, extra: 1 }))).toBe('malformed_element');
    expect(code(() => readMatchRequest({ ...ok, v: 2 }))).toBe('malformed_element');
    expect(code(() => readMatchRequest({ ...ok, key_id: 'ABC' }))).toBe('malformed_key');
    expect(code(() => readMatchRequest({ ...ok, elements: [] }))).toBe('no_elements');
    expect(code(() => readMatchRequest({ ...ok, elements: Array(101).fill(element) }))).toBe('too_many_elements');
    expect(code(() => readMatchRequest({ ...ok, elements: [element + '='] }))).toBe('malformed_element');
    expect(code(() => readMatchRequest({ ...ok, elements: [Buffer.alloc(31).toString('base64url')] }))).toBe('malformed_element');
    expect(code(() => readMatchRequest([ok]))).toBe('malformed_element');
    expect(code(() => readMatchResponse({ v: 1, key_id: '0123456789abcdef', evaluated: [element], proof: element }))).toBe('malformed_element');
  });

  it('refuses filter parts that lie: another key id, missing or foreign parts, a wrong digest', async () => {
    const key = await generateOprfKey();
    const bytes = new Uint8Array(randomBytes(100));
    const bodies = filterPartBodies(key.publicKey, bytes, 40);
    expect(code(() => readFilterPart({ ...bodies[0], key_id: 'ffffffffffffffff' }))).toBe('malformed_key');
    expect(code(() => readFilterPart({ ...bodies[0], part: 3 }))).toBe('malformed_element');
    const parts = bodies.map((b) => readFilterPart(b));
    expect(Buffer.from(assembleFilter(parts)).equals(Buffer.from(bytes))).toBe(true);
    expect(code(() => assembleFilter(parts.slice(1)))).toBe('count_mismatch');
    expect(code(() => assembleFilter([parts[0], parts[0], parts[2]]))).toBe('count_mismatch');
    const forged = parts.map((p, i) => (i === 1 ? { ...p, bytes: new Uint8Array(p.bytes.length) } : p));
    expect(code(() => assembleFilter(forged))).toBe('malformed_element');
  });

  it('the examples of docs/PROTOCOL.md §6, byte for byte: RFC 9497 A.1.2.1 carried in a request and a response', async () => {
    const hex = (x: string) => Uint8Array.from(Buffer.from(x, 'hex'));
    const fixed = (x: string) => ({ next: () => hex(x) });
    const pk = hex('c803e2cc6b05fc15064549b5920659ca4a77b2cca6f04f6b357009335476ad4e');
    const requester = await OprfRequester.create(pk, fixed('64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706'));
    const holder = await OprfHolder.create(hex('e6f73f344b79b379f1a0dd37e07ff62e38d9f71345ce62ae3a9bc60b04ccd909'), fixed('222a5e897cf59db8145db8d16e597e8facb80ae7d4e26d9881aa6f61d645fc0e'));
    const { state, blinded } = await requester.blind([Uint8Array.of(0)]);
    expect(JSON.stringify(matchRequestBody(oprfKeyId(pk), blinded))).toBe('{"v":1,"key_id":"bc68814ba180bc94","elements":["hj8zDMGhJZ7VpZmKI6z9N_tDUaeTpbPAkLZC3cQ5uUU"]}');
    const { evaluated, proof } = await holder.blindEvaluate(blinded);
    expect(JSON.stringify(matchResponseBody(oprfKeyId(pk), evaluated, proof))).toBe(
      '{"v":1,"key_id":"bc68814ba180bc94","evaluated":["qo-gSHZNViOGhnlAL_YQjSUhiE-hOM1_nHZpqaAUJn4"],"proof":"3e-TdyaS5TXRpTkD2yQ2c1XMLMeN6Ts75aj_zGmF3QZtQ0ZCHRe_UReiof8Pyyp1n1ilOd--hXpAvOTPSexgDQ"}',
    );
    expect(Buffer.from((await requester.finalize(state, evaluated, proof))[0]).toString('hex').slice(0, 16)).toBe('b58cfbe118e0cb94');
    expect(JSON.stringify(matchRefusalBody('match_rate_limited', 'NL is over its rate of 1000 evaluations an hour; retry in 36 s', 36))).toBe(
      '{"v":1,"code":"match_rate_limited","detail":"NL is over its rate of 1000 evaluations an hour; retry in 36 s","retry_after_seconds":36}',
    );
  });
});
