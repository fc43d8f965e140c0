//! An OCI distribution client for one registry host: auth, retries,
//! streaming uploads. Written over reqwest rather than oci-client because
//! attaching needs what oci-client hides (the `OCI-Subject` header, ETags,
//! conditional PUTs) and pushing needs progress and retries it lacks.

use std::io::Read;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::blocking::{Body, Client as Http, RequestBuilder, Response};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use zeroize::Zeroizing;

use super::auth::{Challenge, TokenResponse, parse_challenge};
use crate::credentials::registry::{Credential, Secret};
use crate::error::{Error, Result};

const USER_AGENT: &str = concat!("cargo-attest/", env!("CARGO_PKG_VERSION"));
const MAX_RETRIES: u32 = 4;

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Speak plain HTTP to any host (else only to loopback hosts).
    pub plain_http: bool,
    /// Skip TLS certificate verification.
    pub insecure: bool,
}

/// Whether `host` (`name[:port]`) is a loopback host, where plain HTTP is
/// allowed without asking.
pub fn is_loopback(host: &str) -> bool {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return ip.is_loopback();
    }
    let name = host
        .strip_prefix('[')
        .and_then(|h| h.split_once(']').map(|(a, _)| a))
        .unwrap_or_else(|| host.rsplit_once(':').map(|(a, _)| a).unwrap_or(host));
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The URL scheme for `host`, refusing plain HTTP where it is not allowed.
/// `requested` is the scheme the user wrote (`http://host`), if any.
pub fn scheme_for(host: &str, requested: Option<&str>, options: &Options) -> Result<&'static str> {
    let plain_ok = options.plain_http || is_loopback(host);
    match requested {
        Some("http") if !plain_ok => Err(Error::usage(format!(
            "refusing plain HTTP to {host}: credentials and content would cross the network \
             unencrypted. Plain HTTP is allowed only for loopback hosts; pass --plain-http to \
             allow it for {host}"
        ))),
        Some("http") => Ok("http"),
        Some("https") => Ok("https"),
        Some(other) => Err(Error::usage(format!(
            "unsupported scheme `{other}://` for {host}: use https"
        ))),
        None if options.plain_http || is_loopback(host) => Ok("http"),
        None => Ok("https"),
    }
}

/// What a request needs permission for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Pull,
    Push,
}

/// A session with one registry host.
pub struct Client {
    host: String,
    base: String,
    http: Http,
    credential: Option<Credential>,
    state: Mutex<AuthState>,
    /// Detail lines for `-v`; never given a secret.
    log: Box<dyn Fn(String) + Send + Sync>,
}

#[derive(Default)]
struct AuthState {
    /// Bearer tokens by scope.
    tokens: Vec<(String, Zeroizing<String>)>,
    basic: bool,
}

/// How to make a request body again for a retry.
pub type BodyFactory<'a> = &'a (dyn Fn() -> Result<Body> + Sync);

impl<'a> Request<'a> {
    /// A bodiless request with no extra headers and a 60 s timeout.
    pub fn new(method: Method, url: &'a str, scope: (&'a str, Access)) -> Self {
        Request {
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
            scope,
            timeout: Duration::from_secs(60),
        }
    }
}

/// One request, as `Client::send` takes it.
pub struct Request<'a> {
    pub method: Method,
    pub url: &'a str,
    pub headers: HeaderMap,
    pub body: Option<BodyFactory<'a>>,
    /// Repository and access the request needs a token for.
    pub scope: (&'a str, Access),
    pub timeout: Duration,
}

