//! Recording a signature in a Rekor v2 transparency log
//! (`POST /api/v2/log/entries`). A DSSE signature is recorded as
//! `hashedrekord` v0.0.2 over the SHA-256 of the DSSE pre-authentication
//! encoding, as cosign does (Rekor v2 has no `dsse` kind); the answer is
//! the bundle's `TransparencyLogEntry`, inclusion proof and checkpoint
//! included.
//!
//! The request type is sigstore-rekor's (`HashedRekordV2`); the HTTP
//! exchange is ours, as for Fulcio and the TSA: sigstore-rekor's client is
//! async only and reads answers without a size limit. Whether the entry is
//! really in the log is decided offline at verification time, against the
//! log's key in the trusted root.

use reqwest::{Method, Url};
use sigstore_rekor::{HashedRekordV2, RekorV2KeyDetails};
use sigstore_types::{
    DerCertificate, DerPublicKey, KindVersion, SignatureBytes, TransparencyLogEntry,
};

use super::http::{Call, Services, shown};
use crate::error::{Error, Result};

/// What verifies the logged signature.
pub(crate) enum LogVerifier<'a> {
    /// A keyless signer's certificate.
    Certificate(&'a DerCertificate),
    /// A key signer's public key (DER SubjectPublicKeyInfo), P-256 only.
    PublicKey(&'a [u8]),
}

/// A Rekor v2 log.
pub(crate) struct RekorLog {
    /// The log's base URL.
    pub(crate) url: Url,
}

impl RekorLog {
    /// Records `signature` over `pae` and returns the log's entry.
    pub(crate) fn record(
        &self,
        services: &Services,
        pae: &[u8],
        signature: &[u8],
        verifier: LogVerifier<'_>,
    ) -> Result<TransparencyLogEntry> {
        let url = self
            .url
            .join("api/v2/log/entries")
            .map_err(|e| Error::usage(format!("bad Rekor URL {}: {e}", self.url)))?;
        let host = url.host_str().unwrap_or("rekor").to_string();
        let digest = sigstore_crypto::sha256(pae);
        let signature = SignatureBytes::from_bytes(signature);
        // Rekor v2's hashedrekord takes a SHA-256 digest, so only schemes
        // that sign one fit: ECDSA P-256 (Fulcio's keys and ours).
        let details = RekorV2KeyDetails::PkixEcdsaP256Sha256;
        let request = match verifier {
            LogVerifier::Certificate(cert) => {
                HashedRekordV2::new_with_certificate(&digest, &signature, cert, details)
            }
            LogVerifier::PublicKey(spki) => HashedRekordV2::new_with_public_key(
                &digest,
                &signature,
                &DerPublicKey::new(spki.to_vec()),
                details,
            ),
        };
        let body = serde_json::to_vec(&request)
            .map_err(|e| Error::internal(format!("cannot encode the log entry request: {e}")))?;
        let service = "the Rekor log";
        tracing::debug!("recording the signature in {service} ({})", shown(&url));
        let answer = services.send(&Call {
            service,
            method: Method::POST,
            url: &url,
            content_type: Some("application/json"),
            accept: "application/json",
            body: Some(body),
            bearer: None,
        })?;
        if !answer.status.is_success() {
            // A Rekor v1 log has no v2 API: say how to speak v1 to it.
            let hint = if answer.status == reqwest::StatusCode::NOT_FOUND {
                " (is it a Rekor v1 log? Then pass --rekor-version 1)"
            } else {
                ""
            };
            return Err(answer.refusal(
                &host,
                format!(
                    "{service} ({}) did not record the signature{hint}",
                    shown(&url)
                ),
            ));
        }
        let entry: TransparencyLogEntry = serde_json::from_slice(&answer.body).map_err(|e| {
            Error::registry(
                &host,
                format!("{service} answered with no usable entry: {e}"),
            )
        })?;
        if entry.kind_version != KindVersion::HashedRekordV002 || entry.inclusion_proof.is_none() {
            return Err(Error::registry(
                host,
                format!(
                    "{service} answered an entry that is not a hashedrekord v0.0.2 with an \
                     inclusion proof; is {} a Rekor v2 log?",
                    self.url
                ),
            ));
        }
        Ok(entry)
    }
}
