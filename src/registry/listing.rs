//! Paginated listings: referrers and tags, under one budget per listing so
//! a registry cannot drive us out of memory with many or huge pages.

use reqwest::blocking::Response;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode, Url};

use super::client::Client;
use super::transport::{BodyError, Request, Scope, header_string, read_limited};
use crate::error::{Error, Result};
use crate::oci::manifest::{ImageIndex, MEDIA_TYPE_INDEX};
use crate::oci::store::Referrers;

/// What one listing (all its pages together) may cost.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Budget {
    pub(crate) bytes: u64,
    pub(crate) entries: usize,
    pub(crate) pages: usize,
}

/// Enough for 200k referrers or tags; far beyond any real repository, far
/// below what hurts.
pub(crate) const LISTING_BUDGET: Budget = Budget {
    bytes: 48 * 1024 * 1024,
    entries: 200_000,
    pages: 1000,
};

struct Spent {
    budget: Budget,
    bytes: u64,
    entries: usize,
    pages: usize,
}

impl Spent {
    fn new(budget: Budget) -> Self {
        Spent {
            budget,
            bytes: 0,
            entries: 0,
            pages: 0,
        }
    }

    /// Reads the next page's body within what is left of the budget.
    fn read_page(&mut self, client: &Client, what: &str, response: Response) -> Result<Vec<u8>> {
        self.pages += 1;
        if self.pages > self.budget.pages {
            return Err(self.exceeded(
                client,
                what,
                &format!("more than {} pages", self.budget.pages),
            ));
        }
        let left = self.budget.bytes.saturating_sub(self.bytes);
        let within = client.limits().for_transfer(left);
        let bytes = read_limited(response, left, within).map_err(|e| match e {
            BodyError::TooLarge(_) => self.exceeded(
                client,
                what,
                &format!("more than {} MiB in all", self.budget.bytes / (1024 * 1024)),
            ),
            broken => Error::registry(client.host(), format!("{what}: {broken}")),
        })?;
        self.bytes += bytes.len() as u64;
        Ok(bytes)
    }

    fn add_entries(&mut self, client: &Client, what: &str, n: usize) -> Result<()> {
        self.entries += n;
        if self.entries > self.budget.entries {
            return Err(self.exceeded(
                client,
                what,
                &format!("more than {} entries", self.budget.entries),
            ));
        }
        Ok(())
    }

    fn exceeded(&self, client: &Client, what: &str, why: &str) -> Error {
        Error::registry(
            client.host(),
            format!("{what}: the listing is too large ({why}); refusing to read further"),
        )
    }
}

impl Client {
    /// `GET /v2/<name>/referrers/<digest>`, following `Link` pages. Only a
    /// 200 with an OCI index body counts as an answer of the API.
    pub(crate) fn referrers(
        &self,
        repository: &str,
        digest: &str,
        artifact_type: Option<&str>,
        budget: Budget,
    ) -> Result<Referrers> {
        let mut url = self.url(&format!("/v2/{repository}/referrers/{digest}"))?;
        if let Some(t) = artifact_type {
            url.query_pairs_mut().append_pair("artifactType", t);
        }
        let mut all = Vec::new();
        let mut spent = Spent::new(budget);
        loop {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT, HeaderValue::from_static(MEDIA_TYPE_INDEX));
            let response = self.send(
                Request {
                    headers,
                    expect: budget.bytes,
                    ..Request::new(Method::GET, url.clone(), Scope::pull(repository))
                },
                &|| {},
            )?;
            let status = response.status();
            // A server error is no evidence either way: it must not make the
            // referrers API look absent (and be remembered so).
            if (status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED)
                || status == StatusCode::TOO_MANY_REQUESTS
            {
                return Err(self.unexpected("referrers", response));
            }
            if status != StatusCode::OK {
                return Ok(Referrers::NoApi(format!("HTTP {}", status.as_u16())));
            }
            let content_type = header_string(&response, header::CONTENT_TYPE).unwrap_or_default();
            let next = self.next_page(&url, &response)?;
            let bytes = spent.read_page(self, "referrers", response)?;
            let index: ImageIndex = match serde_json::from_slice(&bytes) {
                Ok(i) => i,
                Err(_) => {
                    return Ok(Referrers::NoApi(format!(
                        "HTTP 200 with a body that is not an OCI index ({content_type})"
                    )));
                }
            };
            let is_index_type = content_type.starts_with(MEDIA_TYPE_INDEX)
                || index.media_type.as_deref() == Some(MEDIA_TYPE_INDEX);
            if !is_index_type {
                return Ok(Referrers::NoApi(format!(
                    "HTTP 200 with Content-Type `{content_type}`"
                )));
            }
            spent.add_entries(self, "referrers", index.manifests.len())?;
            all.extend(index.manifests);
            match next {
                Some(n) => url = n,
                None => break,
            }
        }
        Ok(Referrers::Index { manifests: all })
    }

    /// All tags of a repository, following `Link` pages.
    pub(crate) fn list_tags(&self, repository: &str, budget: Budget) -> Result<Vec<String>> {
        let mut url = self.url(&format!("/v2/{repository}/tags/list"))?;
        let mut tags = Vec::new();
        let mut spent = Spent::new(budget);
        loop {
            let response = self.send(
                Request {
                    expect: budget.bytes,
                    ..Request::new(Method::GET, url.clone(), Scope::pull(repository))
                },
                &|| {},
            )?;
            if response.status() == StatusCode::NOT_FOUND {
                return Ok(tags);
            }
            if !response.status().is_success() {
                return Err(self.unexpected("list tags", response));
            }
            let next = self.next_page(&url, &response)?;
            let bytes = spent.read_page(self, "list tags", response)?;
            #[derive(serde::Deserialize)]
            struct TagList {
                #[serde(default)]
                tags: Option<Vec<String>>,
            }
            let page: TagList = serde_json::from_slice(&bytes).map_err(|e| {
                Error::registry(&self.host, format!("list tags: not a tag list: {e}"))
            })?;
            let page = page.tags.unwrap_or_default();
            spent.add_entries(self, "list tags", page.len())?;
            tags.extend(page);
            match next {
                Some(n) => url = n,
                None => break,
            }
        }
        tags.sort();
        tags.dedup();
        Ok(tags)
    }

    /// The next page from a `Link: <url>; rel="next"` header. It must stay
    /// on this registry: a listing never sends us (or our token) elsewhere.
    fn next_page(&self, current: &Url, response: &Response) -> Result<Option<Url>> {
        let Some(link) = next_link(response) else {
            return Ok(None);
        };
        let next = current
            .join(&link)
            .map_err(|_| Error::registry(&self.host, format!("bad Link header `{link}`")))?;
        if !super::policy::same_origin(&next, &self.base) {
            return Err(Error::registry(
                &self.host,
                "a listing's next page points at another host; refusing to follow it",
            ));
        }
        Ok(Some(next))
    }
}