impl Client {
    pub fn new(
        host: &str,
        scheme: &str,
        options: &Options,
        credential: Option<Credential>,
        log: Box<dyn Fn(String) + Send + Sync>,
    ) -> Result<Self> {
        let http = Http::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(Duration::from_secs(30))
            .timeout(None)
            // Redirects are followed by hand, so Authorization never goes
            // to another host.
            .redirect(reqwest::redirect::Policy::none())
            .tls_danger_accept_invalid_certs(options.insecure)
            .build()
            .map_err(|e| Error::registry(host, format!("cannot set up HTTP: {e}")))?;
        Ok(Client {
            host: host.to_string(),
            base: format!("{scheme}://{host}"),
            http,
            credential,
            state: Mutex::new(AuthState::default()),
            log,
        })
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn same_origin(&self, url: &str) -> bool {
        url.starts_with(&format!("{}/", self.base)) || url == self.base
    }

    /// Sends a request with auth and retries. `timeout` bounds the whole
    /// request; `body` is called again for each attempt.
    pub fn send(&self, request: Request<'_>, on_retry: &dyn Fn()) -> Result<Response> {
        let Request {
            method,
            url,
            headers,
            body,
            scope,
            timeout,
        } = request;
        let mut attempt = 0;
        let mut authenticated_once = false;
        loop {
            let mut request = self
                .http
                .request(method.clone(), url)
                .headers(headers.clone())
                .timeout(timeout);
            if self.same_origin(url) {
                request = self.authorize(request, scope);
            }
            if let Some(make) = body {
                request = request.body(make()?);
            }
            let response = match request.send() {
                Ok(r) => r,
                Err(e) if attempt < MAX_RETRIES && is_transient(&e) => {
                    attempt += 1;
                    let wait = backoff(attempt);
                    (self.log)(format!(
                        "{method} {url}: {}; retry {attempt} in {wait:?}",
                        describe(&e)
                    ));
                    std::thread::sleep(wait);
                    on_retry();
                    continue;
                }
                Err(e) => {
                    return Err(Error::registry(
                        &self.host,
                        format!("{method} {url} failed: {}", describe(&e)),
                    ));
                }
            };
            let status = response.status();
            (self.log)(format!("{method} {url} -> {}", status.as_u16()));
            if status == StatusCode::UNAUTHORIZED && !authenticated_once {
                authenticated_once = true;
                self.authenticate(&response, scope)?;
                on_retry();
                continue;
            }
            if status == StatusCode::UNAUTHORIZED {
                return Err(self.auth_failure(response));
            }
            if (status == StatusCode::TOO_MANY_REQUESTS
                || (status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED))
                && attempt < MAX_RETRIES
            {
                attempt += 1;
                let wait = retry_after(&response).unwrap_or_else(|| backoff(attempt));
                (self.log)(format!(
                    "{method} {url}: HTTP {}; retry {attempt} in {wait:?}",
                    status.as_u16()
                ));
                std::thread::sleep(wait);
                on_retry();
                continue;
            }
            return Ok(response);
        }
    }

    fn authorize(&self, request: RequestBuilder, scope: (&str, Access)) -> RequestBuilder {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let key = scope_string(scope);
        if let Some((_, token)) = state.tokens.iter().find(|(s, _)| *s == key) {
            return request.bearer_auth(token.as_str());
        }
        if state.basic
            && let Some(Credential {
                secret: Secret::Password { username, password },
                ..
            }) = &self.credential
        {
            return request.basic_auth(username, Some(password.as_str()));
        }
        request
    }

    /// Answers a 401 challenge: fetches a Bearer token for exactly the
    /// scope this request needs, or switches to Basic.
    fn authenticate(&self, response: &Response, scope: (&str, Access)) -> Result<()> {
        let challenge = response
            .headers()
            .get_all(header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(parse_challenge)
            .max_by_key(|c| matches!(c, Challenge::Bearer { .. }));
        match challenge {
            Some(Challenge::Basic) => {
                if self.credential.is_none() {
                    return Err(self.no_credentials());
                }
                if !matches!(
                    self.credential.as_ref().map(|c| &c.secret),
                    Some(Secret::Password { .. })
                ) {
                    return Err(Error::auth(
                        &self.host,
                        "the registry asks for Basic auth, but only an identity token is configured",
                    ));
                }
                self.state.lock().unwrap_or_else(|p| p.into_inner()).basic = true;
                Ok(())
            }
            Some(Challenge::Bearer { realm, service, .. }) => {
                let token = self.fetch_token(&realm, service.as_deref(), &scope_string(scope))?;
                self.state
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .tokens
                    .push((scope_string(scope), token));
                Ok(())
            }
            None => Err(Error::auth(
                &self.host,
                "the registry requires authentication but sent no usable challenge",
            )),
        }
    }

    fn fetch_token(
        &self,
        realm: &str,
        service: Option<&str>,
        scope: &str,
    ) -> Result<Zeroizing<String>> {
        // The realm gets our credentials: it must be https, or loopback
        // plain http like the registry itself.
        let realm_host = realm
            .split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or(""))
            .unwrap_or("");
        if !realm.starts_with("https://")
            && !(realm.starts_with("http://")
                && (is_loopback(realm_host) || self.base.starts_with("http://")))
        {
            return Err(Error::auth(
                &self.host,
                format!("refusing to send credentials to token realm {realm}: not https"),
            ));
        }
        let mut query: Vec<(&str, &str)> = vec![("scope", scope)];
        if let Some(s) = service {
            query.push(("service", s));
        }
        let request = match &self.credential {
            Some(Credential {
                secret: Secret::IdentityToken(refresh),
                ..
            }) => {
                let mut form = vec![
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh.as_str()),
                    ("client_id", "cargo-attest"),
                    ("scope", scope),
                ];
                if let Some(s) = service {
                    form.push(("service", s));
                }
                self.http.post(realm).form(&form)
            }
            Some(Credential {
                secret: Secret::Password { username, password },
                ..
            }) => self
                .http
                .get(realm)
                .query(&query)
                .basic_auth(username, Some(password.as_str())),
            None => self.http.get(realm).query(&query),
        };
        (self.log)(format!("token request to {realm} for {scope}"));
        let response = request
            .timeout(Duration::from_secs(60))
            .send()
            .map_err(|e| {
                Error::registry(
                    &self.host,
                    format!("token service {realm}: {}", describe(&e)),
                )
            })?;
        let status = response.status();
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Err(if self.credential.is_some() {
                Error::auth(
                    &self.host,
                    format!(
                        "the token service rejected the credentials from {} (HTTP {}); check them, or log in again with `cargo attest login {}`",
                        self.credential
                            .as_ref()
                            .map(|c| c.source.to_string())
                            .unwrap_or_default(),
                        status.as_u16(),
                        self.host
                    ),
                )
            } else {
                self.no_credentials()
            });
        }
        if !status.is_success() {
            return Err(Error::registry(
                &self.host,
                format!("token service {realm} answered HTTP {}", status.as_u16()),
            ));
        }
        let body = Zeroizing::new(
            response
                .bytes()
                .map_err(|e| {
                    Error::registry(
                        &self.host,
                        format!("token service {realm}: {}", describe(&e)),
                    )
                })?
                .to_vec(),
        );
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|_| {
            Error::registry(
                &self.host,
                format!("token service {realm} sent no JSON token"),
            )
        })?;
        parsed.into_token().map(Zeroizing::new).ok_or_else(|| {
            Error::registry(
                &self.host,
                format!("token service {realm} sent an empty token"),
            )
        })
    }

    fn no_credentials(&self) -> Error {
        Error::auth(
            &self.host,
            format!(
                "the registry requires credentials and none were found; run `cargo attest login {}`, \
                 or set CARGO_ATTEST_REGISTRY={} with CARGO_ATTEST_REGISTRY_USERNAME and CARGO_ATTEST_REGISTRY_PASSWORD",
                self.host, self.host
            ),
        )
    }

    fn auth_failure(&self, response: Response) -> Error {
        let detail = error_detail(response);
        match &self.credential {
            None => self.no_credentials(),
            Some(c) => Error::auth(
                &self.host,
                format!(
                    "the registry rejected the credentials from {}{detail}",
                    c.source
                ),
            ),
        }
    }

    /// `GET /v2/`: checks that the registry answers and the credentials work.
    pub fn ping(&self, repository_hint: Option<&str>) -> Result<()> {
        let scope = (repository_hint.unwrap_or(""), Access::Pull);
        let response = self.send(Request::new(Method::GET, &self.url("/v2/"), scope), &|| {})?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(self.unexpected("GET /v2/", response))
        }
    }

    /// Turns an unexpected response into an error with the registry's words.
    pub fn unexpected(&self, what: &str, response: Response) -> Error {
        let status = response.status();
        let detail = error_detail(response);
        if status == StatusCode::FORBIDDEN {
            return Error::auth(
                &self.host,
                format!("{what}: access denied (HTTP 403){detail}"),
            );
        }
        Error::registry(
            &self.host,
            format!("{what}: HTTP {}{detail}", status.as_u16()),
        )
    }

    /// HEAD a blob: does the repository have it?
    pub fn blob_exists(&self, repository: &str, digest: &str) -> Result<bool> {
        let url = self.url(&format!("/v2/{repository}/blobs/{digest}"));
        let response = self.send(
            Request::new(Method::HEAD, &url, (repository, Access::Push)),
            &|| {},
        )?;
        match response.status() {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.unexpected(&format!("HEAD blob {digest}"), response)),
        }
    }

    /// Uploads a blob: POST to open an upload, then one streamed PUT.
    pub fn upload_blob(
        &self,
        repository: &str,
        digest: &str,
        size: u64,
        body: BodyFactory<'_>,
        on_retry: &dyn Fn(),
    ) -> Result<()> {
        let scope = (repository, Access::Push);
        let start = self.url(&format!("/v2/{repository}/blobs/uploads/"));
        let mut attempt = 0;
        loop {
            let response = self.send(Request::new(Method::POST, &start, scope), &|| {})?;
            if response.status() != StatusCode::ACCEPTED {
                return Err(self.unexpected("start blob upload", response));
            }
            let location = response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| Error::registry(&self.host, "blob upload: no Location header"))?;
            let mut url = self.resolve(location);
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str("digest=");
            url.push_str(digest);
            let mut headers = HeaderMap::new();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            // Generous for slow links, still bounded: 60 s plus 1 s per MiB.
            let timeout = Duration::from_secs(60 + size / (1024 * 1024));
            let response = self.send(
                Request {
                    headers,
                    body: Some(body),
                    timeout,
                    ..Request::new(Method::PUT, &url, scope)
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

    /// A Location header made absolute against this registry.
    pub fn resolve(&self, location: &str) -> String {
        if location.starts_with("http://") || location.starts_with("https://") {
            location.to_string()
        } else if location.starts_with('/') {
            self.url(location)
        } else {
            self.url(&format!("/{location}"))
        }
    }

    /// PUT a manifest by tag or digest.
    pub fn put_manifest(
        &self,
        repository: &str,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Response> {
        match self.put_manifest_if(repository, reference, media_type, bytes, Condition::None)? {
            PutManifest::Stored(response) => Ok(response),
            PutManifest::Refused(response) => {
                Err(self.unexpected(&format!("PUT manifest {reference}"), response))
            }
        }
    }

    /// PUT a manifest with an optional precondition. A non-success answer
    /// is returned, not turned into an error, so callers can tell a lost
    /// race (412) or an immutable tag from other failures.
    pub fn put_manifest_if(
        &self,
        repository: &str,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
        condition: Condition<'_>,
    ) -> Result<PutManifest> {
        let url = self.url(&format!("/v2/{repository}/manifests/{reference}"));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(media_type).map_err(|_| Error::internal("bad media type"))?,
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
        let owned = bytes.to_vec();
        let body = move || Ok(Body::from(owned.clone()));
        let response = self.send(
            Request {
                headers,
                body: Some(&body),
                timeout: Duration::from_secs(120),
                ..Request::new(Method::PUT, &url, (repository, Access::Push))
            },
            &|| {},
        )?;
        Ok(if response.status().is_success() {
            PutManifest::Stored(response)
        } else {
            PutManifest::Refused(response)
        })
    }

    /// `GET /v2/<name>/referrers/<digest>`, following `Link` pages. Only a
    /// 200 with an OCI index body counts as an answer of the API.
    pub fn referrers(
        &self,
        repository: &str,
        digest: &str,
        artifact_type: Option<&str>,
    ) -> Result<Referrers> {
        let mut url = self.url(&format!("/v2/{repository}/referrers/{digest}"));
        if let Some(t) = artifact_type {
            url.push_str("?artifactType=");
            url.push_str(&t.replace('+', "%2B").replace('/', "%2F"));
        }
        let mut all = Vec::new();
        let mut filtered = false;
        for page in 0.. {
            if page > 100 {
                return Err(Error::registry(
                    &self.host,
                    "referrers: more than 100 pages",
                ));
            }
            let mut headers = HeaderMap::new();
            headers.insert(
                header::ACCEPT,
                HeaderValue::from_static(super::manifest::MEDIA_TYPE_INDEX),
            );
            let response = self.send(
                Request {
                    headers,
                    ..Request::new(Method::GET, &url, (repository, Access::Pull))
                },
                &|| {},
            )?;
            let status = response.status();
            if status != StatusCode::OK {
                return Ok(Referrers::NoApi(format!("HTTP {}", status.as_u16())));
            }
            let content_type = header_string(&response, header::CONTENT_TYPE).unwrap_or_default();
            filtered |= response.headers().contains_key("oci-filters-applied");
            let next = next_link(&response);
            let bytes = read_limited(response, 16 * 1024 * 1024)
                .map_err(|e| Error::registry(&self.host, format!("referrers: {e}")))?;
            let index: super::manifest::ImageIndex = match serde_json::from_slice(&bytes) {
                Ok(i) => i,
                Err(_) => {
                    return Ok(Referrers::NoApi(format!(
                        "HTTP 200 with a body that is not an OCI index ({content_type})"
                    )));
                }
            };
            let is_index_type = content_type.starts_with(super::manifest::MEDIA_TYPE_INDEX)
                || index.media_type.as_deref() == Some(super::manifest::MEDIA_TYPE_INDEX);
            if !is_index_type {
                return Ok(Referrers::NoApi(format!(
                    "HTTP 200 with Content-Type `{content_type}`"
                )));
            }
            all.extend(index.manifests);
            match next {
                Some(link) => url = self.resolve(&link),
                None => break,
            }
        }
        Ok(Referrers::Index {
            manifests: all,
            filtered,
        })
    }

    /// All tags of a repository, following `Link` pages.
    pub fn list_tags(&self, repository: &str) -> Result<Vec<String>> {
        let mut url = self.url(&format!("/v2/{repository}/tags/list"));
        let mut tags = Vec::new();
        for _ in 0..1000 {
            let response = self.send(
                Request::new(Method::GET, &url, (repository, Access::Pull)),
                &|| {},
            )?;
            if response.status() == StatusCode::NOT_FOUND {
                return Ok(tags);
            }
            if !response.status().is_success() {
                return Err(self.unexpected("list tags", response));
            }
            let next = next_link(&response);
            let bytes = read_limited(response, 16 * 1024 * 1024)
                .map_err(|e| Error::registry(&self.host, format!("list tags: {e}")))?;
            #[derive(serde::Deserialize)]
            struct TagList {
                #[serde(default)]
                tags: Option<Vec<String>>,
            }
            let page: TagList = serde_json::from_slice(&bytes).map_err(|e| {
                Error::registry(&self.host, format!("list tags: not a tag list: {e}"))
            })?;
            tags.extend(page.tags.unwrap_or_default());
            match next {
                Some(link) => url = self.resolve(&link),
                None => break,
            }
        }
        tags.sort();
        tags.dedup();
        Ok(tags)
    }

    /// Whether a manifest exists (HEAD, with every manifest media type).
    pub fn manifest_exists(&self, repository: &str, reference: &str) -> Result<bool> {
        let url = self.url(&format!("/v2/{repository}/manifests/{reference}"));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static(super::manifest::ACCEPT_MANIFESTS),
        );
        let response = self.send(
            Request {
                headers,
                ..Request::new(Method::HEAD, &url, (repository, Access::Pull))
            },
            &|| {},
        )?;
        match response.status() {
            s if s.is_success() => Ok(true),
            StatusCode::NOT_FOUND => Ok(false),
            _ => Err(self.unexpected(&format!("HEAD manifest {reference}"), response)),
        }
    }

    /// DELETE a manifest by digest or tag.
    pub fn delete_manifest(&self, repository: &str, reference: &str) -> Result<Response> {
        let url = self.url(&format!("/v2/{repository}/manifests/{reference}"));
        self.send(
            Request::new(Method::DELETE, &url, (repository, Access::Push)),
            &|| {},
        )
    }

    /// GET a blob of at most `limit` bytes. Redirects (registries often send
    /// blobs from storage elsewhere) are followed by hand; Authorization goes
    /// only to the registry itself, never to the redirect target.
    pub fn get_blob(&self, repository: &str, digest: &str, limit: u64) -> Result<Vec<u8>> {
        let mut url = self.url(&format!("/v2/{repository}/blobs/{digest}"));
        for _ in 0..5 {
            let response = self.send(
                Request {
                    timeout: Duration::from_secs(300),
                    ..Request::new(Method::GET, &url, (repository, Access::Pull))
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
                let next = self.resolve(&location);
                if next.starts_with("http://") && !self.base.starts_with("http://") {
                    return Err(Error::registry(
                        &self.host,
                        format!("blob {digest}: refusing a redirect from https to {next}"),
                    ));
                }
                url = next;
                continue;
            }
            if !status.is_success() {
                return Err(self.unexpected(&format!("GET blob {digest}"), response));
            }
            return read_limited(response, limit)
                .map_err(|e| Error::registry(&self.host, format!("GET blob {digest}: {e}")));
        }
        Err(Error::registry(
            &self.host,
            format!("blob {digest}: too many redirects"),
        ))
    }

    /// GET a manifest. `None` on 404.
    pub fn get_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<Option<FetchedManifest>> {
        let url = self.url(&format!("/v2/{repository}/manifests/{reference}"));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static(super::manifest::ACCEPT_MANIFESTS),
        );
        let response = self.send(
            Request {
                headers,
                timeout: Duration::from_secs(120),
                ..Request::new(Method::GET, &url, (repository, Access::Pull))
            },
            &|| {},
        )?;
        match response.status() {
            StatusCode::NOT_FOUND => Ok(None),
            s if s.is_success() => {
                let media_type = header_string(&response, header::CONTENT_TYPE);
                let etag = header_string(&response, header::ETAG);
                let digest = header_string(&response, "docker-content-digest");
                let bytes = read_limited(response, 4 * 1024 * 1024).map_err(|e| {
                    Error::registry(&self.host, format!("GET manifest {reference}: {e}"))
                })?;
                Ok(Some(FetchedManifest {
                    bytes,
                    media_type,
                    etag,
                    digest,
                }))
            }
            _ => Err(self.unexpected(&format!("GET manifest {reference}"), response)),
        }
    }
}

/// A precondition on a manifest PUT.
#[derive(Debug, Clone, Copy)]
pub enum Condition<'a> {
    None,
    /// Replace only the version with this ETag.
    IfMatch(&'a str),
    /// Create only: the tag must not exist.
    IfNoneMatch,
}

pub enum PutManifest {
    Stored(Response),
    Refused(Response),
}

/// What the referrers endpoint said.
#[derive(Debug)]
pub enum Referrers {
    /// 200 with an OCI index: the API answered.
    Index {
        manifests: Vec<super::manifest::Descriptor>,
        /// The registry applied the artifactType filter.
        filtered: bool,
    },
    /// Anything else, with what was seen.
    NoApi(String),
}

/// The next page from a `Link: <url>; rel="next"` header.
fn next_link(response: &Response) -> Option<String> {
    let link = response.headers().get(header::LINK)?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        params.contains("rel=\"next\"").then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

/// A manifest as the registry served it.
#[derive(Debug, Clone)]
pub struct FetchedManifest {
    pub bytes: Vec<u8>,
    pub media_type: Option<String>,
    pub etag: Option<String>,
    pub digest: Option<String>,
}

pub fn header_string(response: &Response, name: impl header::AsHeaderName) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Reads at most `limit` bytes: registry input is untrusted.
pub fn read_limited(response: Response, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    response.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "response larger than {limit} bytes"
        )));
    }
    Ok(bytes)
}

