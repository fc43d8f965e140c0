//! Streaming a file into a registry as one blob, in one pass over its bytes:
//! a chunked upload (POST, then PATCH segments, then PUT `?digest=`) whose
//! bytes are hashed as a reader thread reads them, a block ahead of the
//! network. The digest need not be known before: it is computed on the way.
//! A connection that drops mid-blob resumes from the offset the registry
//! reports (`GET` on the upload's location, `Range`), not from the start.
//! Registries that refuse PATCH get one monolithic PUT.
//!
//! Segments are streamed with reqwest's async client on a small runtime of
//! this thread's own: its blocking client feeds a streamed body through
//! 8 KiB reads with a runtime hop each, which costs a core at wire speed,
//! and a whole chunk in memory would not keep memory flat. Here a block of
//! 1 MiB is read, hashed and handed over once.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header;
use reqwest::{Method, StatusCode, Url};
use sha2::{Digest, Sha256};

use super::client::Client;
use super::policy::{is_downgrade, same_origin};
use super::transport::{Request, Scope, header_string};
use crate::error::{Error, Result};
use crate::progress::Counter;

/// Bytes read, hashed and sent at a time.
const BLOCK: usize = 1 << 20;
/// Blocks queued between the reader and the network.
const QUEUED_BLOCKS: usize = 4;
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

