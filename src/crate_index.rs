//! A published crate's `.crate` file, checked against its registry's
//! index: the sparse index entry's `cksum` (SHA-256 of the file) is the
//! registry's word for what NAME@VERSION is, and the file (from cargo's
//! download cache, else downloaded from the index's `dl`) must hash to it
//! before it is compared with an attestation. Only sparse indexes are read.
//! Map: docs/architecture.md#crate_index

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sha2::{Digest, Sha256};
use url::Url;

use crate::environment::Env;
use crate::error::{Error, Result};

/// crates.io's index, as cargo names it.
pub(crate) const CRATES_IO_INDEX: &str = "sparse+https://index.crates.io/";
/// The largest index file or `.crate` read (crates.io caps crates at 10 MiB
/// by default; other registries may allow more).
const MAX_DOWNLOAD: u64 = 256 << 20;
const USER_AGENT: &str = concat!("cargo-attest/", env!("CARGO_PKG_VERSION"));

/// `NAME@VERSION`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CrateSpec {
    pub(crate) name: String,
    pub(crate) version: String,
}

impl CrateSpec {
    pub(crate) fn parse(text: &str) -> Result<CrateSpec> {
        let valid_name = |n: &str| {
            !n.is_empty()
                && n.len() <= 64
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        match text.split_once('@') {
            Some((name, version))
                if valid_name(name)
                    && !version.is_empty()
                    && version
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')) =>
            {
                Ok(CrateSpec {
                    name: name.to_string(),
                    version: version.to_string(),
                })
            }
            _ => Err(Error::usage(format!(
                "--crate `{text}` is not NAME@VERSION (such as serde@1.0.210)"
            ))),
        }
    }

    /// The file name cargo and registries give the crate.
    pub(crate) fn file_name(&self) -> String {
        format!("{}-{}.crate", self.name, self.version)
    }
}

/// Where the `.crate` that was checked came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// cargo's download cache (`$CARGO_HOME/registry/cache/`).
    Cache,
    /// Downloaded from the registry now.
    Download,
}

/// A `.crate` whose SHA-256 equals its index entry's `cksum`.
#[derive(Debug)]
pub(crate) struct CheckedCrate {
    pub(crate) path: PathBuf,
    pub(crate) sha256: String,
    pub(crate) index: String,
    pub(crate) origin: Origin,
}

/// What to look in and fetch from.
pub(crate) struct Lookup<'a> {
    pub(crate) spec: &'a CrateSpec,
    /// `--registry NAME`, else crates.io.
    pub(crate) registry: Option<&'a str>,
    pub(crate) env: &'a Env,
    /// Where cargo's configuration is looked for first (its ancestors'
    /// `.cargo/config.toml`, as cargo does), then `$CARGO_HOME`.
    pub(crate) cwd: &'a Path,
    /// Where a downloaded `.crate` is written.
    pub(crate) download_dir: &'a Path,
}

/// The `.crate` of `lookup.spec`, checked against the index: from cargo's
/// cache, else downloaded. A file whose bytes differ from the index's
/// checksum is an [`Error::CrateChecksum`], whichever place it came from.
pub(crate) fn checked_crate(lookup: &Lookup<'_>) -> Result<CheckedCrate> {
    let cargo_home = cargo_home(lookup.env)?;
    let index = index_url(lookup.registry, lookup.env, lookup.cwd, &cargo_home)?;
    let base = sparse_base(&index)?;
    let http = client()?;
    let spec = lookup.spec;
    let cksum = index_checksum(&http, &base, spec)?;
    if let Some(cached) = cached_crate(&cargo_home, &base, spec) {
        let sha256 = sha256_of_file(&cached)?;
        if sha256 != cksum {
            return Err(Error::crate_checksum(format!(
                "{}: its SHA-256 is {sha256}, but the index {index} records {cksum} for {}@{}: \
                 the cached file is not the crate the registry published\nhint: remove it and \
                 let cargo fetch it again, or look into who changed it",
                cached.display(),
                spec.name,
                spec.version
            )));
        }
        tracing::debug!(
            "{}: found in cargo's cache, matches the index",
            cached.display()
        );
        return Ok(CheckedCrate {
            path: cached,
            sha256,
            index,
            origin: Origin::Cache,
        });
    }
    let url = download_url(&http, &base, spec, &cksum)?;
    let bytes = get(&http, &url, "the crate download")?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    if sha256 != cksum {
        return Err(Error::crate_checksum(format!(
            "{}@{} downloaded from {}: its SHA-256 is {sha256}, but the index {index} records \
             {cksum}: the registry served bytes its own index does not vouch for",
            spec.name,
            spec.version,
            shown(&url)
        )));
    }
    let path = lookup.download_dir.join(spec.file_name());
    std::fs::write(&path, &bytes).map_err(|e| Error::io("write", &path, e))?;
    Ok(CheckedCrate {
        path,
        sha256,
        index,
        origin: Origin::Download,
    })
}

