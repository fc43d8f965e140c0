//! Recording a DSSE signature in a Rekor v1 transparency log
//! (`POST /api/v1/log/entries`) as a `dsse` v0.0.1 entry, as actions/attest
//! and `cosign attest-blob` do: the public-good instance's default log.
//!
//! Nothing the log answers goes into the bundle before it is checked here,
//! with the log's key: the entry's body must describe this signature (the
//! payload hash, the signature and its verifier), the signed entry
//! timestamp (inclusion promise) must verify over the canonical entry, and
//! the inclusion proof must lead from the entry to the root of a checkpoint
//! the log signed. A log (or anything between us and it) that answers
//! otherwise gets no bundle written, rather than one that every verifier
//! will refuse later.
//!
//! The answer's types are sigstore-rekor's (`LogEntry`, `RekorEntryBody`);
//! the HTTP exchange is ours, as for the other services (sigstore-rekor's
//! client is async only and reads answers without a size limit).

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Method, Url};
use sigstore_crypto::{CheckpointVerifyExt, VerificationKey};
use sigstore_rekor::{LogEntry, RekorEntryBody};
use sigstore_trust_root::{SIGSTORE_PRODUCTION_TRUSTED_ROOT, TrustedRoot};
use sigstore_types::{
    Checkpoint, DerCertificate, DerPublicKey, DsseEnvelope, HashAlgorithm, KindVersion,
    SignatureBytes, TransparencyLogEntry,
};

use super::http::{Answer, Call, Services, shown};
use crate::error::{Error, Result};

/// Who the log must record as the signature's verifier.
pub(crate) enum V1Verifier<'a> {
    /// A keyless signer's Fulcio certificate; the log's integrated time
    /// must fall within its validity (it is the signed time verifiers use).
    Certificate {
        certificate: &'a DerCertificate,
        not_before: jiff::Timestamp,
        not_after: jiff::Timestamp,
    },
    /// A key signer's public key (DER SubjectPublicKeyInfo).
    PublicKey(&'a [u8]),
}

impl V1Verifier<'_> {
    /// The verifier as Rekor's dsse type takes it: PEM, base64-encoded.
    fn pem(&self) -> String {
        match self {
            V1Verifier::Certificate { certificate, .. } => certificate.to_pem(),
            V1Verifier::PublicKey(spki) => DerPublicKey::new(spki.to_vec()).to_pem(),
        }
    }
}

/// A Rekor v1 log.
pub(crate) struct RekorV1Log {
    /// The log's base URL (with a trailing slash).
    pub(crate) url: Url,
    /// The key the signing instance's trusted root (fresh through TUF)
    /// lists for this log, if it lists it.
    pub(crate) trusted_key: Option<DerPublicKey>,
}

/// The request body of a `dsse` v0.0.1 entry. sigstore-rekor's `DsseEntry`
/// takes a certificate only (its fields are private), and key-signed
/// bundles are logged with the public key as verifier; this is the same
/// wire shape for both.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct DsseRequest {
    api_version: &'static str,
    kind: &'static str,
    spec: DsseRequestSpec,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct DsseRequestSpec {
    proposed_content: ProposedContent,
}

#[derive(serde::Serialize)]
struct ProposedContent {
    /// The envelope as JSON text (not base64).
    envelope: String,
    verifiers: Vec<String>,
}

impl RekorV1Log {
    fn service(&self) -> String {
        format!("the Rekor v1 log ({})", shown(&self.url))
    }

    fn host(&self) -> String {
        self.url.host_str().unwrap_or("rekor").to_string()
    }

    fn endpoint(&self, path: &str) -> Result<Url> {
        self.url
            .join(path)
            .map_err(|e| Error::usage(format!("bad Rekor URL {}: {e}", self.url)))
    }

