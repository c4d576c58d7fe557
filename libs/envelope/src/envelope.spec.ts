import fc from 'fast-check';
import {
  AgencyKeyring,
  EnvelopeOpener,
  EnvelopeSealer,
  generateAgencyKeys,
  HEADER_DIGEST,
  HEADER_MESSAGE_ID,
  HEADER_RECIPIENT,
  HEADER_SENDER,
  NoticeClaims,
  OpenResult,
  RefusalCode,
  revokeKey,
  rotateKeys,
  publicJwks,
  SealError,
  signDirectory,
  TrustStore,
} from './index';
import { decryptInner, editJwe, encryptTo as forgeEncrypt, flipB64, headersOf, sha256, signAs } from './testing/forge';
import { makeClaims, makeFederation, makeOpener, makeSealer, MemoryDirectoryCache, TestFederation, uuidv7 } from './testing/fixtures';

const T = new Date('2026-06-01T12:00:00Z');
const sha = sha256;

let fed: TestFederation;
beforeAll(async () => {
  fed = await makeFederation(7);
});

function refused(result: OpenResult, code: RefusalCode): void {
  if (result.ok) throw new Error(`accepted, expected ${code}`);
  expect({ code: result.code, detail: result.detail }).toEqual({ code, detail: expect.any(String) });
}

async function sealTo(aud: number[], claims?: Partial<NoticeClaims>) {
  const c = { ...makeClaims('AG0', aud.map((i) => `AG${i}`), T), ...claims };
  return { claims: c, sealed: await makeSealer(fed, 0, T).seal(c) };
}

/** Encrypts an arbitrary plaintext to agencies' current X25519 keys (for forgeries). */
const encryptTo = (plaintext: string, aud: number[], protectedHeader?: Record<string, unknown>) =>
  forgeEncrypt(plaintext, aud.map((i) => fed.agencies[i].keys.encryption), protectedHeader);
const headers = (value: Buffer, claims: NoticeClaims, recipient: string, sender = claims.iss) => headersOf(value, claims, recipient, sender);
const edit = editJwe;

