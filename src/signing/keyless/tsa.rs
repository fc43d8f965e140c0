//! RFC 3161 timestamps from a timestamp authority, over the SHA-256 of the
//! signature bytes (what Sigstore verifiers check). Used by keyless signing
//! and, when asked, by key-based signing too.
//!
//! The request and answer types are RustCrypto's `x509-tsp`. The HTTP
//! exchange is written here rather than taken from sigstore-tsa: its client
//! is async only and reads answers without a size limit, and its ASN.1
//! types are private. Whether the token is signed by a trusted authority is
//! decided at verification time (sigstore-verify, with the trusted root);
//! here we check that the answer is a granted token for our request.

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::asn1::{Int, OctetString};
use der::{Any, Decode, Encode};
use reqwest::{Method, Url};
use sha2::{Digest, Sha256};
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

use super::http::{Call, Services, shown};
use crate::error::{Error, Result};

/// id-sha256 (NIST).
const OID_SHA256: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
/// id-ct-TSTInfo (RFC 3161).
const OID_TST_INFO: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");

/// A timestamp authority's timestamp endpoint.
pub(crate) struct TimestampAuthority {
    pub(crate) url: Url,
}

/// A token the TSA granted, and the time it states (unverified here).
pub(crate) struct Timestamp {
    /// The DER `TimeStampResp`, as bundles carry it.
    pub(crate) der: Vec<u8>,
    pub(crate) time: jiff::Timestamp,
}

impl TimestampAuthority {
    /// Timestamps `signature`: the request is over its SHA-256, asks for the
    /// TSA's certificate and carries a random nonce.
    pub(crate) fn timestamp(&self, services: &Services, signature: &[u8]) -> Result<Timestamp> {
        let host = self.url.host_str().unwrap_or("tsa").to_string();
        let digest = Sha256::digest(signature);
        let (request, nonce) = request_der(&digest)?;
        let service = "the timestamp authority";
        tracing::debug!("asking {service} ({}) for a timestamp", shown(&self.url));
        let answer = services.send(&Call {
            service,
            method: Method::POST,
            url: &self.url,
            content_type: Some("application/timestamp-query"),
            accept: "application/timestamp-reply",
            body: Some(request),
            bearer: None,
        })?;
        if !answer.status.is_success() {
            return Err(answer.refusal(
                &host,
                format!("{service} ({}) gave no timestamp", shown(&self.url)),
            ));
        }
        let time = check_answer(&answer.body, &digest, &nonce).map_err(|e| {
            Error::registry(&host, format!("{service} ({}): {e}", shown(&self.url)))
        })?;
        Ok(Timestamp {
            der: answer.body,
            time,
        })
    }
}

/// A DER `TimeStampReq` over a SHA-256 digest, and its nonce.
fn request_der(digest: &[u8]) -> Result<(Vec<u8>, Int)> {
    let mut random = [0u8; 16];
    getrandom::fill(&mut random).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
    // A positive INTEGER: the top bit clear, the first byte non-zero.
    random[0] = (random[0] & 0x7f) | 0x01;
    let nonce = Int::new(&random).map_err(|e| Error::internal(e.to_string()))?;
    let request = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: sha256_algorithm(),
            hashed_message: OctetString::new(digest).map_err(|e| Error::internal(e.to_string()))?,
        },
        req_policy: None,
        nonce: Some(nonce.clone()),
        cert_req: true,
        extensions: None,
    };
    let der = request
        .to_der()
        .map_err(|e| Error::internal(format!("cannot encode the timestamp request: {e}")))?;
    Ok((der, nonce))
}

fn sha256_algorithm() -> cms::cert::x509::spki::AlgorithmIdentifier<Any> {
    cms::cert::x509::spki::AlgorithmIdentifier {
        oid: OID_SHA256,
        parameters: Some(Any::null()),
    }
}

