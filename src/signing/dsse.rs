//! DSSE envelopes inside Sigstore bundles v0.3, signed with a key (no
//! certificate, no transparency log): writing and checking them.

use sigstore_bundle::{BundleV03, VerificationMaterialV03};
use sigstore_types::bundle::{SignatureContent, VerificationMaterialContent};
use sigstore_types::{Bundle, DsseEnvelope, DsseSignature, KeyId, PayloadBytes, SignatureBytes};

use super::keys::{KeyError, PublicKey, SigningKey};
use crate::error::Error;
use crate::strict_json::{self, DuplicateKey, StrictError};

pub(crate) const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// Signs `payload` as a DSSE envelope and wraps it in a v0.3 bundle whose
/// verification material is the key hint, its signature made by
/// [`sign_envelope`]. (Signing goes through `signer::sign_dsse`; this
/// key-only form stays for tests.)
#[cfg(test)]
pub(crate) fn sign_bundle(
    payload: &[u8],
    payload_type: &str,
    key: &SigningKey,
) -> Result<String, KeyError> {
    let envelope = sign_envelope(payload, payload_type, key)?;
    let key_id = key.key_id();
    let bundle = BundleV03::new(
        VerificationMaterialV03::PublicKey { hint: key_id },
        SignatureContent::DsseEnvelope(envelope),
    )
    .into_bundle();
    let mut json = bundle
        .to_json()
        .map_err(|e| KeyError::Crypto(format!("cannot serialize bundle: {e}")))?;
    json.push('\n');
    Ok(json)
}

/// The DSSE envelope of `payload` signed with `key`: every key signature
/// is made here. The bundle's `publicKey.hint` stays the hex SHA-256 of the
/// SPKI (which our keyring lookup uses), but the signature's `keyid` is the
/// key's OpenSSH fingerprint: cosign (through go-securesystemslib) derives
/// that id itself and skips a signature carrying any other;
/// securesystemslib (Python) needs a `keyid` at all, and @sigstore/verify
/// ignores it.
pub(crate) fn sign_envelope(
    payload: &[u8],
    payload_type: &str,
    key: &SigningKey,
) -> Result<DsseEnvelope, KeyError> {
    let pae = sigstore_types::pae(payload_type, payload);
    let signature = key.sign(&pae)?;
    Ok(DsseEnvelope::new(
        payload_type,
        PayloadBytes::from_bytes(payload),
        DsseSignature::new(
            SignatureBytes::new(signature),
            KeyId::new(key.dsse_key_id().unwrap_or_default()),
        ),
    ))
}

