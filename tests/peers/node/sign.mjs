#!/usr/bin/env node
// Independent producer of key-signed Sigstore bundles (v0.3, DSSE), built on
// sigstore-js (@sigstore/sign DSSEBundleBuilder, no witnesses => offline, no
// tlog entries, no timestamps).
//
// usage: node sign.mjs PRIVKEY.pem PAYLOAD_FILE OUT_BUNDLE.json [payloadType]
//   PRIVKEY.pem: PKCS#8 PEM, EC P-256 (ECDSA/SHA-256, DER signature) or Ed25519.
//   payloadType defaults to application/vnd.in-toto+json.
//   exit 0 on success, 1 on signing failure, 2 on usage error.
//
// The key hint (verificationMaterial.publicKey.hint) is the keyid: lowercase
// hex SHA-256 of the DER SubjectPublicKeyInfo of the public key.
// DSSEBundleBuilder (via @sigstore/bundle toDSSEBundle) copies the hint into
// dsseEnvelope.signatures[0].keyid (it writes '' when no hint is given), so the
// signature carries the same keyid; the bundle is written as built, with no
// post-processing.
import { readFileSync, writeFileSync } from 'node:fs';
import crypto from 'node:crypto';
import signPkg from '@sigstore/sign';
import bundlePkg from '@sigstore/bundle';

const { DSSEBundleBuilder } = signPkg;
const { bundleToJSON } = bundlePkg;

function usage(msg) {
  if (msg) console.error(`sign.mjs: ${msg}`);
  console.error('usage: node sign.mjs PRIVKEY.pem PAYLOAD_FILE OUT_BUNDLE.json [payloadType]');
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.length < 3 || args.length > 4) usage();
const [keyPath, payloadPath, outPath] = args;
const payloadType = args[3] ?? 'application/vnd.in-toto+json';

let privateKey;
let payload;
try {
  privateKey = crypto.createPrivateKey(readFileSync(keyPath));
} catch (e) {
  usage(`cannot load private key: ${e.message}`);
}
try {
  payload = readFileSync(payloadPath);
} catch (e) {
  usage(`cannot read payload: ${e.message}`);
}

// Digest algorithm for crypto.sign: 'sha256' for P-256 (DER-encoded ECDSA
// signature, node's default dsaEncoding), null for Ed25519 (pure EdDSA).
let algorithm;
if (privateKey.asymmetricKeyType === 'ec' && privateKey.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
  algorithm = 'sha256';
} else if (privateKey.asymmetricKeyType === 'ed25519') {
  algorithm = null;
} else {
  usage(`unsupported key type ${privateKey.asymmetricKeyType} ${privateKey.asymmetricKeyDetails?.namedCurve ?? ''} (need EC P-256 or Ed25519)`);
}

const publicKeyObj = crypto.createPublicKey(privateKey);
const spkiDer = publicKeyObj.export({ type: 'spki', format: 'der' });
const keyid = crypto.createHash('sha256').update(spkiDer).digest('hex');
const publicKeyPem = publicKeyObj.export({ type: 'spki', format: 'pem' });

// @sigstore/sign Signer: sign(data) receives the bytes to sign (for DSSE, the
// PAE of payloadType and payload) and returns { signature, key }.
const signer = {
  async sign(data) {
    return {
      signature: crypto.sign(algorithm, data, privateKey),
      key: { $case: 'publicKey', publicKey: publicKeyPem, hint: keyid },
    };
  },
};

try {
  const builder = new DSSEBundleBuilder({ signer, witnesses: [] });
  const bundle = await builder.create({ data: payload, type: payloadType });
  writeFileSync(outPath, JSON.stringify(bundleToJSON(bundle), null, 2) + '\n');
} catch (e) {
  console.error(`signing failed: ${e && e.message ? e.message : e}`);
  process.exit(1);
}
