//! The one signing interface: a [`Signer`] (a key, or keyless: an
//! ephemeral key with a Fulcio certificate) makes the DSSE signature;
//! [`Witness`]es then vouch for it (a timestamp authority, a Rekor v1 or v2
//! transparency log), each adding its evidence to the bundle's
//! verification material. Key and keyless bundles are assembled in one
//! place, so both get every witness.

use sigstore_bundle::{BundleV03, VerificationMaterialV03};
use sigstore_types::bundle::SignatureContent;
use sigstore_types::{
    DsseEnvelope, DsseSignature, KeyId, PayloadBytes, SignatureBytes, TimestampToken,
    TransparencyLogEntry,
};

use super::dsse::sign_envelope;
use super::keyless::KeylessSigner;
use super::keyless::Log;
use super::keyless::http::Services;
use super::keyless::rekor::LogVerifier;
use super::keyless::rekor_v1::V1Verifier;
use super::keyless::tsa::TimestampAuthority;
use super::keys::SigningKey;
use crate::error::{Error, Result};

/// Who signs.
pub(crate) enum Signer {
    /// A long-lived key; `label` names it to people ("key file k.pem").
    Key { key: SigningKey, label: String },
    /// An ephemeral key certified by Fulcio for an OIDC identity.
    Keyless(Box<KeylessSigner>),
}

impl Signer {
    /// How to name the signer to people.
    pub(crate) fn label(&self) -> String {
        match self {
            Signer::Key { label, .. } => label.clone(),
            Signer::Keyless(k) => match &k.info().identity {
                Some(identity) => format!("certificate for {identity}"),
                None => "a Fulcio certificate".into(),
            },
        }
    }

    /// Whether `bundle` (JSON, as read from a store) is an attestation of
    /// exactly `payload` that this signer made: the statement byte for byte,
    /// the signature verified with this signer's key. A keyless signer's
    /// certificate is new every run, and so is what it certifies: never.
    pub(crate) fn made(&self, bundle: &[u8], payload: &[u8]) -> bool {
        let Signer::Key { key, .. } = self else {
            return false;
        };
        let Ok(text) = std::str::from_utf8(bundle) else {
            return false;
        };
        super::dsse::DsseBundle::parse(text)
            .ok()
            .and_then(|b| b.verify(&key.public_key()).ok().map(|p| p == payload))
            .unwrap_or(false)
    }

    /// The DSSE envelope of `payload`. Keyless signatures carry no `keyid`
    /// (as cosign's): the certificate identifies the key.
    fn envelope(&self, payload: &[u8], payload_type: &str) -> Result<DsseEnvelope> {
        match self {
            Signer::Key { key, .. } => {
                sign_envelope(payload, payload_type, key).map_err(|e| Error::key(e.to_string()))
            }
            Signer::Keyless(k) => {
                let pae = sigstore_types::pae(payload_type, payload);
                let signature = k.sign(&pae)?;
                Ok(DsseEnvelope::new(
                    payload_type,
                    PayloadBytes::from_bytes(payload),
                    DsseSignature::new(SignatureBytes::new(signature), KeyId::default()),
                ))
            }
        }
    }

    fn material(&self) -> VerificationMaterialV03 {
        match self {
            Signer::Key { key, .. } => VerificationMaterialV03::PublicKey { hint: key.key_id() },
            Signer::Keyless(k) => VerificationMaterialV03::Certificate(k.certificate().clone()),
        }
    }
}

/// A signature made, as witnesses see it.
pub(crate) struct Signed<'a> {
    pub(crate) envelope: &'a DsseEnvelope,
    /// The signer (a transparency log records its key or certificate).
    pub(crate) signer: &'a Signer,
}

impl Signed<'_> {
    /// The signature bytes (what timestamps are over).
    pub(crate) fn signature(&self) -> &[u8] {
        self.envelope.signature.sig.as_bytes()
    }

    /// The DSSE pre-authentication encoding that was signed (what a
    /// transparency log records the digest of).
    pub(crate) fn pae(&self) -> Vec<u8> {
        self.envelope.pae()
    }
}

