import { randomBytes } from 'crypto';
import { DEFAULT_MAX_BYTES } from '@liaison/envelope';
import { FILTER_PART_BYTES, MATCH_FILTER, assembleFilter, filterPartBodies, generateOprfKey, readFilterPart } from '@liaison/match';
import { makeFederation, makeOpener, makeSealer, uuidv7 } from '../../libs/envelope/src/testing/fixtures';

/**
 * A filter part travels base64url-encoded three times (body, JWS payload, JWE ciphertext): a full
 * part sealed to five partners must stay under the 1 MiB envelope limit, and open at a partner.
 */
describe('match-filter envelopes', () => {
  it('a full part sealed to five partners fits the 1 MiB limit and opens; the parts reassemble to the filter', async () => {
    const fed = await makeFederation(6);
    const at = new Date('2026-06-01T00:00:00Z');
    const key = await generateOprfKey();
    const filter = randomBytes(2 * FILTER_PART_BYTES + 1000);
    const bodies = filterPartBodies(key.publicKey, filter);
    expect(bodies).toHaveLength(3);
    const aud = fed.agencies.slice(1).map((a) => a.code);
    const sealer = makeSealer(fed, 0, at);
    const iat = Math.floor(at.getTime() / 1000);
    const sealed = await Promise.all(bodies.map((body, i) => sealer.seal({
      iss: fed.agencies[0].code, aud, jti: uuidv7(at.getTime() + i), iat, exp: iat + 86_400, kind: MATCH_FILTER, handling: { code: 'H0' }, priority: 'normal',
      chseq: Object.fromEntries(aud.map((a) => [a, i])), body,
    })));
    expect(Math.max(...sealed.map((s) => s.value.length))).toBeLessThan(DEFAULT_MAX_BYTES);
    const opener = makeOpener(fed, 3, at);
    const parts = [];
    for (const s of sealed) {
      const opened = await opener.open(s.value, s.headersFor(aud[2]));
      if (!opened.ok) throw new Error(`${opened.code}: ${opened.detail}`);
      parts.push(readFilterPart(opened.claims.body));
    }
    expect(Buffer.from(assembleFilter(parts.reverse())).equals(filter)).toBe(true);
  });
});
