//! Streaming a file into a registry as one blob, in one pass over its bytes:
//! a chunked upload (POST, then PATCH segments, then PUT `?digest=`) whose
//! bytes are hashed as a reader thread reads them, a block ahead of the
//! network. The digest need not be known before: it is computed on the way.
//! A connection that drops mid-blob resumes from the offset the registry
//! reports (`GET` on the upload's location, `Range`), not from the start.
//! Registries that refuse PATCH get one monolithic PUT.
//!
//! Each PATCH, and the one PUT of a monolithic upload, is streamed by
//! [`super::pipeline`]: read, hashed and sent in one pass, and ended
//! whole when the registry answers early or the transfer stalls. A
//! request cut short resumes here, within bounded resumes and restarts.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};
use sha2::{Digest, Sha256};

use super::client::Client;
use super::pipeline::{Pipeline, Sent, Verdict, Write, classify};
use super::policy::{is_downgrade, same_origin};
use super::transport::{MAX_RETRIES, Request, Scope, header_string};
use crate::error::{Error, Result};
use crate::progress::Counter;

/// Bytes hashed at a time when catching a hash up after a resume.
const BLOCK: usize = 1 << 20;
/// Bytes of the first PATCH. A registry may drop what a broken PATCH
/// carried (docker-registry does: it resumes at the last PATCH that
/// completed), so a segment is what a dropped connection can cost. Each
/// PATCH costs a pause too: the registry drains, closes and stores its
/// hash state before it answers, measured at ~30 ms on docker-registry,
/// which made 64 MiB segments 1.17x slower than one streamed PUT at 1 GiB.
/// So segments grow with what is stored (64, 64, 128, 256, 512 MiB...):
/// a 1 GiB blob takes 5 PATCHes, and a drop never costs more than what
/// had been stored before the broken PATCH began.
const SEGMENT: u64 = 64 << 20;
/// The largest PATCH: what a dropped connection can cost at most.
const MAX_SEGMENT: u64 = 1 << 30;

/// Bytes of the PATCH that starts at `offset`.
fn segment_len(offset: u64) -> u64 {
    offset.clamp(SEGMENT, MAX_SEGMENT)
}

/// Files up to this size whose digest is known go up in one PUT (POST,
/// PUT): a request fewer than POST, PATCH, PUT, and no PATCH pause at the
/// registry, which is most of a small blob's time. A drop costs a file
/// this size at most. (`push` hashes files below 32 MiB first, so those
/// all come here.)
const SMALL_MONOLITHIC: u64 = 32 << 20;
/// Resumes of one blob before the upload starts over.
const RESUMES: u32 = 6;
/// Fresh starts of one blob before giving up.
const RESTARTS: u32 = 2;

/// Why an upload attempt stopped.
enum Stop {
    /// Start a new upload session (the registry lost this one).
    Restart(Error),
    /// The registry does not take PATCH: use one monolithic PUT.
    NoChunks(Error),
    Fatal(Error),
}

/// The error for content that does not hash to the digest it was hashed
/// to before: the file changed in between.
fn changed(path: &Path, digest: &str, refused: Error) -> Error {
    Error::invalid_input(format!(
        "{} changed since it was hashed: the registry refused its content for {digest}",
        path.display()
    ))
    .caused_by(refused.report())
}

/// Why closing an upload failed.
enum Finish {
    /// The content does not hash to the digest (DIGEST_INVALID).
    Mismatch(Error),
    Failed(Error),
}

/// How one streamed segment went.
enum Segment {
    /// Stored; the upload continues at this location.
    Stored(Url),
    /// Cut short (a dropped connection, a 5xx, an expired token): ask the
    /// registry where it stands and go on from there.
    Interrupted(Error),
}

/// A file to upload as a blob.
pub(crate) struct FileUpload<'a> {
    pub(crate) repository: &'a str,
    pub(crate) path: &'a Path,
    pub(crate) size: u64,
    /// The digest, when already known: the content must hash to it (else the
    /// file changed since it was hashed, and the upload fails).
    pub(crate) expected: Option<&'a str>,
    pub(crate) counter: &'a Counter,
    /// Told when the upload starts over, so progress does too.
    pub(crate) on_restart: &'a dyn Fn(),
}