fn scope_string((repository, access): (&str, Access)) -> String {
    if repository.is_empty() {
        return String::new();
    }
    super::auth::repository_scope(repository, access == Access::Push)
}

/// The registry's error message (OCI error JSON), kept short.
fn error_detail(response: Response) -> String {
    let Ok(bytes) = read_limited(response, 64 * 1024) else {
        return String::new();
    };
    #[derive(serde::Deserialize)]
    struct Errors {
        errors: Vec<ErrorItem>,
    }
    #[derive(serde::Deserialize)]
    struct ErrorItem {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
    }
    if let Ok(parsed) = serde_json::from_slice::<Errors>(&bytes)
        && !parsed.errors.is_empty()
    {
        let parts: Vec<String> = parsed
            .errors
            .iter()
            .map(|e| format!("{} {}", e.code, e.message).trim().to_string())
            .collect();
        return format!(": {}", parts.join("; "));
    }
    let text: String = String::from_utf8_lossy(&bytes).chars().take(200).collect();
    let text = text.trim();
    if text.is_empty() {
        String::new()
    } else {
        format!(": {text}")
    }
}

fn is_transient(e: &reqwest::Error) -> bool {
    e.is_connect() || e.is_timeout() || e.is_request() || e.is_body()
}

fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn backoff(attempt: u32) -> Duration {
    let base = 250u64 << attempt.min(6);
    let mut jitter = [0u8; 2];
    let _ = getrandom::fill(&mut jitter);
    Duration::from_millis(base + u64::from(u16::from_le_bytes(jitter)) % base)
}

fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get(header::RETRY_AFTER)?.to_str().ok()?;
    let seconds: u64 = value.trim().parse().ok()?;
    Some(Duration::from_secs(seconds.min(60)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    /// A loopback server that answers each connection with the next canned
    /// reply (`None` closes the connection without answering).
    fn canned_server(
        replies: Vec<Option<&'static str>>,
    ) -> (String, std::thread::JoinHandle<usize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let host = listener.local_addr().unwrap().to_string();
        let handle = std::thread::spawn(move || {
            let mut served = 0;
            for reply in replies {
                let (mut stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap() > 2 {
                    line.clear();
                }
                served += 1;
                if let Some(text) = reply {
                    stream.write_all(text.as_bytes()).unwrap();
                }
            }
            served
        });
        (host, handle)
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
        let client =
            Client::new(&host, "http", &Options::default(), None, Box::new(|_| {})).unwrap();
        client.ping(None).unwrap();
        assert_eq!(server.join().unwrap(), 4);
    }

    #[test]
    fn gives_up_after_bounded_retries() {
        let reply = Some(
            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        let (host, server) = canned_server(vec![reply; 5]);
        let client =
            Client::new(&host, "http", &Options::default(), None, Box::new(|_| {})).unwrap();
        let err = client.ping(None).unwrap_err();
        assert!(matches!(err, Error::Registry { .. }), "{err}");
        assert_eq!(server.join().unwrap(), 5);
    }

    #[test]
    fn missing_credentials_are_an_auth_error_naming_the_registry() {
        let (host, server) = canned_server(vec![Some(
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"r\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )]);
        let client =
            Client::new(&host, "http", &Options::default(), None, Box::new(|_| {})).unwrap();
        let err = client.ping(None).unwrap_err();
        assert!(matches!(err, Error::Auth { .. }), "{err}");
        assert!(err.to_string().contains(&host), "{err}");
        assert!(err.to_string().contains("cargo attest login"), "{err}");
        server.join().unwrap();
    }

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "localhost:5000",
            "127.0.0.1:5000",
            "127.1.2.3",
            "[::1]:443",
            "::1",
        ] {
            assert!(is_loopback(h), "{h}");
        }
        for h in [
            "example.com",
            "10.0.0.1:5000",
            "localhost.example.com",
            "[2001:db8::1]:5000",
        ] {
            assert!(!is_loopback(h), "{h}");
        }
    }

    #[test]
    fn plain_http_rules() {
        let default = Options::default();
        assert_eq!(
            scheme_for("127.0.0.1:5000", None, &default).unwrap(),
            "http"
        );
        assert_eq!(scheme_for("ghcr.io", None, &default).unwrap(), "https");
        let err = scheme_for("registry.example.com", Some("http"), &default).unwrap_err();
        assert!(err.to_string().contains("--plain-http"), "{err}");
        let plain = Options {
            plain_http: true,
            ..default
        };
        assert_eq!(
            scheme_for("registry.example.com", Some("http"), &plain).unwrap(),
            "http"
        );
    }
}
