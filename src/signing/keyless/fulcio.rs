//! Fulcio's v2 signing-certificate API: an identity token and proof of
//! possession of a fresh key buy a short-lived certificate for it.
//!
//! Written here rather than taken from sigstore-fulcio: its client is
//! async only (it would need a tokio runtime in this blocking tool) and
//! reads answers without a size limit. Its wire types are private, so the
//! few request and answer fields are declared below; the certificate is
//! parsed with sigstore-crypto.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::{Method, StatusCode, Url};
use sigstore_crypto::{CertificateInfo, KeyPair, parse_certificate_info};
use sigstore_types::DerCertificate;

use super::http::{Call, Services, shown};
use super::token::IdentityToken;
use crate::error::{Error, Result};

/// A certificate Fulcio issued, and what it says.
pub(crate) struct IssuedCertificate {
    /// The leaf, DER.
    pub(crate) leaf: DerCertificate,
    pub(crate) info: CertificateInfo,
}

/// Asks Fulcio at `base` for a certificate binding `key` to the token's
/// identity.
pub(crate) fn request_certificate(
    services: &Services,
    base: &Url,
    token: &IdentityToken,
    key: &KeyPair,
) -> Result<IssuedCertificate> {
    let url = base
        .join("api/v2/signingCert")
        .map_err(|e| Error::usage(format!("bad Fulcio URL {base}: {e}")))?;
    let host = url.host_str().unwrap_or("fulcio").to_string();
    let public = key
        .public_key_der()
        .map_err(|e| Error::internal(format!("cannot encode the ephemeral key: {e}")))?;
    let proof = key
        .sign(token.proof_subject().as_bytes())
        .map_err(|e| Error::internal(format!("cannot sign the proof of possession: {e}")))?;
    let body = serde_json::json!({
        "credentials": {"oidcIdentityToken": token.expose()},
        "publicKeyRequest": {
            "publicKey": {"algorithm": "ECDSA", "content": public.to_pem()},
            "proofOfPossession": STANDARD.encode(proof.as_bytes()),
        },
    });
    let body = zeroize::Zeroizing::new(
        serde_json::to_vec(&body).map_err(|e| Error::internal(e.to_string()))?,
    );
    tracing::debug!(
        "asking Fulcio ({}) for a certificate for {} (issuer {})",
        shown(&url),
        token.claims().sub,
        token.claims().iss
    );
    let answer = services.send(&Call {
        service: "Fulcio",
        method: Method::POST,
        url: &url,
        content_type: Some("application/json"),
        accept: "application/json",
        body: Some(body.to_vec()),
        // The token travels in the body only, as Fulcio reads it there.
        bearer: None,
    })?;
    match answer.status {
        s if s.is_success() => {}
        StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            return Err(Error::key(format!(
                "Fulcio ({}) refused the identity token from {} ({}): {}",
                shown(&url),
                token.source(),
                answer.status,
                answer.text_without(&[token.expose()])
            )));
        }
        status => {
            return Err(Error::registry(
                &host,
                format!(
                    "Fulcio ({}) issued no certificate ({status}): {}",
                    shown(&url),
                    answer.text_without(&[token.expose()])
                ),
            ));
        }
    }
    let chain = parse_answer(&answer.body)
        .map_err(|e| Error::registry(&host, format!("Fulcio's answer is unusable: {e}")))?;
    let leaf = chain
        .into_iter()
        .next()
        .ok_or_else(|| Error::registry(&host, "Fulcio answered an empty certificate chain"))?;
    let info = parse_certificate_info(&leaf)
        .map_err(|e| Error::registry(&host, format!("Fulcio's certificate does not parse: {e}")))?;
    if info.public_key.as_bytes() != public.as_bytes() {
        return Err(Error::registry(
            &host,
            "Fulcio's certificate is for another key than the one we sent",
        ));
    }
    Ok(IssuedCertificate { leaf, info })
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    signed_certificate_embedded_sct: Option<Chained>,
    signed_certificate_detached_sct: Option<Chained>,
}

#[derive(serde::Deserialize)]
struct Chained {
    chain: Chain,
}

#[derive(serde::Deserialize)]
struct Chain {
    certificates: Vec<String>,
}

/// The certificate chain (leaf first) of a signing-certificate answer.
fn parse_answer(body: &[u8]) -> std::result::Result<Vec<DerCertificate>, String> {
    let answer: Answer = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let chained = answer
        .signed_certificate_embedded_sct
        .or(answer.signed_certificate_detached_sct)
        .ok_or("it holds no certificate")?;
    chained
        .chain
        .certificates
        .iter()
        .map(|pem| DerCertificate::from_pem(pem).map_err(|e| e.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_without_a_chain_are_refused() {
        for body in [
            &b"{}"[..],
            b"[]",
            b"{\"signedCertificateEmbeddedSct\":{\"chain\":{\"certificates\":[\"x\"]}}}",
        ] {
            assert!(parse_answer(body).is_err());
        }
        let empty = parse_answer(b"{\"signedCertificateDetachedSct\":{\"chain\":{\"certificates\":[]},\"signedCertificateTimestamp\":\"\"}}").unwrap();
        assert!(empty.is_empty());
    }
}
