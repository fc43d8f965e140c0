//! Keyless signing, as GitHub's and GitLab's CI sign: an OIDC identity
//! token buys a short-lived Fulcio certificate for an ephemeral P-256 key
//! that lives only in memory; a timestamp authority vouches for when the
//! signature was made. Which services: flags, a Sigstore signing config
//! (v0.2), or the public-good instance's.

pub(crate) mod fulcio;
pub(crate) mod http;
pub(crate) mod rekor;
pub(crate) mod token;
pub(crate) mod tsa;

use std::path::Path;

use reqwest::Url;
use sigstore_crypto::{CertificateInfo, KeyPair};
use sigstore_trust_root::{SIGSTORE_PRODUCTION_SIGNING_CONFIG, SigningConfig};
use sigstore_types::DerCertificate;

use self::http::{Services, service_url};
use self::rekor::RekorLog;
use self::token::IdentityToken;
use self::tsa::TimestampAuthority;
use crate::error::{Error, Result};

/// The service flags as given (`--fulcio-url`, `--timestamp-server-url`,
/// `--rekor-url`, `--[no-]tlog-upload`, `--signing-config`).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct EndpointFlags<'a> {
    pub(crate) fulcio_url: Option<&'a str>,
    pub(crate) timestamp_server_url: Option<&'a str>,
    pub(crate) rekor_url: Option<&'a str>,
    /// `Some(true)`: `--tlog-upload`; `Some(false)`: `--no-tlog-upload`.
    pub(crate) tlog_upload: Option<bool>,
    pub(crate) signing_config: Option<&'a Path>,
}

/// The services a signature is made with.
#[derive(Debug, Clone)]
pub(crate) struct Endpoints {
    /// Fulcio's base URL; `None` for key-based signing.
    pub(crate) fulcio: Option<Url>,
    /// The TSA's timestamp endpoint, if timestamps are wanted.
    pub(crate) timestamp_server: Option<Url>,
    /// The Rekor v2 log to record the signature in, if any.
    pub(crate) rekor: Option<Url>,
}

impl Endpoints {
    /// Resolves the services: a flag wins over the signing config, which
    /// wins over the public-good instance. Keyless signing always has a
    /// Fulcio and a TSA (a keyless signature without a signed time cannot be
    /// checked once its ten-minute certificate has expired); key-based
    /// signing gets a TSA only when one is named.
    pub(crate) fn resolve(flags: EndpointFlags<'_>, keyless: bool) -> Result<Self> {
        let config = match flags.signing_config {
            Some(path) => {
                let text = crate::fsutil::read_text(path)?;
                Some(SigningConfig::from_json(&text).map_err(|e| {
                    Error::invalid_input(format!(
                        "{}: not a Sigstore signing config (v0.2): {e}",
                        path.display()
                    ))
                })?)
            }
            None if keyless => Some(public_good_signing_config()?),
            None => None,
        };
        let from_config =
            |pick: fn(&SigningConfig) -> Option<String>| config.as_ref().and_then(pick);
        let fulcio = match flags.fulcio_url {
            Some(url) => Some(url.to_string()),
            None if keyless => from_config(|c| c.fulcio_url().map(|e| e.url.clone())),
            None => None,
        };
        let tsa = match flags.timestamp_server_url {
            Some(url) => Some(url.to_string()),
            None => from_config(|c| c.tsa_url().map(|e| e.url.clone())),
        };
        // Rekor: keyless signatures are recorded when a v2 log is known;
        // key-based ones only when asked (--tlog-upload).
        let rekor_known = match flags.rekor_url {
            Some(url) => Some(url.to_string()),
            None => config.as_ref().and_then(|c| {
                let v2 = c.rekor_url(Some(2)).map(|e| e.url.clone());
                if v2.is_none() && c.rekor_url(None).is_some() && flags.tlog_upload != Some(false) {
                    tracing::warn!(
                        "the signing config names only Rekor v1 logs; cargo-attest records in \
                         Rekor v2 logs only, so the bundle gets no transparency log entry"
                    );
                }
                v2
            }),
        };
        let rekor = match flags.tlog_upload {
            Some(false) => None,
            Some(true) => Some(rekor_known.ok_or_else(|| {
                Error::usage(
                    "--tlog-upload needs a Rekor v2 log: pass --rekor-url or a --signing-config \
                     that names one",
                )
            })?),
            None if keyless => rekor_known,
            None => None,
        };
        if keyless && fulcio.is_none() {
            return Err(Error::usage(
                "keyless signing needs a Fulcio: the signing config names none; pass --fulcio-url",
            ));
        }
        if keyless && tsa.is_none() {
            return Err(Error::usage(
                "keyless signing needs a timestamp authority: the signing config names none; \
                 pass --timestamp-server-url",
            ));
        }
        Ok(Endpoints {
            fulcio: fulcio
                .map(|u| service_url("Fulcio", &with_slash(&u)))
                .transpose()?,
            timestamp_server: tsa
                .map(|u| service_url("timestamp server", &u))
                .transpose()?,
            rekor: rekor
                .map(|u| service_url("Rekor", &with_slash(&u)))
                .transpose()?,
        })
    }

