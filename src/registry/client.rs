//! The session with one registry host: its address, HTTP client, options,
//! credentials and auth state. Requests are made in the files beside this
//! one, each an `impl Client` for its concern.

use std::time::Duration;

use reqwest::Url;
use reqwest::blocking::Client as Http;

use super::blob_sources::BlobSources;
use super::policy::Options;
use super::tokens::AuthState;
use crate::credentials::Credential;
use crate::error::{Error, Result};

pub(super) const USER_AGENT: &str = concat!("cargo-attest/", env!("CARGO_PKG_VERSION"));

/// A session with one registry host.
pub(crate) struct Client {
    pub(super) host: String,
    /// `scheme://host/`: what every request URL starts with.
    pub(super) base: Url,
    pub(super) http: Http,
    /// The async client uploads stream through (`pipeline`), made when
    /// the first upload needs it.
    pub(super) streaming: std::sync::OnceLock<reqwest::Client>,
    pub(super) options: Options,
    pub(super) credential: Option<Credential>,
    pub(super) auth: AuthState,
    /// The first retry's wait; the backoff doubles from it.
    pub(super) retry_base: Duration,
    /// Where blobs went before, for cross-repository mounts.
    pub(super) blob_sources: BlobSources,
}

impl Client {
    pub(crate) fn new(
        host: &str,
        scheme: &str,
        options: &Options,
        credential: Option<Credential>,
    ) -> Result<Self> {
        let base = Url::parse(&format!("{scheme}://{host}/"))
            .map_err(|e| Error::usage(format!("`{host}` is not a registry host: {e}")))?;
        let http = Http::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(Duration::from_secs(30))
            .timeout(None)
            // Redirects are followed by hand, so Authorization never goes
            // to another host.
            .redirect(reqwest::redirect::Policy::none())
            .tls_danger_accept_invalid_certs(options.insecure)
            .build()
            .map_err(|e| Error::registry(host, "cannot set up HTTP").caused_by(e))?;
        Ok(Client {
            host: host.to_string(),
            base,
            http,
            streaming: std::sync::OnceLock::new(),
            options: *options,
            credential,
            auth: AuthState::default(),
            retry_base: Duration::from_millis(250),
            blob_sources: BlobSources::in_dir(None),
        })
    }

    /// Remembers where blobs went in `cache_dir`, to mount them later.
    pub(crate) fn with_blob_sources(mut self, cache_dir: Option<&std::path::Path>) -> Self {
        self.blob_sources = BlobSources::in_dir(cache_dir);
        self
    }

    /// The stall window and the command's bound.
    pub(crate) fn limits(&self) -> &crate::deadline::Limits {
        &self.options.limits
    }

    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    /// A URL on this registry.
    pub(super) fn url(&self, path: &str) -> Result<Url> {
        self.base
            .join(path)
            .map_err(|_| Error::usage(format!("invalid registry path `{path}`")))
    }

    /// A `Location` header made absolute against this registry.
    pub(super) fn resolve(&self, location: &str) -> Result<Url> {
        self.base
            .join(location)
            .map_err(|_| Error::registry(&self.host, format!("invalid Location `{location}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::time::Instant;

    /// A loopback server that answers each connection with the next canned
    /// reply (`None` closes the connection without answering). It stops
    /// after its replies or after 10 s without a connection, so a test never
    /// hangs when the client sends fewer requests than expected.
    fn canned_server(
        replies: Vec<Option<&'static str>>,
    ) -> (String, std::thread::JoinHandle<usize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let host = listener.local_addr().unwrap().to_string();
        let handle = std::thread::spawn(move || {
            let mut served = 0;
            for reply in replies {
                let deadline = Instant::now() + Duration::from_secs(10);
                let mut stream = loop {
                    match listener.accept() {
                        Ok((s, _)) => break s,
                        Err(_) if Instant::now() < deadline => {
                            std::thread::sleep(Duration::from_millis(5))
                        }
                        Err(_) => return served,
                    }
                };
                stream.set_nonblocking(false).unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 2 {
                    line.clear();
                }
                served += 1;
                if let Some(text) = reply {
                    let _ = stream.write_all(text.as_bytes());
                }
            }
            served
        });
        (host, handle)
    }

    fn client(host: &str) -> Client {
        let mut c = Client::new(host, "http", &Options::default(), None).unwrap();
        c.retry_base = Duration::from_millis(10);
        c
    }

    #[test]
    fn retries_server_errors_rate_limits_and_dropped_connections() {
        let (host, server) = canned_server(vec![
            Some(
                "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            ),
            Some(
                "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            ),
            None,
            Some("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"),
        ]);
        client(&host).ping(None).unwrap();
        assert_eq!(server.join().unwrap(), 4);
    }

    #[test]
    fn gives_up_after_bounded_retries() {
        let reply = Some(
            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        let (host, server) = canned_server(vec![reply; 5]);
        let err = client(&host).ping(None).unwrap_err();
        assert!(matches!(err, Error::Registry { .. }), "{err}");
        assert_eq!(server.join().unwrap(), 5);
    }

    #[test]
    fn writes_that_must_not_be_replayed_are_sent_once() {
        let (host, server) = canned_server(vec![Some(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 4\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )]);
        let c = client(&host);
        use crate::oci::store::{Condition, ManifestWrite, Replay};
        let put = c
            .put_manifest(
                "r",
                &ManifestWrite {
                    reference: &crate::oci::reference::Target::Tag("sha256-x".into()),
                    media_type: crate::oci::manifest::MEDIA_TYPE_INDEX,
                    bytes: b"{}",
                    condition: Condition::None,
                    replay: Replay::Never {
                        deadline: Duration::from_secs(5),
                    },
                },
            )
            .unwrap();
        match put {
            crate::oci::store::Put::Refused {
                refusal,
                retry_after,
                ..
            } => {
                assert_eq!(refusal, crate::oci::store::Refusal::TooManyRequests);
                assert_eq!(retry_after, Some(Duration::from_secs(4)));
            }
            other => panic!("{other:?}"),
        }
        drop(c);
        assert_eq!(server.join().unwrap(), 1, "the PUT was replayed");
    }

    #[test]
    fn credentials_a_registry_echoes_are_cut_from_error_text() {
        use crate::credentials::{Secret, Source};
        let c = Client::new(
            "127.0.0.1:1",
            "http",
            &Options::default(),
            Some(Credential {
                secret: Secret::Password {
                    username: "ci-bot".into(),
                    password: zeroize::Zeroizing::new("hunter2-very-secret".into()),
                },
                source: Source::Environment,
            }),
        )
        .unwrap();
        // base64("ci-bot:hunter2-very-secret"), as the Basic header carries it.
        let pair = "Y2ktYm90Omh1bnRlcjItdmVyeS1zZWNyZXQ=";
        let text = c.without_credentials(&format!(
            "bad request: Authorization: Basic {pair}; password hunter2-very-secret"
        ));
        assert!(!text.contains(pair) && !text.contains("hunter2"), "{text}");
        assert_eq!(
            text,
            "bad request: Authorization: Basic [redacted]; password [redacted]"
        );
    }

    #[test]
    fn missing_credentials_are_an_auth_error_naming_the_registry() {
        let (host, server) = canned_server(vec![Some(
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )]);
        let err = client(&host).ping(None).unwrap_err();
        assert!(matches!(err, Error::Auth { .. }), "{err}");
        assert!(err.to_string().contains(&host), "{err}");
        assert!(err.to_string().contains("cargo attest login"), "{err}");
        server.join().unwrap();
    }
}
