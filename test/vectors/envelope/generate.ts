// Generates the envelope interoperability vectors (one JSON file per case) from the real library.
//
//   npx tsc -p test/vectors/envelope/tsconfig.json && TS_NODE_BASEURL=dist/vectors node -r tsconfig-paths/register dist/vectors/test/vectors/envelope/generate.js
//
// Every run makes new keys and ephemeral keys, so the files change completely; commit them together.
// The private keys written here are test-only keys: they exist nowhere but under test/vectors/.
import { createPrivateKey, sign } from 'node:crypto';
import { mkdirSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  addAgency,
  AgencyKeyring,
  emptyDirectory,
  EnvelopeSealer,
  generateAgencyKeys,
  HEADER_SENDER,
  NoticeClaims,
  PrivateOkpJwk,
  PublicOkpJwk,
  publicJwks,
  RefusalCode,
  toPublicJwk,
} from '../../../libs/envelope/src';
import { uuidv7 } from '../../../libs/envelope/src/testing/fixtures';
import { decryptInner, editJwe, encryptTo, flipB64, headersOf, signAs } from '../../../libs/envelope/src/testing/forge';

export interface EnvelopeVector {
  description: string;
  /** The agency whose public signing key follows (the directory entry an opener trusts). */
  sender: string;
  sender_signing_jwk: PublicOkpJwk;
  /** The agency opening it, and its private X25519 key (test-only). */
  recipient: string;
  recipient_encryption_jwk: PrivateOkpJwk;
  /** The opener's clock for this case (RFC 3339). */
  now: string;
  headers: Record<string, string>;
  /** The Kafka message value exactly as sent (UTF-8 JSON, no added whitespace). */
  envelope: string;
  /** What opening must yield (null when it must be refused). */
  claims: NoticeClaims | null;
  valid: boolean;
  error?: RefusalCode;
}

const ISSUED = new Date('2026-03-02T09:30:00Z');
const NOW = new Date('2026-03-02T09:30:05Z');
const CODES = ['EEPPA', 'FIKRP', 'LVVP', 'LTPD', 'SENOA', 'DEBKA', 'PLKGP'];

function claimsOf(aud: string[], body: unknown, extra: Partial<NoticeClaims> = {}): NoticeClaims {
  const iat = Math.floor(ISSUED.getTime() / 1000);
  return {
    iss: 'EEPPA',
    aud,
    jti: uuidv7(ISSUED.getTime()),
    iat,
    exp: iat + 7 * 86_400,
    kind: 'identity-query',
    handling: { code: 'H2' },
    grades: { source: 'B', information: 2 },
    priority: 'urgent',
    chseq: Object.fromEntries(aud.map((a, i) => [a, 41 + i])),
    body,
    ...extra,
  };
}

