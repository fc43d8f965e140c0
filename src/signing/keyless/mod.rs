//! Keyless signing, as GitHub's and GitLab's CI sign: an OIDC identity
//! token buys a short-lived Fulcio certificate for an ephemeral P-256 key
//! that lives only in memory; a timestamp authority, or a Rekor v1 log's
//! signed integration time, vouches for when the signature was made. Which
//! services: flags, a Sigstore signing config (v0.2), or the public-good
//! instance's.

pub(crate) mod fulcio;
pub(crate) mod http;
pub(crate) mod rekor;
pub(crate) mod rekor_v1;
pub(crate) mod token;
pub(crate) mod tsa;

use std::path::Path;

use reqwest::Url;
use sigstore_crypto::{CertificateInfo, KeyPair};
use sigstore_trust_root::{
    SIGSTORE_PRODUCTION_SIGNING_CONFIG, ServiceEndpoint, ServiceSelector, SigningConfig,
    TrustedRoot,
};
use sigstore_types::{DerCertificate, DerPublicKey};

use self::http::{Services, service_url};
use self::rekor::RekorLog;
use self::rekor_v1::RekorV1Log;
use self::token::IdentityToken;
use self::tsa::TimestampAuthority;
use crate::error::{Error, Result};

/// The service flags as given (`--fulcio-url`, `--timestamp-server-url`,
/// `--rekor-url`, `--rekor-version`, `--[no-]tlog-upload`,
/// `--signing-config`).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct EndpointFlags<'a> {
    pub(crate) fulcio_url: Option<&'a str>,
    pub(crate) timestamp_server_url: Option<&'a str>,
    pub(crate) rekor_url: Option<&'a str>,
    /// `--rekor-version`: the major API version of the log to record in.
    pub(crate) rekor_version: Option<u32>,
    /// `Some(true)`: `--tlog-upload`; `Some(false)`: `--no-tlog-upload`.
    pub(crate) tlog_upload: Option<bool>,
    pub(crate) signing_config: Option<&'a Path>,
    /// The chosen Sigstore instance's signing config (refreshed through
    /// TUF), for keyless signing without --signing-config; public good's
    /// built-in one when none is given.
    pub(crate) instance_config: Option<&'a SigningConfig>,
    /// That instance's trusted root: the keys of its logs, which a log's
    /// answer is checked with before it goes into a bundle.
    pub(crate) instance_root: Option<&'a TrustedRoot>,
}

/// The services a signature is made with.
#[derive(Debug, Clone)]
pub(crate) struct Endpoints {
    /// Fulcio's base URL; `None` for key-based signing.
    pub(crate) fulcio: Option<Url>,
    /// The TSA's timestamp endpoint, if timestamps are wanted.
    pub(crate) timestamp_server: Option<Url>,
    /// The Rekor logs to record the signature in (none, one, or as many as
    /// the signing config's selector asks for).
    pub(crate) rekor: Vec<RekorEndpoint>,
    /// Log keys of the signing instance's trusted root, by base URL.
    pub(crate) log_keys: Vec<(String, DerPublicKey)>,
}

/// The Rekor API versions we record in (the signing config's
/// `majorApiVersion`).
pub(crate) const REKOR_VERSIONS: [u32; 2] = [1, 2];

/// Which Rekor API a log speaks: they differ in entry kinds and in what
/// the answer proves (a v1 entry's signed integration time is a signed
/// time; a v2 entry has only its inclusion proof).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RekorVersion {
    V1,
    V2,
}

impl RekorVersion {
    fn from_major(major: u32) -> Option<Self> {
        match major {
            1 => Some(RekorVersion::V1),
            2 => Some(RekorVersion::V2),
            _ => None,
        }
    }
}

/// A log to record the signature in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RekorEndpoint {
    /// The base URL, with a trailing slash so `join` keeps any path.
    pub(crate) url: Url,
    pub(crate) version: RekorVersion,
}

/// A Rekor log, ready to record in.
pub(crate) enum Log {
    V1(RekorV1Log),
    V2(RekorLog),
}

