#!/usr/bin/env node
// Independent offline verifier for keyless Sigstore bundles (Fulcio
// certificate, RFC 3161 timestamps, Rekor entries) against a given trusted
// root, built on sigstore-js (@sigstore/verify + @sigstore/bundle).
//
// usage: node verify-keyless.mjs BUNDLE.json TRUSTED_ROOT.json
//          [--artifact FILE] [--identity SAN] [--issuer ISSUER]
//          [--tlog-threshold N] [--timestamp-threshold N] [--ctlog-threshold N]
//   exit 0, prints "OK" and the signer's SAN   the bundle verifies
//   exit 1                                      verification failed
//   exit 2                                      usage error
//
// Thresholds default to tlog 1, timestamp 1, ctlog 0 (the local Fulcio has
// no CT log). --identity and --issuer, when given, are checked against the
// certificate's SAN and its OIDC issuer extension. --artifact: the signed
// file of a message-signature bundle (else its digest in the bundle is used).
//
// Known limit of @sigstore/verify 3.x (the Node 20 line): a DSSE bundle
// logged in Rekor v2 as hashedrekord v0.0.2 (digest = SHA-256 of the PAE,
// what sigstore-go and rekor-tiles v2.3 do) fails with "TLOG_BODY_ERROR:
// digest mismatch", as 3.x compares SHA-256 of the payload. 4.x (Node 22)
// compares the PAE's.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import bundlePkg from '@sigstore/bundle';
import verifyPkg from '@sigstore/verify';

const { bundleFromJSON } = bundlePkg;
const { toTrustMaterial, toSignedEntity, Verifier } = verifyPkg;
// The trusted root's JSON form (base64 strings) becomes the message type
// toTrustMaterial takes through @sigstore/protobuf-specs, resolved as
// @sigstore/verify resolves it (it is not a direct dependency here).
const requireFromVerify = createRequire(createRequire(import.meta.url).resolve('@sigstore/verify'));
const { TrustedRoot } = requireFromVerify('@sigstore/protobuf-specs');

function usage(msg) {
  if (msg) console.error(`verify-keyless.mjs: ${msg}`);
  console.error(
    'usage: node verify-keyless.mjs BUNDLE.json TRUSTED_ROOT.json [--artifact FILE] [--identity SAN] [--issuer ISSUER] ' +
      '[--tlog-threshold N] [--timestamp-threshold N] [--ctlog-threshold N]',
  );
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      artifact: { type: 'string' },
      identity: { type: 'string' },
      issuer: { type: 'string' },
      'tlog-threshold': { type: 'string', default: '1' },
      'timestamp-threshold': { type: 'string', default: '1' },
      'ctlog-threshold': { type: 'string', default: '0' },
    },
  });
} catch (e) {
  usage(e.message);
}
const { values, positionals } = parsed;
if (positionals.length !== 2) usage();
const threshold = (name) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0) usage(`--${name} must be a whole number`);
  return n;
};

let bundleJSON;
let trustedRoot;
try {
  bundleJSON = JSON.parse(readFileSync(positionals[0], 'utf8'));
} catch (e) {
  console.error(`verification failed: cannot read bundle: ${e.message}`);
  process.exit(1);
}
try {
  trustedRoot = TrustedRoot.fromJSON(JSON.parse(readFileSync(positionals[1], 'utf8')));
} catch (e) {
  usage(`cannot read trusted root: ${e.message}`);
}

let artifact;
if (values.artifact !== undefined) {
  try {
    artifact = readFileSync(values.artifact);
  } catch (e) {
    usage(`cannot read artifact: ${e.message}`);
  }
}

try {
  const bundle = bundleFromJSON(bundleJSON);
  const verifier = new Verifier(toTrustMaterial(trustedRoot), {
    tlogThreshold: threshold('tlog-threshold'),
    ctlogThreshold: threshold('ctlog-threshold'),
    timestampThreshold: threshold('timestamp-threshold'),
  });
  const policy = {};
  if (values.identity !== undefined) policy.subjectAlternativeName = values.identity;
  if (values.issuer !== undefined) policy.extensions = { issuer: values.issuer };
  const signer = verifier.verify(toSignedEntity(bundle, artifact), policy);
  console.log('OK');
  console.log(signer.identity?.subjectAlternativeName ?? '');
} catch (e) {
  console.error(`verification failed: ${e && e.code ? `${e.code}: ` : ''}${e && e.message ? e.message : e}`);
  process.exit(1);
}