    /// Records `envelope` (signed by `verifier`) and returns the entry for
    /// the bundle, checked against the log's key.
    pub(crate) fn record(
        &self,
        services: &Services,
        envelope: &DsseEnvelope,
        verifier: V1Verifier<'_>,
    ) -> Result<TransparencyLogEntry> {
        let log_key = self.log_key(services)?;
        let envelope_json = serde_json::to_string(envelope)
            .map_err(|e| Error::internal(format!("cannot encode the DSSE envelope: {e}")))?;
        let request = DsseRequest {
            api_version: "0.0.1",
            kind: "dsse",
            spec: DsseRequestSpec {
                proposed_content: ProposedContent {
                    envelope: envelope_json,
                    verifiers: vec![STANDARD.encode(verifier.pem())],
                },
            },
        };
        let body = serde_json::to_vec(&request)
            .map_err(|e| Error::internal(format!("cannot encode the log entry request: {e}")))?;
        let url = self.endpoint("api/v1/log/entries")?;
        let service = self.service();
        tracing::debug!("recording the signature in {service}");
        let answer = services.send(&Call {
            service: &service,
            method: Method::POST,
            url: &url,
            content_type: Some("application/json"),
            accept: "application/json",
            body: Some(body),
            bearer: None,
        })?;
        if answer.status == reqwest::StatusCode::CONFLICT {
            // The log holds this very envelope already: our request was
            // recorded but its answer lost (a timeout or a 5xx from a proxy,
            // then the HTTP layer's retry). Fetch that entry and check it
            // like a fresh answer, rather than fail a signature the log has.
            let existing = self.existing_entry(services, &answer)?;
            return self.accept(&existing, &log_key, envelope, &verifier);
        }
        if !answer.status.is_success() {
            let hint = if answer.status == reqwest::StatusCode::NOT_FOUND {
                " (is it a Rekor v2 log? Then pass --rekor-version 2)"
            } else {
                ""
            };
            return Err(answer.refusal(
                &self.host(),
                format!("{service} did not record the signature{hint}"),
            ));
        }
        self.accept(&answer.body, &log_key, envelope, &verifier)
    }

    /// The entry a 409 answer points at (`Location: .../entries/UUID`), as
    /// the log serves it: the same shape as an answer to the POST, with its
    /// inclusion proof and signed entry timestamp, so `accept` checks it all.
    fn existing_entry(&self, services: &Services, conflict: &Answer) -> Result<Vec<u8>> {
        let uuid = conflict
            .location
            .as_deref()
            .and_then(|l| l.rsplit('/').next())
            .filter(|id| matches!(id.len(), 64 | 80) && id.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| {
                conflict.refusal(
                    &self.host(),
                    format!("{} says the entry exists but not where", self.service()),
                )
            })?;
        let url = self.endpoint(&format!("api/v1/log/entries/{uuid}"))?;
        let service = self.service();
        tracing::debug!("the signature is in {service} already: fetching entry {uuid}");
        let answer = services.send(&Call {
            service: &service,
            method: Method::GET,
            url: &url,
            content_type: None,
            accept: "application/json",
            body: None,
            bearer: None,
        })?;
        if !answer.status.is_success() {
            return Err(answer.refusal(
                &self.host(),
                format!("{service} did not serve the entry it already holds ({uuid})"),
            ));
        }
        Ok(answer.body)
    }

    /// The bundle's entry from the log's answer, once everything in it is
    /// checked.
    fn accept(
        &self,
        answer: &[u8],
        log_key: &LogKey,
        envelope: &DsseEnvelope,
        verifier: &V1Verifier<'_>,
    ) -> Result<TransparencyLogEntry> {
        // The answer maps the new entry's UUID to the entry.
        let entries: BTreeMap<String, LogEntry> =
            serde_json::from_slice(answer).map_err(|e| self.bad_answer(e))?;
        let mut entries = entries.into_values();
        let (Some(entry), None) = (entries.next(), entries.next()) else {
            return Err(self.bad_answer("not exactly one entry"));
        };
        self.check(&entry, log_key, envelope, verifier)?;
        entry
            .to_bundle_entry(KindVersion::DsseV001)
            .map_err(|e| self.bad_answer(e))
    }

    fn bad_answer(&self, why: impl std::fmt::Display) -> Error {
        Error::registry(
            self.host(),
            format!(
                "{} answered with no usable log entry ({why}); is {} a Rekor v1 log?",
                self.service(),
                self.url
            ),
        )
    }

    /// An answer that does not check out: the log (or something between)
    /// vouched for something it cannot prove.
    fn refused(&self, what: impl std::fmt::Display) -> Error {
        Error::registry(
            self.host(),
            format!(
                "{} answered with an entry that does not verify: {what}; no bundle was written \
             (try again; if it persists, the log or a proxy in between is faulty)",
                self.service()
            ),
        )
    }

