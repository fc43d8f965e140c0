//! Manifest endpoints: GET (checked), HEAD, PUT (conditional, replayable or
//! not), DELETE.

use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};

use super::client::Client;
use super::transport::{MAX_RETRIES, Request, Scope, header_string, read_limited, retry_after};
use crate::error::{Error, Result};
use crate::oci::digest;
use crate::oci::manifest::{ACCEPT_MANIFESTS, MAX_MANIFEST_BYTES};
use crate::oci::reference::Target;
use crate::oci::store::{Condition, Deletion, Fetched, ManifestWrite, Put, Refusal, Replay};

impl Client {
    fn manifest_url(&self, repository: &str, reference: &Target) -> Result<reqwest::Url> {
        self.url(&format!(
            "/v2/{repository}/manifests/{}",
            reference.as_str()
        ))
    }

    /// GET or HEAD a manifest, accepting every manifest media type
    /// (docker-registry needs that even for HEAD by tag).
    fn read_manifest(
        &self,
        method: Method,
        repository: &str,
        reference: &Target,
    ) -> Result<reqwest::blocking::Response> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(ACCEPT_MANIFESTS));
        let url = self.manifest_url(repository, reference)?;
        self.send(
            Request {
                headers,
                timeout: Duration::from_secs(120),
                ..Request::new(method, url, Scope::pull(repository))
            },
            &|| {},
        )
    }

    /// GET a manifest; `None` on 404. Content asked for by digest must hash
    /// to it; a tag's content is checked against what the registry claims.
    pub(crate) fn get_manifest(
        &self,
        repository: &str,
        reference: &Target,
    ) -> Result<Option<Fetched>> {
        let what = || format!("GET manifest {}", reference.as_str());
        let mut attempt = 0;
        loop {
            let response = self.read_manifest(Method::GET, repository, reference)?;
            if !response.status().is_success() {
                return match response.status() {
                    StatusCode::NOT_FOUND => Ok(None),
                    _ => Err(self.unexpected(&what(), response)),
                };
            }
            let media_type = header_string(&response, header::CONTENT_TYPE);
            let etag = header_string(&response, header::ETAG);
            let claimed = header_string(&response, "docker-content-digest");
            let within = self.options.limits.for_transfer(MAX_MANIFEST_BYTES);
            let bytes = match read_limited(response, MAX_MANIFEST_BYTES, within) {
                Ok(bytes) => bytes,
                // A read is safe to repeat: one cut off, stalled or
                // trickling is tried again, within the retry budget.
                Err(e) if e.retryable() && attempt < MAX_RETRIES => {
                    attempt += 1;
                    let wait = crate::retry::backoff(attempt, Duration::from_millis(250), 6);
                    tracing::warn!(
                        "{} from {}: {e}; retry {attempt}/{MAX_RETRIES} in {:.1} s",
                        what(),
                        self.host,
                        wait.as_secs_f64()
                    );
                    self.options.limits.sleep(wait, &what())?;
                    continue;
                }
                Err(e) => return Err(Error::registry(&self.host, format!("{}: {e}", what()))),
            };
            let actual = digest::sha256_of(&bytes);
            if let Target::Digest(wanted) = reference {
                digest::verify(&bytes, wanted).map_err(|e| {
                    Error::registry(
                        &self.host,
                        format!(
                            "the registry served content for {wanted} that does not match it: {e}"
                        ),
                    )
                })?;
            }
            return Ok(Some(Fetched {
                bytes,
                media_type,
                etag,
                digest: actual,
                claimed_digest: claimed,
            }));
        }
    }

    /// Whether a manifest exists (HEAD, with every manifest media type).
    pub(crate) fn manifest_exists(&self, repository: &str, reference: &Target) -> Result<bool> {
        let response = self.read_manifest(Method::HEAD, repository, reference)?;
        match response.status() {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.unexpected(&format!("HEAD manifest {}", reference.as_str()), response)),
        }
    }

    /// PUT a manifest with an optional precondition. A non-success answer
    /// is returned, not turned into an error, so callers can tell a lost
    /// race (412), an immutable tag or a request to wait from other
    /// failures. With [`Replay::Never`] nothing is sent twice.
    pub(crate) fn put_manifest(&self, repository: &str, write: &ManifestWrite<'_>) -> Result<Put> {
        let ManifestWrite {
            reference,
            media_type,
            bytes,
            condition,
            replay,
        } = *write;
        let url = self.manifest_url(repository, reference)?;
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(media_type)
                .map_err(|_| Error::invalid_input(format!("bad media type `{media_type}`")))?,
        );
        match condition {
            Condition::None => {}
            Condition::IfMatch(etag) => {
                if let Ok(v) = HeaderValue::from_str(etag) {
                    headers.insert(header::IF_MATCH, v);
                }
            }
            Condition::IfNoneMatch => {
                headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
            }
        }
        let body = || Ok(reqwest::blocking::Body::from(bytes.to_vec()));
        let timeout = match replay {
            Replay::Safe => Duration::from_secs(120),
            Replay::Never { deadline } => deadline,
        };
        let response = self.send(
            Request {
                headers,
                body: Some(&body),
                timeout,
                replay,
                ..Request::new(Method::PUT, url, Scope::push(repository))
            },
            &|| {},
        )?;
        if response.status().is_success() {
            Ok(Put::Stored {
                subject_header: header_string(&response, "oci-subject"),
            })
        } else {
            let status = response.status().as_u16();
            let wait = retry_after(&response);
            let (codes, body) = self.error_answer(response);
            Ok(Put::Refused {
                refusal: Refusal::from_status(status),
                codes,
                body,
                retry_after: wait,
            })
        }
    }

    /// DELETE a manifest by digest or tag.
    pub(crate) fn delete_manifest(&self, repository: &str, reference: &Target) -> Result<Deletion> {
        let url = self.manifest_url(repository, reference)?;
        let response = self.send(
            Request::new(Method::DELETE, url, Scope::push(repository)),
            &|| {},
        )?;
        if response.status().is_success() {
            return Ok(Deletion::Deleted);
        }
        match Refusal::from_status(response.status().as_u16()) {
            Refusal::NotFound => Ok(Deletion::Deleted),
            refusal @ (Refusal::Invalid
            | Refusal::Denied
            | Refusal::NotAllowed
            | Refusal::Unsupported) => Ok(Deletion::Refused(refusal)),
            _ => Err(self.unexpected(&format!("DELETE {}", reference.as_str()), response)),
        }
    }
}