/// A file read whole into memory, to upload as the blob `digest`.
pub(crate) struct ReadUpload<'a> {
    pub(crate) repository: &'a str,
    /// The file the bytes were read from, for messages.
    pub(crate) path: &'a Path,
    pub(crate) bytes: Bytes,
    /// Hashed from these bytes, or before (for provenance); the registry
    /// checks the bytes against it when the upload closes.
    pub(crate) digest: &'a str,
    pub(crate) counter: &'a Counter,
    /// Told when the upload starts over, so progress does too.
    pub(crate) on_restart: &'a dyn Fn(),
}

impl Client {
    /// Uploads a file read whole into memory: POST, then one PUT of the
    /// bytes with the digest, through the session's client, so small
    /// blobs share kept-alive connections and need no thread or runtime
    /// of their own. The request is bounded as a whole (the stall window
    /// plus a second per MiB); a server that answers before it has read
    /// the body leaves nothing of ours waiting: the bytes are in memory,
    /// and the connection stays with the client until it ends.
    pub(crate) fn upload_read(&self, upload: &ReadUpload<'_>) -> Result<()> {
        let ReadUpload {
            repository,
            path,
            ref bytes,
            digest,
            counter,
            on_restart,
        } = *upload;
        let size = bytes.len() as u64;
        if let Some(from) = self.blob_sources.source(&self.host, digest, repository)
            && self.mount(repository, digest, &from)?
        {
            counter.add(size);
            return Ok(());
        }
        self.put_read(repository, path, bytes, digest, counter, on_restart)?;
        self.blob_sources.record(&self.host, digest, repository);
        Ok(())
    }

    /// POST, then the PUT of [`Client::upload_read`].
    fn put_read(
        &self,
        repository: &str,
        path: &Path,
        bytes: &Bytes,
        digest: &str,
        counter: &Counter,
        on_restart: &dyn Fn(),
    ) -> Result<()> {
        let size = bytes.len() as u64;
        let what = format!("upload blob {digest}");
        let body = || Ok(reqwest::blocking::Body::from(bytes.clone()));
        let mut restarts = 0;
        loop {
            let mut url = self.start_upload(repository)?;
            url.query_pairs_mut().append_pair("digest", digest);
            let mut headers = HeaderMap::new();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            let response = self.send(
                Request {
                    headers,
                    body: Some(&body),
                    timeout: self.options.limits.for_transfer(size),
                    ..Request::new(Method::PUT, url, Scope::push(repository))
                },
                on_restart,
            )?;
            let status = response.status();
            tracing::trace!("PUT {what} ({size} bytes) -> {}", status.as_u16());
            match classify(Write::Put, status) {
                Verdict::Stored => {
                    counter.add(size);
                    return Ok(());
                }
                // The upload session was lost: once more from the POST.
                Verdict::Restart if restarts < RESTARTS => {
                    restarts += 1;
                    on_restart();
                }
                Verdict::Mismatch => {
                    return Err(changed(path, digest, self.unexpected(&what, response)));
                }
                Verdict::TooLarge => return Err(self.too_large(&what, size)),
                _ => return Err(self.unexpected(&what, response)),
            }
        }
    }

    /// Uploads a file as a blob and returns its digest.
    pub(crate) fn upload_file(&self, upload: &FileUpload<'_>) -> Result<String> {
        if let Some(digest) = upload.expected
            && let Some(from) = self
                .blob_sources
                .source(&self.host, digest, upload.repository)
            && self.mount(upload.repository, digest, &from)?
        {
            upload.counter.add(upload.size);
            return Ok(digest.to_string());
        }
        let digest = self.upload_file_bytes(upload)?;
        self.blob_sources
            .record(&self.host, &digest, upload.repository);
        Ok(digest)
    }

