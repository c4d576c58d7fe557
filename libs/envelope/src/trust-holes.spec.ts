// The trust holes of issue 11 that the opener and sealer close, each proved with a real forgery.
import { MAX_EPOCH_SECONDS } from '@liaison/ids';
import {
  DEFAULT_MAX_LIFETIME_SECONDS,
  DEFAULT_TRANSIT_WINDOW_SECONDS,
  isCanonicalX25519,
  NoticeClaims,
  OpenResult,
  RefusalCode,
  revokeKey,
  signDirectory,
  TrustStore,
} from './index';
import { editJwe, encryptTo, headersOf, signAs } from './testing/forge';
import { makeClaims, makeFederation, makeOpener, makeSealer, MemoryDirectoryCache, TestFederation, uuidv7 } from './testing/fixtures';

const T = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400;
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

let fed: TestFederation;
beforeAll(async () => {
  fed = await makeFederation(3);
});

function refused(result: OpenResult, code: RefusalCode): void {
  if (result.ok) throw new Error(`accepted, expected ${code}`);
  expect({ code: result.code, detail: result.detail }).toEqual({ code, detail: expect.any(String) });
}

/** AG0's genuine key signs whatever claims it is given, encrypted to AG1 (what a key thief can do). */
async function forged(claims: NoticeClaims, f: TestFederation = fed): Promise<{ value: Buffer; headers: Record<string, string> }> {
  const signer = f.agencies[0];
  const value = await encryptTo(await signAs(claims, signer.keys.signing, signer.keyring.signingKid), [f.agencies[1].keys.encryption]);
  return { value, headers: headersOf(value, claims, 'AG1') };
}

/** Claims issued at `iat` (seconds), the jti dated the same. */
function claimsAt(iat: number, exp: number): NoticeClaims {
  return { ...makeClaims('AG0', ['AG1'], new Date(iat * 1000)), jti: uuidv7(iat * 1000), iat, exp };
}

