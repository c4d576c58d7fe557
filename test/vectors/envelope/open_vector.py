#!/usr/bin/env python3
"""Opens a Liaison envelope vector with no JOSE library at all, only pyca/cryptography, following
RFC 7516 (JWE General JSON), RFC 7518 (ECDH-ES+A256KW with Concat KDF, A256GCM), RFC 8037 (X25519,
Ed25519) and RFC 7515 (JWS). It proves the format is plain JOSE: an independent implementation,
given the recipient's private key and the sender's public key, decrypts and verifies it.

    python3 test/vectors/envelope/open_vector.py test/vectors/envelope/valid-5-recipients.json

Prints the claims and exits 0 when the envelope opens, prints the failing step and exits 1 when not.
Only the cryptographic steps are here (no replay, expiry or schema checks): see docs/protocol/envelope.md.
"""
import base64, hashlib, json, struct, sys
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap


def b64d(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def no_duplicates(pairs: list) -> dict:
    # RFC 8259 §4 leaves repeated member names to the parser; Liaison refuses them (duplicate_member).
    names = [k for k, _ in pairs]
    assert len(names) == len(set(names)), "a member named twice"
    return dict(pairs)


def strict_json(b: bytes):
    return json.loads(b.decode("utf-8"), object_pairs_hook=no_duplicates)


def canonical_x25519(x: bytes) -> bytes:
    # RFC 7748 §5: bit 255 clear and u < p, else another encoding of the same key (non_canonical_key).
    assert len(x) == 32 and int.from_bytes(x, "little") < 2**255 - 19, "epk x not canonical"
    return x


def concat_kdf(z: bytes, alg: str, keybits: int) -> bytes:
    # RFC 7518 §4.6.2: one round of SHA-256, empty apu/apv.
    def lp(b: bytes) -> bytes:
        return struct.pack(">I", len(b)) + b
    other = lp(alg.encode()) + lp(b"") + lp(b"") + struct.pack(">I", keybits)
    return hashlib.sha256(struct.pack(">I", 1) + z + other).digest()[: keybits // 8]


def open_vector(v: dict) -> dict:
    value = v["envelope"].encode()
    h = v["headers"]
    assert hashlib.sha256(value).hexdigest() == h["liaison-digest"], "digest header"
    jwe = strict_json(value)
    prot = strict_json(b64d(jwe["protected"]))
    assert prot["enc"] == "A256GCM" and prot["cty"] == "JWT", "protected header"
    rk = v["recipient_encryption_jwk"]
    entry = next(r for r in jwe["recipients"] if r["header"]["kid"] == rk["kid"])
    assert entry["header"]["alg"] == "ECDH-ES+A256KW", "alg"
    epk = entry["header"].get("epk") or prot["epk"]
    assert epk["kty"] == "OKP" and epk["crv"] == "X25519", "epk"
    z = X25519PrivateKey.from_private_bytes(b64d(rk["d"])).exchange(X25519PublicKey.from_public_bytes(canonical_x25519(b64d(epk["x"]))))
    kek = concat_kdf(z, "ECDH-ES+A256KW", 256)
    cek = aes_key_unwrap(kek, b64d(entry["encrypted_key"]))
    aad = jwe["protected"].encode("ascii")  # no "aad" member in Liaison envelopes
    jws = AESGCM(cek).decrypt(b64d(jwe["iv"]), b64d(jwe["ciphertext"]) + b64d(jwe["tag"]), aad).decode()
    head_b64, payload_b64, sig_b64 = jws.split(".")
    head = strict_json(b64d(head_b64))
    sk = v["sender_signing_jwk"]
    assert head == {"alg": "EdDSA", "kid": sk["kid"], "typ": "JWT"}, "inner header"
    Ed25519PublicKey.from_public_bytes(b64d(sk["x"])).verify(b64d(sig_b64), f"{head_b64}.{payload_b64}".encode("ascii"))
    claims = strict_json(b64d(payload_b64))
    assert h["liaison-sender"] == claims["iss"] == v["sender"], "sender"
    assert h["liaison-message-id"] == claims["jti"], "message id"
    assert h["liaison-recipient"] == v["recipient"] and v["recipient"] in claims["aud"], "recipient"
    return claims


if __name__ == "__main__":
    vector = json.load(open(sys.argv[1]))
    try:
        claims = open_vector(vector)
    except Exception as e:  # noqa: BLE001 - report the failing step
        print(f"refused: {type(e).__name__} {e}")
        sys.exit(1)
    if vector["valid"] and claims != vector["claims"]:
        print("opened, but the claims differ from the vector")
        sys.exit(1)
    print(json.dumps(claims, indent=2))