impl Endpoints {
    /// Resolves the services: a flag wins over the signing config, which
    /// wins over the public-good instance. Keyless signing always has a
    /// Fulcio and a signed time: a TSA's timestamp or a Rekor v1 log's
    /// signed integration time (a keyless signature without one cannot be
    /// checked once its ten-minute certificate has expired; a Rekor v2
    /// entry is no signed time, so with a v2 log a TSA is needed).
    /// Key-based signing gets a TSA only when one is named.
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
            None if keyless => Some(match flags.instance_config {
                Some(config) => config.clone(),
                None => public_good_signing_config()?,
            }),
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
        // Rekor: keyless signatures are recorded when a log is known;
        // key-based ones only when asked (--tlog-upload).
        let known = match flags.rekor_url {
            Some(url) => {
                let version = match flags.rekor_version {
                    Some(v) => v,
                    None => config
                        .as_ref()
                        .and_then(|c| version_in_config(c, url))
                        .unwrap_or(2),
                };
                vec![(url.to_string(), version)]
            }
            // The built-in public-good config's logs go with its Fulcio
            // only: identities certified by another Fulcio (`--fulcio-url`,
            // say a private instance's) must not land in a public log.
            None if flags.signing_config.is_none() && flags.fulcio_url.is_some() => Vec::new(),
            // Chosen only when something will be recorded: a config's odd
            // selector need not fail a run that records nothing.
            None => match &config {
                Some(c)
                    if flags.tlog_upload == Some(true)
                        || keyless && flags.tlog_upload.is_none() =>
                {
                    select_logs(c, flags.rekor_version, flags.signing_config)?
                }
                _ => Vec::new(),
            },
        };
        let rekor = match flags.tlog_upload {
            Some(false) => Vec::new(),
            Some(true) if known.is_empty() => {
                return Err(Error::usage(
                    "--tlog-upload needs a Rekor log: pass --rekor-url (and --rekor-version 1 \
                     for a Rekor v1 log) or a --signing-config that names one",
                ));
            }
            Some(true) => known,
            None if keyless => known,
            None => Vec::new(),
        };
        let rekor = rekor
            .into_iter()
            .map(|(url, major)| {
                let version = RekorVersion::from_major(major).ok_or_else(|| {
                    Error::usage(format!(
                        "Rekor API version {major} is not supported (1 or 2)"
                    ))
                })?;
                Ok(RekorEndpoint {
                    url: service_url("Rekor", &with_slash(&url))?,
                    version,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        if keyless && fulcio.is_none() {
            return Err(Error::usage(
                "keyless signing needs a Fulcio: the signing config names none; pass --fulcio-url",
            ));
        }
        if keyless && tsa.is_none() {
            let v1 = rekor.iter().any(|r| r.version == RekorVersion::V1);
            let v2 = rekor.iter().any(|r| r.version == RekorVersion::V2);
            if v2 || !v1 {
                return Err(Error::usage(if v2 {
                    "keyless signing with a Rekor v2 log needs a timestamp authority (a v2 entry \
                     is no signed time): the signing config names none; pass \
                     --timestamp-server-url, or record in a Rekor v1 log"
                } else {
                    "keyless signing needs a timestamp authority or a Rekor v1 log for its \
                     signed time: the signing config names neither; pass \
                     --timestamp-server-url, or --rekor-url with --rekor-version 1"
                }));
            }
        }
        Ok(Endpoints {
            fulcio: fulcio
                .map(|u| service_url("Fulcio", &with_slash(&u)))
                .transpose()?,
            timestamp_server: tsa
                .map(|u| service_url("timestamp server", &u))
                .transpose()?,
            rekor,
            log_keys: flags.instance_root.map(log_keys).unwrap_or_default(),
        })
    }

    /// The logs to record in, in the order chosen.
    pub(crate) fn rekor_logs(&self) -> Vec<Log> {
        self.rekor
            .iter()
            .map(|r| match r.version {
                RekorVersion::V1 => Log::V1(RekorV1Log {
                    url: r.url.clone(),
                    // The newest key listed for the log, should keys have rotated.
                    trusted_key: self
                        .log_keys
                        .iter()
                        .rev()
                        .find(|(url, _)| url == r.url.as_str().trim_end_matches('/'))
                        .map(|(_, key)| key.clone()),
                }),
                RekorVersion::V2 => Log::V2(RekorLog { url: r.url.clone() }),
            })
            .collect()
    }

    pub(crate) fn timestamp_authority(&self) -> Option<TimestampAuthority> {
        self.timestamp_server
            .clone()
            .map(|url| TimestampAuthority { url })
    }
}

/// The keys a trusted root lists for its logs, by base URL (no trailing
/// slash), oldest first.
fn log_keys(root: &TrustedRoot) -> Vec<(String, DerPublicKey)> {
    root.tlogs
        .iter()
        .map(|log| {
            (
                log.base_url.trim_end_matches('/').to_string(),
                log.public_key.raw_bytes.clone(),
            )
        })
        .collect()
}

/// Fulcio's base URL with a trailing slash, so `join` keeps any path.
fn with_slash(url: &str) -> String {
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

/// The API version a signing config gives for the log at `url`, if it
/// names that log (so `--rekor-url` of a configured log needs no
/// `--rekor-version`).
fn version_in_config(config: &SigningConfig, url: &str) -> Option<u32> {
    let wanted = url.trim_end_matches('/');
    config
        .rekor_tlog_urls
        .iter()
        .find(|e| {
            e.url.trim_end_matches('/') == wanted && REKOR_VERSIONS.contains(&e.major_api_version)
        })
        .map(|e| e.major_api_version)
}

/// The logs a signing config asks for: of the logs valid now, those of the
/// newest API version both it and we support (or the version asked for),
/// as many as its `rekorTlogConfig` selector says (ANY: one; EXACT: its
/// count; ALL: every one).
fn select_logs(
    config: &SigningConfig,
    version: Option<u32>,
    path: Option<&Path>,
) -> Result<Vec<(String, u32)>> {
    let named = || match path {
        Some(p) => format!("the signing config {}", p.display()),
        None => "the Sigstore instance's signing config".to_string(),
    };
    // Sorted newest version first, expired and unsupported ones left out.
    let eligible = config.eligible_rekor_urls(version);
    let Some(newest) = eligible.first().map(|e| e.major_api_version) else {
        if let Some(v) = version
            && !config.rekor_tlog_urls.is_empty()
        {
            return Err(Error::usage(format!(
                "{} names no Rekor v{v} log valid now; pass --rekor-url, or leave out \
                 --rekor-version",
                named()
            )));
        }
        return Ok(Vec::new());
    };
    let logs: Vec<&ServiceEndpoint> = eligible
        .into_iter()
        .filter(|e| e.major_api_version == newest)
        .collect();
    let wanted = match config.rekor_tlog_config.selector {
        ServiceSelector::Any => 1,
        ServiceSelector::All => logs.len(),
        ServiceSelector::Exact => {
            let count = config.rekor_tlog_config.count.unwrap_or(0) as usize;
            if count == 0 || count > logs.len() {
                return Err(Error::invalid_input(format!(
                    "{} asks for exactly {count} Rekor log(s) but names {} usable v{newest} \
                     log(s)",
                    named(),
                    logs.len()
                )));
            }
            count
        }
        // UNDEFINED, or a selector newer than this build: guessing could
        // record in fewer logs than the instance requires.
        _ => {
            return Err(Error::invalid_input(format!(
                "{} has no usable rekorTlogConfig selector (ANY, EXACT or ALL)",
                named()
            )));
        }
    };
    Ok(logs
        .into_iter()
        .take(wanted)
        .map(|e| (e.url.clone(), e.major_api_version))
        .collect())
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
        // Public-good's embedded config names a Rekor v1 log only: keyless
        // signatures are recorded there, as actions/attest records them.
        assert_eq!(
            e.rekor,
            vec![RekorEndpoint {
                url: Url::parse("https://rekor.sigstore.dev/").unwrap(),
                version: RekorVersion::V1
            }]
        );
        let key = Endpoints::resolve(EndpointFlags::default(), false).unwrap();
        assert!(key.fulcio.is_none() && key.timestamp_server.is_none() && key.rekor.is_empty());
    }

    #[test]
    fn a_v1_log_is_checked_with_the_key_the_instance_root_lists() {
        let config = public_good_signing_config().unwrap();
        let root =
            TrustedRoot::from_json(sigstore_trust_root::SIGSTORE_PRODUCTION_TRUSTED_ROOT).unwrap();
        let flags = EndpointFlags {
            instance_config: Some(&config),
            instance_root: Some(&root),
            ..Default::default()
        };
        let e = Endpoints::resolve(flags, true).unwrap();
        let logs = e.rekor_logs();
        let Some(Log::V1(log)) = logs.first() else {
            panic!("public good records in a v1 log");
        };
        let listed = root
            .tlogs
            .iter()
            .rev()
            .find(|l| l.base_url.trim_end_matches('/') == "https://rekor.sigstore.dev")
            .unwrap();
        assert_eq!(log.trusted_key.as_ref(), Some(&listed.public_key.raw_bytes));
        // Without the instance's root, no key is assumed here.
        let bare = Endpoints::resolve(EndpointFlags::default(), true).unwrap();
        let Some(Log::V1(log)) = bare.rekor_logs().into_iter().next() else {
            panic!("public good records in a v1 log");
        };
        assert!(log.trusted_key.is_none());
    }

    #[test]
    fn rekor_for_keyless_by_default_and_for_keys_when_asked() {
        let rekor = EndpointFlags {
            rekor_url: Some("http://127.0.0.1:7777"),
            ..Default::default()
        };
        let keyless = Endpoints::resolve(rekor, true).unwrap();
        assert_eq!(keyless.rekor[0].url.as_str(), "http://127.0.0.1:7777/");
        // An explicit URL the signing config does not name is taken as v2.
        assert_eq!(keyless.rekor[0].version, RekorVersion::V2);
        let off = EndpointFlags {
            tlog_upload: Some(false),
            ..rekor
        };
        assert!(Endpoints::resolve(off, true).unwrap().rekor.is_empty());
        assert!(Endpoints::resolve(rekor, false).unwrap().rekor.is_empty());
        let asked = EndpointFlags {
            tlog_upload: Some(true),
            ..rekor
        };
        assert_eq!(Endpoints::resolve(asked, false).unwrap().rekor.len(), 1);
        let v1 = EndpointFlags {
            rekor_version: Some(1),
            ..asked
        };
        assert_eq!(
            Endpoints::resolve(v1, false).unwrap().rekor[0].version,
            RekorVersion::V1
        );
        let nowhere = EndpointFlags {
            tlog_upload: Some(true),
            ..Default::default()
        };
        assert!(Endpoints::resolve(nowhere, false).is_err());
    }

    fn config(rekor: &str, selector: &str, tsa: bool) -> tempfile::NamedTempFile {
        let tsa = if tsa {
            r#"[{"url": "http://127.0.0.1:3/api/v1/timestamp", "majorApiVersion": 1,
                "validFor": {"start": "2020-01-01T00:00:00Z"}}]"#
        } else {
            "[]"
        };
        let text = format!(
            r#"{{"mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
            "caUrls": [{{"url": "http://127.0.0.1:1", "majorApiVersion": 1,
                "validFor": {{"start": "2020-01-01T00:00:00Z"}}}}],
            "rekorTlogUrls": {rekor}, "tsaUrls": {tsa},
            "rekorTlogConfig": {selector}, "tsaConfig": {{"selector": "ANY"}}}}"#
        );
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, text.as_bytes()).unwrap();
        file
    }

    fn log(port: u16, major: u32, end: Option<&str>) -> String {
        let end = end
            .map(|e| format!(r#", "end": "{e}""#))
            .unwrap_or_default();
        format!(
            r#"{{"url": "http://127.0.0.1:{port}", "majorApiVersion": {major},
              "validFor": {{"start": "2020-01-01T00:00:00Z"{end}}}}}"#
        )
    }

    fn resolve_with(file: &tempfile::NamedTempFile, version: Option<u32>) -> Result<Endpoints> {
        Endpoints::resolve(
            EndpointFlags {
                signing_config: Some(file.path()),
                rekor_version: version,
                ..Default::default()
            },
            true,
        )
    }

    fn ports(e: &Endpoints) -> Vec<(u16, RekorVersion)> {
        e.rekor
            .iter()
            .map(|r| (r.url.port().unwrap(), r.version))
            .collect()
    }

    #[test]
    fn the_signing_config_picks_the_newest_valid_version_and_its_selector_the_count() {
        let logs = format!(
            "[{}, {}, {}, {}]",
            log(11, 1, None),
            log(12, 1, None),
            log(21, 2, None),
            log(22, 2, Some("2021-01-01T00:00:00Z"))
        );
        let any = config(&logs, r#"{"selector": "ANY"}"#, true);
        assert_eq!(
            ports(&resolve_with(&any, None).unwrap()),
            [(21, RekorVersion::V2)]
        );
        assert_eq!(
            ports(&resolve_with(&any, Some(1)).unwrap()),
            [(11, RekorVersion::V1)]
        );
        let all = config(&logs, r#"{"selector": "ALL"}"#, true);
        // The expired v2 log is not eligible.
        assert_eq!(
            ports(&resolve_with(&all, None).unwrap()),
            [(21, RekorVersion::V2)]
        );
        assert_eq!(
            ports(&resolve_with(&all, Some(1)).unwrap()),
            [(11, RekorVersion::V1), (12, RekorVersion::V1)]
        );
        let exact = config(&logs, r#"{"selector": "EXACT", "count": 2}"#, true);
        assert_eq!(
            ports(&resolve_with(&exact, Some(1)).unwrap()),
            [(11, RekorVersion::V1), (12, RekorVersion::V1)]
        );
        assert!(
            resolve_with(&exact, None).is_err(),
            "one usable v2 log, two asked for"
        );
        let undefined = config(&logs, r#"{"selector": "SERVICE_SELECTOR_UNDEFINED"}"#, true);
        assert!(resolve_with(&undefined, None).is_err());
        let only_v1 = config(&format!("[{}]", log(11, 1, None)), "{}", true);
        assert!(resolve_with(&only_v1, Some(2)).is_err());
        // --rekor-url of a log the config names takes its version from it.
        let named = Endpoints::resolve(
            EndpointFlags {
                signing_config: Some(only_v1.path()),
                rekor_url: Some("http://127.0.0.1:11/"),
                ..Default::default()
            },
            true,
        )
        .unwrap();
        assert_eq!(ports(&named), [(11, RekorVersion::V1)]);
    }

    #[test]
    fn keyless_without_a_tsa_needs_a_rekor_v1_log_for_its_signed_time() {
        let v1 = config(&format!("[{}]", log(11, 1, None)), "{}", false);
        let e = resolve_with(&v1, None).unwrap();
        assert!(e.timestamp_server.is_none());
        assert_eq!(ports(&e), [(11, RekorVersion::V1)]);
        let v2 = config(&format!("[{}]", log(21, 2, None)), "{}", false);
        let err = resolve_with(&v2, None).err().unwrap().to_string();
        assert!(err.contains("timestamp authority"), "{err}");
        let none = config("[]", "{}", false);
        assert!(resolve_with(&none, None).is_err());
        let off = Endpoints::resolve(
            EndpointFlags {
                signing_config: Some(v1.path()),
                tlog_upload: Some(false),
                ..Default::default()
            },
            true,
        );
        assert!(off.is_err(), "no TSA and no log: no signed time");
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
        // Another Fulcio's identities stay out of the public-good log.
        assert!(e.rekor.is_empty());
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
