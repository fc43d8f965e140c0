#!/usr/bin/env python3
"""Independent DSSE verifier (securesystemslib) for key-signed Sigstore bundles.

usage: python dsse_verify.py BUNDLE.json PUBKEY.pem
  exit 0, prints "OK"  the bundle's dsseEnvelope verifies with the public key
  exit 1               verification failed (bad bundle/envelope, keyid mismatch,
                       bad signature, ...)
  exit 2               usage error (wrong arguments, unreadable file, unusable key)

securesystemslib only tries a key on signatures whose "keyid" equals the key
object's keyid, and a signature without one fails. The key object is built the
way a securesystemslib user verifying a cargo-attest (or cosign) envelope
would: with the keyid documented for those envelopes, the key's OpenSSH
SHA-256 fingerprint ("SHA256:" + unpadded base64 of SHA-256 over the SSH wire
encoding, as `ssh-keygen -l` prints it and go-securesystemslib's SHA256KeyID
derives it). Nothing is read from the envelope to build the key.
"""

import base64
import copy
import hashlib
import json
import sys

from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, EllipticCurvePublicKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)
from securesystemslib.dsse import Envelope
from securesystemslib.signer import SSlibKey

USAGE = "usage: python dsse_verify.py BUNDLE.json PUBKEY.pem"


def usage(msg=None):
    if msg:
        print(f"dsse_verify.py: {msg}", file=sys.stderr)
    print(USAGE, file=sys.stderr)
    sys.exit(2)


def load_key(path):
    with open(path, "rb") as f:
        pub = load_pem_public_key(f.read())
    if isinstance(pub, EllipticCurvePublicKey) and isinstance(pub.curve, SECP256R1):
        scheme = "ecdsa-sha2-nistp256"
    elif isinstance(pub, Ed25519PublicKey):
        scheme = "ed25519"
    else:
        raise ValueError(f"unsupported key {type(pub).__name__} (need EC P-256 or Ed25519)")
    # The OpenSSH public key line is "TYPE BASE64(WIRE)"; the fingerprint
    # hashes WIRE.
    wire = base64.b64decode(pub.public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH).split()[1])
    digest = base64.b64encode(hashlib.sha256(wire).digest()).decode().rstrip("=")
    keyid = f"SHA256:{digest}"
    return SSlibKey.from_crypto(pub, keyid=keyid, scheme=scheme)


def main(argv):
    if len(argv) != 2:
        usage()
    bundle_path, key_path = argv
    try:
        with open(bundle_path, "rb") as f:
            bundle_bytes = f.read()
    except OSError as e:
        usage(f"cannot read bundle: {e}")
    try:
        key = load_key(key_path)
    except Exception as e:  # noqa: BLE001
        usage(f"cannot load public key: {e}")

    try:
        bundle = json.loads(bundle_bytes)
        # Envelope.from_dict mutates its argument (sig -> hex); work on a copy.
        envelope = Envelope.from_dict(copy.deepcopy(bundle["dsseEnvelope"]))
        envelope.verify([key], 1)
    except Exception as e:  # noqa: BLE001
        print(f"verification failed: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
