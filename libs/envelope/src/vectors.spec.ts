// Checks the published interoperability vectors (test/vectors/envelope/*.json) against the opener.
// It lives here, not under test/, so that it runs in the unit project (no broker).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Directory, EnvelopeOpener, importRecipientKey, PublicOkpJwk, RefusalCode, sha256Hex } from './index';

const DIR = join(__dirname, '..', '..', '..', 'test', 'vectors', 'envelope');
const files = readdirSync(DIR).filter((f) => /^(valid|invalid)-.*\.json$/.test(f)).sort();
const load = (f: string) => JSON.parse(readFileSync(join(DIR, f), 'utf8'));

/** The directory an opener needs for a vector: the sender with its one signing key. */
function directoryOf(sender: string, jwk: PublicOkpJwk): Directory {
  return {
    serial: 1,
    issued_at: '2026-01-01T00:00:00Z',
    federation: 'vectors',
    agencies: [
      {
        code: sender,
        name: sender,
        country: sender.slice(0, 2),
        keys: [{ kid: jwk.kid, use: 'sig', jwk, not_before: '2026-01-01T00:00:00Z', not_after: '2028-01-01T00:00:00Z', status: 'active' }],
      },
    ],
  };
}

describe('envelope vectors', () => {
  it('cover one and five recipients, tampering, forwarding and a wrong signer', () => {
    const cases = files.map(load);
    const recipients = cases.filter((v) => v.valid).map((v) => JSON.parse(v.envelope).recipients.length);
    expect(recipients).toEqual(expect.arrayContaining([1, 5]));
    expect(cases.filter((v) => !v.valid).map((v) => v.error)).toEqual(expect.arrayContaining(['decryption_failed', 'not_a_recipient', 'bad_signature']));
  });

  it.each(files)('%s', async (file) => {
    const v = load(file);
    expect(Object.keys(v.sender_signing_jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    expect(v.recipient_encryption_jwk.d).toEqual(expect.any(String));
    if (!v.valid) expect(RefusalCode).toContain(v.error);
    const opener = new EnvelopeOpener({
      agency: v.recipient,
      keyring: await importRecipientKey(v.recipient, v.recipient_encryption_jwk),
      trust: () => directoryOf(v.sender, v.sender_signing_jwk),
      validateBody: () => null,
      clock: () => new Date(v.now),
    });
    const value = Buffer.from(v.envelope, 'utf8');
    const result = await opener.open(value, v.headers);
    if (v.valid) {
      expect(result).toEqual({ ok: true, claims: v.claims, digest: sha256Hex(value), signerKid: v.sender_signing_jwk.kid });
      expect(v.headers['liaison-digest']).toBe(sha256Hex(value));
    } else {
      expect(result).toMatchObject({ ok: false, code: v.error });
      expect(v.claims).toBeNull();
    }
  });
});

// An independent implementation (pyca/cryptography primitives only, no JOSE library) must open the
// valid vectors and refuse the cryptographically invalid ones. Skipped where Python lacks it.
const hasPython = spawnSync('python3', ['-c', 'import cryptography'], { stdio: 'ignore' }).status === 0;
const CRYPTO_ONLY = ['expired']; // time, replay and schema are receiver policy, not in the script
(hasPython ? describe : describe.skip)('independent opener (test/vectors/envelope/open_vector.py)', () => {
  it.each(files)('%s', (file) => {
    const v = load(file);
    const run = spawnSync('python3', [join(DIR, 'open_vector.py'), join(DIR, file)], { encoding: 'utf8', timeout: 30_000 });
    const opens = v.valid || CRYPTO_ONLY.includes(v.error);
    expect({ file, status: run.status }).toEqual({ file, status: opens ? 0 : 1 });
    if (v.valid) expect(JSON.parse(run.stdout)).toEqual(v.claims);
  });
});
