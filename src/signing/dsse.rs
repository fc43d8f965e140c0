//! DSSE envelopes inside Sigstore bundles v0.3, signed with a key (no
//! certificate, no transparency log): writing and checking them.

use sigstore_bundle::{BundleV03, VerificationMaterialV03};
use sigstore_types::bundle::{SignatureContent, VerificationMaterialContent};
use sigstore_types::{Bundle, DsseEnvelope, DsseSignature, KeyId, PayloadBytes, SignatureBytes};

use super::keys::{KeyError, PublicKey, SigningKey};

pub(crate) const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// Signs `payload` as a DSSE envelope and wraps it in a v0.3 bundle whose
/// verification material is the key hint. The DSSE signature carries the same
/// id as `keyid`: some verifiers (securesystemslib) reject a signature
/// without one.
pub(crate) fn sign_bundle(
    payload: &[u8],
    payload_type: &str,
    key: &SigningKey,
) -> Result<String, KeyError> {
    let pae = sigstore_types::pae(payload_type, payload);
    let signature = key.sign(&pae)?;
    let key_id = key.key_id();
    let envelope = DsseEnvelope::new(
        payload_type,
        PayloadBytes::from_bytes(payload),
        DsseSignature::new(SignatureBytes::new(signature), KeyId::new(key_id.clone())),
    );
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

/// A bundle that parsed and holds a DSSE envelope. Nothing in it is trusted
/// yet: `verify` decides that.
#[derive(Debug)]
pub(crate) struct DsseBundle {
    envelope: DsseEnvelope,
    hint: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum BundleError {
    #[error("not a Sigstore bundle: {0}")]
    Malformed(String),
    #[error("the bundle holds a message signature, not a DSSE envelope")]
    NotDsse,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum VerifyError {
    #[error("payload type is `{0}`, expected `{IN_TOTO_PAYLOAD_TYPE}`")]
    PayloadType(String),
    #[error("the {algorithm} signature does not verify with key {key_id}")]
    BadSignature { algorithm: String, key_id: String },
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
        match bundle.content {
            SignatureContent::DsseEnvelope(envelope) => Ok(DsseBundle { envelope, hint }),
            _ => Err(BundleError::NotDsse),
        }
    }

    /// The payload, unverified: for labelling only, never for decisions.
    pub(crate) fn unverified_payload(&self) -> &[u8] {
        self.envelope.payload.as_bytes()
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
            })?;
        Ok(self.envelope.payload.as_bytes())
    }
}

/// The predicate type a bundle's statement declares (read, not trusted:
/// it only labels the attestation manifest).
pub(crate) fn bundle_predicate_type(text: &str, source: &str) -> crate::error::Result<String> {
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
    Ok(statement.predicate_type)
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
            assert_eq!(
                value["mediaType"],
                crate::registry::attach::BUNDLE_ARTIFACT_TYPE
            );
            assert_eq!(
                value["verificationMaterial"]["publicKey"]["hint"],
                key.key_id()
            );
            assert_eq!(
                value["dsseEnvelope"]["signatures"][0]["keyid"],
                key.key_id()
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
