import { createHmac, generateKeyPairSync, randomBytes } from 'crypto';
import { generateKeyPair as joseKeyPair, exportJWK } from 'jose';
import { HEADER_DIGEST, HEADER_MESSAGE_ID, HEADER_RECIPIENT, HEADER_SENDER, NoticeClaims, RefusalCode } from '@liaison/envelope';
import { uuidv7 } from '@liaison/ids';
import { decryptInner, editJwe, encryptTo, flipB64, signAs } from '../../libs/envelope/src/testing/forge';
import { TestFederation } from '../support/federation';
import { HostileKit, RawMessage, readTopic, sha256 } from '../support/hostile-kafka';

/**
 * Hostile and malformed messages written straight to NL's inbox topic with other agencies'
 * broker credentials, bypassing every sending node. Each one must be refused with the expected
 * reason — in GET /rejected, in NL's ledger ('rejected' entry whose reason starts with the code)
 * and on the dead-letter topic (header liaison-refusal) — while the node keeps running and a
 * genuine notice written right behind it is recorded.
 */
const MAX = 16 * 1024; // LIAISON_MAX_ENVELOPE_BYTES for this node
const TARGET = 'NL';

const b64u = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const now = (): number => Math.floor(Date.now() / 1000);

interface Entry {
  name: string;
  code: RefusalCode;
  /** Broker principal that writes it (default ES, a federation member with write access to NL's inbox). */
  writer?: string;
  /** Prepares the world (restart, directory update) before the message is built. */
  before?: () => Promise<void>;
  build: () => Promise<RawMessage | RawMessage[]>;
}