describe('round trip', () => {
  it('one recipient opens it; a non-recipient cannot', async () => {
    const { claims, sealed } = await sealTo([1]);
    expect(sealed.digest).toBe(sha(sealed.value));
    expect(sealed.headersFor('AG1')).toEqual(headers(sealed.value, claims, 'AG1'));
    const result = await makeOpener(fed, 1, T).open(sealed.value, sealed.headersFor('AG1'));
    expect(result).toEqual({ ok: true, claims, digest: sealed.digest, signerKid: fed.agencies[0].keyring.signingKid });
    refused(await makeOpener(fed, 2, T).open(sealed.value, { ...sealed.headersFor('AG1'), [HEADER_RECIPIENT]: 'AG2' }), 'unknown_recipient_key');
  });

  it('five recipients each open the same value; the body is encrypted once', async () => {
    const { claims, sealed } = await sealTo([1, 2, 3, 4, 5]);
    const jwe = JSON.parse(sealed.value.toString());
    expect(jwe.recipients).toHaveLength(5);
    expect(Object.keys(jwe).sort()).toEqual(['ciphertext', 'iv', 'protected', 'recipients', 'tag']);
    for (const i of [1, 2, 3, 4, 5]) {
      const result = await makeOpener(fed, i, T).open(sealed.value, sealed.headersFor(`AG${i}`));
      expect(result).toMatchObject({ ok: true, claims });
    }
    refused(await makeOpener(fed, 6, T).open(sealed.value, { ...sealed.headersFor('AG1'), [HEADER_RECIPIENT]: 'AG6' }), 'unknown_recipient_key');
  });

  it('produces exactly the documented format (docs/protocol/envelope.md §4)', async () => {
    const decode = (b64: string) => JSON.parse(Buffer.from(b64, 'base64url').toString());
    const one = JSON.parse((await sealTo([1])).sealed.value.toString());
    expect(Object.keys(decode(one.protected)).sort()).toEqual(['cty', 'enc', 'epk']);
    expect(decode(one.protected)).toMatchObject({ enc: 'A256GCM', cty: 'JWT', epk: { kty: 'OKP', crv: 'X25519' } });
    expect(one.recipients[0].header).toEqual({ alg: 'ECDH-ES+A256KW', kid: fed.agencies[1].keyring.encryptionKid });
    const { sealed } = await sealTo([1, 2, 3, 4, 5]);
    const five = JSON.parse(sealed.value.toString());
    expect(decode(five.protected)).toEqual({ enc: 'A256GCM', cty: 'JWT' });
    five.recipients.forEach((r: { header: Record<string, unknown>; encrypted_key: string }, i: number) => {
      expect(r.header).toEqual({ alg: 'ECDH-ES+A256KW', kid: fed.agencies[i + 1].keyring.encryptionKid, epk: { kty: 'OKP', crv: 'X25519', x: expect.any(String) } });
      expect(Buffer.from(r.encrypted_key, 'base64url')).toHaveLength(40);
    });
    expect(Buffer.from(five.iv, 'base64url')).toHaveLength(12);
    expect(Buffer.from(five.tag, 'base64url')).toHaveLength(16);
    const inner = await decryptInner(sealed.value, fed.agencies[1].keyring.decryptionKey(fed.agencies[1].keyring.encryptionKid)!);
    expect(decode(inner.split('.')[0])).toEqual({ alg: 'EdDSA', kid: fed.agencies[0].keyring.signingKid, typ: 'JWT' });
    expect(Object.keys(decode(inner.split('.')[1]))).toEqual(['iss', 'aud', 'jti', 'iat', 'exp', 'kind', 'handling', 'grades', 'priority', 'chseq', 'body']);
    expect(sealed.value.toString()).not.toMatch(/\s/);
  });

  it('after a recipient rotates its encryption key, its keyring still opens envelopes sealed to the previous one', async () => {
    const { claims, sealed } = await sealTo([1]);
    const fresh = await generateAgencyKeys('AG1');
    const previousEncryptionKeys = [fed.agencies[1].keys.encryption];
    const withOld = await AgencyKeyring.import(fresh, { previousEncryptionKeys });
    expect(withOld.encryptionKids).toEqual([fresh.encryption.kid, fed.agencies[1].keyring.encryptionKid]);
    expect(await makeOpener(fed, 1, T, { keyring: withOld }).open(sealed.value, sealed.headersFor('AG1'))).toMatchObject({ ok: true, claims });
    const withoutOld = await AgencyKeyring.import(fresh);
    refused(await makeOpener(fed, 1, T, { keyring: withoutOld }).open(sealed.value, sealed.headersFor('AG1')), 'unknown_recipient_key');
  });

  it('refuses to seal claims that are malformed, from another agency or to an unknown agency', async () => {
    const sealer = makeSealer(fed, 0, T);
    await expect(sealer.seal({ ...makeClaims('AG0', ['AG1'], T), jti: 'not-a-uuid' })).rejects.toBeInstanceOf(SealError);
    await expect(sealer.seal(makeClaims('AG2', ['AG1'], T))).rejects.toMatchObject({ code: 'wrong_sender' });
    await expect(sealer.seal(makeClaims('AG0', ['ZZ9'], T))).rejects.toMatchObject({ code: 'no_encryption_key' });
  });
});

