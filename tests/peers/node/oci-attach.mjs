#!/usr/bin/env node
// Independent OCI attacher for Sigstore bundles, built on @sigstore/oci
// (attachArtifactToImage, the code path GitHub's attest actions use with
// push-to-registry). It pushes the bundle as a referrer of SUBJECT_DIGEST.
//
// usage: node oci-attach.mjs BUNDLE.json IMAGE_REF SUBJECT_DIGEST [--plain-http]
//   IMAGE_REF       REGISTRY/REPO, optionally :TAG or @DIGEST (the tag is
//                   dropped: @sigstore/oci takes a bare repository name and
//                   the subject is addressed by SUBJECT_DIGEST only; a
//                   @DIGEST must equal SUBJECT_DIGEST).
//   SUBJECT_DIGEST  sha256:<64 hex> (or sha512:<128 hex>).
//   --plain-http    must be given exactly when the registry host is
//                   `localhost` or `127.0.0.1`: @sigstore/oci picks the scheme
//                   itself (http for those two hostnames, https for every other
//                   host, [::1] included) and has no switch, so the flag only
//                   states what the caller expects, and a mismatch is a usage
//                   error instead of a silent scheme change.
//   exit 0  prints one line of JSON: the descriptor attachArtifactToImage
//           returned ({mediaType, digest, size[, subjectDigest]}; subjectDigest
//           is the OCI-Subject response header of the manifest PUT, absent
//           when the registry sent none)
//   exit 1  the attach failed (message and cause chain on stderr)
//   exit 2  usage error (arguments, IMAGE_REF the library rejects,
//           unreadable/invalid bundle, unreadable docker config)
//
// What is sent, as @actions/attest and actions/attest-build-provenance do:
//   artifact     the bundle file's bytes, unchanged (the action re-serializes
//                its in-memory bundle with JSON.stringify; here the bytes on
//                disk are kept so the layer digest is the file's digest)
//   mediaType    the bundle's own "mediaType" (becomes the layer media type and
//                the manifest artifactType)
//   annotations  dev.sigstore.bundle.content = dsse-envelope |
//                message-signature, dev.sigstore.bundle.predicateType = the
//                in-toto statement's predicateType (DSSE bundles only);
//                the library adds org.opencontainers.image.created itself
//   fetchOpts    {timeout: 30000, retry: 3} as the actions pass; override with
//                OCI_ATTACH_TIMEOUT_MS and OCI_ATTACH_RETRY (0 = no retry).
//                5xx/408/429 answers are retried with backoff 1 s, 2 s, 4 s.
//
// Strategy (decided by the library, not here): after the manifest PUT it GETs
// /v2/REPO/referrers/sha256:000...0; it uses the referrers API only when the
// PUT answered an OCI-Subject header (any value) AND that GET answered 200
// (any body); otherwise it maintains the referrers tag `sha256-<hex>` itself
// (GET index, append if absent, PUT with If-Match when the GET had an ETag).
//
// Credentials: @sigstore/oci's getRegistryCredentials reads only
// ~/.docker/config.json (`auths`; no credsStore/credHelpers, no DOCKER_CONFIG).
// This script reads $DOCKER_CONFIG/config.json when DOCKER_CONFIG is set, else
// ~/.docker/config.json, picks the entry the way the library does (first
// `auths` key that contains the registry host[:port] as a substring, then the
// exact key), and passes it explicitly. With no file or no entry it attaches
// anonymously (no credentials at all): the library's sign-in probe fails
// ("Invalid challenge") against a registry that needs no auth, so credentials
// must not be passed there.
//
// Proxies: make-fetch-happen honours https_proxy/http_proxy/proxy/no_proxy from
// the environment, also for 127.0.0.1.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ociPkg from '@sigstore/oci';

const { attachArtifactToImage, OCIError } = ociPkg;

function usage(msg) {
  if (msg) console.error(`oci-attach.mjs: ${msg}`);
  console.error('usage: node oci-attach.mjs BUNDLE.json IMAGE_REF SUBJECT_DIGEST [--plain-http]');
  process.exit(2);
}

const argv = process.argv.slice(2);
const plainHttp = argv.includes('--plain-http');
const args = argv.filter((a) => a !== '--plain-http');
if (args.length !== 3 || args.some((a) => a.startsWith('--'))) usage();
const [bundlePath, imageRef, subjectDigest] = args;

if (!/^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/.test(subjectDigest)) {
  usage(`SUBJECT_DIGEST must be sha256:<64 hex> or sha512:<128 hex>, got ${JSON.stringify(subjectDigest)}`);
}