/// The target of a `Link: <url>; rel="next"` header.
fn next_link(response: &Response) -> Option<String> {
    next_link_from_header(response.headers().get(header::LINK)?.to_str().ok()?)
}

/// The `rel=next` target of a `Link` header value, read as RFC 8288 has
/// it: link-values separated by commas outside `<...>` and quoted strings,
/// parameters quoted or not, `rel` a space-separated list of relation
/// types, compared without case. `None` once the header stops making sense.
pub(crate) fn next_link_from_header(link: &str) -> Option<String> {
    let mut rest = link;
    loop {
        rest = rest.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
        let (target, mut params) = rest.strip_prefix('<')?.split_once('>')?;
        let mut is_next = false;
        while let Some(param) = params.trim_start().strip_prefix(';') {
            let (name, value, after) = link_param(param);
            if name.eq_ignore_ascii_case("rel") {
                is_next |= value
                    .split_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next"));
            }
            params = after;
        }
        if is_next {
            return Some(target.trim().to_string());
        }
        rest = params.trim_start();
        if !rest.starts_with(',') {
            return None;
        }
    }
}

/// One `name[=value]` link parameter: its name, its (unquoted) value, and
/// the text after it.
fn link_param(text: &str) -> (&str, String, &str) {
    let end = text.find(['=', ';', ',']).unwrap_or(text.len());
    let name = text[..end].trim();
    let Some(value) = text[end..].strip_prefix('=') else {
        return (name, String::new(), &text[end..]);
    };
    let value = value.trim_start();
    if let Some(quoted) = value.strip_prefix('"') {
        let mut unquoted = String::new();
        let mut chars = quoted.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => unquoted.extend(chars.next().map(|(_, c)| c)),
                '"' => return (name, unquoted, &quoted[i + 1..]),
                c => unquoted.push(c),
            }
        }
        (name, unquoted, "")
    } else {
        let end = value.find([';', ',']).unwrap_or(value.len());
        (name, value[..end].trim().to_string(), &value[end..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers() {
        let next = |h: &str| next_link_from_header(h);
        assert_eq!(
            next(r#"</v2/a/tags/list?n=2&last=b>; rel="next""#).as_deref(),
            Some("/v2/a/tags/list?n=2&last=b")
        );
        // Found by fuzzing: commas and semicolons inside <...>, unquoted
        // and multi-valued rel, and other link-values around it.
        assert_eq!(next("<*>; rel=next").as_deref(), Some("*"));
        assert_eq!(
            next(r#"</x?a=1,2;b>; rel="next""#).as_deref(),
            Some("/x?a=1,2;b")
        );
        assert_eq!(
            next(r#"</p>; rel="prev", </n>; title="a, \"b\"; c"; REL="last Next""#).as_deref(),
            Some("/n")
        );
        assert_eq!(next(r#"</p>; rel="prev""#), None);
        assert_eq!(next(r#"</p>; rel="nextpage""#), None);
        assert_eq!(next(""), None);
        assert_eq!(next(r#"garbage </n>; rel="next""#), None);
    }
}