describe('refusals, one per check, from real forgeries', () => {
  it('too_large', async () => {
    const { sealed } = await sealTo([1]);
    refused(await makeOpener(fed, 1, T, { maxBytes: 512 }).open(sealed.value, sealed.headersFor('AG1')), 'too_large');
    const huge = Buffer.alloc(1024 * 1024 + 1, 0x20);
    const r = await makeOpener(fed, 1, T).open(huge, {});
    refused(r, 'too_large');
    expect(r).toMatchObject({ digest: sha(huge), messageId: null });
  });

  it('malformed: not JSON, truncated, compact or flattened serialization, extra members, non-canonical base64url', async () => {
    const { sealed } = await sealTo([1]);
    const h = sealed.headersFor('AG1');
    const opener = makeOpener(fed, 1, T);
    const cases: Buffer[] = [
      Buffer.from('not json at all'),
      sealed.value.subarray(0, sealed.value.length - 10),
      Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
      Buffer.from('"a.b.c.d.e"'),
      edit(sealed.value, (j) => {
        j.header = j.recipients[0].header;
        j.encrypted_key = j.recipients[0].encrypted_key;
        delete j.recipients;
      }),
      edit(sealed.value, (j) => (j.aad = 'AAAA')),
      edit(sealed.value, (j) => (j.unprotected = { x: 1 })),
      edit(sealed.value, (j) => (j.tag = j.tag.slice(0, -1) + String.fromCharCode(j.tag.charCodeAt(j.tag.length - 1) + 1))),
      edit(sealed.value, (j) => (j.iv = j.iv + '=')),
      edit(sealed.value, (j) => (j.recipients = [])),
    ];
    for (const value of cases) refused(await opener.open(value, { ...h, [HEADER_DIGEST]: sha(value) }), 'malformed');
    // The non-canonical tag decodes to the very same bytes: only the strict decoder refuses it.
    const j = JSON.parse(cases[7].toString());
    expect(Buffer.from(j.tag, 'base64url')).toEqual(Buffer.from(JSON.parse(sealed.value.toString()).tag, 'base64url'));
  });

  it('algorithm_not_allowed: other enc, dir, RSA, zip, crit, other curve, inner alg none', async () => {
    const { claims, sealed } = await sealTo([1]);
    const h = sealed.headersFor('AG1');
    const opener = makeOpener(fed, 1, T);
    const protect = (p: Record<string, unknown>) => Buffer.from(JSON.stringify(p)).toString('base64url');
    const prot = JSON.parse(Buffer.from(JSON.parse(sealed.value.toString()).protected, 'base64url').toString());
    const inner = await signAs(claims, fed.agencies[0].keys.signing, fed.agencies[0].keyring.signingKid);
    const cases: Buffer[] = [
      await encryptTo(inner, [1], { enc: 'A128GCM', cty: 'JWT' }),
      edit(sealed.value, (j) => (j.protected = protect({ ...prot, zip: 'DEF' }))),
      edit(sealed.value, (j) => (j.protected = protect({ ...prot, crit: ['exp'], exp: 1 }))),
      edit(sealed.value, (j) => (j.recipients[0].header.alg = 'dir')),
      edit(sealed.value, (j) => (j.recipients[0].header.alg = 'RSA-OAEP-256')),
      edit(sealed.value, (j) => (j.recipients[0].header.alg = 'A256KW')),
      edit(sealed.value, (j) => (j.protected = protect({ ...prot, epk: { ...prot.epk, crv: 'X448' } }))),
      // alg none inside a properly encrypted envelope
      await encryptTo(`${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`, [1]),
      // HS256 inner
      await encryptTo(`${Buffer.from('{"alg":"HS256","kid":"x","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${Buffer.alloc(32).toString('base64url')}`, [1]),
    ];
    for (const [i, value] of cases.entries()) {
      const r = await opener.open(value, { ...h, [HEADER_DIGEST]: sha(value) });
      expect([i, r.ok ? "ok" : r.code]).toEqual([i, "algorithm_not_allowed"]);
    }
  });

  it('unknown_recipient_key: no entry for our kid', async () => {
    const { sealed } = await sealTo([1]);
    const value = edit(sealed.value, (j) => (j.recipients[0].header.kid = fed.agencies[2].keyring.encryptionKid));
    refused(await makeOpener(fed, 1, T).open(value, { ...sealed.headersFor('AG1'), [HEADER_DIGEST]: sha(value) }), 'unknown_recipient_key');
  });

  it('decryption_failed: a flipped byte of ciphertext, tag, iv, wrapped key, epk or protected header', async () => {
    const { sealed } = await sealTo([1, 2]);
    const opener = makeOpener(fed, 1, T);
    const h = sealed.headersFor('AG1');
    const cases = [
      edit(sealed.value, (j) => (j.ciphertext = flipB64(j.ciphertext, 5))),
      edit(sealed.value, (j) => (j.tag = flipB64(j.tag))),
      edit(sealed.value, (j) => (j.iv = flipB64(j.iv))),
      edit(sealed.value, (j) => (j.recipients[0].encrypted_key = flipB64(j.recipients[0].encrypted_key))),
      edit(sealed.value, (j) => (j.recipients[0].header.epk.x = flipB64(j.recipients[0].header.epk.x, 3))),
      edit(sealed.value, (j) => (j.protected = Buffer.from('{"cty":"JWT","enc":"A256GCM"}').toString('base64url'))),
    ];
    for (const value of cases) refused(await opener.open(value, { ...h, [HEADER_DIGEST]: sha(value) }), 'decryption_failed');
  });

  it('malformed_inner: plaintext not a JWS, claims missing or with a non-UUIDv7 jti', async () => {
    const { claims, sealed } = await sealTo([1]);
    const opener = makeOpener(fed, 1, T);
    const signer = fed.agencies[0];
    const cases = [
      await encryptTo('hello', [1]),
      await encryptTo(await signAs({ ...claims, jti: claims.jti.slice(0, 14) + '4' + claims.jti.slice(15) }, signer.keys.signing, signer.keyring.signingKid), [1]),
      await encryptTo(await signAs({ ...claims, chseq: {} }, signer.keys.signing, signer.keyring.signingKid), [1]),
      await encryptTo(await signAs({ ...claims, extra: true }, signer.keys.signing, signer.keyring.signingKid), [1]),
      await encryptTo(await signAs(claims, signer.keys.signing, signer.keyring.signingKid, { typ: 'JOSE' }), [1]),
    ];
    for (const value of cases) refused(await opener.open(value, headers(value, claims, 'AG1')), 'malformed_inner');
  });

  it('unknown_signing_key: signed with a key the directory does not list', async () => {
    const { claims } = await sealTo([1]);
    const stranger = await generateAgencyKeys('AG0');
    const value = await encryptTo(await signAs(claims, stranger.signing, stranger.signing.kid), [1]);
    refused(await makeOpener(fed, 1, T).open(value, headers(value, claims, 'AG1')), 'unknown_signing_key');
  });

  it("bad_signature: re-signed with another key under the sender's kid", async () => {
    const { claims } = await sealTo([1]);
    const value = await encryptTo(await signAs(claims, fed.agencies[3].keys.signing, fed.agencies[0].keyring.signingKid), [1]);
    refused(await makeOpener(fed, 1, T).open(value, headers(value, claims, 'AG1')), 'bad_signature');
  });

  it('signing_key_not_valid: revoked (whenever), retired before iat, outside validity', async () => {
    const local = await makeFederation(3);
    const claims = makeClaims('AG0', ['AG1'], T);
    const sealed = await makeSealer(local, 0, T).seal(claims);
    const opener = makeOpener(local, 1, T);
    expect((await opener.open(sealed.value, sealed.headersFor('AG1'))).ok).toBe(true);

    // Revoked one hour before the notice was issued.
    const revoked = revokeKey(local.directory, local.agencies[0].keyring.signingKid, { at: new Date(T.getTime() - 3_600_000) });
    const store = new TrustStore(local.root.publicJwk, new MemoryDirectoryCache());
    expect((await store.accept(await signDirectory(revoked, local.root.privateJwk))).ok).toBe(true);
    refused(await makeOpener(local, 1, T, { trust: store }).open(sealed.value, sealed.headersFor('AG1')), 'signing_key_not_valid');

    // Revoked after it was issued: refused too, once the revoking directory is held (a thief dates as he likes).
    const later = revokeKey(local.directory, local.agencies[0].keyring.signingKid, { at: new Date(T.getTime() + 60_000) });
    const store2 = new TrustStore(local.root.publicJwk, new MemoryDirectoryCache());
    await store2.accept(await signDirectory(later, local.root.privateJwk));
    refused(await makeOpener(local, 1, T, { trust: store2 }).open(sealed.value, sealed.headersFor('AG1')), 'signing_key_not_valid');

    // Rotated: the retired key verifies what it signed while active, nothing it signs afterwards.
    const fresh = await generateAgencyKeys('AG0');
    const rotatedAt = new Date(T.getTime() + 3_600_000);
    const rotated = rotateKeys(local.directory, 'AG0', publicJwks(fresh), { at: rotatedAt });
    const store3 = new TrustStore(local.root.publicJwk, new MemoryDirectoryCache());
    await store3.accept(await signDirectory(rotated, local.root.privateJwk));
    const after = new Date(rotatedAt.getTime() + 60_000);
    expect((await makeOpener(local, 1, after, { trust: store3 }).open(sealed.value, sealed.headersFor('AG1'))).ok).toBe(true);
    const lateClaims = makeClaims('AG0', ['AG1'], after);
    const lateSealed = await makeSealer(local, 0, after).seal(lateClaims); // still signs with the retired key
    refused(await makeOpener(local, 1, after, { trust: store3 }).open(lateSealed.value, lateSealed.headersFor('AG1')), 'signing_key_not_valid');
    // ... while the new key is accepted.
    const newSealer = new EnvelopeSealer(await AgencyKeyring.import(fresh), () => rotated, { clock: () => after });
    const newSealed = await newSealer.seal(lateClaims);
    expect(await makeOpener(local, 1, after, { trust: store3 }).open(newSealed.value, newSealed.headersFor('AG1'))).toMatchObject({ ok: true, signerKid: fresh.signing.kid });

    // Issued before the key's not_before.
    const early = makeClaims('AG0', ['AG1'], new Date(local.since.getTime() - 86_400_000));
    const earlyClaims = { ...early, exp: Math.floor(T.getTime() / 1000) + 3600 };
    // Our sealer will not produce it ...
    await expect(makeSealer(local, 0, T).seal(earlyClaims)).rejects.toMatchObject({ code: 'signing_key_not_valid' });
    // ... so build it by hand: properly signed and encrypted, iat before not_before.
    const signer = local.agencies[0];
    const earlyValue = await forgeEncrypt(await signAs(earlyClaims, signer.keys.signing, signer.keyring.signingKid), [local.agencies[1].keys.encryption]);
    // Opened while still within the transit window of its iat (later it is too_old first).
    refused(await makeOpener(local, 1, local.since).open(earlyValue, headers(earlyValue, earlyClaims, 'AG1')), 'signing_key_not_valid');
    refused(await opener.open(earlyValue, headers(earlyValue, earlyClaims, 'AG1')), 'too_old');
  });

  it('sender_mismatch: swapped sender header, or another agency signing as the sender', async () => {
    const { claims, sealed } = await sealTo([1]);
    const opener = makeOpener(fed, 1, T);
    refused(await opener.open(sealed.value, { ...sealed.headersFor('AG1'), [HEADER_SENDER]: 'AG2' }), 'sender_mismatch');
    const noSender = { ...sealed.headersFor('AG1') } as Record<string, string | undefined>;
    delete noSender[HEADER_SENDER];
    refused(await opener.open(sealed.value, noSender), 'sender_mismatch');
    // AG2 signs with its own valid key but claims to be AG0.
    const value = await encryptTo(await signAs(claims, fed.agencies[2].keys.signing, fed.agencies[2].keyring.signingKid), [1]);
    refused(await opener.open(value, headers(value, claims, 'AG1')), 'sender_mismatch');
    refused(await opener.open(value, headers(value, claims, 'AG1', 'AG2')), 'sender_mismatch');
  });

  it('header_mismatch: message id, recipient or digest header differ from the claims and bytes', async () => {
    const { sealed } = await sealTo([1, 3]);
    const opener = makeOpener(fed, 1, T);
    const h = sealed.headersFor('AG1');
    refused(await opener.open(sealed.value, { ...h, [HEADER_MESSAGE_ID]: uuidv7() }), 'header_mismatch');
    refused(await opener.open(sealed.value, sealed.headersFor('AG3')), 'header_mismatch');
    refused(await opener.open(sealed.value, { ...h, [HEADER_DIGEST]: '0'.repeat(64) }), 'header_mismatch');
    refused(await opener.open(sealed.value, { ...h, [HEADER_DIGEST]: h[HEADER_DIGEST].toUpperCase() }), 'header_mismatch');
  });

  it('not_a_recipient: a notice AG1 received, forwarded to AG2', async () => {
    const { claims, sealed } = await sealTo([1]);
    // AG1 decrypts it (as any recipient can) and re-encrypts the sender's signed JWS to AG2.
    const opened = await makeOpener(fed, 1, T).open(sealed.value, sealed.headersFor('AG1'));
    expect(opened.ok).toBe(true);
    const inner = await decryptInner(sealed.value, fed.agencies[1].keyring.decryptionKey(fed.agencies[1].keyring.encryptionKid)!);
    const forwarded = await encryptTo(inner, [2]);
    refused(await makeOpener(fed, 2, T).open(forwarded, headers(forwarded, claims, 'AG2')), 'not_a_recipient');
  });

  it('expired, and exp is exclusive', async () => {
    const { claims, sealed } = await sealTo([1]);
    refused(await makeOpener(fed, 1, new Date(claims.exp * 1000)).open(sealed.value, sealed.headersFor('AG1')), 'expired');
    expect((await makeOpener(fed, 1, new Date(claims.exp * 1000 - 1000)).open(sealed.value, sealed.headersFor('AG1'))).ok).toBe(true);
  });

  it('clock_skew: issued more than the allowed skew in the future', async () => {
    const { sealed } = await sealTo([1]);
    const before = (s: number) => new Date(T.getTime() - s * 1000);
    refused(await makeOpener(fed, 1, before(301)).open(sealed.value, sealed.headersFor('AG1')), 'clock_skew');
    expect((await makeOpener(fed, 1, before(300)).open(sealed.value, sealed.headersFor('AG1'))).ok).toBe(true);
    refused(await makeOpener(fed, 1, before(61), { clockSkewSeconds: 60 }).open(sealed.value, sealed.headersFor('AG1')), 'clock_skew');
  });

  it('schema_violation: the body does not match its kind', async () => {
    const { sealed } = await sealTo([1]);
    const validateBody = jest.fn((kind: string) => (kind === 'identity-query' ? '/subject must have required property name' : null));
    const r = await makeOpener(fed, 1, T, { validateBody }).open(sealed.value, sealed.headersFor('AG1'));
    refused(r, 'schema_violation');
    expect(validateBody).toHaveBeenCalledWith('identity-query', expect.anything(), undefined);
  });

  it('internal_error instead of a throw when an injected dependency fails', async () => {
    const { sealed } = await sealTo([1]);
    const trust = () => {
      throw new Error('trust store down');
    };
    refused(await makeOpener(fed, 1, T, { trust }).open(sealed.value, sealed.headersFor('AG1')), 'internal_error');
    const validateBody = () => {
      throw new Error('boom');
    };
    refused(await makeOpener(fed, 1, T, { validateBody }).open(sealed.value, sealed.headersFor('AG1')), 'internal_error');
    refused(await makeOpener(fed, 1, T).open(null as unknown as Buffer, null as unknown as Record<string, string>), 'malformed');
  });

  it('details never carry body content', async () => {
    const secret = 'SECRET-DOCUMENT-4711';
    const { sealed } = await sealTo([1], { body: { subject: { document_number: secret } } });
    const opener = makeOpener(fed, 1, new Date(T.getTime() + 2 * 86_400_000), { validateBody: () => 'bad' });
    const r = await opener.open(sealed.value, sealed.headersFor('AG1'));
    expect(JSON.stringify(r)).not.toContain(secret);
    expect(JSON.stringify(fed.agencies[0].keyring)).not.toContain(fed.agencies[0].keys.signing.d);
  });
});

