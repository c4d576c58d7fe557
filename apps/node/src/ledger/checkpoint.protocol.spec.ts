import { generateKeyPairSync } from 'crypto';
import {
  checkpointBody,
  consistencyProof,
  encodeBase64,
  leafHash,
  merkleRoot,
  noteSignedBy,
  signNote,
  subtreeHashFromLeaves,
} from '@liaison/ledger';
import type { Directory, DirectoryKey } from '@liaison/envelope';
import { agencyOfOrigin, asLogKeys, checkpointDue, nextCheckpointRoundAt, originOf, parseLedgerMessage, signingKeysOf, CheckpointMessage } from './checkpoint.protocol';

const leaves = Array.from({ length: 20 }, (_, i) => leafHash(Buffer.from(`e${i}`)));
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const x = (k: typeof publicKey) => String(k.export({ format: 'jwk' }).x);

function key(pub: typeof publicKey, overrides: Partial<DirectoryKey> = {}): DirectoryKey {
  return {
    kid: `k-${x(pub).slice(0, 8)}`,
    use: 'sig',
    jwk: { kty: 'OKP', crv: 'Ed25519', x: x(pub), kid: `k-${x(pub).slice(0, 8)}` } as DirectoryKey['jwk'],
    not_before: '2026-01-01T00:00:00Z',
    not_after: '2028-01-01T00:00:00Z',
    status: 'active',
    ...overrides,
  };
}

function note(size: number, signer = privateKey, tree = leaves): string {
  return signNote(checkpointBody({ origin: 'liaison/EE', size, rootHash: merkleRoot(tree, 0, size) }), 'liaison/EE', signer);
}

async function message(size: number, from: number[], signer = privateKey): Promise<CheckpointMessage> {
  const proofs = [];
  for (const f of from) proofs.push({ from: f, proof: (await consistencyProof(f, size, subtreeHashFromLeaves(leaves))).map(encodeBase64) });
  return { type: 'checkpoint', origin: 'liaison/EE', agency: 'EE', note: note(size, signer), proofs };
}

const keys = [key(publicKey)];

describe('origins', () => {
  it('names an agency’s log liaison/<AGENCY> and reads it back', () => {
    expect(originOf('EE')).toBe('liaison/EE');
    expect(agencyOfOrigin('liaison/EE')).toBe('EE');
    for (const bad of ['EE', 'liaison/', 'other/EE', 'liaison/E E', 42, null]) expect(agencyOfOrigin(bad)).toBeNull();
  });
});

describe('parseLedgerMessage', () => {
  const buf = (v: unknown) => Buffer.from(JSON.stringify(v));
  it('accepts the three message types', async () => {
    expect(parseLedgerMessage(buf(await message(5, [])), 'checkpoint').ok).toBe(true);
    expect(parseLedgerMessage(buf({ type: 'cosignature', origin: 'liaison/EE', witness: 'liaison/NL', size: 5, line: '\u2014 liaison/NL AAAA' })).ok).toBe(true);
    expect(parseLedgerMessage(buf({ type: 'alert', origin: 'liaison/EE', witness: 'liaison/NL', reason: 'not_an_extension', cosignedNote: null, refusedNote: 'x' })).ok).toBe(true);
  });
  it.each([
    ['null', null],
    ['empty', Buffer.alloc(0)],
    ['not JSON', Buffer.from('{')],
    ['an array', buf([])],
    ['no origin', buf({ type: 'checkpoint' })],
    ['agency not matching origin', buf({ type: 'checkpoint', origin: 'liaison/EE', agency: 'NL', note: 'n', proofs: [] })],
    ['proofs not an array', buf({ type: 'checkpoint', origin: 'liaison/EE', agency: 'EE', note: 'n', proofs: {} })],
    ['a short proof hash', buf({ type: 'checkpoint', origin: 'liaison/EE', agency: 'EE', note: 'n', proofs: [{ from: 1, proof: ['AAAA'] }] })],
    ['a negative size', buf({ type: 'cosignature', origin: 'liaison/EE', witness: 'liaison/NL', size: -1, line: '\u2014 a b' })],
    ['a line that is not a signature line', buf({ type: 'cosignature', origin: 'liaison/EE', witness: 'liaison/NL', size: 1, line: 'x' })],
    ['an unknown type', buf({ type: 'gossip', origin: 'liaison/EE' })],
    ['a huge message', Buffer.alloc(300 * 1024, 0x20)],
  ])('refuses %s', (_, value) => {
    expect(parseLedgerMessage(value as Buffer | null).ok).toBe(false);
  });
  it('refuses a header type that contradicts the body', async () => {
    expect(parseLedgerMessage(buf(await message(5, [])), 'alert').ok).toBe(false);
  });
});