/// A bundle that parsed and holds a DSSE envelope. Nothing in it is trusted
/// yet: `verify` decides that.
#[derive(Debug)]
pub(crate) struct DsseBundle {
    envelope: DsseEnvelope,
    hint: Option<String>,
    /// The whole bundle, for checks of its certificate, timestamps and log
    /// entries.
    bundle: Bundle,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum BundleError {
    #[error("not a Sigstore bundle: {0}")]
    Malformed(String),
    #[error("not a DSSE envelope: {0}")]
    MalformedEnvelope(String),
    #[error("the bundle holds a message signature, not a DSSE envelope")]
    NotDsse,
    /// A key twice in one object: readers disagree on which value counts,
    /// so the document means different things to different verifiers.
    #[error("{document} is ambiguous: {duplicate}; {}", strict_json::AMBIGUOUS)]
    DuplicateKey {
        document: &'static str,
        duplicate: DuplicateKey,
    },
}

impl BundleError {
    /// As the crate's error, prefixed with `source` (the bundle's name): a
    /// repeated key fails verification (exit 5), anything else is
    /// malformed input (exit 4).
    pub(crate) fn into_error(self, source: &str) -> Error {
        match self {
            BundleError::DuplicateKey { .. } => Error::verification(format!("{source}: {self}")),
            _ => Error::invalid_input(format!("{source}: {self}")),
        }
    }
}

/// Refuses JSON with a repeated key before any reader picks one value.
fn unique_keys(json: &str, document: &'static str) -> Result<(), BundleError> {
    match strict_json::find_duplicate_key(json.as_bytes()) {
        Some(duplicate) => Err(BundleError::DuplicateKey {
            document,
            duplicate,
        }),
        None => Ok(()),
    }
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum VerifyError {
    #[error("payload type is `{0}`, expected `{IN_TOTO_PAYLOAD_TYPE}`")]
    PayloadType(String),
    #[error("the {algorithm} signature does not verify with key {key_id}{}", signer_note(.signer))]
    BadSignature {
        algorithm: String,
        key_id: String,
        /// The key the bundle says signed it (its hint), if it names one.
        signer: Option<String>,
    },
}

/// Names the bundle's signer when it is another key than the one tried.
fn signer_note(signer: &Option<String>) -> String {
    match signer {
        Some(hint) => format!("; the bundle names key {hint} as its signer"),
        None => String::new(),
    }
}

impl DsseBundle {
    pub(crate) fn parse(json: &str) -> Result<Self, BundleError> {
        unique_keys(json, "the bundle")?;
        let bundle = Bundle::from_json(json).map_err(|e| BundleError::Malformed(e.to_string()))?;
        let hint = match &bundle.verification_material.content {
            VerificationMaterialContent::PublicKey(id) if !id.hint.is_empty() => {
                Some(id.hint.clone())
            }
            _ => None,
        };
        match &bundle.content {
            SignatureContent::DsseEnvelope(envelope) => Ok(DsseBundle {
                envelope: envelope.clone(),
                hint,
                bundle,
            }),
            _ => Err(BundleError::NotDsse),
        }
    }

    /// A bare DSSE envelope (`{"payloadType", "payload", "signatures"}`),
    /// as cosign's legacy `.att` layers hold: no key hint.
    pub(crate) fn parse_envelope(json: &str) -> Result<Self, BundleError> {
        unique_keys(json, "the DSSE envelope")?;
        let envelope: DsseEnvelope = serde_json::from_str(json)
            .map_err(|e| BundleError::MalformedEnvelope(e.to_string()))?;
        // Modelled as a key-signed bundle without a hint: no certificate,
        // timestamps or log entries, so it is checked like one.
        let bundle = BundleV03::new(
            VerificationMaterialV03::PublicKey {
                hint: String::new(),
            },
            SignatureContent::DsseEnvelope(envelope.clone()),
        )
        .into_bundle();
        Ok(DsseBundle {
            envelope,
            hint: None,
            bundle,
        })
    }

    /// The parsed bundle as sigstore-rust models it.
    pub(crate) fn sigstore(&self) -> &Bundle {
        &self.bundle
    }

    /// The signing certificate (leaf), when the bundle is keyless.
    pub(crate) fn certificate(&self) -> Option<&sigstore_types::DerCertificate> {
        match &self.bundle.verification_material.content {
            VerificationMaterialContent::Certificate(c) => Some(&c.raw_bytes),
            VerificationMaterialContent::X509CertificateChain { certificates } => {
                certificates.first().map(|c| &c.raw_bytes)
            }
            _ => None,
        }
    }

    /// The DSSE signature's bytes (what timestamps are over).
    pub(crate) fn envelope_signature(&self) -> &SignatureBytes {
        &self.envelope.signature.sig
    }

    /// How many RFC 3161 timestamps the bundle carries (unverified).
    pub(crate) fn timestamp_count(&self) -> usize {
        self.bundle
            .verification_material
            .timestamp_verification_data
            .rfc3161_timestamps
            .len()
    }

    /// The payload, unverified: for labelling only, never for decisions.
    pub(crate) fn unverified_payload(&self) -> &[u8] {
        self.envelope.payload.as_bytes()
    }

    /// The signature's `keyid`, if not empty (unauthenticated).
    pub(crate) fn signature_key_id(&self) -> Option<&str> {
        Some(self.envelope.signature.keyid.as_str()).filter(|k| !k.is_empty())
    }

    /// The unauthenticated key hint: only a lookup aid for finding a key.
    pub(crate) fn key_hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// Returns the payload once the signature over its PAE verifies with
    /// `key` and the payload type is in-toto.
    pub(crate) fn verify(&self, key: &PublicKey) -> Result<&[u8], VerifyError> {
        if self.envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
            return Err(VerifyError::PayloadType(self.envelope.payload_type.clone()));
        }
        key.verify(&self.envelope.pae(), self.envelope.signature.sig.as_bytes())
            .map_err(|_| VerifyError::BadSignature {
                algorithm: key.algorithm().to_string(),
                key_id: key.key_id(),
                signer: self.key_hint().map(str::to_string),
            })?;
        Ok(self.envelope.payload.as_bytes())
    }
}

/// Why a payload is not a statement we read, as the crate's error: a
/// repeated key fails verification (exit 5), anything else is malformed
/// input (exit 4).
pub(crate) fn statement_error(e: StrictError, source: &str) -> Error {
    match e {
        StrictError::DuplicateKey(duplicate) => Error::verification(format!(
            "{source}: the signed statement is ambiguous: {duplicate}; {}",
            strict_json::AMBIGUOUS
        )),
        StrictError::Json(e) => Error::invalid_input(format!(
            "{source}: the payload is not an in-toto statement: {e}"
        )),
    }
}

/// What a bundle's statement says of itself, read without checking the
/// signature: fit for labels and sanity checks, never for trust decisions.
pub(crate) struct UnverifiedStatement {
    pub(crate) predicate_type: String,
    /// The sha256 digests of its subjects, lowercase hex.
    pub(crate) sha256_subjects: Vec<String>,
}

impl UnverifiedStatement {
    /// Whether a subject has the digest `sha256:<hex>`.
    pub(crate) fn names(&self, digest: &str) -> bool {
        let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
        self.sha256_subjects
            .iter()
            .any(|s| s.eq_ignore_ascii_case(hex))
    }
}

/// Reads the statement inside a bundle (`source` names the bundle in errors).
pub(crate) fn unverified_statement(
    text: &str,
    source: &str,
) -> crate::error::Result<UnverifiedStatement> {
    let bundle = DsseBundle::parse(text).map_err(|e| e.into_error(source))?;
    // Read as verify reads it, so that nothing is attached that verify
    // would not take for a statement.
    let statement = crate::provenance::Statement::from_json(bundle.unverified_payload())
        .map_err(|e| statement_error(e, source))?;
    Ok(UnverifiedStatement {
        predicate_type: statement.predicate_type,
        sha256_subjects: statement
            .subject
            .into_iter()
            .filter_map(|s| s.digest.get("sha256").cloned())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ExitCode;
    use crate::signing::keys::Algorithm;

    #[test]
    fn a_key_twice_is_refused_though_the_signature_holds() {
        let key = SigningKey::generate(Algorithm::Ed25519).unwrap();
        let statement = |subject: &str| {
            format!(
                r#"{{"_type":"https://in-toto.io/Statement/v1",{subject}"predicateType":"https://slsa.dev/provenance/v1","predicate":{{}}}}"#
            )
        };
        let real = r#""subject":[{"name":"a","digest":{"sha256":"11"}}],"#;
        let fake = r#""subject":[{"name":"b","digest":{"sha256":"22"}}],"#;
        let twice = statement(&format!("{fake}{real}"));
        let json = sign_bundle(twice.as_bytes(), IN_TOTO_PAYLOAD_TYPE, &key).unwrap();
        let bundle = DsseBundle::parse(&json).unwrap();
        assert!(bundle.verify(&key.public_key()).is_ok());
        let err = unverified_statement(&json, "b.json").err().unwrap();
        assert_eq!(err.exit_code(), ExitCode::VerificationFailed);
        assert!(err.to_string().contains("`subject` appears twice"), "{err}");

        // In the bundle itself: a fake payload before the signed one.
        let once = sign_bundle(statement(real).as_bytes(), IN_TOTO_PAYLOAD_TYPE, &key).unwrap();
        let doubled = once.replacen(r#""payload":"#, r#""payload":"e30=","payload":"#, 1);
        match DsseBundle::parse(&doubled) {
            Err(e @ BundleError::DuplicateKey { .. }) => {
                let text = e.to_string();
                assert!(text.contains("`payload`"), "{text}");
                assert!(text.contains("$.dsseEnvelope"), "{text}");
                assert_eq!(
                    e.into_error("b.json").exit_code(),
                    ExitCode::VerificationFailed
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            DsseBundle::parse_envelope(r#"{"payloadType":"a","payloadType":"b"}"#),
            Err(BundleError::DuplicateKey { .. })
        ));
        assert_eq!(
            BundleError::NotDsse.into_error("b.json").exit_code(),
            ExitCode::InvalidInput
        );
    }

    /// The fuzz seeds with a repeated key are signed with the fuzz key
    /// (so only the repeated key stops them) and refused.
    #[test]
    fn duplicate_key_fuzz_seeds_are_refused() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/bundles");
        let key = crate::fuzzing::fuzz_signing_key();
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if !name.starts_with("dup-") {
                continue;
            }
            seen += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            if name.ends_with("-statement.json") {
                assert!(matches!(
                    crate::provenance::Statement::from_json(text.as_bytes()),
                    Err(StrictError::DuplicateKey(_))
                ));
                continue;
            }
            if let Ok(bundle) = DsseBundle::parse(&text) {
                assert!(bundle.verify(&key.public_key()).is_ok(), "{name}");
            }
            let err = unverified_statement(&text, &name).err().unwrap();
            assert_eq!(err.exit_code(), ExitCode::VerificationFailed, "{name}");
        }
        assert_eq!(seen, 4);
    }

    #[test]
    fn sign_then_verify_and_detect_tampering() {
        for alg in [Algorithm::EcdsaP256, Algorithm::Ed25519] {
            let key = SigningKey::generate(alg).unwrap();
            let json = sign_bundle(br#"{"a":1}"#, IN_TOTO_PAYLOAD_TYPE, &key).unwrap();
            let value: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(value["mediaType"], crate::attach::BUNDLE_ARTIFACT_TYPE);
            assert_eq!(
                value["verificationMaterial"]["publicKey"]["hint"],
                key.key_id()
            );
            assert_eq!(
                value["dsseEnvelope"]["signatures"][0]["keyid"],
                key.dsse_key_id().unwrap()
            );

            let bundle = DsseBundle::parse(&json).unwrap();
            assert_eq!(bundle.key_hint(), Some(key.key_id().as_str()));
            assert_eq!(bundle.verify(&key.public_key()).unwrap(), br#"{"a":1}"#);

            let other = SigningKey::generate(alg).unwrap();
            assert!(bundle.verify(&other.public_key()).is_err());

            let tampered = json.replace(
                &value["dsseEnvelope"]["payload"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                "eyJhIjoyfQ==",
            );
            let bundle = DsseBundle::parse(&tampered).unwrap();
            assert!(matches!(
                bundle.verify(&key.public_key()),
                Err(VerifyError::BadSignature { .. })
            ));
        }
    }

    #[test]
    fn bare_envelopes_verify_like_bundles() {
        let key = SigningKey::generate(Algorithm::EcdsaP256).unwrap();
        let json = sign_bundle(br#"{"a":1}"#, IN_TOTO_PAYLOAD_TYPE, &key).unwrap();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        let mut envelope = value["dsseEnvelope"].clone();
        // cosign writes an empty keyid.
        envelope["signatures"][0]["keyid"] = "".into();
        let bare = DsseBundle::parse_envelope(&envelope.to_string()).unwrap();
        assert_eq!(bare.key_hint(), None);
        assert_eq!(bare.verify(&key.public_key()).unwrap(), br#"{"a":1}"#);
        assert!(DsseBundle::parse_envelope(&json).is_err());
    }

    #[test]
    fn malformed_bundles_are_errors_not_panics() {
        for text in [
            "",
            "{}",
            "[]",
            "null",
            r#"{"mediaType":"x"}"#,
            "{\"dsseEnvelope\":",
        ] {
            assert!(DsseBundle::parse(text).is_err(), "{text}");
        }
    }
}
