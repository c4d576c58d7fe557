import { KeyObject, createPrivateKey, generateKeyPairSync } from 'crypto';
import fc from 'fast-check';
import {
  addSignatureLines,
  checkpointBody,
  cosign,
  cosignatureKeyId,
  ed25519PublicJwk,
  ed25519PublicKeyObject,
  noteKeyId,
  parseCheckpoint,
  parseNote,
  signNote,
  verifyCosignature,
  verifyNote,
  witnessDecision,
} from './note';
import { consistencyProof, leafHash, merkleRoot, subtreeHashFromLeaves } from './merkle';

/** Splits a Go-style verifier key `name+hexid+base64(type||key)`. */
function vkey(text: string): { name: string; id: string; type: number; key: Uint8Array } {
  const [name, id, b64] = text.split(/\+(?=[0-9a-f]{8}\+)|(?<=\+[0-9a-f]{8})\+/);
  const raw = Buffer.from(b64, 'base64');
  return { name, id, type: raw[0], key: new Uint8Array(raw.subarray(1)) };
}

function ed25519FromSeed(seed: Uint8Array): KeyObject {
  const prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
  return createPrivateKey({ key: Buffer.concat([prefix, seed]), format: 'der', type: 'pkcs8' });
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('signed-note interop (golang.org/x/mod/sumdb/note example)', () => {
  // Public example of the Go note package; Ed25519 is deterministic, so we must reproduce it byte for byte.
  const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
  const expected = `${text}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
  const pub = vkey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
  const seed = Buffer.from('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz', 'base64').subarray(1);

  it('computes the key id', () => {
    expect(pub.type).toBe(1);
    expect(hex(noteKeyId('PeterNeumann', pub.key))).toBe('c74f20a3');
  });
  it('signs exactly as the reference implementation', () => {
    expect(signNote(text, 'PeterNeumann', ed25519FromSeed(seed))).toBe(expected);
  });
  it('verifies the reference note and refuses an altered one', () => {
    expect(verifyNote(expected, 'PeterNeumann', pub.key)).toMatchObject({ ok: true, body: text });
    expect(verifyNote(expected.replace('cryptography', 'cryptographY'), 'PeterNeumann', pub.key)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(verifyNote(expected, 'PeterNeumann2', pub.key)).toMatchObject({ ok: false, reason: 'no_matching_signature' });
  });
});

describe('tlog-cosignature interop (a public staging CT checkpoint)', () => {
  // A checkpoint of arche2025h1.staging.ct.transparency.dev with the log's Ed25519 signature, an
  // RFC 6962 signature line of the same name (other key id, must be ignored) and four cosignatures.
  const note = [
    'arche2025h1.staging.ct.transparency.dev',
    '1432088532',
    'U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=',
    '',
    '\u2014 arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=',
    '\u2014 arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=',
    '\u2014 transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==',
    '\u2014 witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==',
    '\u2014 remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==',
    '\u2014 witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==',
    '',
  ].join('\n');
  const log = vkey('arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f');
  const witnesses = [
    'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2',
    'transparency.dev/DEV:witness-little-garden+d8042a87+BCtusOxINQNUTN5Oj8HObRkh2yHf/MwYaGX4CPdiVEPM',
    'witness1.smartit.nu/witness1+a48c820f+BPSFWg9G6KPiO7QPryYO5Xq4oYJJ+kAvLKLSimDhoxMO',
    'witness.stagemole.eu+67f7aea0+BEqSG3yu9YrmcM3BHvQYTxwFj3uSWakQepafafpUqklv',
  ].map(vkey);

  it('parses the checkpoint', () => {
    const cp = parseCheckpoint(note);
    expect(cp.ok && cp.value.size).toBe(1432088532n);
    expect(cp.ok && cp.value.origin).toBe('arche2025h1.staging.ct.transparency.dev');
    expect(parseNote(note).ok && (parseNote(note) as { ok: true; value: { signatures: unknown[] } }).value.signatures).toHaveLength(6);
  });
  it('verifies the log signature, ignoring the same-name line of another key', () => {
    expect(hex(noteKeyId(log.name, log.key))).toBe(log.id);
    expect(verifyNote(note, log.name, log.key).ok).toBe(true);
  });
  it.each(witnesses.map((w) => [w.name, w] as const))('verifies the cosignature of %s', (_n, w) => {
    expect(w.type).toBe(4);
    expect(hex(cosignatureKeyId(w.name, w.key))).toBe(w.id);
    const r = verifyCosignature(note, w.name, w.key);
    expect(r).toMatchObject({ ok: true });
    if (r.ok) expect(r.time).toBeGreaterThan(1_700_000_000n);
    expect(verifyCosignature(note.replace('1432088532', '1432088533'), w.name, w.key)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });
  it('does not take a cosignature for a log signature or the reverse', () => {
    expect(verifyNote(note, witnesses[0].name, witnesses[0].key).ok).toBe(false);
    expect(verifyCosignature(note, log.name, log.key).ok).toBe(false);
  });
});

describe('checkpoints, notes and cosignatures round trip', () => {
  const logKey = generateKeyPairSync('ed25519');
  const witnessKey = generateKeyPairSync('ed25519');
  const root = leafHash(new Uint8Array([1]));
  const body = checkpointBody({ origin: 'liaison.example/ee-ppa', size: 5n, rootHash: root });

  it('formats the body', () => {
    expect(body).toBe(`liaison.example/ee-ppa\n5\n${Buffer.from(root).toString('base64')}\n`);
    expect(checkpointBody({ origin: 'o', size: 0, rootHash: root, extensions: ['ext'] })).toMatch(/^o\n0\n.+\next\n$/);
    expect(() => checkpointBody({ origin: 'a\nb', size: 1, rootHash: root })).toThrow();
    expect(() => checkpointBody({ origin: 'o', size: -1, rootHash: root })).toThrow();
    expect(() => checkpointBody({ origin: 'o', size: 1, rootHash: new Uint8Array(3) })).toThrow();
  });
  it('signs, cosigns and verifies; the JWK form of a key works too', () => {
    const signed = signNote(body, 'liaison.example/ee-ppa', logKey.privateKey);
    expect(signed.startsWith(`${body}\n\u2014 liaison.example/ee-ppa `)).toBe(true);
    const line = cosign(body, 'witness.example/w1', witnessKey.privateKey, 1_764_000_000);
    const full = addSignatureLines(signed, [line]);
    expect(verifyNote(full, 'liaison.example/ee-ppa', ed25519PublicJwk(logKey.publicKey)).ok).toBe(true);
    expect(verifyCosignature(full, 'witness.example/w1', witnessKey.publicKey)).toEqual({ ok: true, time: 1_764_000_000n });
    const field = Buffer.from(line.trim().split(' ')[2], 'base64');
    expect(field.length).toBe(4 + 8 + 64);
    expect(field.readBigUInt64BE(4)).toBe(1_764_000_000n);
    expect(verifyCosignature(full, 'witness.example/w1', logKey.publicKey)).toMatchObject({ ok: false, reason: 'no_matching_signature' });
  });
  it('parseCheckpoint accepts a note and rejects malformed bodies', () => {
    const parsed = parseCheckpoint(signNote(body, 'x', logKey.privateKey));
    expect(parsed).toMatchObject({ ok: true, value: { size: 5n, origin: 'liaison.example/ee-ppa', body } });
    for (const bad of [
      '',
      'o\n5\n',
      'o\n05\nAAAA\n',
      'o\n-5\nAAAA\n',
      `o\n5\n${Buffer.from(new Uint8Array(31)).toString('base64')}\n`,
      `o\n18446744073709551616\n${Buffer.from(root).toString('base64')}\n`,
      `o\n5\n${Buffer.from(root).toString('base64')}`,
      `\n5\n${Buffer.from(root).toString('base64')}\n`,
      5,
      null,
    ]) {
      expect(parseCheckpoint(bad).ok).toBe(false);
    }
  });
  it('parseNote/verifyNote never throw on junk (property)', () => {
    const signed = signNote(body, 'n', logKey.privateKey);
    fc.assert(
      fc.property(fc.string(), fc.nat(), (junk, at) => {
        const i = at % (signed.length + 1);
        const text = signed.slice(0, i) + junk + signed.slice(i);
        expect(() => parseNote(text)).not.toThrow();
        const v = verifyNote(text, 'n', logKey.publicKey);
        if (v.ok) expect(v.body).toBe(body); // junk may only land in ignored places (e.g. empty string)
      }),
    );
    for (const junk of [undefined, 1, {}, '\u2014', '\n\n', `a\n\n\u2014 n AAAA\n`, `a\n\n\u2014 n+x AAAAAA==\n`]) {
      expect(parseNote(junk).ok).toBe(false);
      expect(verifyNote(junk, 'n', logKey.publicKey).ok).toBe(false);
    }
    expect(verifyNote(signed, 'n', new Uint8Array(3)).ok).toBe(false);
  });
  it('imports keys only when they are Ed25519 public keys', () => {
    expect(ed25519PublicKeyObject(logKey.publicKey)).not.toBeNull();
    expect(ed25519PublicKeyObject({ kty: 'OKP', crv: 'X25519', x: 'AAAA' })).toBeNull();
    expect(ed25519PublicKeyObject('x')).toBeNull();
    expect(ed25519PublicKeyObject(generateKeyPairSync('x25519').publicKey)).toBeNull();
  });
});

describe('witnessDecision', () => {
  const hs = Array.from({ length: 20 }, (_, i) => leafHash(new Uint8Array([i])));
  const cp = (n: number, origin = 'o') => {
    const parsed = parseCheckpoint(checkpointBody({ origin, size: n, rootHash: merkleRoot(hs, 0, n) }));
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.value;
  };
  const last = { size: 7n, root: merkleRoot(hs, 0, 7), origin: 'o' };

  it('accepts first contact, a proven extension and a repeat of the same tree', async () => {
    const proof = await consistencyProof(7, 12, subtreeHashFromLeaves(hs));
    expect(witnessDecision({ last: null, incoming: cp(3), consistencyProof: [] })).toEqual({ ok: true });
    expect(witnessDecision({ last, incoming: cp(12), consistencyProof: proof, signatureValid: true })).toEqual({ ok: true });
    expect(witnessDecision({ last, incoming: cp(7), consistencyProof: [] })).toEqual({ ok: true });
  });
  it('refuses what is not a proven extension', async () => {
    const proof = await consistencyProof(7, 12, subtreeHashFromLeaves(hs));
    const forked = { ...cp(12), rootHash: merkleRoot(hs, 1, 13) };
    expect(witnessDecision({ last, incoming: cp(12), consistencyProof: proof, signatureValid: false })).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(witnessDecision({ last, incoming: cp(5), consistencyProof: [] })).toMatchObject({ ok: false, reason: 'smaller_tree' });
    expect(witnessDecision({ last, incoming: { ...cp(7), rootHash: hs[0] }, consistencyProof: [] })).toMatchObject({ ok: false, reason: 'same_size_different_root' });
    expect(witnessDecision({ last, incoming: forked, consistencyProof: proof })).toMatchObject({ ok: false, reason: 'not_an_extension' });
    expect(witnessDecision({ last, incoming: cp(12), consistencyProof: [] })).toMatchObject({ ok: false, reason: 'not_an_extension' });
    expect(witnessDecision({ last, incoming: cp(12, 'other'), consistencyProof: proof })).toMatchObject({ ok: false, reason: 'wrong_origin' });
    expect(witnessDecision({ last, incoming: null as never, consistencyProof: proof })).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