fn cargo_home(env: &Env) -> Result<PathBuf> {
    if let Some(home) = env.get("CARGO_HOME").filter(|h| !h.is_empty()) {
        return Ok(PathBuf::from(home));
    }
    env.get("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| Path::new(&h).join(".cargo"))
        .ok_or_else(|| Error::usage("neither CARGO_HOME nor HOME is set: cargo's home is unknown"))
}

/// The index URL of `registry` as cargo would find it:
/// `CARGO_REGISTRIES_<NAME>_INDEX`, else `[registries.<name>] index` in the
/// nearest `.cargo/config.toml` above `cwd`, else in `$CARGO_HOME`'s.
fn index_url(registry: Option<&str>, env: &Env, cwd: &Path, cargo_home: &Path) -> Result<String> {
    let Some(name) = registry else {
        return Ok(CRATES_IO_INDEX.to_string());
    };
    if name == "crates-io" {
        return Ok(CRATES_IO_INDEX.to_string());
    }
    let variable = format!(
        "CARGO_REGISTRIES_{}_INDEX",
        name.to_ascii_uppercase().replace('-', "_")
    );
    if let Some(index) = env.get(&variable).filter(|i| !i.is_empty()) {
        return Ok(index);
    }
    let configs = cwd
        .ancestors()
        .map(|d| d.join(".cargo"))
        .chain(std::iter::once(cargo_home.to_path_buf()))
        .flat_map(|d| [d.join("config.toml"), d.join("config")]);
    for path in configs {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let value: toml::Table = text.parse().map_err(|e| {
            Error::invalid_input(format!("{}: not valid TOML: {e}", path.display()))
        })?;
        if let Some(index) = value
            .get("registries")
            .and_then(|r| r.get(name))
            .and_then(|r| r.get("index"))
            .and_then(|i| i.as_str())
        {
            return Ok(index.to_string());
        }
    }
    Err(Error::usage(format!(
        "registry `{name}` is not configured: set {variable}, or `[registries.{name}] index = \
         \"sparse+https://...\"` in .cargo/config.toml or $CARGO_HOME/config.toml"
    )))
}

/// The base URL of a sparse index (`sparse+URL`), ending in `/`.
fn sparse_base(index: &str) -> Result<Url> {
    let Some(url) = index.strip_prefix("sparse+") else {
        return Err(Error::usage(format!(
            "the index {index} is not a sparse index: only `sparse+https://...` indexes are read \
             (crates.io's is sparse+https://index.crates.io/)"
        )));
    };
    let with_slash = if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    };
    let parsed = Url::parse(&with_slash)
        .map_err(|e| Error::usage(format!("the index URL {index} is not a URL: {e}")))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        _ => Err(Error::usage(format!(
            "the index {index} is not https: checksums are read over https only (plain http to \
             loopback hosts)"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The path of a crate's file in a sparse index (cargo's layout: `1/a`,
/// `2/ab`, `3/a/abc`, `ab/cd/abcd...`), lower-cased.
pub(crate) fn index_path(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    format!("{}/{lower}", prefix(&lower))
}

/// cargo's directory prefix of a crate name (`ca/rg` for `cargo`), in
/// the name's own case. Names are ASCII (checked by `CrateSpec::parse`).
fn prefix(name: &str) -> String {
    match name.len() {
        0 => String::new(),
        1 => "1".to_string(),
        2 => "2".to_string(),
        // `get`: never a panic, even for a name that is not ASCII.
        3 => format!("3/{}", name.get(..1).unwrap_or_default()),
        _ => format!(
            "{}/{}",
            name.get(..2).unwrap_or_default(),
            name.get(2..4).unwrap_or_default()
        ),
    }
}

fn client() -> Result<reqwest::blocking::Client> {
    reqwest::blocking::Client::builder()
        .user_agent(USER_AGENT)
        .connect_timeout(Duration::from_secs(20))
        .timeout(Duration::from_secs(300))
        .build()
        .map_err(|e| Error::internal(format!("cannot set up HTTP: {e}")))
}

fn shown(url: &Url) -> String {
    format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port().map(|p| format!(":{p}")).unwrap_or_default()
    ) + url.path()
}

fn get(http: &reqwest::blocking::Client, url: &Url, what: &str) -> Result<Vec<u8>> {
    get_unless_missing(http, url, what)?.ok_or_else(|| {
        Error::registry(
            url.host_str().unwrap_or(""),
            format!("{what} {} answered 404 Not Found", shown(url)),
        )
    })
}

/// The body, or `None` on a 404 (a sparse index's answer for a crate it
/// does not have).
fn get_unless_missing(
    http: &reqwest::blocking::Client,
    url: &Url,
    what: &str,
) -> Result<Option<Vec<u8>>> {
    let host = url.host_str().unwrap_or("").to_string();
    let response = http.get(url.clone()).send().map_err(|e| {
        Error::registry(&host, format!("cannot fetch {what} {}", shown(url)))
            .caused_by(e.without_url())
    })?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_FOUND {
        return Ok(None);
    }
    if !status.is_success() {
        return Err(Error::registry(
            &host,
            format!("{what} {} answered {status}", shown(url)),
        ));
    }
    let mut body = Vec::new();
    response
        .take(MAX_DOWNLOAD + 1)
        .read_to_end(&mut body)
        .map_err(|e| Error::registry(&host, format!("cannot read {what}")).caused_by(e))?;
    if body.len() as u64 > MAX_DOWNLOAD {
        return Err(Error::registry(
            &host,
            format!("{what} {} is larger than {MAX_DOWNLOAD} bytes", shown(url)),
        ));
    }
    Ok(Some(body))
}

/// The `cksum` of the index entry of `spec`.
fn index_checksum(
    http: &reqwest::blocking::Client,
    base: &Url,
    spec: &CrateSpec,
) -> Result<String> {
    let url = base
        .join(&index_path(&spec.name))
        .map_err(|e| Error::internal(format!("index path of {}: {e}", spec.name)))?;
    let text = get_unless_missing(http, &url, "the index file")?.unwrap_or_default();
    entry_checksum(&String::from_utf8_lossy(&text), spec).ok_or_else(|| {
        Error::invalid_input(format!(
            "{}@{} is not in the index at {}: check the name, the version and --registry",
            spec.name,
            spec.version,
            shown(base)
        ))
    })
}

/// The `cksum` of the line of an index file whose `name` and `vers` are
/// the spec's (one JSON object per line).
pub(crate) fn entry_checksum(index_file: &str, spec: &CrateSpec) -> Option<String> {
    index_file
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| {
            v["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(&spec.name))
                && v["vers"] == spec.version.as_str()
        })
        .and_then(|v| v["cksum"].as_str().map(str::to_ascii_lowercase))
        .filter(|c| c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Where the registry serves the crate: the index's `config.json` `dl`,
/// with cargo's markers replaced, or `{dl}/{crate}/{version}/download`.
fn download_url(
    http: &reqwest::blocking::Client,
    base: &Url,
    spec: &CrateSpec,
    cksum: &str,
) -> Result<Url> {
    let config_url = base
        .join("config.json")
        .map_err(|e| Error::internal(format!("config.json of {base}: {e}")))?;
    let config: serde_json::Value =
        serde_json::from_slice(&get(http, &config_url, "the index configuration")?)
            .map_err(|e| Error::invalid_input(format!("{}: not JSON: {e}", shown(&config_url))))?;
    let dl = config["dl"]
        .as_str()
        .ok_or_else(|| Error::invalid_input(format!("{} has no `dl`", shown(&config_url))))?;
    let url = dl_url(dl, spec, cksum);
    let parsed = Url::parse(&url)
        .map_err(|e| Error::invalid_input(format!("download URL {url} is not a URL: {e}")))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        _ => Err(Error::invalid_input(format!(
            "the index's download URL {url} is not https"
        ))),
    }
}

/// cargo's `dl` template.
pub(crate) fn dl_url(dl: &str, spec: &CrateSpec, cksum: &str) -> String {
    const MARKERS: [&str; 5] = [
        "{crate}",
        "{version}",
        "{prefix}",
        "{lowerprefix}",
        "{sha256-checksum}",
    ];
    if !MARKERS.iter().any(|m| dl.contains(m)) {
        return format!(
            "{}/{}/{}/download",
            dl.trim_end_matches('/'),
            spec.name,
            spec.version
        );
    }
    dl.replace("{crate}", &spec.name)
        .replace("{version}", &spec.version)
        .replace("{lowerprefix}", &prefix(&spec.name.to_ascii_lowercase()))
        .replace("{prefix}", &prefix(&spec.name))
        .replace("{sha256-checksum}", cksum)
}

/// The crate in cargo's download cache for this index, if there: cargo
/// keeps each registry's files in `registry/cache/<host>-<hash>/`.
fn cached_crate(cargo_home: &Path, base: &Url, spec: &CrateSpec) -> Option<PathBuf> {
    let host = base.host_str()?;
    let entries = std::fs::read_dir(cargo_home.join("registry").join("cache")).ok()?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(&format!("{host}-"))
        })
        .map(|e| e.path())
        .collect();
    dirs.sort();
    dirs.into_iter()
        .map(|d| d.join(spec.file_name()))
        .find(|p| p.is_file())
}

fn sha256_of_file(path: &Path) -> Result<String> {
    crate::provenance::subjects::sha256_file(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, version: &str) -> CrateSpec {
        CrateSpec {
            name: name.into(),
            version: version.into(),
        }
    }

    #[test]
    fn specs() {
        assert_eq!(
            CrateSpec::parse("serde@1.0.210").unwrap(),
            spec("serde", "1.0.210")
        );
        for bad in ["serde", "@1", "serde@", "se/rde@1", "serde@1 0"] {
            assert!(CrateSpec::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn index_paths_as_cargo_lays_them_out() {
        assert_eq!(index_path("a"), "1/a");
        assert_eq!(index_path("ab"), "2/ab");
        assert_eq!(index_path("abc"), "3/a/abc");
        assert_eq!(index_path("Serde"), "se/rd/serde");
    }

    #[test]
    fn download_urls() {
        let s = spec("Hello", "0.1.0");
        assert_eq!(
            dl_url("https://r.example/api/v1/crates", &s, "ab"),
            "https://r.example/api/v1/crates/Hello/0.1.0/download"
        );
        assert_eq!(
            dl_url(
                "http://127.0.0.1:1/{lowerprefix}/{prefix}/{crate}-{version}.crate?{sha256-checksum}",
                &s,
                "ab"
            ),
            "http://127.0.0.1:1/he/ll/He/ll/Hello-0.1.0.crate?ab"
        );
    }

    #[test]
    fn entries() {
        let file = concat!(
            r#"{"name":"hello","vers":"0.1.0","deps":[],"cksum":"AA00000000000000000000000000000000000000000000000000000000000000","features":{},"yanked":false}"#,
            "\n",
            r#"{"name":"hello","vers":"0.2.0","deps":[],"cksum":"bb","features":{},"yanked":false}"#,
        );
        assert_eq!(
            entry_checksum(file, &spec("hello", "0.1.0")).unwrap(),
            format!("aa{}", "0".repeat(62))
        );
        // A checksum that is not 64 hex digits is no checksum.
        assert_eq!(entry_checksum(file, &spec("hello", "0.2.0")), None);
        assert_eq!(entry_checksum(file, &spec("hello", "0.3.0")), None);
    }

    #[test]
    fn sparse_indexes_only_over_https_or_loopback() {
        assert!(sparse_base("sparse+https://index.crates.io/").is_ok());
        assert!(sparse_base("sparse+http://127.0.0.1:8080/index").is_ok());
        assert!(sparse_base("sparse+http://registry.example/").is_err());
        assert!(sparse_base("https://github.com/rust-lang/crates.io-index").is_err());
    }
}