/// Checks that `body` is a granted `TimeStampResp` whose token is over
/// `digest` with our `nonce`; returns the time it states.
fn check_answer(
    body: &[u8],
    digest: &[u8],
    nonce: &Int,
) -> std::result::Result<jiff::Timestamp, String> {
    let response = TimeStampResp::from_der(body)
        .map_err(|e| format!("the answer is not a timestamp response: {e}"))?;
    // PKIStatus granted (0) or grantedWithMods (1).
    let status = response.status.status as u8;
    if status > 1 {
        let text = response
            .status
            .status_string
            .as_ref()
            .map(|s| {
                s.iter()
                    .map(|t| t.as_str().to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        return Err(format!(
            "the timestamp was refused (status {status}) {text}"
        ));
    }
    let token: ContentInfo = response
        .time_stamp_token
        .ok_or("the answer holds no timestamp token")?;
    let info = tst_info(token)?;
    if info.message_imprint.hash_algorithm.oid != OID_SHA256
        || info.message_imprint.hashed_message.as_bytes() != digest
    {
        return Err("the token is for other data than the signature".into());
    }
    if info.nonce.as_ref() != Some(nonce) {
        return Err("the token's nonce is not the one we sent".into());
    }
    gen_time(&info)
}

/// The time a timestamp token (DER, as a bundle stores it) states, read
/// without checking who signed it: for people to see (`inspect`), never
/// for a trust decision (`verify` checks tokens with the trusted root).
/// Bundles hold either the bare token (a CMS `ContentInfo`) or, as cosign
/// writes them, the whole `TimeStampResp` around it.
pub(crate) fn stated_time(token_der: &[u8]) -> std::result::Result<jiff::Timestamp, String> {
    let token = match TimeStampResp::from_der(token_der) {
        Ok(response) => response
            .time_stamp_token
            .ok_or("the timestamp response holds no token")?,
        Err(_) => ContentInfo::from_der(token_der)
            .map_err(|e| format!("the timestamp token does not parse: {e}"))?,
    };
    gen_time(&tst_info(token)?)
}

fn gen_time(info: &TstInfo) -> std::result::Result<jiff::Timestamp, String> {
    let seconds = info.gen_time.to_unix_duration().as_secs();
    jiff::Timestamp::from_second(seconds as i64).map_err(|e| format!("bad genTime: {e}"))
}

/// The TSTInfo inside a timestamp token.
fn tst_info(token: ContentInfo) -> std::result::Result<TstInfo, String> {
    let signed = token
        .content
        .decode_as::<SignedData>()
        .map_err(|e| format!("the token is not CMS signed data: {e}"))?;
    if signed.encap_content_info.econtent_type != OID_TST_INFO {
        return Err("the token does not hold a TSTInfo".into());
    }
    let content = signed
        .encap_content_info
        .econtent
        .ok_or("the token's TSTInfo is missing")?;
    let octets = content
        .decode_as::<OctetString>()
        .map_err(|e| format!("the token's content is not an OCTET STRING: {e}"))?;
    TstInfo::from_der(octets.as_bytes())
        .map_err(|e| format!("the token's TSTInfo does not parse: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_der_with_a_positive_nonce_and_cert_req() {
        let digest = Sha256::digest(b"sig");
        let (der, nonce) = request_der(&digest).unwrap();
        let back = TimeStampReq::from_der(&der).unwrap();
        assert!(back.cert_req);
        assert_eq!(back.nonce.as_ref(), Some(&nonce));
        assert_eq!(back.message_imprint.hashed_message.as_bytes(), &digest[..]);
        assert!(nonce.as_bytes()[0] & 0x80 == 0);
        let (_, other) = request_der(&digest).unwrap();
        assert_ne!(nonce, other);
    }

    #[test]
    fn garbage_answers_are_refused() {
        let (_, nonce) = request_der(&[0; 32]).unwrap();
        for body in [&b""[..], b"\x30\x00", b"<html>"] {
            assert!(check_answer(body, &[0; 32], &nonce).is_err());
            assert!(stated_time(body).is_err());
        }
    }
}
