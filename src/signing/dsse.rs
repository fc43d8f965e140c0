//! DSSE envelopes inside Sigstore bundles v0.3, signed with a key (no
//! certificate, no transparency log): writing and checking them.

use sigstore_bundle::{BundleV03, VerificationMaterialV03};
use sigstore_types::bundle::{SignatureContent, VerificationMaterialContent};
use sigstore_types::{Bundle, DsseEnvelope, DsseSignature, KeyId, PayloadBytes, SignatureBytes};

use super::keys::{KeyError, PublicKey, SigningKey};

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
    use crate::error::Error;
    let bundle =
        DsseBundle::parse(text).map_err(|e| Error::invalid_input(format!("{source}: {e}")))?;
    // Read as verify reads it, so that nothing is attached that verify
    // would not take for a statement.
    let statement =
        crate::provenance::Statement::from_json(bundle.unverified_payload()).map_err(|e| {
            Error::invalid_input(format!(
                "{source}: the payload is not an in-toto statement: {e}"
            ))
        })?;
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
    use crate::signing::keys::Algorithm;

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