describe('hole 1: a revoked or expired signing key cannot forge', () => {
  it('exp - iat is capped (default 366 days, the compose API longest expiry)', async () => {
    const iat = seconds(T);
    const tenYears = await forged(claimsAt(iat, iat + 3650 * DAY));
    refused(await makeOpener(fed, 1, T).open(tenYears.value, tenYears.headers), 'lifetime_too_long');
    const longest = await forged(claimsAt(iat, iat + DEFAULT_MAX_LIFETIME_SECONDS));
    expect((await makeOpener(fed, 1, T).open(longest.value, longest.headers)).ok).toBe(true);
    refused(await makeOpener(fed, 1, T, { maxLifetimeSeconds: 30 * DAY }).open(longest.value, longest.headers), 'lifetime_too_long');
  });

  it('an envelope older than the transit window (default 14 days) is refused, inside it accepted', async () => {
    const iat = seconds(T) - DEFAULT_TRANSIT_WINDOW_SECONDS - 1;
    const stale = await forged(claimsAt(iat, iat + 30 * DAY));
    refused(await makeOpener(fed, 1, T).open(stale.value, stale.headers), 'too_old');
    const backlog = await forged(claimsAt(iat + 2, iat + 30 * DAY));
    expect((await makeOpener(fed, 1, T).open(backlog.value, backlog.headers)).ok).toBe(true);
  });

  it("a key past not_after signs nothing new: backdating iat into its validity works only within the transit window", async () => {
    // The fixture's keys are valid 730 days from 2026-01-01. A year after expiry, the thief backdates iat.
    const notAfter = Date.parse(fed.directory.agencies[0].keys.find((k) => k.use === 'sig')!.not_after);
    const now = new Date(notAfter + 365 * DAY * 1000);
    const store = new TrustStore(fed.root.publicJwk, new MemoryDirectoryCache(), {}, () => now);
    await store.accept(await signDirectory({ ...fed.directory, serial: fed.directory.serial + 1 }, fed.root.privateJwk, { now }));
    const iat = seconds(new Date(notAfter)) - 60;
    const backdated = await forged(claimsAt(iat, iat + 3650 * DAY));
    refused(await makeOpener(fed, 1, now, { trust: store, maxLifetimeSeconds: 3650 * DAY }).open(backdated.value, backdated.headers), 'too_old');
    // Dated honestly (now), it is outside the key's validity.
    const honest = await forged(claimsAt(seconds(now), seconds(now) + DAY));
    refused(await makeOpener(fed, 1, now, { trust: store }).open(honest.value, honest.headers), 'signing_key_not_valid');
  });

  it('the attack of the review: revoked a year ago, iat just before the revocation, exp ten years out, is refused', async () => {
    // Keys valid from 700 days before T, so the backdated iat lies inside the key's validity.
    const local = await makeFederation(3, new Date(T.getTime() - 700 * DAY * 1000));
    const revokedAt = new Date(T.getTime() - 365 * DAY * 1000);
    const store = new TrustStore(local.root.publicJwk, new MemoryDirectoryCache());
    await store.accept(await signDirectory(revokeKey(local.directory, local.agencies[0].keyring.signingKid, { at: revokedAt }), local.root.privateJwk));
    const iat = seconds(revokedAt) - 60;
    const attack = await forged(claimsAt(iat, iat + 3650 * DAY), local);
    const opener = makeOpener(local, 1, T, { trust: store, maxLifetimeSeconds: 3650 * DAY, transitWindowSeconds: 3650 * DAY });
    refused(await opener.open(attack.value, attack.headers), 'signing_key_not_valid');
    // Even dated inside the windows and before revoked_at, once the revoking directory is held.
    const recent = await forged(claimsAt(seconds(T) - 60, seconds(T) + DAY), local);
    refused(await makeOpener(local, 1, T, { trust: store }).open(recent.value, recent.headers), 'signing_key_not_valid');
  });

  it('the sealer refuses to sign with its own revoked key', async () => {
    const local = await makeFederation(2);
    const store = new TrustStore(local.root.publicJwk, new MemoryDirectoryCache());
    await store.accept(await signDirectory(revokeKey(local.directory, local.agencies[0].keyring.signingKid, { at: new Date(T.getTime() + DAY * 1000) }), local.root.privateJwk));
    const sealer = new (makeSealer(local, 0, T).constructor as typeof import('./sealer').EnvelopeSealer)(local.agencies[0].keyring, store, { clock: () => T });
    await expect(sealer.seal(makeClaims('AG0', ['AG1'], T))).rejects.toMatchObject({ code: 'signing_key_not_valid' });
  });
});

describe('hole 2: bounded NumericDates', () => {
  it('exp 1e13 (an Invalid Date downstream) is refused as a malformed NumericDate', async () => {
    const iat = seconds(T);
    const far = await forged(claimsAt(iat, 1e13));
    const r = await makeOpener(fed, 1, T).open(far.value, far.headers);
    refused(r, 'malformed_inner');
    expect(r).toMatchObject({ detail: 'iat/exp are not NumericDate integers' });
    const last = await forged(claimsAt(iat, MAX_EPOCH_SECONDS + 1));
    refused(await makeOpener(fed, 1, T, { maxLifetimeSeconds: Number.MAX_SAFE_INTEGER }).open(last.value, last.headers), 'malformed_inner');
  });

  it('every date of an accepted envelope is a valid Date', async () => {
    const iat = seconds(T);
    for (const exp of [iat + 1, iat + DAY, iat + DEFAULT_MAX_LIFETIME_SECONDS]) {
      const e = await forged(claimsAt(iat, exp));
      const r = await makeOpener(fed, 1, T).open(e.value, e.headers);
      if (!r.ok) throw new Error(r.code);
      for (const s of [r.claims.iat, r.claims.exp]) expect(Number.isNaN(new Date(s * 1000).getTime())).toBe(false);
    }
  });
});

describe('hole 4 (optional check): the UUIDv7 time of jti agrees with iat', () => {
  it('refuses a jti dated further from iat than the clock skew', async () => {
    const iat = seconds(T);
    const claims = { ...claimsAt(iat, iat + DAY), jti: uuidv7((iat - 301) * 1000) };
    const e = await forged(claims);
    refused(await makeOpener(fed, 1, T).open(e.value, e.headers), 'jti_time_mismatch');
    const near = await forged({ ...claimsAt(iat, iat + DAY), jti: uuidv7((iat - 300) * 1000) });
    expect((await makeOpener(fed, 1, T).open(near.value, near.headers)).ok).toBe(true);
  });
});