    /// The log's public key: the public-good trusted root's for a log it
    /// lists (so a log cannot swap its own key), else what the log says
    /// (`GET /api/v1/log/publicKey`), which at least binds every answer to
    /// one key, the one verifiers will have to trust.
    fn log_key(&self, services: &Services) -> Result<LogKey> {
        if let Some(key) = self
            .trusted_key
            .clone()
            .or_else(|| public_good_key(&self.url))
        {
            return LogKey::new(key).map_err(Error::internal);
        }
        let url = self.endpoint("api/v1/log/publicKey")?;
        let service = self.service();
        let answer = services.send(&Call {
            service: &service,
            method: Method::GET,
            url: &url,
            content_type: None,
            accept: "application/x-pem-file",
            body: None,
            bearer: None,
        })?;
        if !answer.status.is_success() {
            return Err(answer.refusal(
                &self.host(),
                format!(
                    "{service} did not give its public key (is it a Rekor v2 log? Then pass \
                     --rekor-version 2)"
                ),
            ));
        }
        let pem = String::from_utf8_lossy(&answer.body);
        let key = DerPublicKey::from_pem(&pem)
            .map_err(|e| self.bad_answer(format!("its public key is not a PEM public key: {e}")))?;
        LogKey::new(key).map_err(|e| self.bad_answer(e))
    }

    /// Everything the log said about the entry, checked.
    fn check(
        &self,
        entry: &LogEntry,
        key: &LogKey,
        envelope: &DsseEnvelope,
        verifier: &V1Verifier<'_>,
    ) -> Result<()> {
        if entry.log_id.as_str() != key.log_id_hex {
            return Err(self.refused(format!(
                "its log ID {} is not the SHA-256 of the log's key ({})",
                entry.log_id.as_str(),
                key.log_id_hex
            )));
        }
        check_body(entry, envelope, verifier).map_err(|e| self.refused(e))?;
        let time = entry
            .integrated_time
            .ok_or_else(|| self.refused("it has no integrated time"))?;
        if let V1Verifier::Certificate {
            not_before,
            not_after,
            ..
        } = verifier
            && (time < *not_before || time > *not_after)
        {
            return Err(self.refused(format!(
                "its integrated time {time} is outside the certificate's validity \
                 ({not_before} to {not_after})"
            )));
        }
        let verification = entry
            .verification
            .as_ref()
            .ok_or_else(|| self.refused("it has no verification (promise and proof)"))?;
        let set = verification
            .signed_entry_timestamp
            .as_ref()
            .ok_or_else(|| self.refused("it has no signed entry timestamp (inclusion promise)"))?;
        let promised = set_payload(entry, time, &key.log_id_hex);
        key.verifier
            .verify(
                promised.as_bytes(),
                &SignatureBytes::new(set.as_bytes().to_vec()),
            )
            .map_err(|e| {
                self.refused(format!(
                    "its signed entry timestamp is not the log's signature over the entry: {e}"
                ))
            })?;
        let proof = verification
            .inclusion_proof
            .as_ref()
            .ok_or_else(|| self.refused("it has no inclusion proof"))?;
        let leaf = sigstore_merkle::hash_leaf(entry.body.as_bytes());
        sigstore_merkle::verify_inclusion_proof(
            &leaf,
            proof.log_index.get(),
            proof.tree_size,
            &proof.hashes,
            &proof.root_hash,
        )
        .map_err(|e| self.refused(format!("its inclusion proof does not verify: {e}")))?;
        let checkpoint = Checkpoint::from_text(&proof.checkpoint)
            .map_err(|e| self.refused(format!("its checkpoint does not parse: {e}")))?;
        if checkpoint.root_hash() != &proof.root_hash || checkpoint.tree_size() != proof.tree_size {
            return Err(self.refused(
                "its checkpoint is for another tree than its inclusion proof (root hash or size \
                 differ)",
            ));
        }
        checkpoint
            .verify_signature(&key.der)
            .map_err(|e| self.refused(format!("its checkpoint is not signed by the log: {e}")))?;
        Ok(())
    }
}

