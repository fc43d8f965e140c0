#!/usr/bin/env node
// Independent offline verifier for key-signed Sigstore bundles (v0.3, DSSE),
// built on sigstore-js (@sigstore/verify + @sigstore/bundle).
//
// usage: node verify.mjs BUNDLE.json PUBKEY.pem
//   exit 0, prints "OK"   bundle verifies against the public key
//   exit 1                verification failed (bad JSON/bundle, bad signature, ...)
//   exit 2                usage error (wrong arguments, unreadable file, unusable key)
//
// No trusted root, tlog, CT log or timestamps: the trust material is an empty
// trusted root plus a key finder that returns PUBKEY for any key hint, and all
// thresholds are 0, so only the DSSE signature over PAE(payloadType, payload)
// is checked.
import { readFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import bundlePkg from '@sigstore/bundle';
import verifyPkg from '@sigstore/verify';

const { bundleFromJSON } = bundlePkg;
const { toTrustMaterial, toSignedEntity, Verifier } = verifyPkg;

function usage(msg) {
  if (msg) console.error(`verify.mjs: ${msg}`);
  console.error('usage: node verify.mjs BUNDLE.json PUBKEY.pem');
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.length !== 2) usage();
const [bundlePath, keyPath] = args;

let bundleText;
let publicKey;
try {
  bundleText = readFileSync(bundlePath, 'utf8');
} catch (e) {
  usage(`cannot read bundle: ${e.message}`);
}
try {
  publicKey = createPublicKey(readFileSync(keyPath));
} catch (e) {
  usage(`cannot load public key: ${e.message}`);
}

const EMPTY_TRUSTED_ROOT = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};

try {
  const bundle = bundleFromJSON(JSON.parse(bundleText));
  const trustMaterial = toTrustMaterial(EMPTY_TRUSTED_ROOT, (_hint) => ({
    publicKey,
    validFor: () => true,
  }));
  const verifier = new Verifier(trustMaterial, {
    tlogThreshold: 0,
    ctlogThreshold: 0,
    timestampThreshold: 0,
  });
  verifier.verify(toSignedEntity(bundle));
} catch (e) {
  console.error(`verification failed: ${e && e.code ? `${e.code}: ` : ''}${e && e.message ? e.message : e}`);
  process.exit(1);
}
console.log('OK');
