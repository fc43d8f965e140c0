//! Blob endpoints: existence, streamed uploads, capped and checked reads.

use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};

use super::client::Client;
use super::policy::is_downgrade;
use super::transport::{BodyFactory, MAX_RETRIES, Request, Scope, header_string, read_limited};
use crate::error::{Error, Result};
use crate::oci::digest;

impl Client {
    /// HEAD a blob: does the repository have it?
    pub(crate) fn blob_exists(&self, repository: &str, digest: &str) -> Result<bool> {
        let url = self.url(&format!("/v2/{repository}/blobs/{digest}"))?;
        let response = self.send(
            Request::new(Method::HEAD, url, Scope::push(repository)),
            &|| {},
        )?;
        match response.status() {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.unexpected(&format!("HEAD blob {digest}"), response)),
        }
    }

    /// Uploads a small blob held in memory: POST to open an upload, then
    /// one PUT. (Files stream through `upload_file`.)
    pub(crate) fn upload_blob(
        &self,
        repository: &str,
        digest: &str,
        size: u64,
        body: BodyFactory<'_>,
        on_retry: &dyn Fn(),
    ) -> Result<()> {
        let scope = Scope::push(repository);
        let start = self.url(&format!("/v2/{repository}/blobs/uploads/"))?;
        let mut attempt = 0;
        loop {
            let response = self.send(Request::new(Method::POST, start.clone(), scope), &|| {})?;
            if response.status() != StatusCode::ACCEPTED {
                return Err(self.unexpected("start blob upload", response));
            }
            let mut url = self.upload_location(&response)?;
            url.query_pairs_mut().append_pair("digest", digest);
            let mut headers = HeaderMap::new();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            let timeout = self.options.limits.for_transfer(size);
            let response = self.send(
                Request {
                    headers,
                    body: Some(body),
                    timeout,
                    ..Request::new(Method::PUT, url, scope)
                },
                on_retry,
            )?;
            match response.status() {
                StatusCode::CREATED | StatusCode::NO_CONTENT | StatusCode::OK => return Ok(()),
                // An upload session that expired or was lost: start over.
                StatusCode::NOT_FOUND if attempt < 1 => {
                    attempt += 1;
                    on_retry();
                    continue;
                }
                _ => return Err(self.unexpected(&format!("upload blob {digest}"), response)),
            }
        }
    }

    /// GET a blob of at most `limit` bytes, checked against its digest;
    /// `None` on 404. Redirects (registries often send blobs from storage
    /// elsewhere) are followed by hand; Authorization goes only to the
    /// registry itself, never to the redirect target, and never down to
    /// plain http.
    pub(crate) fn get_blob(
        &self,
        repository: &str,
        digest: &str,
        limit: u64,
    ) -> Result<Option<Vec<u8>>> {
        let start = self.url(&format!("/v2/{repository}/blobs/{digest}"))?;
        let mut url = start.clone();
        let (mut redirects, mut attempt) = (0, 0);
        while redirects < 5 {
            let response = self.send(
                Request {
                    timeout: Duration::from_secs(300),
                    expect: limit,
                    ..Request::new(Method::GET, url.clone(), Scope::pull(repository))
                },
                &|| {},
            )?;
            let status = response.status();
            if status.is_redirection() {
                let location = header_string(&response, header::LOCATION).ok_or_else(|| {
                    Error::registry(
                        &self.host,
                        format!("blob {digest}: redirect without Location"),
                    )
                })?;
                let next = url.join(&location).map_err(|_| {
                    Error::registry(&self.host, format!("blob {digest}: bad redirect"))
                })?;
                if is_downgrade(&url, &next) {
                    return Err(Error::registry(
                        &self.host,
                        format!(
                            "blob {digest}: refusing a redirect from https to {}://{}",
                            next.scheme(),
                            next.host_str().unwrap_or("")
                        ),
                    ));
                }
                url = next;
                redirects += 1;
                continue;
            }
            if status == StatusCode::NOT_FOUND {
                return Ok(None);
            }
            if !status.is_success() {
                return Err(self.unexpected(&format!("GET blob {digest}"), response));
            }
            let what = format!("GET blob {digest}");
            let bytes = match read_limited(response, limit, self.options.limits.for_transfer(limit))
            {
                Ok(bytes) => bytes,
                // A read is safe to repeat: one cut off, stalled or
                // trickling is asked again from the registry (a redirect
                // target may have expired), within the retry budget.
                Err(e) if e.retryable() && attempt < MAX_RETRIES => {
                    attempt += 1;
                    let wait = crate::retry::backoff(attempt, Duration::from_millis(250), 6);
                    tracing::warn!(
                        "{what}: {e}; retry {attempt}/{MAX_RETRIES} in {:.1} s",
                        wait.as_secs_f64()
                    );
                    self.options.limits.sleep(wait, &what)?;
                    url = start.clone();
                    redirects = 0;
                    continue;
                }
                Err(e) => return Err(Error::registry(&self.host, format!("{what}: {e}"))),
            };
            digest::verify(&bytes, digest)
                .map_err(|e| Error::registry(&self.host, format!("GET blob {digest}: {e}")))?;
            return Ok(Some(bytes));
        }
        Err(Error::registry(
            &self.host,
            format!("blob {digest}: too many redirects"),
        ))
    }
}

impl Client {
    /// Asks the registry to link a blob it holds in `from` into
    /// `repository`: true when it did (201); an upload is needed otherwise.
    pub(super) fn mount(&self, repository: &str, digest: &str, from: &str) -> Result<bool> {
        let mut url = self.url(&format!("/v2/{repository}/blobs/uploads/"))?;
        url.query_pairs_mut()
            .append_pair("mount", digest)
            .append_pair("from", from);
        let response = self.send(
            Request::new(Method::POST, url, Scope::push(repository)),
            &|| {},
        )?;
        let mounted = response.status() == StatusCode::CREATED;
        tracing::debug!(
            "mount {digest} from {from}: {}",
            if mounted {
                "done"
            } else {
                "refused; uploading"
            }
        );
        Ok(mounted)
    }
}