    fn upload_file_bytes(&self, upload: &FileUpload<'_>) -> Result<String> {
        if upload.size <= SMALL_MONOLITHIC && upload.expected.is_some() {
            return self.upload_monolithic(upload);
        }
        let mut restarts = 0;
        loop {
            match self.try_chunked(upload) {
                Ok(digest) => return Ok(digest),
                Err(Stop::Restart(e)) if restarts < RESTARTS => {
                    restarts += 1;
                    tracing::warn!(
                        "{}; uploading {} again from the start",
                        e.report(),
                        upload.path.display()
                    );
                    (upload.on_restart)();
                }
                Err(Stop::NoChunks(e)) => {
                    tracing::debug!("chunked upload refused ({}); one PUT instead", e.report());
                    (upload.on_restart)();
                    return self.upload_monolithic(upload);
                }
                Err(Stop::Restart(e) | Stop::Fatal(e)) => return Err(e),
            }
        }
    }

    fn start_upload(&self, repository: &str) -> Result<Url> {
        let start = self.url(&format!("/v2/{repository}/blobs/uploads/"))?;
        let response = self.send(
            Request::new(Method::POST, start, Scope::push(repository)),
            &|| {},
        )?;
        if response.status() != StatusCode::ACCEPTED {
            return Err(self.unexpected("start blob upload", response));
        }
        self.upload_location(&response)
    }

    /// The `Location` of an upload answer, which must stay on https.
    pub(super) fn upload_location(&self, response: &reqwest::blocking::Response) -> Result<Url> {
        let location = header_string(response, header::LOCATION)
            .ok_or_else(|| Error::registry(&self.host, "blob upload: no Location header"))?;
        self.checked_location(&location)
    }

    /// An upload location made absolute, refused when it leaves https.
    fn checked_location(&self, location: &str) -> Result<Url> {
        let url = self.resolve(location)?;
        // Content goes where credentials may not: never down to plain http.
        if is_downgrade(&self.base, &url) {
            return Err(Error::registry(
                &self.host,
                format!(
                    "blob upload: refusing the upload location {}://{}: it would leave https",
                    url.scheme(),
                    url.host_str().unwrap_or("")
                ),
            ));
        }
        Ok(url)
    }

    fn try_chunked(&self, upload: &FileUpload<'_>) -> std::result::Result<String, Stop> {
        let FileUpload {
            repository,
            path,
            size,
            expected,
            counter,
            ..
        } = *upload;
        let mut location = self.start_upload(repository).map_err(Stop::Fatal)?;
        // A digest known before (hashed for provenance) is checked by the
        // registry when the upload closes: no second hash of the bytes here.
        let mut hasher = expected.is_none().then(Sha256::new);
        let mut offset = 0u64;
        let mut resumes = 0;
        while offset < size {
            let end = (offset + segment_len(offset)).min(size);
            let outcome = self.patch(
                repository,
                &location,
                path,
                offset,
                end,
                &mut hasher,
                counter,
            )?;
            let failure = match outcome {
                Segment::Stored(next) => {
                    location = next;
                    offset = end;
                    continue;
                }
                Segment::Interrupted(e) => e,
            };
            resumes += 1;
            if resumes > RESUMES {
                return Err(Stop::Restart(failure));
            }
            self.options
                .limits
                .sleep(
                    crate::retry::backoff(resumes, Duration::from_millis(100), 4),
                    &format!("uploading {}", path.display()),
                )
                .map_err(Stop::Fatal)?;
            // Where does the registry stand? Go on from there.
            let stored = self
                .upload_offset(repository, &mut location)
                .map_err(Stop::Restart)?;
            if stored < offset || stored > end {
                return Err(Stop::Restart(Error::registry(
                    &self.host,
                    format!(
                        "the upload session lost data (it holds {stored} bytes, {offset} were stored)"
                    ),
                )));
            }
            tracing::warn!("{}; resuming the upload at byte {stored}", failure.report());
            // The hash covers exactly what the registry holds: the segment
            // was not stored, so the hash stands where it began.
            if let Some(hasher) = &mut hasher {
                hash_range(path, offset, stored, hasher)
                    .map_err(|e| Stop::Fatal(Error::io("read", path, e)))?;
            }
            offset = stored;
        }
        let digest = match (hasher, expected) {
            (Some(hasher), _) => format!("sha256:{}", hex::encode(hasher.finalize())),
            (None, Some(expected)) => expected.to_string(),
            (None, None) => {
                return Err(Stop::Fatal(Error::internal(
                    "an upload without a digest was not hashed",
                )));
            }
        };
        match self.finish_upload(repository, location, &digest) {
            Ok(()) => Ok(digest),
            Err(Finish::Mismatch(e)) => Err(Stop::Fatal(changed(path, &digest, e))),
            Err(Finish::Failed(e)) => Err(Stop::Restart(e)),
        }
    }