/// What a witness adds to the bundle.
pub(crate) enum Evidence {
    /// An RFC 3161 timestamp (DER `TimeStampResp`) and the time it states.
    Timestamp { der: Vec<u8>, time: jiff::Timestamp },
    /// A transparency log entry with its inclusion proof.
    TlogEntry(Box<TransparencyLogEntry>),
}

/// Something that vouches for a signature after it is made.
pub(crate) trait Witness {
    fn witness(&self, signed: &Signed<'_>) -> Result<Evidence>;
}

/// A timestamp authority as a witness.
pub(crate) struct TimestampWitness<'a> {
    pub(crate) authority: TimestampAuthority,
    pub(crate) services: &'a Services,
}

impl Witness for TimestampWitness<'_> {
    fn witness(&self, signed: &Signed<'_>) -> Result<Evidence> {
        let t = self
            .authority
            .timestamp(self.services, signed.signature())?;
        Ok(Evidence::Timestamp {
            der: t.der,
            time: t.time,
        })
    }
}

/// A Rekor log as a witness: the signature is recorded, and the entry with
/// its inclusion proof (and, from a v1 log, its inclusion promise) goes into
/// the bundle.
pub(crate) struct RekorWitness<'a> {
    pub(crate) log: Log,
    pub(crate) services: &'a Services,
}

impl Witness for RekorWitness<'_> {
    fn witness(&self, signed: &Signed<'_>) -> Result<Evidence> {
        let entry = match &self.log {
            Log::V1(log) => {
                let public;
                let verifier = match signed.signer {
                    Signer::Keyless(k) => V1Verifier::Certificate {
                        certificate: k.certificate(),
                        not_before: k.info().not_before,
                        not_after: k.info().not_after,
                    },
                    Signer::Key { key, .. } => {
                        public = key.public_key();
                        V1Verifier::PublicKey(public.spki_der())
                    }
                };
                log.record(self.services, signed.envelope, verifier)?
            }
            Log::V2(log) => {
                let public;
                let verifier = match signed.signer {
                    Signer::Keyless(k) => LogVerifier::Certificate(k.certificate()),
                    Signer::Key { key, .. } => {
                        if key.algorithm() != super::keys::Algorithm::EcdsaP256 {
                            return Err(Error::usage(format!(
                                "Rekor v2 records ECDSA P-256 signatures only (its hashedrekord \
                                 is over a SHA-256 digest); this is an {} key: sign with a P-256 \
                                 key, record in a Rekor v1 log (--rekor-version 1), or sign \
                                 without --tlog-upload",
                                key.algorithm()
                            )));
                        }
                        public = key.public_key();
                        LogVerifier::PublicKey(public.spki_der())
                    }
                };
                log.record(self.services, &signed.pae(), signed.signature(), verifier)?
            }
        };
        Ok(Evidence::TlogEntry(Box::new(entry)))
    }
}

/// A signed bundle and what went into it.
pub(crate) struct SignedBundle {
    /// The bundle v0.3 as JSON, newline-terminated.
    pub(crate) json: String,
    /// The times the TSA witnesses stated.
    pub(crate) timestamps: Vec<jiff::Timestamp>,
    /// How many transparency log entries it carries.
    pub(crate) tlog_entries: usize,
    /// The integrated times of its Rekor v1 entries (checked against the
    /// log's signed entry timestamp): signed times too.
    pub(crate) integrated_times: Vec<jiff::Timestamp>,
    /// The log index of each transparency log entry.
    pub(crate) log_indexes: Vec<u64>,
}