describe('hostile input on the inbox topic', () => {
  let fed: TestFederation;
  let kit: HostileKit;
  let inbox: string;
  /** Genuine notices NL accepted, and their claims: replays seal the same claims again. */
  const accepted: RawMessage[] = [];
  const acceptedClaims: NoticeClaims[] = [];
  /** What each entry expects on the dead-letter topic: digest → refusal codes. */
  const deadLetters: { name: string; digest: string; code: RefusalCode }[] = [];

  beforeAll(async () => {
    fed = await TestFederation.create(['NL', 'ES', 'CO', 'DE']);
    await fed.start(TARGET, { LIAISON_MAX_ENVELOPE_BYTES: String(MAX) });
    kit = await HostileKit.create(fed);
    inbox = fed.topics.inbox(TARGET);
    // One genuine notice first: replay entries reuse it.
    const first = await kit.valid('ES', TARGET);
    await kit.write('ES', inbox, [first.message]);
    await waitReceived(first.claims.jti);
    accepted.push(first.message);
    acceptedClaims.push(first.claims);
  });
  afterAll(async () => {
    await kit?.close();
    await fed?.destroy();
  });

  async function waitReceived(jti: string): Promise<void> {
    await fed.waitFor(async () => (await fed.sql(TARGET, 'SELECT 1 FROM received_message WHERE message_id = $1', [jti])).length === 1, `NL to record ${jti}`);
  }

  const rejectedCount = async (digest: string): Promise<number> =>
    (await fed.sql(TARGET, 'SELECT count(*)::int AS n FROM rejected_message WHERE digest = $1', [digest]))[0].n;

  /** A genuine envelope re-encrypted (same sender, same signature path) after `change` to the claims. */
  const signedBy = async (signer: string, claims: unknown, extra: { kid?: string; jwsHeader?: Record<string, unknown>; to?: string[] } = {}) =>
    kit.forge(claims, { signer, kid: extra.kid, to: extra.to ?? [TARGET], jwsHeader: extra.jwsHeader });

  /** Message for NL with headers matching `claims` (override any). */
  const msg = (value: Buffer | null, claims: { jti: string; iss: string }, overrides: Record<string, string | Buffer | undefined> = {}): RawMessage => ({
    value,
    headers: kit.headers(value ?? Buffer.alloc(0), claims, TARGET, overrides),
    key: claims.jti,
  });

  /** A genuine sealed envelope whose outer JSON is edited (headers recomputed over the new bytes). */
  const edited = async (change: (jwe: Record<string, any>) => void): Promise<RawMessage> => {
    const { claims, message } = await kit.valid('ES', TARGET);
    return msg(editJwe(message.value as Buffer, change), claims);
  };

  /** A genuine ES envelope for NL whose routing headers are overridden (undefined removes one). */
  const genuineWith = async (overrides: Record<string, string | Buffer | undefined>): Promise<RawMessage> => {
    const { claims, message } = await kit.valid('ES', TARGET);
    return msg(message.value, claims, overrides);
  };

  /** Any plaintext encrypted to NL, headers as ES would set them. */
  const innerText = async (plaintext: string): Promise<RawMessage> => {
    const claims = kit.claims('ES', [TARGET]);
    return msg(await kit.encryptPlaintext(plaintext, [TARGET]), claims);
  };

  const jwsWith = (header: Record<string, unknown>, claims: unknown, signature: Buffer): string => `${b64u(header)}.${b64u(claims)}.${signature.toString('base64url')}`;

  const catalogue: Entry[] = [
    // --- the value itself ---
    { name: 'random binary garbage', code: 'malformed', build: async () => ({ value: randomBytes(2048), headers: {} }) },
    { name: 'empty value', code: 'malformed', build: async () => ({ value: Buffer.alloc(0), headers: { [HEADER_SENDER]: 'ES' } }) },
    { name: 'tombstone (null value)', code: 'malformed', build: async () => ({ value: null, headers: { [HEADER_SENDER]: 'ES', 'x-tombstone': randomBytes(4) } }) },
    { name: 'text that is not JSON', code: 'malformed', build: async () => ({ value: Buffer.from(`hello ${randomBytes(8).toString('hex')}`), headers: {} }) },
    { name: 'invalid UTF-8 inside JSON', code: 'malformed', build: async () => ({ value: Buffer.concat([Buffer.from('{"protected":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(`${randomBytes(4).toString('hex')}"}`)]), headers: {} }) },
    { name: 'JSON array instead of an object', code: 'malformed', build: async () => ({ value: Buffer.from(JSON.stringify([1, 2, randomBytes(4).toString('hex')])), headers: {} }) },
    { name: 'JSON null', code: 'malformed', build: async () => ({ value: Buffer.from('null'), headers: { 'x-n': randomBytes(4) } }) },
    {
      name: 'exactly the size limit (not JSON, so malformed, not too_large)',
      code: 'malformed',
      build: async () => ({ value: Buffer.concat([randomBytes(8), Buffer.alloc(MAX - 8, 0x41)]), headers: {} }),
    },
    {
      name: 'a genuine envelope one byte over the size limit',
      code: 'too_large',
      build: async () => {
        const { claims, message } = await kit.valid('ES', TARGET);
        const v = message.value as Buffer;
        const padded = Buffer.concat([v, Buffer.alloc(MAX + 1 - v.length, 0x20)]); // JSON allows trailing spaces
        return msg(padded, claims);
      },
    },
    {
      name: 'a genuine envelope with an enormous body (900 KB)',
      code: 'too_large',
      build: async () => {
        const { claims, message } = await kit.valid('ES', TARGET, { body: { ...(kit.claims('ES', [TARGET]).body as object), reason: 'x'.repeat(900_000) } } as Partial<NoticeClaims>);
        return msg(message.value, claims);
      },
    },
    {
      name: 'deeply nested JSON value (8,000 levels)',
      code: 'malformed',
      build: async () => ({ value: Buffer.from(`${'['.repeat(8000)}"${randomBytes(4).toString('hex')}"${']'.repeat(8000)}`), headers: {} }),
    },
    // --- JOSE structure ---
    {
      name: 'compact JWE (five dot-separated parts) instead of General JSON',
      code: 'malformed',
      build: async () => {
        const { claims, message } = await kit.valid('ES', TARGET);
        const j = JSON.parse((message.value as Buffer).toString());
        const compact = [j.protected, j.recipients[0].encrypted_key, j.iv, j.ciphertext, j.tag].join('.');
        return msg(Buffer.from(compact), claims);
      },
    },
    {
      name: 'truncated envelope (first half only)',
      code: 'malformed',
      build: async () => {
        const { claims, message } = await kit.valid('ES', TARGET);
        return msg((message.value as Buffer).subarray(0, Math.floor((message.value as Buffer).length / 2)), claims);
      },
    },
    { name: 'JWE without recipients', code: 'malformed', build: () => edited((j) => delete j.recipients) },
    { name: 'JWE with an extra member', code: 'malformed', build: () => edited((j) => (j.aad = b64u('extra'))) },
    { name: 're-ordered JOSE parts (iv and tag swapped)', code: 'malformed', build: () => edited((j) => ([j.iv, j.tag] = [j.tag, j.iv])) },
    { name: 're-ordered JOSE parts (ciphertext and protected swapped)', code: 'malformed', build: () => edited((j) => ([j.protected, j.ciphertext] = [j.ciphertext, j.protected])) },
    { name: 'ciphertext with one bit flipped', code: 'decryption_failed', build: () => edited((j) => (j.ciphertext = flipB64(j.ciphertext, 5))) },
    { name: 'authentication tag with one bit flipped', code: 'decryption_failed', build: () => edited((j) => (j.tag = flipB64(j.tag, 0))) },
    {
      name: 'protected header edited (cty removed would need re-encryption: epk swapped for another key)',
      code: 'decryption_failed',
      build: async () => {
        const other = await exportJWK((await joseKeyPair('ECDH-ES+A256KW', { crv: 'X25519' })).publicKey);
        return edited((j) => {
          const p = JSON.parse(Buffer.from(j.protected, 'base64url').toString());
          j.protected = b64u({ ...p, epk: { kty: 'OKP', crv: 'X25519', x: other.x } });
        });
      },
    },
    // --- algorithm allow-list and confusion ---
    {
      name: 'outer alg: none',
      code: 'algorithm_not_allowed',
      build: () => edited((j) => (j.protected = b64u({ ...JSON.parse(Buffer.from(j.protected, 'base64url').toString()), alg: 'none' }))),
    },
    { name: 'recipient alg dir (direct key agreement)', code: 'algorithm_not_allowed', build: () => edited((j) => (j.recipients[0].header.alg = 'dir')) },
    { name: 'recipient alg RSA-OAEP-256', code: 'algorithm_not_allowed', build: () => edited((j) => (j.recipients[0].header.alg = 'RSA-OAEP-256')) },
    {
      name: 'enc A128GCM instead of A256GCM (same iv and tag sizes)',
      code: 'algorithm_not_allowed',
      build: () => edited((j) => (j.protected = b64u({ ...JSON.parse(Buffer.from(j.protected, 'base64url').toString()), enc: 'A128GCM' }))),
    },
    {
      // Its 16-byte iv already fails the A256GCM serialization checks, which run before the allow-list.
      name: 'enc A128CBC-HS256 instead of A256GCM',
      code: 'malformed',
      build: async () => {
        const claims = kit.claims('ES', [TARGET]);
        const jws = await signAs(claims, kit.signing('ES'), kit.signingKid('ES'));
        return msg(await encryptTo(jws, [kit.encryptionJwk(TARGET)], { enc: 'A128CBC-HS256', cty: 'JWT' }), claims);
      },
    },
    {
      name: 'zip: DEF (compressed plaintext)',
      code: 'algorithm_not_allowed',
      build: () => edited((j) => (j.protected = b64u({ ...JSON.parse(Buffer.from(j.protected, 'base64url').toString()), zip: 'DEF' }))),
    },
    { name: 'crit header', code: 'algorithm_not_allowed', build: () => edited((j) => (j.recipients[0].header.crit = ['exp'])) },
    {
      name: 'embedded jwk in the protected header',
      code: 'algorithm_not_allowed',
      build: () => edited((j) => (j.protected = b64u({ ...JSON.parse(Buffer.from(j.protected, 'base64url').toString()), jwk: kit.encryptionJwk('ES') }))),
    },
    {
      name: 'ephemeral key on P-256 instead of X25519',
      code: 'algorithm_not_allowed',
      build: () =>
        edited((j) => {
          const p = JSON.parse(Buffer.from(j.protected, 'base64url').toString());
          j.protected = b64u({ ...p, epk: { kty: 'EC', crv: 'P-256', x: p.epk.x } });
        }),
    },
    {
      name: 'inner JWS alg: none (unsigned)',
      code: 'algorithm_not_allowed',
      build: async () => {
        const claims = kit.claims('ES', [TARGET]);
        return msg(await kit.encryptPlaintext(`${b64u({ alg: 'none', typ: 'JWT', kid: kit.signingKid('ES') })}.${b64u(claims)}.`, [TARGET]), claims);
      },
    },
    {
      name: 'inner JWS HS256 keyed with the sender public key (algorithm confusion)',
      code: 'algorithm_not_allowed',
      build: async () => {
        const claims = kit.claims('ES', [TARGET]);
        const header = { alg: 'HS256', typ: 'JWT', kid: kit.signingKid('ES') };
        const input = `${b64u(header)}.${b64u(claims)}`;
        const mac = createHmac('sha256', Buffer.from(kit.signing('ES').x, 'base64url')).update(input).digest();
        return msg(await kit.encryptPlaintext(`${input}.${mac.toString('base64url')}`, [TARGET]), claims);
      },
    },
    {
      name: 'inner JWS RS256 with an attacker RSA key',
      code: 'algorithm_not_allowed',
      build: async () => {
        const claims = kit.claims('ES', [TARGET]);
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const header = { alg: 'RS256', typ: 'JWT', kid: kit.signingKid('ES') };
        const input = `${b64u(header)}.${b64u(claims)}`;
        const sig = require('crypto').sign('sha256', Buffer.from(input), privateKey) as Buffer;
        return msg(await kit.encryptPlaintext(`${input}.${sig.toString('base64url')}`, [TARGET]), claims);
      },
    },
    {
      name: 'inner JWS carrying its own verification key (jwk header)',
      code: 'algorithm_not_allowed',
      build: async () => {
        const claims = kit.claims('ES', [TARGET]);
        const { x } = kit.signing('ES');
        return msg(await signedBy('ES', claims, { jwsHeader: { jwk: { kty: 'OKP', crv: 'Ed25519', x } } }), claims);
      },
    },
    // --- inner JWS structure ---
    { name: 'plaintext that is not a JWS', code: 'malformed_inner', build: () => innerText(`not a jws ${randomBytes(4).toString('hex')}`) },
    {
      name: 'inner JWS truncated (signature part dropped)',
      code: 'malformed_inner',
      build: async () => {
        const claims = kit.claims('ES', [TARGET]);
        const jws = await signAs(claims, kit.signing('ES'), kit.signingKid('ES'));
        return msg(await kit.encryptPlaintext(jws.split('.').slice(0, 2).join('.'), [TARGET]), claims);
      },
    },
    {
      name: 'inner JWS signature cut to 63 bytes',
      code: 'malformed_inner',
      build: async () => {
        const claims = kit.claims('ES', [TARGET]);
        const [h, p, s] = (await signAs(claims, kit.signing('ES'), kit.signingKid('ES'))).split('.');
        return msg(await kit.encryptPlaintext(`${h}.${p}.${Buffer.from(s, 'base64url').subarray(0, 63).toString('base64url')}`, [TARGET]), claims);
      },
    },
    {
      name: 're-ordered inner JWS parts (payload first)',
      code: 'algorithm_not_allowed',
      build: async () => {
        const claims = kit.claims('ES', [TARGET]);
        const [h, p, s] = (await signAs(claims, kit.signing('ES'), kit.signingKid('ES'))).split('.');
        return msg(await kit.encryptPlaintext(`${p}.${h}.${s}`, [TARGET]), claims);
      },
    },
    {
      name: 'claims without jti',
      code: 'malformed_inner',
      build: async () => {
        const claims = kit.claims('ES', [TARGET]);
        const { jti: _jti, ...rest } = claims;
        return msg(await signedBy('ES', rest), claims);
      },
    },
    {
      name: 'claims with an unknown member (__proto__)',
      code: 'malformed_inner',
      build: async () => {
        const claims = kit.claims('ES', [TARGET]);
        const text = JSON.stringify(claims).replace(/^\{/, '{"__proto__":{"admin":true},');
        const jws = await signAs(JSON.parse(text), kit.signing('ES'), kit.signingKid('ES'));
        return msg(await kit.encryptPlaintext(jws, [TARGET]), claims);
      },
    },
    {
      name: 'claims without a channel sequence for the recipient',
      code: 'malformed_inner',
      build: async () => {
        const claims = { ...kit.claims('ES', [TARGET]), chseq: { CO: 1 } };
        return msg(await signedBy('ES', claims), claims);
      },
    },
    // --- keys and signatures ---
    {
      name: 'encrypted to a key NL does not hold',
      code: 'unknown_recipient_key',
      build: async () => {
        const claims = kit.claims('ES', [TARGET]);
        const stranger = await exportJWK((await joseKeyPair('ECDH-ES+A256KW', { crv: 'X25519' })).publicKey);
        const jws = await signAs(claims, kit.signing('ES'), kit.signingKid('ES'));
        return msg(await encryptTo(jws, [{ ...(stranger as any), kid: 'stranger-key' }]), claims);
      },
    },
    {
      name: 'encrypted_key entries swapped between two recipients',
      code: 'decryption_failed',
      build: async () => {
        const claims = kit.claims('ES', [TARGET, 'CO']);
        const sealed = await kit.seal(claims);
        const value = editJwe(sealed.value, (j) => {
          [j.recipients[0].encrypted_key, j.recipients[1].encrypted_key] = [j.recipients[1].encrypted_key, j.recipients[0].encrypted_key];
        });
        return msg(value, claims);
      },
    },
    {
      name: 'signed under a kid that is not in the directory',
      code: 'unknown_signing_key',
      build: async () => {
        const claims = kit.claims('ES', [TARGET]);
        return msg(await signedBy('ES', claims, { kid: `ES-sig-${randomBytes(6).toString('hex')}` }), claims);
      },
    },
    {
      name: "signed with ES's key under CO's kid",
      code: 'bad_signature',
      build: async () => {
        const claims = kit.claims('CO', [TARGET]);
        return msg(await signedBy('ES', claims, { kid: kit.signingKid('CO') }), claims);
      },
    },
    {
      name: 'inner signature with one bit flipped',
      code: 'bad_signature',
      build: async () => {
        const claims = kit.claims('ES', [TARGET]);
        const [h, p, s] = (await signAs(claims, kit.signing('ES'), kit.signingKid('ES'))).split('.');
        return msg(await kit.encryptPlaintext(`${h}.${p}.${flipB64(s, 10)}`, [TARGET]), claims);
      },
    },
    {
      name: 'signed by ES but claiming to come from CO (iss CO)',
      code: 'sender_mismatch',
      build: async () => {
        const claims = kit.claims('CO', [TARGET]);
        return msg(await signedBy('ES', claims), claims, { [HEADER_SENDER]: 'CO' });
      },
    },
    {
      name: 'genuine ES envelope with the sender header saying CO',
      code: 'sender_mismatch',
      build: () => genuineWith({ [HEADER_SENDER]: 'CO' }),
    },
    {
      name: 'written with CO credentials: genuine ES envelope, sender header CO',
      code: 'sender_mismatch',
      writer: 'CO',
      build: () => genuineWith({ [HEADER_SENDER]: 'CO' }),
    },
    // --- headers that disagree with the signed claims ---
    {
      name: 'message-id header differs from jti',
      code: 'header_mismatch',
      build: () => genuineWith({ [HEADER_MESSAGE_ID]: uuidv7() }),
    },
    {
      name: 'recipient header names another agency',
      code: 'header_mismatch',
      build: () => genuineWith({ [HEADER_RECIPIENT]: 'CO' }),
    },
    {
      name: 'digest header is not the digest of the value',
      code: 'header_mismatch',
      build: () => genuineWith({ [HEADER_DIGEST]: sha256(Buffer.from('something else')) }),
    },
    {
      name: 'no headers at all',
      code: 'sender_mismatch',
      build: async () => {
        const { message } = await kit.valid('ES', TARGET);
        return { value: message.value, headers: {} };
      },
    },
    {
      name: 'message-id header missing',
      code: 'header_mismatch',
      build: () => genuineWith({ [HEADER_MESSAGE_ID]: undefined }),
    },
    {
      name: 'binary sender header (invalid UTF-8 and NUL)',
      code: 'sender_mismatch',
      build: () => genuineWith({ [HEADER_SENDER]: Buffer.from([0x45, 0x53, 0x00, 0xff, 0xfe]) }),
    },
    {
      name: 'NUL in a header name and value (the dead-letter copy must still be stored)',
      code: 'malformed',
      build: async () => ({ value: Buffer.from(`nul ${randomBytes(4).toString('hex')}`), headers: { 'x-evil\u0000name': Buffer.from([0x61, 0x00, 0x62]), [HEADER_SENDER]: 'E\u0000S' } }),
    },
    {
      name: 'binary recipient header',
      code: 'header_mismatch',
      build: () => genuineWith({ [HEADER_RECIPIENT]: Buffer.from([0x4e, 0x4c, 0x80]) }),
    },
    // --- routing ---
    {
      name: 'forwarded: CO passes on the exact bytes ES sealed for CO only',
      code: 'unknown_recipient_key',
      writer: 'CO',
      build: async () => {
        const claims = kit.claims('ES', ['CO']);
        const sealed = await kit.seal(claims);
        return msg(sealed.value, claims);
      },
    },
    {
      name: "forwarded: CO decrypts ES's signed notice for CO and re-encrypts it to NL",
      code: 'not_a_recipient',
      writer: 'CO',
      build: async () => {
        const claims = kit.claims('ES', ['CO']);
        const sealed = await kit.seal(claims);
        const coKey = kit.keyrings.get('CO')!.decryptionKey(kit.encryptionJwk('CO').kid)!;
        const jws = await decryptInner(sealed.value, coKey);
        return msg(await kit.encryptPlaintext(jws, [TARGET]), claims);
      },
    },
    // --- time ---
    {
      name: 'expired notice',
      code: 'expired',
      build: async () => {
        await kit.keysValidFor(3);
        const iat = now() - 3;
        const claims = kit.claims('ES', [TARGET], { iat, exp: iat + 1 });
        return msg(await signedBy('ES', claims), claims);
      },
    },
    {
      name: 'issued an hour in the future',
      code: 'clock_skew',
      build: async () => {
        const claims = kit.claims('ES', [TARGET], { iat: now() + 3600, exp: now() + 7200 });
        return msg((await kit.seal(claims)).value, claims);
      },
    },
    // --- replays ---
    // A replay is the same (sender, message id) with another digest: the same signed claims sealed
    // again. The same bytes again are a redelivery (test/e2e/node-delivery.spec.ts), not a refusal.
    {
      name: 'replay of an accepted notice (same claims sealed again: another digest, new offset)',
      code: 'replay',
      build: async () => msg((await kit.seal(acceptedClaims[0])).value, acceptedClaims[0]),
    },
    {
      name: 'the same genuine claims sealed twice in one write',
      code: 'replay',
      build: async () => {
        const { claims, message } = await kit.valid('ES', TARGET);
        return [message, { ...msg((await kit.seal(claims)).value, claims), key: claims.jti }];
      },
    },
    {
      name: 'replay across a restart of the node',
      code: 'replay',
      before: async () => {
        await fed.stop(TARGET);
        await fed.start(TARGET, { LIAISON_MAX_ENVELOPE_BYTES: String(MAX) });
      },
      build: async () => {
        const claims = acceptedClaims[acceptedClaims.length - 1];
        return msg((await kit.seal(claims)).value, claims);
      },
    },
    // --- body ---
    {
      name: 'body breaking the identity-query schema (empty)',
      code: 'schema_violation',
      build: async () => {
        const { claims, message } = await kit.valid('ES', TARGET, { body: {} });
        return msg(message.value, claims);
      },
    },
    {
      name: 'body with wrong types',
      code: 'schema_violation',
      build: async () => {
        const base = kit.claims('ES', [TARGET]).body as Record<string, unknown>;
        const { claims, message } = await kit.valid('ES', TARGET, { body: { ...base, names: 42, date_of_birth: ['1980'] } });
        return msg(message.value, claims);
      },
    },
    {
      name: 'unknown notice kind',
      code: 'schema_violation',
      build: async () => {
        const { claims, message } = await kit.valid('ES', TARGET, { kind: 'drop-tables' });
        return msg(message.value, claims);
      },
    },
    {
      name: 'deeply nested JSON body (2,000 levels)',
      code: 'schema_violation',
      build: async () => {
        // Built as text: JSON.stringify itself would overflow the stack.
        const claims = kit.claims('ES', [TARGET], { body: 'DEEP' });
        const text = JSON.stringify(claims).replace('"DEEP"', `${'['.repeat(2000)}1${']'.repeat(2000)}`);
        return msg(await kit.encryptPlaintext(await kit.signText(text, 'ES'), [TARGET]), claims);
      },
    },
    {
      name: 'enormous JSON body (500 members, under the size limit)',
      code: 'schema_violation',
      build: async () => {
        const body = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]));
        const claims = kit.claims('ES', [TARGET], { body });
        return msg(await signedBy('ES', claims), claims);
      },
    },
    // --- trust holes of issue 11 (more in trust-envelope.spec.ts) ---
    {
      name: 'claims naming a member twice, signed by the sender',
      code: 'duplicate_member',
      build: async () => {
        const claims = kit.claims('ES', [TARGET]);
        const text = JSON.stringify(claims).replace('"kind":', '"kind":"location-query","kind":');
        return msg(await kit.encryptPlaintext(await kit.signText(text, 'ES'), [TARGET]), claims);
      },
    },
    {
      name: 'epk with bit 255 set (same key to X25519, another digest)',
      code: 'non_canonical_key',
      build: () =>
        edited((jwe) => {
          const prot = JSON.parse(Buffer.from(jwe.protected, 'base64url').toString());
          const x = Buffer.from(prot.epk.x, 'base64url');
          x[31] |= 0x80;
          prot.epk.x = x.toString('base64url');
          jwe.protected = b64u(prot);
        }),
    },
    {
      name: 'exp ten years after iat',
      code: 'lifetime_too_long',
      build: async () => {
        const claims = kit.claims('ES', [TARGET], { exp: now() + 3650 * 86_400 });
        return msg(await signedBy('ES', claims), claims);
      },
    },
    {
      name: 'iat older than the transit window (backdated)',
      code: 'too_old',
      build: async () => {
        const iat = now() - 15 * 86_400;
        const claims = kit.claims('ES', [TARGET], { iat, jti: uuidv7(() => iat * 1000) });
        return msg(await signedBy('ES', claims), claims);
      },
    },
    {
      name: 'jti dated an hour before iat',
      code: 'jti_time_mismatch',
      build: async () => {
        const claims = kit.claims('ES', [TARGET], { jti: uuidv7(() => (now() - 3600) * 1000) });
        return msg(await signedBy('ES', claims), claims);
      },
    },
    // --- directory: revoked key (last, DE stays revoked) ---
    {
      name: 'signed with a key the directory has since revoked',
      code: 'signing_key_not_valid',
      writer: 'DE',
      before: async () => {
        const serial = await kit.revokeSigningKey('DE');
        await fed.waitFor(async () => (await fed.get(TARGET, '/directory', 'operator')).body.serial >= serial, 'NL to load the revoking directory');
      },
      build: async () => {
        const claims = kit.claims('DE', [TARGET]);
        return msg(await signedBy('DE', claims), claims);
      },
    },
  ];

  // internal_error cannot be provoked from outside; trust_unavailable is the node's own state (test/e2e/trust-envelope.spec.ts).
  it('has a catalogue of at least 40 entries covering every envelope refusal code but internal_error and trust_unavailable', () => {
    expect(catalogue.length).toBeGreaterThanOrEqual(40);
    const covered = new Set(catalogue.map((e) => e.code));
    expect(RefusalCode.filter((c) => c !== 'internal_error' && c !== 'trust_unavailable' && !covered.has(c))).toEqual([]);
  });

  it.each(catalogue.map((e, i) => [`${String(i + 1).padStart(2, '0')} ${e.name} → ${e.code}`, e] as const))('%s', async (_title, entry) => {
    await entry.before?.();
    const built = await entry.build();
    const hostile = Array.isArray(built) ? built : [built];
    const last = hostile[hostile.length - 1];
    const digest = sha256(last.value ?? Buffer.alloc(0));
    const before = await rejectedCount(digest);
    const next = await kit.valid('ES', TARGET);

    await kit.write(entry.writer ?? 'ES', inbox, hostile);
    await kit.write('ES', inbox, [next.message]);

    // The genuine notice behind it is recorded: the hostile one did not stop the inbox.
    await waitReceived(next.claims.jti);
    accepted.push(next.message);
    acceptedClaims.push(next.claims);
    await fed.waitFor(async () => (await rejectedCount(digest)) > before, `the refusal of "${entry.name}"`);

    const rows = await fed.sql<{ code: string; detail: string }>(TARGET, 'SELECT code, detail FROM rejected_message WHERE digest = $1 ORDER BY id DESC LIMIT 1', [digest]);
    expect(rows[0].code).toBe(entry.code);

    const api = await fed.get(TARGET, '/rejected?limit=100', 'auditor');
    expect(api.status).toBe(200);
    expect(api.body.find((r: { digest: string }) => r.digest === digest)).toMatchObject({ code: entry.code });

    const ledger = await fed.sql<{ reason: string }>(TARGET, `SELECT reason FROM ledger_entry WHERE event = 'rejected' AND digest = $1 ORDER BY seq DESC LIMIT 1`, [digest]);
    expect(ledger[0]?.reason.startsWith(`${entry.code}: `)).toBe(true);

    expect((await fed.get(TARGET, '/health/live', null)).status).toBe(200);
    deadLetters.push({ name: entry.name, digest, code: entry.code });
  });

  it('copied every refused message to the dead-letter topic with the refusal code in liaison-refusal', async () => {
    expect(deadLetters.length).toBe(catalogue.length);
    const want = (got: { digest: string; headers: Record<string, string> }[]) =>
      deadLetters.every((d) => got.some((g) => g.digest === d.digest && g.headers['liaison-refusal'] === d.code));
    const got = await readTopic(fed.topics.deadLetter(TARGET), want);
    const missing = deadLetters.filter((d) => !got.some((g) => g.digest === d.digest && g.headers['liaison-refusal'] === d.code)).map((d) => d.name);
    expect(missing).toEqual([]);
    // Every genuine notice written between them was recorded exactly once.
    const ids = accepted.map((m) => String(m.headers[HEADER_MESSAGE_ID]));
    const recorded = await fed.sql(TARGET, 'SELECT count(*)::int AS n FROM received_message WHERE message_id = ANY($1::uuid[])', [[...new Set(ids)]]);
    expect(recorded[0].n).toBe(new Set(ids).size);
  });
});