export async function generateEnvelopeVectors(): Promise<Record<string, EnvelopeVector>> {
  const keys = Object.fromEntries(await Promise.all(CODES.map(async (c) => [c, await generateAgencyKeys(c)] as const)));
  let directory = emptyDirectory('vectors', new Date('2026-01-01T00:00:00Z'));
  for (const code of CODES) {
    directory = addAgency(directory, { code, name: code, country: code.slice(0, 2), keys: publicJwks(keys[code]) }, { at: new Date('2026-01-01T00:00:00Z') });
  }
  const sender = keys['EEPPA'];
  const sealer = new EnvelopeSealer(await AgencyKeyring.import(sender), () => directory, { clock: () => ISSUED });
  const base = (recipient: string) => ({
    sender: 'EEPPA',
    sender_signing_jwk: toPublicJwk(sender.signing),
    recipient,
    recipient_encryption_jwk: keys[recipient].encryption,
    now: NOW.toISOString(),
  });
  const body = {
    subject: { family_name: 'Tamm', given_names: ['Mart'], date_of_birth: '1984-05-17', nationality: 'EE' },
    document: { type: 'passport', number: 'KE0123456', issuing_country: 'EE' },
    reason: 'Identify the holder of this passport, checked at the Vaalimaa border crossing.',
  };

  const one = claimsOf(['FIKRP'], body);
  const oneSealed = await sealer.seal(one);
  const five = claimsOf(['FIKRP', 'LVVP', 'LTPD', 'SENOA', 'DEBKA'], body, { kind: 'location-query', priority: 'normal', handling: { code: 'H3', restriction: 'Not to be shared with customs.' } });
  const fiveSealed = await sealer.seal(five);

  const vectors: Record<string, EnvelopeVector> = {};
  const add = (name: string, v: EnvelopeVector) => (vectors[name] = v);
  const str = (b: Buffer) => b.toString('utf8');

  add('valid-1-recipient', {
    description: 'EEPPA sends an identity query to FIKRP alone; epk is in the protected header (jose does so for a single recipient).',
    ...base('FIKRP'),
    headers: oneSealed.headersFor('FIKRP'),
    envelope: str(oneSealed.value),
    claims: one,
    valid: true,
  });
  add('valid-5-recipients', {
    description: 'EEPPA sends one location query to five agencies; LTPD opens the third recipient entry, chosen by kid.',
    ...base('LTPD'),
    headers: fiveSealed.headersFor('LTPD'),
    envelope: str(fiveSealed.value),
    claims: five,
    valid: true,
  });

  const flipped = editJwe(oneSealed.value, (j) => (j.ciphertext = flipB64(j.ciphertext, 100)));
  add('invalid-tampered-ciphertext', {
    description: 'One bit of the ciphertext flipped in transit, headers as sent (digest recomputed): the AES-GCM tag fails.',
    ...base('FIKRP'),
    headers: headersOf(flipped, one, 'FIKRP'),
    envelope: str(flipped),
    claims: null,
    valid: false,
    error: 'decryption_failed',
  });
  add('invalid-tampered-digest', {
    description: 'The envelope as sealed, but the liaison-digest header is not its SHA-256 (the value was swapped or the header edited).',
    ...base('FIKRP'),
    headers: { ...oneSealed.headersFor('FIKRP'), 'liaison-digest': headersOf(flipped, one, 'FIKRP')['liaison-digest'] },
    envelope: str(oneSealed.value),
    claims: null,
    valid: false,
    error: 'header_mismatch',
  });

  const fiKeyring = await AgencyKeyring.import(keys['FIKRP']);
  const inner = await decryptInner(oneSealed.value, fiKeyring.decryptionKey(fiKeyring.encryptionKid)!);
  const forwarded = await encryptTo(inner, [toPublicJwk(keys['PLKGP'].encryption)]);
  add('invalid-forwarded', {
    description: "FIKRP decrypted EEPPA's notice and re-encrypted the unchanged signed JWS to PLKGP: valid signature, but PLKGP is not in aud.",
    ...base('PLKGP'),
    headers: headersOf(forwarded, one, 'PLKGP'),
    envelope: str(forwarded),
    claims: null,
    valid: false,
    error: 'not_a_recipient',
  });

  const rogue = await generateAgencyKeys('EEPPA');
  const forgedClaims = claimsOf(['FIKRP'], { ...body, reason: 'Forged.' });
  const forged = await encryptTo(await signAs(forgedClaims, rogue.signing, sender.signing.kid), [toPublicJwk(keys['FIKRP'].encryption)]);
  add('invalid-wrong-signer', {
    description: "Signed with another Ed25519 key under EEPPA's kid: the signature does not verify under EEPPA's key.",
    ...base('FIKRP'),
    headers: headersOf(forged, forgedClaims, 'FIKRP'),
    envelope: str(forged),
    claims: null,
    valid: false,
    error: 'bad_signature',
  });

  add('invalid-sender-header', {
    description: 'The envelope as sealed, with the liaison-sender header changed to another agency.',
    ...base('FIKRP'),
    headers: { ...oneSealed.headersFor('FIKRP'), [HEADER_SENDER]: 'LVVP' },
    envelope: str(oneSealed.value),
    claims: null,
    valid: false,
    error: 'sender_mismatch',
  });

  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(one)).toString('base64url')}.`;
  const unsigned = await encryptTo(none, [toPublicJwk(keys['FIKRP'].encryption)]);
  add('invalid-alg-none', {
    description: 'A well-encrypted envelope whose inner JWS is unsigned (alg none).',
    ...base('FIKRP'),
    headers: headersOf(unsigned, one, 'FIKRP'),
    envelope: str(unsigned),
    claims: null,
    valid: false,
    error: 'algorithm_not_allowed',
  });

  const canonical = editJwe(oneSealed.value, (j) => {
    const prot = JSON.parse(Buffer.from(j.protected, 'base64url').toString());
    const x = Buffer.from(prot.epk.x, 'base64url');
    x[31] |= 0x80; // X25519 ignores bit 255: the same shared secret under another encoding
    prot.epk.x = x.toString('base64url');
    j.protected = Buffer.from(JSON.stringify(prot)).toString('base64url');
  });
  add('invalid-non-canonical-epk', {
    description: 'The single-recipient envelope with bit 255 of epk.x set (digest recomputed): the same key to X25519, so it would decrypt, but it is not the canonical encoding.',
    ...base('FIKRP'),
    headers: headersOf(canonical, one, 'FIKRP'),
    envelope: str(canonical),
    claims: null,
    valid: false,
    error: 'non_canonical_key',
  });

  // Signed by the genuine sender: two JSON readers could see two different kinds.
  const twice = JSON.stringify(one).replace('"kind":', '"kind":"location-query","kind":');
  const input = `${Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: sender.signing.kid, typ: 'JWT' })).toString('base64url')}.${Buffer.from(twice).toString('base64url')}`;
  const senderKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: sender.signing.x, d: sender.signing.d }, format: 'jwk' });
  const signature = sign(null, Buffer.from(input, 'ascii'), senderKey).toString('base64url');
  const duplicated = await encryptTo(`${input}.${signature}`, [toPublicJwk(keys['FIKRP'].encryption)]);
  add('invalid-duplicate-member', {
    description: 'Claims naming "kind" twice, validly signed by the sender: refused before any value is used.',
    ...base('FIKRP'),
    headers: headersOf(duplicated, one, 'FIKRP'),
    envelope: str(duplicated),
    claims: null,
    valid: false,
    error: 'duplicate_member',
  });

  add('invalid-expired', {
    description: 'The single-recipient envelope opened eight days after it was issued (exp is seven days).',
    ...base('FIKRP'),
    now: new Date(ISSUED.getTime() + 8 * 86_400_000).toISOString(),
    headers: oneSealed.headersFor('FIKRP'),
    envelope: str(oneSealed.value),
    claims: null,
    valid: false,
    error: 'expired',
  });
  return vectors;
}

async function main(): Promise<void> {
  const dir = process.argv[2] ?? join(__dirname, '..', '..', '..', '..', '..', 'test', 'vectors', 'envelope');
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (/^(valid|invalid)-.*\.json$/.test(f)) unlinkSync(join(dir, f));
  const vectors = await generateEnvelopeVectors();
  for (const [name, v] of Object.entries(vectors)) writeFileSync(join(dir, `${name}.json`), JSON.stringify(v, null, 2) + '\n');
  process.stdout.write(`wrote ${Object.keys(vectors).length} vectors to ${dir}\n`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