/// For the fuzz target: `answer` as the answer of a log whose key is
/// `log_spki` to recording `envelope`, signed by the key `signer_spki`.
#[doc(hidden)]
pub(crate) fn accept_for_fuzzing(
    answer: &[u8],
    log_spki: &[u8],
    envelope: &DsseEnvelope,
    signer_spki: &[u8],
) -> Result<TransparencyLogEntry> {
    let log = RekorV1Log {
        url: Url::parse("http://127.0.0.1/").map_err(|e| Error::internal(e.to_string()))?,
        trusted_key: None,
    };
    let key = LogKey::new(DerPublicKey::new(log_spki.to_vec())).map_err(Error::internal)?;
    log.accept(answer, &key, envelope, &V1Verifier::PublicKey(signer_spki))
}

/// A log's key, ready to verify with.
struct LogKey {
    der: DerPublicKey,
    verifier: VerificationKey,
    /// The log ID Rekor v1 answers: hex SHA-256 of the key's DER.
    log_id_hex: String,
}

impl LogKey {
    fn new(der: DerPublicKey) -> std::result::Result<Self, String> {
        let verifier = VerificationKey::from_spki(&der)
            .map_err(|e| format!("the log's public key is unusable: {e}"))?;
        let log_id_hex = hex::encode(sigstore_crypto::sha256(der.as_bytes()).as_bytes());
        Ok(LogKey {
            der,
            verifier,
            log_id_hex,
        })
    }
}

/// The key the embedded public-good trusted root lists for a log at
/// `url`, if it lists one there (the newest, should keys have rotated).
fn public_good_key(url: &Url) -> Option<DerPublicKey> {
    let root = TrustedRoot::from_json(SIGSTORE_PRODUCTION_TRUSTED_ROOT).ok()?;
    let wanted = url.as_str().trim_end_matches('/');
    root.tlogs
        .iter()
        .rev()
        .find(|log| log.base_url.trim_end_matches('/') == wanted)
        .map(|log| log.public_key.raw_bytes.clone())
}

/// What the signed entry timestamp signs: the entry as canonical JSON
/// (RFC 8785: keys sorted, no spaces), with the body in base64 and the log
/// ID in hex, as Rekor v1 signs it.
fn set_payload(entry: &LogEntry, time: jiff::Timestamp, log_id_hex: &str) -> String {
    // Base64 and hex need no JSON escaping, so the text is canonical as
    // written.
    format!(
        "{{\"body\":\"{}\",\"integratedTime\":{},\"logID\":\"{}\",\"logIndex\":{}}}",
        entry.body.to_base64(),
        time.as_second(),
        log_id_hex,
        entry.log_index.as_i64()
    )
}