describe('hole 7: non-canonical X25519 epk', () => {
  const P = (1n << 255n) - 19n;
  const le = (n: bigint) => Buffer.from(n.toString(16).padStart(64, '0'), 'hex').reverse();

  it('isCanonicalX25519: bit 255 set or u >= p is not canonical', () => {
    expect(isCanonicalX25519(le(P - 1n))).toBe(true);
    expect(isCanonicalX25519(le(P))).toBe(false);
    expect(isCanonicalX25519(le(P + 18n))).toBe(false);
    const high = le(9n);
    high[31] |= 0x80;
    expect(isCanonicalX25519(high)).toBe(false);
  });

  it('refuses an envelope whose epk was altered to an equivalent non-canonical encoding (protected and per-recipient)', async () => {
    const sealed = await makeSealer(fed, 0, T).seal(makeClaims('AG0', ['AG1'], T));
    const opener = makeOpener(fed, 1, T);
    expect((await opener.open(sealed.value, sealed.headersFor('AG1'))).ok).toBe(true);
    // A recipient sets bit 255 of the shared epk: X25519 ignores it, so the same claims would open under another digest.
    const altered = editJwe(sealed.value, (jwe) => {
      const prot = JSON.parse(Buffer.from(jwe.protected, 'base64url').toString());
      const x = Buffer.from(prot.epk.x, 'base64url');
      x[31] |= 0x80;
      prot.epk.x = x.toString('base64url');
      jwe.protected = Buffer.from(JSON.stringify(prot)).toString('base64url');
    });
    refused(await opener.open(altered, { ...sealed.headersFor('AG1'), 'liaison-digest': headersOf(altered, sealed as never, 'AG1')['liaison-digest'] }), 'non_canonical_key');
    // Several recipients: the epk sits in each recipient header; u + p (< 2^255) there.
    const multi = await makeSealer(fed, 0, T).seal(makeClaims('AG0', ['AG1', 'AG2'], T));
    const alteredMulti = editJwe(multi.value, (jwe) => {
      const x = Buffer.from(jwe.recipients[0].header.epk.x, 'base64url');
      const u = BigInt(`0x${Buffer.from(x).reverse().toString('hex')}`);
      if (u + P < 1n << 255n) jwe.recipients[0].header.epk.x = le(u + P).toString('base64url');
      else x[31] |= 0x80, (jwe.recipients[0].header.epk.x = x.toString('base64url'));
    });
    const h = { ...multi.headersFor('AG1'), 'liaison-digest': headersOf(alteredMulti, multi as never, 'AG1')['liaison-digest'] };
    refused(await opener.open(alteredMulti, h), 'non_canonical_key');
  });
});