impl Client {
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
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                Stop::Fatal(Error::internal(format!(
                    "cannot start an upload runtime: {e}"
                )))
            })?;
        let http = self.async_http().map_err(Stop::Fatal)?;
        // A digest known before (hashed for provenance) is checked by the
        // registry when the upload closes: no second hash of the bytes here.
        let mut hasher = expected.is_none().then(Sha256::new);
        let mut offset = 0u64;
        let mut resumes = 0;
        while offset < size {
            let end = (offset + segment_len(offset)).min(size);
            let before = hasher.clone();
            let outcome = self.stream_segment(
                &runtime,
                &http,
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
            std::thread::sleep(crate::retry::backoff(
                resumes,
                Duration::from_millis(100),
                4,
            ));
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
            // The hash covers exactly what the registry holds.
            hasher = before;
            if let Some(hasher) = &mut hasher {
                hash_range(path, offset, stored, hasher)
                    .map_err(|e| Stop::Fatal(Error::io("read", path, e)))?;
            }
            offset = stored;
        }
        let digest = match (hasher, expected) {
            (Some(hasher), _) => format!("sha256:{}", hex::encode(hasher.finalize())),
            (None, Some(expected)) => expected.to_string(),
            (None, None) => unreachable!("a hasher whenever no digest is known"),
        };
        match self.finish_upload(repository, location, &digest) {
            Ok(()) => Ok(digest),
            Err(Finish::Mismatch(e)) => Err(Stop::Fatal(
                Error::invalid_input(format!(
                    "{} changed since it was hashed: the registry refused its content for {digest}",
                    path.display()
                ))
                .caused_by(e.report()),
            )),
            Err(Finish::Failed(e)) => Err(Stop::Restart(e)),
        }
    }

    /// The async client uploads stream through, configured like the
    /// blocking one: no redirects, the same TLS choice and user agent.
    fn async_http(&self) -> Result<reqwest::Client> {
        reqwest::Client::builder()
            .user_agent(super::client::USER_AGENT)
            .connect_timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .tls_danger_accept_invalid_certs(self.options.insecure)
            .build()
            .map_err(|e| Error::registry(&self.host, "cannot set up HTTP").caused_by(e))
    }

    /// Streams bytes `from..end` of `path` as one PATCH, hashing them into
    /// `hasher` as they are read (only when the whole segment was read and
    /// stored is `hasher` left advanced; else the caller restores it).
    #[allow(clippy::too_many_arguments)]
    fn stream_segment(
        &self,
        runtime: &tokio::runtime::Runtime,
        http: &reqwest::Client,
        repository: &str,
        location: &Url,
        path: &Path,
        from: u64,
        end: u64,
        hasher: &mut Option<Sha256>,
        counter: &Counter,
    ) -> std::result::Result<Segment, Stop> {
        let scope = Scope::push(repository);
        let auth = if same_origin(location, &self.base) {
            self.authorization(scope).map_err(Stop::Fatal)?
        } else {
            None
        };
        let (tx, mut rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(QUEUED_BLOCKS);
        let len = end - from;
        std::thread::scope(|threads| {
            // Hashing runs on a thread of its own, beside the reads, so it
            // never holds back the network.
            let (hash_tx, hash_rx) = std::sync::mpsc::sync_channel::<Bytes>(QUEUED_BLOCKS * 2);
            let hash_tx = hasher.is_some().then_some(hash_tx);
            let mut state = hasher.clone();
            let hashing = threads.spawn(move || {
                if let Some(state) = &mut state {
                    for block in hash_rx {
                        state.update(&block);
                    }
                }
                state
            });
            let reader = threads.spawn(move || -> std::io::Result<()> {
                let mut file = File::open(path)?;
                file.seek(SeekFrom::Start(from))?;
                let mut left = len;
                while left > 0 {
                    let mut block = vec![0u8; BLOCK.min(left as usize)];
                    let read = file.read_exact(&mut block);
                    if let Err(e) = read {
                        let _ = tx.blocking_send(Err(std::io::Error::new(e.kind(), e.to_string())));
                        return Err(e);
                    }
                    left -= block.len() as u64;
                    let block = Bytes::from(block);
                    let hashed = hash_tx
                        .as_ref()
                        .is_none_or(|h| h.send(block.clone()).is_ok());
                    if !hashed || tx.blocking_send(Ok(block)).is_err() {
                        break; // the request ended early
                    }
                }
                drop(hash_tx); // the hashing thread ends with the reads
                Ok(())
            });
            let counter = counter.clone();
            let body = futures_util::stream::poll_fn(move |cx| {
                rx.poll_recv(cx).map(|block| {
                    block.inspect(|b| {
                        if let Ok(bytes) = b {
                            counter.add(bytes.len() as u64);
                        }
                    })
                })
            });
            let mut request = http
                .patch(location.clone())
                .header(header::CONTENT_TYPE, "application/octet-stream")
                .header(header::CONTENT_RANGE, format!("{from}-{}", end - 1))
                .header(header::CONTENT_LENGTH, len)
                .timeout(Duration::from_secs(60 + len / (1 << 20)))
                .body(reqwest::Body::wrap_stream(body));
            if let Some(value) = auth {
                request = request.header(header::AUTHORIZATION, value);
            }
            let answer = runtime.block_on(async {
                let response = request.send().await?;
                Ok::<_, reqwest::Error>((response.status(), response.headers().clone()))
            });
            let read = reader.join().map(|r| {
                r.and_then(|()| {
                    hashing
                        .join()
                        .map_err(|_| std::io::Error::other("the hashing thread panicked"))
                })
            });
            let (status, headers) = match answer {
                Ok(answer) => answer,
                Err(e) => {
                    return Ok(Segment::Interrupted(
                        Error::registry(
                            &self.host,
                            format!("PATCH blob upload: {}", super::transport::short_cause(&e)),
                        )
                        .caused_by(super::transport::root_cause(&e)),
                    ));
                }
            };
            let state = match read {
                Ok(Ok(state)) => state,
                Ok(Err(e)) => return Err(Stop::Fatal(Error::io("read", path, e))),
                Err(_) => return Err(Stop::Fatal(Error::internal("the upload reader panicked"))),
            };
            tracing::trace!(
                "PATCH {location} ({from}-{}) -> {}",
                end - 1,
                status.as_u16()
            );
            let refused = |what: &str| {
                Error::registry(&self.host, format!("{what}: HTTP {}", status.as_u16()))
            };
            match status {
                StatusCode::ACCEPTED => {
                    *hasher = state;
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
                StatusCode::UNAUTHORIZED => {
                    // A token that expired mid-stream: renew, then resume.
                    self.authenticate(&headers, scope).map_err(Stop::Fatal)?;
                    Ok(Segment::Interrupted(refused("PATCH blob upload")))
                }
                StatusCode::METHOD_NOT_ALLOWED
                | StatusCode::NOT_IMPLEMENTED
                | StatusCode::BAD_REQUEST
                | StatusCode::RANGE_NOT_SATISFIABLE
                    if from == 0 =>
                {
                    Err(Stop::NoChunks(refused("PATCH blob upload")))
                }
                StatusCode::NOT_FOUND => Err(Stop::Restart(refused("PATCH blob upload"))),
                s if s.is_server_error()
                    || s == StatusCode::TOO_MANY_REQUESTS
                    || s == StatusCode::RANGE_NOT_SATISFIABLE =>
                {
                    Ok(Segment::Interrupted(refused("PATCH blob upload")))
                }
                StatusCode::FORBIDDEN => Err(Stop::Fatal(Error::auth(
                    &self.host,
                    "PATCH blob upload: access denied (HTTP 403)",
                ))),
                _ => Err(Stop::Fatal(refused("PATCH blob upload"))),
            }
        })
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