// IMAGE_REF -> bare repository name (REGISTRY/REPO). The registry part is
// everything before the first '/', so a ':' after the last '/' is a tag.
let imageName = imageRef;
const at = imageName.indexOf('@');
if (at >= 0) {
  if (imageName.slice(at + 1) !== subjectDigest) {
    usage(`IMAGE_REF digest ${imageName.slice(at + 1)} differs from SUBJECT_DIGEST ${subjectDigest}`);
  }
  imageName = imageName.slice(0, at);
}
const slash = imageName.indexOf('/');
if (slash <= 0) usage(`IMAGE_REF needs a registry host: ${imageRef}`);
const lastColon = imageName.lastIndexOf(':');
if (lastColon > imageName.lastIndexOf('/')) imageName = imageName.slice(0, lastColon);
const registry = imageName.slice(0, slash);

let hostname;
try {
  hostname = new URL(`http://${registry}`).hostname;
} catch (e) {
  usage(`bad registry host ${JSON.stringify(registry)}: ${e.message}`);
}
// Same test as @sigstore/oci dist/registry.js (RegistryClient constructor).
const libraryUsesHttp = hostname === 'localhost' || hostname === '127.0.0.1';
if (plainHttp !== libraryUsesHttp) {
  usage(
    plainHttp
      ? `--plain-http given, but @sigstore/oci uses https for ${hostname} (plain http only for localhost and 127.0.0.1)`
      : `@sigstore/oci always uses plain http for ${hostname}; pass --plain-http`,
  );
}

let bundleBytes;
let bundle;
try {
  bundleBytes = readFileSync(bundlePath);
} catch (e) {
  usage(`cannot read bundle: ${e.message}`);
}
try {
  bundle = JSON.parse(bundleBytes.toString('utf8'));
} catch (e) {
  usage(`bundle is not JSON: ${e.message}`);
}
const mediaType = bundle?.mediaType;
if (typeof mediaType !== 'string' || !mediaType.startsWith('application/vnd.dev.sigstore.bundle')) {
  usage(`bundle has no Sigstore bundle mediaType: ${JSON.stringify(mediaType)}`);
}

const annotations = {};
if (bundle.dsseEnvelope) {
  annotations['dev.sigstore.bundle.content'] = 'dsse-envelope';
  try {
    const stmt = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'));
    if (typeof stmt?.predicateType === 'string') {
      annotations['dev.sigstore.bundle.predicateType'] = stmt.predicateType;
    }
  } catch {
    // not an in-toto statement: no predicateType annotation
  }
} else if (bundle.messageSignature) {
  annotations['dev.sigstore.bundle.content'] = 'message-signature';
}

function intEnv(name, dflt) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  if (!/^\d+$/.test(v)) usage(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return Number(v);
}
const fetchOpts = {
  timeout: intEnv('OCI_ATTACH_TIMEOUT_MS', 30000),
  retry: intEnv('OCI_ATTACH_RETRY', 3),
};

// Credentials, as @sigstore/oci getRegistryCredentials (dist/credentials.js)
// but from $DOCKER_CONFIG when set; undefined = anonymous.
function loadCredentials() {
  const file = process.env.DOCKER_CONFIG
    ? path.join(process.env.DOCKER_CONFIG, 'config.json')
    : path.join(os.homedir(), '.docker', 'config.json');
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e.code === 'ENOENT') return undefined;
    usage(`cannot read ${file}: ${e.message}`);
  }
  let config;
  try {
    config = JSON.parse(text);
  } catch (e) {
    usage(`${file} is not JSON: ${e.message}`);
  }
  const auths = config.auths || {};
  const key = Object.keys(auths).find((k) => k.includes(registry)) || registry;
  const entry = auths[key];
  if (!entry) return undefined;
  if (typeof entry.auth !== 'string') usage(`${file}: auths[${JSON.stringify(key)}] has no "auth"`);
  const [username, ...rest] = Buffer.from(entry.auth, 'base64').toString().split(':');
  const password = entry.identitytoken ? entry.identitytoken : rest.join(':');
  return { headers: config.HttpHeaders, username, password };
}
const credentials = loadCredentials();

function describe(e) {
  const parts = [];
  for (let c = e, depth = 0; c && depth < 8; c = c.cause, depth += 1) {
    parts.push(c.message ? c.message : String(c));
  }
  return parts.join(': ');
}

let descriptor;
try {
  descriptor = await attachArtifactToImage({
    imageName,
    imageDigest: subjectDigest,
    artifact: bundleBytes,
    mediaType,
    annotations,
    credentials,
    fetchOpts,
  });
} catch (e) {
  // addArtifact wraps every registry/network failure in OCIError; anything
  // else comes from parseImageName ("Invalid image name: ...", e.g. an
  // upper-case repository) before any request: a usage error.
  if (!(e instanceof OCIError)) usage(describe(e));
  console.error(`attach failed: ${describe(e)}`);
  process.exit(1);
}
console.log(JSON.stringify(descriptor));