describe('strict envelope input: duplicate members and invalid UTF-8', () => {
  it('refuses duplicate members in the outer JWE, the protected header, the JWS header and the claims', async () => {
    const claims = makeClaims('AG0', ['AG1'], T);
    const sealed = await makeSealer(fed, 0, T).seal(claims);
    const opener = makeOpener(fed, 1, T);
    const text = sealed.value.toString();
    const outer = Buffer.from(text.replace('{"ciphertext":', '{"iv":"AAAAAAAAAAAAAAAA","ciphertext":'));
    expect(outer.toString()).not.toBe(text);
    refused(await opener.open(outer, headersOf(outer, claims, 'AG1')), 'duplicate_member');
    const prot = Buffer.from('{"enc":"A256GCM","cty":"JWT","cty":"JWT"}').toString('base64url');
    const dupProt = await encryptTo('x.y.z', [fed.agencies[1].keys.encryption]);
    const withProt = editJwe(dupProt, (jwe) => (jwe.protected = prot));
    refused(await opener.open(withProt, headersOf(withProt, claims, 'AG1')), 'duplicate_member');
    // Inside the signature: the signer's own JSON repeats a member (two readers could see two notices).
    const signer = fed.agencies[0];
    const jws = await signAs(claims, signer.keys.signing, signer.keyring.signingKid);
    const [h, , sig] = jws.split('.');
    const payload = Buffer.from(JSON.stringify(claims).replace('"kind":', '"kind":"location-query","kind":')).toString('base64url');
    const dupClaims = await encryptTo(`${h}.${payload}.${sig}`, [fed.agencies[1].keys.encryption]);
    refused(await opener.open(dupClaims, headersOf(dupClaims, claims, 'AG1')), 'duplicate_member');
    const header = Buffer.from(`{"alg":"EdDSA","kid":"${signer.keyring.signingKid}","typ":"JWT","typ":"JWT"}`).toString('base64url');
    const dupHeader = await encryptTo(`${header}.${jws.split('.')[1]}.${sig}`, [fed.agencies[1].keys.encryption]);
    refused(await opener.open(dupHeader, headersOf(dupHeader, claims, 'AG1')), 'duplicate_member');
  });

  it('refuses invalid UTF-8 (C0 AF E0 80 AF) in the value, the protected header and the claims', async () => {
    const claims = makeClaims('AG0', ['AG1'], T);
    const bad = Buffer.from([0xc0, 0xaf, 0xe0, 0x80, 0xaf]);
    const opener = makeOpener(fed, 1, T);
    const value = Buffer.concat([Buffer.from('{"a":"'), bad, Buffer.from('"}')]);
    const r = await opener.open(value, headersOf(value, claims, 'AG1'));
    refused(r, 'malformed');
    expect(r).toMatchObject({ detail: 'value is not UTF-8' });
    const sealed = await encryptTo('x.y.z', [fed.agencies[1].keys.encryption]);
    const badProt = editJwe(sealed, (jwe) => (jwe.protected = Buffer.concat([Buffer.from('{"enc":"'), bad, Buffer.from('"}')]).toString('base64url')));
    expect(await opener.open(badProt, headersOf(badProt, claims, 'AG1'))).toMatchObject({ ok: false, code: 'malformed', detail: 'protected header is not UTF-8' });
    const signer = fed.agencies[0];
    const [h, , sig] = (await signAs(claims, signer.keys.signing, signer.keyring.signingKid)).split('.');
    const payload = Buffer.concat([Buffer.from(JSON.stringify(claims).slice(0, -1) + ',"x":"'), bad, Buffer.from('"}')]).toString('base64url');
    const badClaims = await encryptTo(`${h}.${payload}.${sig}`, [fed.agencies[1].keys.encryption]);
    expect(await opener.open(badClaims, headersOf(badClaims, claims, 'AG1'))).toMatchObject({ ok: false, code: 'malformed_inner', detail: 'JWS payload is not UTF-8' });
  });
});

describe('hole 5: past its directory expiry the node fails closed', () => {
  it('refuses to open (trust_unavailable: retried, never recorded) and to seal; a fresh directory reopens', async () => {
    const local = await makeFederation(2);
    const signedAt = new Date(T.getTime() - 40 * DAY * 1000);
    let now = signedAt;
    const store = new TrustStore(local.root.publicJwk, new MemoryDirectoryCache(), {}, () => now);
    await store.accept(await signDirectory(local.directory, local.root.privateJwk, { now: signedAt }));
    const sealed = await makeSealer(local, 0, T).seal(makeClaims('AG0', ['AG1'], T));
    now = T; // 40 days later: the 30-day directory expired
    const opened = await makeOpener(local, 1, T, { trust: store }).open(sealed.value, sealed.headersFor('AG1'));
    refused(opened, 'trust_unavailable');
    expect(opened).toMatchObject({ detail: expect.stringContaining('expired at') });
    const sealer = new (makeSealer(local, 0, T).constructor as typeof import('./sealer').EnvelopeSealer)(local.agencies[0].keyring, store, { clock: () => T });
    await expect(sealer.seal(makeClaims('AG0', ['AG1'], T))).rejects.toMatchObject({ code: 'directory_expired' });
    await store.accept(await signDirectory({ ...local.directory, serial: local.directory.serial + 1 }, local.root.privateJwk, { now: T }));
    expect((await makeOpener(local, 1, T, { trust: store }).open(sealed.value, sealed.headersFor('AG1'))).ok).toBe(true);
    await expect(sealer.seal(makeClaims('AG0', ['AG1'], T))).resolves.toMatchObject({ recipients: ['AG1'] });
  });
});