describe('property: arbitrary and mutated envelopes', () => {
  let opener: EnvelopeOpener;
  let valid: { value: Buffer; headers: Record<string, string>; claims: NoticeClaims };
  beforeAll(async () => {
    const { claims, sealed } = await sealTo([1, 2, 3]);
    valid = { value: sealed.value, headers: sealed.headersFor('AG1'), claims };
    opener = makeOpener(fed, 1, T);
    expect((await opener.open(valid.value, valid.headers)).ok).toBe(true);
  });

  const neverThrowsNeverAccepts = async (value: Buffer, h: Record<string, string | undefined>) => {
    const r = await opener.open(value, h);
    expect(r.ok).toBe(false);
    return r;
  };

  it('arbitrary bytes and JSON are refused without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 2048 }), fc.jsonValue().map((j) => new TextEncoder().encode(JSON.stringify(j) ?? ''))), async (bytes) => {
        await neverThrowsNeverAccepts(Buffer.from(bytes), valid.headers);
      }),
      { numRuns: 300 },
    );
  });

  it('JWE-shaped objects with arbitrary members are refused', async () => {
    const b64 = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64url'));
    const header = fc.dictionary(fc.constantFrom('alg', 'enc', 'kid', 'epk', 'zip', 'cty', 'crit'), fc.oneof(fc.string(), fc.constant('ECDH-ES+A256KW'), fc.constant(fed.agencies[1].keyring.encryptionKid)));
    const jwe = fc.record({
      protected: fc.oneof(b64, header.map((h) => Buffer.from(JSON.stringify(h)).toString('base64url'))),
      recipients: fc.array(fc.record({ header, encrypted_key: b64 }), { maxLength: 3 }),
      iv: b64,
      ciphertext: b64,
      tag: b64,
    });
    await fc.assert(
      fc.asyncProperty(jwe, async (j) => {
        await neverThrowsNeverAccepts(Buffer.from(JSON.stringify(j)), valid.headers);
      }),
      { numRuns: 300 },
    );
  });

  const mutation = fc.oneof(
    fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
    fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  );
  function mutate(value: Buffer, m: { op: 'flip' | 'delete' | 'insert'; at: number; bits?: number; len?: number; bytes?: Uint8Array }): Buffer {
    const at = m.at % value.length;
    if (m.op === 'flip') {
      const out = Buffer.from(value);
      out[at] ^= m.bits!;
      return out;
    }
    if (m.op === 'delete') return Buffer.concat([value.subarray(0, at), value.subarray(at + m.len!)]);
    return Buffer.concat([value.subarray(0, at), Buffer.from(m.bytes!), value.subarray(at)]);
  }

  it('a mutated value is never accepted under the original headers', async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        await neverThrowsNeverAccepts(mutate(valid.value, m), valid.headers);
      }),
      { numRuns: 400 },
    );
  });

  it('with the digest header recomputed, a mutated value is refused or yields exactly the signed claims', async () => {
    // Other recipients' entries are not authenticated to this recipient (RFC 7516 multi-recipient),
    // so a change there may still open: what opens is then the sender's signed claims, unchanged.
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const value = mutate(valid.value, m);
        const r = await opener.open(value, { ...valid.headers, [HEADER_DIGEST]: sha(value) });
        if (r.ok) expect(r.claims).toEqual(valid.claims);
      }),
      { numRuns: 400 },
    );
  });

  it('a mutated header is never accepted', async () => {
    const names = [HEADER_MESSAGE_ID, HEADER_SENDER, HEADER_RECIPIENT, HEADER_DIGEST];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.option(fc.string(), { nil: undefined }), async (name, text) => {
        fc.pre(text !== valid.headers[name]);
        await neverThrowsNeverAccepts(valid.value, { ...valid.headers, [name]: text });
      }),
      { numRuns: 200 },
    );
  });
});
