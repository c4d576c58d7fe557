#!/usr/bin/env python3
"""Opens a Liaison attachment vector with pyca/cryptography alone, following docs/protocol/attachments.md:
the envelope is opened by the independent envelope opener (../envelope/open_vector.py), its claim
`att` gives the attachment's content key and digests, and the chunk messages are checked and
decrypted with the STREAM construction over ChaCha20-Poly1305 (RFC 8439).

    python3 test/vectors/attachments/open_attachment.py test/vectors/attachments valid-pdf [receiver|stream]

`receiver` (default) runs the full check: each chunk's index in range, its length the one its
position implies, its SHA-256 the one signed in the envelope, then decryption, then the file's
SHA-256. `stream` skips the chunk digests and lengths, to show what the AEAD construction itself
detects. Prints the plaintext's SHA-256 and exits 0 when the attachment opens; prints the refusal
code and exits 1 when it does not.
"""
import hashlib, json, os, sys
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "envelope"))
from open_vector import b64d, open_vector  # noqa: E402

CHUNK = 262144  # plaintext bytes per chunk
TAG = 16


class Refused(Exception):
    pass


def nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def open_attachment(d: dict, chunks: list, check_digests: bool) -> bytes:
    n = d["chunks"]
    assert n == max(1, -(-d["size"] // CHUNK)), "chunk count does not follow from size"
    key = b64d(d["key"])
    assert len(key) == 32
    aead = ChaCha20Poly1305(key)
    aad = b"liaison/attachment/v1/" + d["id"].encode("ascii")
    out = hashlib.sha256()
    for i, sealed in enumerate(chunks):
        if len(sealed) > CHUNK + TAG:
            raise Refused("oversize_chunk")
        if i >= n:
            raise Refused("index_out_of_range")
        if check_digests:
            expected = (CHUNK if i < n - 1 else d["size"] - (n - 1) * CHUNK) + TAG
            if len(sealed) != expected:
                raise Refused("wrong_chunk_length")
            if hashlib.sha256(sealed).hexdigest() != d["chunk_sha256"][i]:
                raise Refused("chunk_digest_mismatch")
        try:
            out.update(aead.decrypt(nonce(i, i == n - 1), sealed, aad))
        except InvalidTag:
            raise Refused("decryption_failed")
    if len(chunks) < n:
        raise Refused("incomplete")
    if out.hexdigest() != d["sha256"]:
        raise Refused("digest_mismatch")
    return out.hexdigest()


if __name__ == "__main__":
    directory, name = sys.argv[1], sys.argv[2]
    mode = sys.argv[3] if len(sys.argv) > 3 else "receiver"
    claims = open_vector(json.load(open(os.path.join(directory, "envelope.json"))))
    case = json.load(open(os.path.join(directory, "cases.json")))[name]
    chunks = [open(os.path.join(directory, f), "rb").read() for f in case["chunks"]]
    try:
        print(open_attachment(claims["att"][case["attachment"]], chunks, mode == "receiver"))
    except Refused as e:
        print(e.args[0])
        sys.exit(1)