    pub(crate) fn rekor_log(&self) -> Option<RekorLog> {
        self.rekor.clone().map(|url| RekorLog { url })
    }

    pub(crate) fn timestamp_authority(&self) -> Option<TimestampAuthority> {
        self.timestamp_server
            .clone()
            .map(|url| TimestampAuthority { url })
    }
}

/// Fulcio's base URL with a trailing slash, so `join` keeps any path.
fn with_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

/// The public-good instance's signing config, as sigstore-trust-root embeds
/// it (no network).
fn public_good_signing_config() -> Result<SigningConfig> {
    SigningConfig::from_json(SIGSTORE_PRODUCTION_SIGNING_CONFIG)
        .map_err(|e| Error::internal(format!("the embedded signing config does not parse: {e}")))
}

/// An ephemeral key and the Fulcio certificate that binds it to an
/// identity. The private key never leaves this value (and so never
/// touches disk).
pub(crate) struct KeylessSigner {
    key: KeyPair,
    certificate: DerCertificate,
    info: CertificateInfo,
}

impl KeylessSigner {
    /// Checks the token, makes a key and has Fulcio certify it. A token
    /// that cannot work (expired, wrong audience) is refused before it is
    /// sent anywhere.
    pub(crate) fn obtain(token: &IdentityToken, fulcio: &Url, services: &Services) -> Result<Self> {
        token.check_usable(jiff::Timestamp::now().as_second())?;
        let key = KeyPair::generate_ecdsa_p256()
            .map_err(|e| Error::internal(format!("cannot make an ephemeral key: {e}")))?;
        let issued = fulcio::request_certificate(services, fulcio, token, &key)?;
        Ok(KeylessSigner {
            key,
            certificate: issued.leaf,
            info: issued.info,
        })
    }

    /// Signs with the ephemeral key (ECDSA P-256, SHA-256, ASN.1 DER).
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        self.key
            .sign(message)
            .map(|s| s.as_bytes().to_vec())
            .map_err(|e| Error::internal(format!("cannot sign: {e}")))
    }

    pub(crate) fn certificate(&self) -> &DerCertificate {
        &self.certificate
    }

    /// What the certificate says: identity, issuer, CI claims, validity.
    pub(crate) fn info(&self) -> &CertificateInfo {
        &self.info
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyless_defaults_to_the_public_good_instance() {
        let e = Endpoints::resolve(EndpointFlags::default(), true).unwrap();
        assert_eq!(e.fulcio.unwrap().as_str(), "https://fulcio.sigstore.dev/");
        assert!(
            e.timestamp_server
                .unwrap()
                .as_str()
                .starts_with("https://timestamp.sigstore.dev/")
        );
        // Public-good's embedded config names a Rekor v1 log only.
        assert!(e.rekor.is_none());
        let key = Endpoints::resolve(EndpointFlags::default(), false).unwrap();
        assert!(key.fulcio.is_none() && key.timestamp_server.is_none() && key.rekor.is_none());
    }

    #[test]
    fn rekor_for_keyless_by_default_and_for_keys_when_asked() {
        let rekor = EndpointFlags {
            rekor_url: Some("http://127.0.0.1:7777"),
            ..Default::default()
        };
        let keyless = Endpoints::resolve(rekor, true).unwrap();
        assert_eq!(keyless.rekor.unwrap().as_str(), "http://127.0.0.1:7777/");
        let off = EndpointFlags {
            tlog_upload: Some(false),
            ..rekor
        };
        assert!(Endpoints::resolve(off, true).unwrap().rekor.is_none());
        assert!(Endpoints::resolve(rekor, false).unwrap().rekor.is_none());
        let asked = EndpointFlags {
            tlog_upload: Some(true),
            ..rekor
        };
        assert!(Endpoints::resolve(asked, false).unwrap().rekor.is_some());
        let nowhere = EndpointFlags {
            tlog_upload: Some(true),
            ..Default::default()
        };
        assert!(Endpoints::resolve(nowhere, false).is_err());
    }

    #[test]
    fn flags_win_and_plain_http_is_for_loopback_only() {
        let flags = EndpointFlags {
            fulcio_url: Some("http://127.0.0.1:5555"),
            timestamp_server_url: Some("http://127.0.0.1:6666/api/v1/timestamp"),
            ..Default::default()
        };
        let e = Endpoints::resolve(flags, true).unwrap();
        assert_eq!(e.fulcio.unwrap().as_str(), "http://127.0.0.1:5555/");
        let bad = EndpointFlags {
            fulcio_url: Some("http://fulcio.example"),
            ..flags
        };
        assert!(Endpoints::resolve(bad, true).is_err());
        let key = Endpoints::resolve(
            EndpointFlags {
                fulcio_url: None,
                ..flags
            },
            false,
        )
        .unwrap();
        assert!(key.fulcio.is_none());
        assert!(key.timestamp_server.is_some());
    }
}
