//! What a bundle says about its signer and its times, read for people
//! (`inspect`): the key hint or the certificate's identity, transparency
//! log entries and signed timestamps. Nothing here is verified.

use jiff::Timestamp;
use sigstore_types::Bundle;
use sigstore_types::bundle::VerificationMaterialContent;

use super::dsse::BundleError;

/// Who a bundle says signed it.
#[derive(Debug, Clone)]
pub(crate) enum Signer {
    /// A key, named by the bundle's hint (and the DSSE signature's keyid).
    Key {
        hint: Option<String>,
        keyid: Option<String>,
    },
    /// A certificate (keyless): its subject alternative name and the OIDC
    /// issuer Fulcio recorded.
    Certificate {
        identity: Option<String>,
        issuer: Option<String>,
        not_before: Timestamp,
        not_after: Timestamp,
    },
    /// A certificate that does not parse.
    BadCertificate(String),
}

/// A bundle's (or bare envelope's) signer and times, unverified.
#[derive(Debug, Clone)]
pub(crate) struct Material {
    /// The bundle media type, or the DSSE envelope media type for a bare
    /// envelope.
    pub(crate) media_type: String,
    pub(crate) signer: Signer,
    /// Transparency log entries, with the time each was integrated (when
    /// the entry records one).
    pub(crate) log_entries: Vec<Option<Timestamp>>,
    /// RFC 3161 signed timestamps: the time each states, or why it
    /// cannot be read.
    pub(crate) signed_timestamps: Vec<std::result::Result<Timestamp, String>>,
}

/// Reads the material of a Sigstore bundle.
pub(crate) fn bundle_material(json: &str) -> Result<Material, BundleError> {
    let bundle = Bundle::from_json(json).map_err(|e| BundleError::Malformed(e.to_string()))?;
    let keyid = match &bundle.content {
        sigstore_types::bundle::SignatureContent::DsseEnvelope(e) => {
            Some(e.signature.keyid.as_str().to_string()).filter(|k| !k.is_empty())
        }
        _ => None,
    };
    let material = &bundle.verification_material;
    let certificate = match &material.content {
        VerificationMaterialContent::Certificate(c) => Some(&c.raw_bytes),
        VerificationMaterialContent::X509CertificateChain { certificates } => {
            certificates.first().map(|c| &c.raw_bytes)
        }
        VerificationMaterialContent::PublicKey(_) => None,
        _ => None,
    };
    let signer = match (certificate, &material.content) {
        (Some(der), _) => match sigstore_crypto::parse_certificate_info(der) {
            Ok(info) => Signer::Certificate {
                identity: info.identity.map(|i| i.to_string()),
                issuer: info.issuer,
                not_before: info.not_before,
                not_after: info.not_after,
            },
            Err(e) => Signer::BadCertificate(e.to_string()),
        },
        (None, VerificationMaterialContent::PublicKey(id)) => Signer::Key {
            hint: Some(id.hint.clone()).filter(|h| !h.is_empty()),
            keyid,
        },
        (None, _) => Signer::Key { hint: None, keyid },
    };
    Ok(Material {
        media_type: bundle.media_type.as_str().to_string(),
        signer,
        log_entries: material
            .tlog_entries
            .iter()
            .map(|e| e.integrated_time)
            .collect(),
        signed_timestamps: material
            .timestamp_verification_data
            .rfc3161_timestamps
            .iter()
            .map(|t| super::keyless::tsa::stated_time(t.signed_timestamp.as_bytes()))
            .collect(),
    })
}

/// The material of a bare DSSE envelope: only the signature's keyid.
pub(crate) fn envelope_material(keyid: Option<String>) -> Material {
    Material {
        media_type: "application/vnd.dsse.envelope.v1+json".into(),
        signer: Signer::Key { hint: None, keyid },
        log_entries: Vec::new(),
        signed_timestamps: Vec::new(),
    }
}