    /// The client uploads stream through, made once per session.
    fn streaming(&self) -> Result<&reqwest::Client> {
        if let Some(http) = self.streaming.get() {
            return Ok(http);
        }
        let http = super::pipeline::streaming_client(self.options.insecure)
            .map_err(|e| Error::registry(&self.host, "cannot set up HTTP").caused_by(e))?;
        Ok(self.streaming.get_or_init(|| http))
    }

    /// Authorization for an upload request: only for the registry itself,
    /// never for a location elsewhere.
    fn upload_headers(&self, location: &Url, repository: &str) -> Result<HeaderMap> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
        if same_origin(location, &self.base)
            && let Some(value) = self.authorization(Scope::push(repository))?
        {
            headers.insert(header::AUTHORIZATION, value);
        }
        Ok(headers)
    }

    /// Streams bytes `from..end` of `path` as one PATCH, hashing them into
    /// `hasher` as they are read (`hasher` advances only when the segment
    /// was stored).
    #[allow(clippy::too_many_arguments)]
    fn patch(
        &self,
        repository: &str,
        location: &Url,
        path: &Path,
        from: u64,
        end: u64,
        hasher: &mut Option<Sha256>,
        counter: &Counter,
    ) -> std::result::Result<Segment, Stop> {
        let mut headers = self
            .upload_headers(location, repository)
            .map_err(Stop::Fatal)?;
        headers.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_str(&format!("{from}-{}", end - 1))
                .map_err(|e| Stop::Fatal(Error::internal(e)))?,
        );
        let sent = Pipeline {
            http: self.streaming().map_err(Stop::Fatal)?,
            method: Method::PATCH,
            url: location.clone(),
            headers,
            path,
            from,
            end,
            counter,
            limits: self.options.limits,
        }
        .send(hasher.clone())
        .map_err(Stop::Fatal)?;
        let what = "PATCH blob upload";
        let (status, headers, hashed) = match self.answered(sent, what)? {
            Ok(answer) => answer,
            Err(cut) => return Ok(Segment::Interrupted(cut)),
        };
        tracing::trace!(
            "PATCH {location} ({from}-{}) -> {}",
            end - 1,
            status.as_u16()
        );
        let refused = || Error::registry(&self.host, format!("{what}: HTTP {}", status.as_u16()));
        match classify(Write::Patch { first: from == 0 }, status) {
            Verdict::Stored => {
                if hasher.is_some() {
                    *hasher = Some(hashed.ok_or_else(|| {
                        Stop::Fatal(Error::internal("a stored segment was not all hashed"))
                    })?);
                }
                let next = headers
                    .get(header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| {
                        Stop::Fatal(Error::registry(
                            &self.host,
                            "blob upload: no Location header",
                        ))
                    })?;
                Ok(Segment::Stored(
                    self.checked_location(next).map_err(Stop::Fatal)?,
                ))
            }
            Verdict::Renew => {
                // A token that expired mid-stream: renew, then resume.
                self.authenticate(&headers, Scope::push(repository))
                    .map_err(Stop::Fatal)?;
                Ok(Segment::Interrupted(refused()))
            }
            Verdict::Resume => Ok(Segment::Interrupted(refused())),
            Verdict::NoChunks => Err(Stop::NoChunks(refused())),
            Verdict::Restart => Err(Stop::Restart(refused())),
            Verdict::TooLarge => Err(Stop::Fatal(self.too_large(what, end - from))),
            Verdict::Denied => Err(Stop::Fatal(Error::auth(
                &self.host,
                format!("{what}: access denied (HTTP 403)"),
            ))),
            Verdict::Mismatch | Verdict::Refused => Err(Stop::Fatal(refused())),
        }
    }

    /// The answer of a streamed request, or why there was none as an error
    /// to resume after (`Ok(Err(..))`); the command's deadline passing is
    /// fatal.
    #[allow(clippy::type_complexity)]
    fn answered(
        &self,
        sent: Sent,
        what: &str,
    ) -> std::result::Result<
        std::result::Result<(StatusCode, HeaderMap, Option<Sha256>), Error>,
        Stop,
    > {
        match sent {
            Sent::Answered {
                status,
                headers,
                hashed,
            } => Ok(Ok((status, headers, hashed))),
            Sent::Failed(e) if e.is_timeout() && self.options.limits.expired() => {
                Err(Stop::Fatal(
                    self.options.limits.check(what).err().unwrap_or_else(|| {
                        Error::registry(&self.host, format!("{what}: timed out"))
                    }),
                ))
            }
            Sent::Failed(e) => Ok(Err(Error::registry(
                &self.host,
                format!("{what}: {}", super::transport::short_cause(&e)),
            )
            .caused_by(super::transport::root_cause(&e)))),
            Sent::Stalled(idle) => Ok(Err(Error::registry(
                &self.host,
                format!(
                    "{what}: stalled, no progress for {} (CARGO_ATTEST_STALL_TIMEOUT sets the window)",
                    crate::deadline::human(idle)
                ),
            ))),
        }
    }

    /// The error for an upload the registry refused even with a new token.
    fn auth_refused(&self, what: &str) -> Error {
        Error::auth(
            &self.host,
            format!(
                "{what}: HTTP 401 even with a new token; check that the credentials may push here \
                 (`cargo attest login {}`)",
                self.host
            ),
        )
    }

    /// The error for a body the registry will not take (413).
    fn too_large(&self, what: &str, bytes: u64) -> Error {
        Error::registry(
            &self.host,
            format!(
                "{what}: HTTP 413: the registry, or a proxy in front of it, refuses a request body of {} \
                 (a limit on request size); raise that limit, or push to a registry without one",
                indicatif::HumanBytes(bytes)
            ),
        )
    }

    /// One streamed PUT of the whole file, for registries that refuse
    /// PATCH and for files small enough that a PATCH saves nothing. The
    /// digest must be known first: hashed here when it is not. A PUT
    /// cannot resume, so a cut one is sent again from the start, within
    /// the retry budget.
    pub(super) fn upload_monolithic(&self, upload: &FileUpload<'_>) -> Result<String> {
        let FileUpload {
            repository,
            path,
            size,
            expected,
            counter,
            on_restart,
        } = *upload;
        let digest = match expected {
            Some(d) => d.to_string(),
            None => format!("sha256:{}", crate::provenance::subjects::sha256_file(path)?),
        };
        let what = format!("upload blob {digest}");
        let (mut attempt, mut renewed) = (0, 0);
        loop {
            let mut url = self.start_upload(repository)?;
            url.query_pairs_mut().append_pair("digest", &digest);
            let sent = Pipeline {
                http: self.streaming()?,
                method: Method::PUT,
                headers: self.upload_headers(&url, repository)?,
                url,
                path,
                from: 0,
                end: size,
                counter,
                limits: self.options.limits,
            }
            .send(None)?;
            let failure = match self.answered(sent, &what) {
                Err(Stop::Fatal(e) | Stop::Restart(e) | Stop::NoChunks(e)) => return Err(e),
                Ok(Err(cut)) => cut,
                Ok(Ok((status, headers, _))) => {
                    let refused =
                        || Error::registry(&self.host, format!("{what}: HTTP {}", status.as_u16()));
                    match classify(Write::Put, status) {
                        Verdict::Stored => return Ok(digest),
                        // A token that died on the way: the registry did not
                        // act on the request. Send it again at once with a
                        // fresh token (a wait could outlive that one too),
                        // twice at most: a third refusal is no expiry.
                        Verdict::Renew if renewed < 2 => {
                            renewed += 1;
                            self.authenticate(&headers, Scope::push(repository))?;
                            tracing::debug!("{what}: HTTP 401, sending it again with a new token");
                            on_restart();
                            continue;
                        }
                        Verdict::Renew => return Err(self.auth_refused(&what)),
                        Verdict::Resume | Verdict::Restart => refused(),
                        Verdict::Mismatch => return Err(changed(path, &digest, refused())),
                        Verdict::TooLarge => return Err(self.too_large(&what, size)),
                        Verdict::Denied => {
                            return Err(Error::auth(
                                &self.host,
                                format!("{what}: access denied (HTTP 403)"),
                            ));
                        }
                        Verdict::NoChunks | Verdict::Refused => return Err(refused()),
                    }
                }
            };
            attempt += 1;
            if attempt > MAX_RETRIES {
                return Err(failure);
            }
            let wait = crate::retry::backoff(attempt, Duration::from_millis(250), 6);
            tracing::warn!(
                "{}; sending it again ({attempt}/{MAX_RETRIES}) in {:.1} s",
                failure.report(),
                wait.as_secs_f64()
            );
            self.options.limits.sleep(wait, &what)?;
            on_restart();
        }
    }

    /// How many bytes an upload session holds (`Range: 0-N` means N+1).
    fn upload_offset(&self, repository: &str, location: &mut Url) -> Result<u64> {
        let response = self.send(
            Request::new(Method::GET, location.clone(), Scope::push(repository)),
            &|| {},
        )?;
        if response.status() != StatusCode::NO_CONTENT && !response.status().is_success() {
            return Err(self.unexpected("upload status", response));
        }
        if let Some(next) = header_string(&response, header::LOCATION) {
            *location = self.resolve(&next)?;
        }
        let range = header_string(&response, header::RANGE).unwrap_or_default();
        match range.trim().split_once('-') {
            // distribution says `0-0` for an empty session too: take the
            // safe reading (a 1-byte session then fails the range and
            // starts over).
            Some(("0", "0")) => Ok(0),
            Some((_, last)) => last
                .trim()
                .parse::<u64>()
                .map(|n| n + 1)
                .map_err(|_| Error::registry(&self.host, format!("bad upload Range `{range}`"))),
            None => Ok(0),
        }
    }

    /// Closes the upload with its digest: the registry checks it.
    fn finish_upload(
        &self,
        repository: &str,
        mut location: Url,
        digest: &str,
    ) -> std::result::Result<(), Finish> {
        location.query_pairs_mut().append_pair("digest", digest);
        let response = self
            .send(
                Request::new(Method::PUT, location, Scope::push(repository)),
                &|| {},
            )
            .map_err(Finish::Failed)?;
        match response.status() {
            StatusCode::CREATED | StatusCode::NO_CONTENT | StatusCode::OK => Ok(()),
            StatusCode::BAD_REQUEST => Err(Finish::Mismatch(
                self.unexpected(&format!("finish blob upload {digest}"), response),
            )),
            _ => Err(Finish::Failed(
                self.unexpected(&format!("finish blob upload {digest}"), response),
            )),
        }
    }
}

/// Hashes bytes `from..to` of `path` into `hasher` (after a resume, to
/// catch the hash up with what the registry holds).
fn hash_range(path: &Path, from: u64, to: u64, hasher: &mut Sha256) -> std::io::Result<()> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(from))?;
    let mut left = to - from;
    let mut block = vec![0u8; BLOCK];
    while left > 0 {
        let n = (left as usize).min(BLOCK);
        file.read_exact(&mut block[..n])?;
        hasher.update(&block[..n]);
        left -= n as u64;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(size: u64) -> Vec<u64> {
        let mut offset = 0;
        let mut lens = Vec::new();
        while offset < size {
            let end = (offset + segment_len(offset)).min(size);
            lens.push((end - offset) >> 20);
            offset = end;
        }
        lens
    }

    #[test]
    fn segments_grow_with_what_is_stored() {
        assert_eq!(segments(10 << 20), [10]);
        assert_eq!(segments(96 << 20), [64, 32]);
        assert_eq!(segments(1 << 30), [64, 64, 128, 256, 512]);
        assert_eq!(segments(4 << 30), [64, 64, 128, 256, 512, 1024, 1024, 1024]);
    }
}