/// Signs `payload` as a DSSE envelope with `signer`, has every witness
/// vouch for the signature, and assembles the bundle v0.3.
pub(crate) fn sign_dsse(
    payload: &[u8],
    payload_type: &str,
    signer: &Signer,
    witnesses: &[&dyn Witness],
) -> Result<SignedBundle> {
    let envelope = signer.envelope(payload, payload_type)?;
    let signed = Signed {
        envelope: &envelope,
        signer,
    };
    let mut evidence = Vec::new();
    for witness in witnesses {
        evidence.push(witness.witness(&signed)?);
    }
    let mut bundle = BundleV03::new(
        signer.material(),
        SignatureContent::DsseEnvelope(envelope.clone()),
    );
    let mut timestamps = Vec::new();
    let mut tlog_entries = 0;
    let mut integrated_times = Vec::new();
    let mut log_indexes = Vec::new();
    for e in evidence {
        match e {
            Evidence::Timestamp { der, time } => {
                bundle = bundle.with_rfc3161_timestamp(TimestampToken::new(der));
                timestamps.push(time);
            }
            Evidence::TlogEntry(entry) => {
                if entry.inclusion_promise.is_some()
                    && let Some(time) = entry.integrated_time
                {
                    integrated_times.push(time);
                }
                log_indexes.push(entry.log_index.get());
                bundle = bundle.with_tlog_entry(*entry);
                tlog_entries += 1;
            }
        }
    }
    let mut json = bundle
        .into_bundle()
        .to_json()
        .map_err(|e| Error::internal(format!("cannot serialize the bundle: {e}")))?;
    json.push('\n');
    Ok(SignedBundle {
        json,
        timestamps,
        tlog_entries,
        integrated_times,
        log_indexes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::dsse::{DsseBundle, IN_TOTO_PAYLOAD_TYPE, sign_bundle};
    use crate::signing::keys::Algorithm;

    struct FixedTimestamp;

    impl Witness for FixedTimestamp {
        fn witness(&self, signed: &Signed<'_>) -> Result<Evidence> {
            assert!(!signed.signature().is_empty());
            assert!(signed.pae().starts_with(b"DSSEv1 "));
            Ok(Evidence::Timestamp {
                der: vec![0x30, 0x00],
                time: jiff::Timestamp::UNIX_EPOCH,
            })
        }
    }

    #[test]
    fn key_bundles_without_witnesses_equal_the_key_path_and_witnesses_add_evidence() {
        let key = SigningKey::generate(Algorithm::EcdsaP256).unwrap();
        let signer = Signer::Key {
            key: SigningKey::from_pkcs8_der(key.pkcs8_der()).unwrap(),
            label: "k".into(),
        };
        let plain = sign_dsse(b"{}", IN_TOTO_PAYLOAD_TYPE, &signer, &[]).unwrap();
        let value: serde_json::Value = serde_json::from_str(&plain.json).unwrap();
        let reference: serde_json::Value =
            serde_json::from_str(&sign_bundle(b"{}", IN_TOTO_PAYLOAD_TYPE, &key).unwrap()).unwrap();
        // ECDSA signatures differ run to run; everything else is the same.
        assert_eq!(
            value["verificationMaterial"],
            reference["verificationMaterial"]
        );
        assert_eq!(
            value["dsseEnvelope"]["signatures"][0]["keyid"],
            reference["dsseEnvelope"]["signatures"][0]["keyid"]
        );
        // The keyid cosign derives itself (see `sign_envelope`), not the hint.
        assert_eq!(
            value["dsseEnvelope"]["signatures"][0]["keyid"],
            key.dsse_key_id().unwrap()
        );
        let bundle = DsseBundle::parse(&plain.json).unwrap();
        bundle.verify(&key.public_key()).unwrap();

        let stamped = sign_dsse(b"{}", IN_TOTO_PAYLOAD_TYPE, &signer, &[&FixedTimestamp]).unwrap();
        assert_eq!(stamped.timestamps.len(), 1);
        let bundle = DsseBundle::parse(&stamped.json).unwrap();
        assert_eq!(bundle.timestamp_count(), 1);
        bundle.verify(&key.public_key()).unwrap();
    }
}