describe('signingKeysOf', () => {
  it('returns the agency’s signing keys valid at the time (rotation overlap), not encryption, retired or revoked ones', () => {
    const dir = {
      serial: 1,
      issued_at: '2026-01-01T00:00:00Z',
      federation: 'f',
      agencies: [
        {
          code: 'EE',
          name: 'EE',
          country: 'EE',
          keys: [
            key(publicKey),
            key(other.publicKey, { kid: 'old', status: 'retired', retired_at: '2026-06-01T00:00:00Z' }),
            key(other.publicKey, { kid: 'rev', status: 'revoked', revoked_at: '2026-02-01T00:00:00Z' }),
            { ...key(other.publicKey), kid: 'enc', use: 'enc' as const },
          ],
        },
      ],
    } as Directory;
    expect(signingKeysOf(dir, 'EE', new Date('2026-11-24T00:00:00Z')).map((k) => k.kid)).toEqual([keys[0].kid]);
    expect(signingKeysOf(dir, 'EE', new Date('2026-03-01T00:00:00Z')).map((k) => k.kid)).toEqual([keys[0].kid, 'old']);
    expect(signingKeysOf(dir, 'NL', new Date())).toEqual([]);
    expect(signingKeysOf(null, 'EE', new Date())).toEqual([]);
  });
});

describe('asLogKeys', () => {
  it('lets the ledger check notes with the directory’s signing keys', async () => {
    const m = await message(5, []);
    expect(noteSignedBy(m.note, 'liaison/EE', asLogKeys(keys))).toBe(true);
    expect(noteSignedBy(m.note, 'liaison/EE', asLogKeys([key(other.publicKey)]))).toBe(false);
  });
});

describe('checkpointDue', () => {
  const base = { headSize: 10n, lastSize: 5n, lastAtMs: 0, nowMs: 1000, everyEntries: 5, everySeconds: 10 };
  it('is due every N entries or T seconds, never without new entries', () => {
    expect(checkpointDue(base)).toBe(true);
    expect(checkpointDue({ ...base, headSize: 9n })).toBe(false);
    expect(checkpointDue({ ...base, headSize: 9n, nowMs: 10_000 })).toBe(true);
    expect(checkpointDue({ ...base, headSize: 5n, nowMs: 99_000 })).toBe(false);
  });
});

describe('cosignature lines', () => {
  it('accepts exactly one signature line', () => {
    const msg = (line: string) => Buffer.from(JSON.stringify({ type: 'cosignature', origin: 'liaison/EE', witness: 'liaison/NL', size: 1, line }));
    expect(parseLedgerMessage(msg('\u2014 liaison/NL AAAAAAA=')).ok).toBe(true);
    expect(parseLedgerMessage(msg('\u2014 liaison/NL AAAAAAA=\n')).ok).toBe(true);
    expect(parseLedgerMessage(msg('\u2014 a b\n\u2014 liaison/NL AAAAAAA=')).ok).toBe(false);
    expect(parseLedgerMessage(msg('\u2014 liaison/NL')).ok).toBe(false);
  });
});

describe('nextCheckpointRoundAt (the timer runs a round only when the head moved or this time came)', () => {
  const base = { lastAtMs: 100_000, nowMs: 103_000, everySeconds: 10 };
  it('with entries pending: when they fall due by time (now, if already overdue)', () => {
    expect(nextCheckpointRoundAt({ ...base, headSize: 12n, lastSize: 10n })).toBe(110_000);
    expect(nextCheckpointRoundAt({ ...base, headSize: 12n, lastSize: 10n, nowMs: 125_000 })).toBe(125_000);
  });

  it('with nothing pending: one interval on (to republish an unwitnessed checkpoint)', () => {
    expect(nextCheckpointRoundAt({ ...base, headSize: 10n, lastSize: 10n })).toBe(113_000);
  });
});