/// The entry's body must be a `dsse` v0.0.1 of this envelope's payload,
/// with this signature and verifier only.
fn check_body(
    entry: &LogEntry,
    envelope: &DsseEnvelope,
    verifier: &V1Verifier<'_>,
) -> std::result::Result<(), String> {
    let body = RekorEntryBody::parse(&entry.body, KindVersion::DsseV001)
        .map_err(|e| format!("its body is not a dsse v0.0.1 entry: {e}"))?;
    let RekorEntryBody::DsseV001(body) = body else {
        return Err("its body is not a dsse v0.0.1 entry".into());
    };
    let payload_hash = hex::encode(sigstore_crypto::sha256(envelope.payload.as_bytes()).as_bytes());
    if body.spec.payload_hash.algorithm != HashAlgorithm::Sha2256
        || body.spec.payload_hash.value != payload_hash
    {
        return Err("its body records another payload".into());
    }
    let [signature] = body.spec.signatures.as_slice() else {
        return Err(format!(
            "its body records {} signatures, not the one made",
            body.spec.signatures.len()
        ));
    };
    if signature.signature.as_bytes() != envelope.signature.sig.as_bytes() {
        return Err("its body records another signature".into());
    }
    let recorded = std::str::from_utf8(signature.verifier.as_bytes())
        .map_err(|_| "its body's verifier is not PEM".to_string())?;
    let same = match verifier {
        V1Verifier::Certificate { certificate, .. } => {
            DerCertificate::from_pem(recorded).is_ok_and(|c| c.as_bytes() == certificate.as_bytes())
        }
        V1Verifier::PublicKey(spki) => {
            DerPublicKey::from_pem(recorded).is_ok_and(|k| k.as_bytes() == *spki)
        }
    };
    if !same {
        return Err("its body records another verifier (certificate or key)".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sigstore_crypto::KeyPair;
    use sigstore_types::{DsseSignature, KeyId, PayloadBytes};

    /// A one-entry log with its own key, answering as Rekor v1 does.
    struct FakeLog {
        key: KeyPair,
        der: DerPublicKey,
    }

    impl FakeLog {
        fn new() -> Self {
            let key = KeyPair::generate_ecdsa_p256().unwrap();
            let der = key.public_key_der().unwrap();
            FakeLog { key, der }
        }

        fn log_key(&self) -> LogKey {
            LogKey::new(self.der.clone()).unwrap()
        }

        /// The answer for `envelope` signed by `signer_pem`, after `lie`.
        fn answer(
            &self,
            envelope: &DsseEnvelope,
            signer_pem: &str,
            lie: impl FnOnce(&mut serde_json::Value),
        ) -> LogEntry {
            let sign = |m: &[u8]| self.key.sign(m).unwrap().as_bytes().to_vec();
            let time = jiff::Timestamp::now().as_second();
            let mut answer = honest_answer(sign, self.der.as_bytes(), envelope, signer_pem, time);
            let entry = answer.as_object_mut().unwrap().values_mut().next().unwrap();
            lie(entry);
            serde_json::from_value(entry.clone()).unwrap()
        }
    }

    /// A one-leaf log's answer (UUID to entry) to recording `envelope`,
    /// signed by `signer_pem`, made with the log key's `sign` at `time`.
    fn honest_answer(
        sign: impl Fn(&[u8]) -> Vec<u8>,
        log_spki: &[u8],
        envelope: &DsseEnvelope,
        signer_pem: &str,
        time: i64,
    ) -> serde_json::Value {
        let hash = |b: &[u8]| hex::encode(sigstore_crypto::sha256(b).as_bytes());
        let body = serde_json::json!({
            "apiVersion": "0.0.1",
            "kind": "dsse",
            "spec": {
                "envelopeHash": {"algorithm": "sha256", "value": hash(b"{}")},
                "payloadHash": {"algorithm": "sha256", "value": hash(envelope.payload.as_bytes())},
                "signatures": [{
                    "signature": STANDARD.encode(envelope.signature.sig.as_bytes()),
                    "verifier": STANDARD.encode(signer_pem),
                }],
            },
        })
        .to_string();
        let log_id = hash(log_spki);
        let set = format!(
            "{{\"body\":\"{}\",\"integratedTime\":{time},\"logID\":\"{log_id}\",\"logIndex\":0}}",
            STANDARD.encode(&body)
        );
        // A tree of one leaf: the root is the leaf hash, the proof empty.
        let root = sigstore_merkle::hash_leaf(body.as_bytes());
        let note = format!("127.0.0.1 - 1\n1\n{}\n", STANDARD.encode(root.as_bytes()));
        let mut signed = sigstore_crypto::sha256(log_spki).as_bytes()[..4].to_vec();
        signed.extend_from_slice(&sign(note.as_bytes()));
        let checkpoint = format!("{note}\n\u{2014} 127.0.0.1 {}\n", STANDARD.encode(signed));
        serde_json::json!({ hash(body.as_bytes()): {
            "body": STANDARD.encode(&body),
            "integratedTime": time,
            "logID": log_id,
            "logIndex": 0,
            "verification": {
                "signedEntryTimestamp": STANDARD.encode(sign(set.as_bytes())),
                "inclusionProof": {
                    "checkpoint": checkpoint,
                    "hashes": [],
                    "logIndex": 0,
                    "rootHash": root.to_hex(),
                    "treeSize": 1,
                },
            },
        }})
    }

    fn signed_envelope(key: &KeyPair) -> DsseEnvelope {
        let payload = br#"{"_type":"https://in-toto.io/Statement/v1"}"#;
        let pae = sigstore_types::pae("application/vnd.in-toto+json", payload);
        DsseEnvelope::new(
            "application/vnd.in-toto+json",
            PayloadBytes::from_bytes(payload),
            DsseSignature::new(key.sign(&pae).unwrap(), KeyId::default()),
        )
    }

    fn check(entry: &LogEntry, log: &FakeLog, envelope: &DsseEnvelope, spki: &[u8]) -> String {
        let rekor = RekorV1Log {
            url: Url::parse("http://127.0.0.1:1/").unwrap(),
            trusted_key: None,
        };
        match rekor.check(
            entry,
            &log.log_key(),
            envelope,
            &V1Verifier::PublicKey(spki),
        ) {
            Ok(()) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn honest_answers_pass_and_every_lie_is_named() {
        let log = FakeLog::new();
        let signer = KeyPair::generate_ecdsa_p256().unwrap();
        let spki = signer.public_key_der().unwrap();
        let pem = spki.to_pem();
        let envelope = signed_envelope(&signer);
        let honest = log.answer(&envelope, &pem, |_| {});
        assert_eq!(check(&honest, &log, &envelope, spki.as_bytes()), "");
        assert!(
            honest
                .to_bundle_entry(KindVersion::DsseV001)
                .unwrap()
                .inclusion_promise
                .is_some()
        );

        type Lie = fn(&mut serde_json::Value);
        let lies: [(Lie, &str); 5] = [
            (
                |e| {
                    let t = e["integratedTime"].as_i64().unwrap();
                    e["integratedTime"] = serde_json::json!(t - 1);
                },
                "signed entry timestamp",
            ),
            (
                |e| e["logIndex"] = serde_json::json!(1),
                "signed entry timestamp",
            ),
            (
                |e| e["verification"]["inclusionProof"]["treeSize"] = serde_json::json!(2),
                "inclusion proof",
            ),
            (
                |e| e["logID"] = serde_json::json!("00".repeat(32)),
                "log ID",
            ),
            (
                |e| {
                    e["verification"]
                        .as_object_mut()
                        .unwrap()
                        .remove("signedEntryTimestamp");
                },
                "no signed entry timestamp",
            ),
        ];
        for (lie, named) in lies {
            let entry = log.answer(&envelope, &pem, lie);
            let error = check(&entry, &log, &envelope, spki.as_bytes());
            assert!(error.contains(named), "{named}: {error}");
            assert!(error.contains("no bundle was written"), "{error}");
        }
        // Another signer's key as the verifier.
        let other = KeyPair::generate_ecdsa_p256().unwrap();
        let entry = log.answer(&envelope, &other.public_key_der().unwrap().to_pem(), |_| {});
        let error = check(&entry, &log, &envelope, spki.as_bytes());
        assert!(error.contains("another verifier"), "{error}");
        // The same answer checked with another log's key.
        let error = check(&honest, &FakeLog::new(), &envelope, spki.as_bytes());
        assert!(error.contains("log ID"), "{error}");
    }

    /// The fuzz target's honest seed is what the fuzz key's log answers
    /// (Ed25519 signs deterministically, so it is made again here): it
    /// passes every check, so the fuzzer starts from an accepted answer.
    #[test]
    fn the_fuzz_seed_is_an_honest_answer() {
        let key = crate::fuzzing::fuzz_signing_key();
        let spki = key.public_key().spki_der().to_vec();
        let envelope = crate::fuzzing::fuzz_logged_envelope();
        let pem = DerPublicKey::new(spki.clone()).to_pem();
        let made = honest_answer(
            |m| key.sign(m).unwrap(),
            &spki,
            &envelope,
            &pem,
            1_767_225_600,
        );
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fuzz/seeds/rekor_v1_answers/honest.json"
        );
        let seed = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(seed.trim_end(), made.to_string(), "{path}: regenerate it");
        assert!(accept_for_fuzzing(seed.as_bytes(), &spki, &envelope, &spki).is_ok());
        let lie = seed.replace(
            "\"logIndex\":0,\"verification",
            "\"logIndex\":1,\"verification",
        );
        assert_ne!(lie, seed);
        assert!(accept_for_fuzzing(lie.as_bytes(), &spki, &envelope, &spki).is_err());
    }

    #[test]
    fn the_public_good_log_is_checked_with_the_embedded_root_key() {
        let url = Url::parse("https://rekor.sigstore.dev/").unwrap();
        assert!(public_good_key(&url).is_some());
        let other = Url::parse("http://127.0.0.1:3000/").unwrap();
        assert!(public_good_key(&other).is_none());
    }
}
