// In-browser check of a C2SP signed note (checkpoint) and its tlog-cosignature lines with
// WebCrypto Ed25519, against the signing keys of the federation directory the node serves.
const enc = new TextEncoder();

const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const b64url = (s) => b64(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) { out.set(p, i); i += p.length; }
  return out;
};
const equal = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

export function parseNote(text) {
  const split = text.indexOf('\n\n');
  if (split < 0) throw new Error('not a signed note');
  const body = text.slice(0, split + 1);
  const [origin, size, root] = body.split('\n');
  const signatures = text.slice(split + 2).split('\n').filter(Boolean).map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new Error('malformed signature line');
    return { name: m[1], bytes: b64(m[2]) };
  });
  return { body, origin, size: Number(size), root, signatures };
}

async function keyId(name, type, publicKey) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', concat(enc.encode(name), new Uint8Array([0x0a, type]), publicKey)));
  return digest.slice(0, 4);
}

async function verifyEd25519(publicKey, signature, message) {
  const key = await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  return crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
}

/** The payload of a directory JWS (not verified here: the node verified its signature). */
export const directoryPayload = (jws) => JSON.parse(new TextDecoder().decode(b64url(jws.split('.')[1])));

/** Signing keys per agency from a directory JWS. */
export function directoryKeys(jws) {
  const payload = directoryPayload(jws);
  const keys = new Map();
  for (const a of payload.agencies ?? []) keys.set(a.code, (a.keys ?? []).filter((k) => k.use === 'sig' && k.jwk?.crv === 'Ed25519').map((k) => b64url(k.jwk.x)));
  return keys;
}

/**
 * { logSignature: bool, cosignatures: [{ witness, valid, time }] } for the note; the log's key
 * name is `liaison/<agency>` and each witness signs as `liaison/<its agency>`.
 */
export async function checkNote(text, agency, keys) {
  const note = parseNote(text);
  const body = enc.encode(note.body);
  let logSignature = false;
  const cosignatures = [];
  for (const sig of note.signatures) {
    const who = sig.name.startsWith('liaison/') ? sig.name.slice(8) : null;
    const candidates = keys.get(who) ?? [];
    if (who === agency && sig.bytes.length === 68) {
      for (const pub of candidates) {
        if (equal(sig.bytes.slice(0, 4), await keyId(sig.name, 0x01, pub)) && (await verifyEd25519(pub, sig.bytes.slice(4), body))) logSignature = true;
      }
    } else if (sig.bytes.length === 76) {
      const ts = new DataView(sig.bytes.buffer, sig.bytes.byteOffset + 4, 8).getBigUint64(0);
      const message = concat(enc.encode(`cosignature/v1\ntime ${ts}\n`), body);
      let valid = false;
      for (const pub of candidates) {
        if (equal(sig.bytes.slice(0, 4), await keyId(sig.name, 0x04, pub)) && (await verifyEd25519(pub, sig.bytes.slice(12), message))) valid = true;
      }
      cosignatures.push({ witness: who ?? sig.name, valid, time: new Date(Number(ts) * 1000).toISOString() });
    }
  }
  return { note, logSignature, cosignatures };
}
