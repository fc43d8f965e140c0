//! The build's source: the git checkout it came from.

use std::path::Path;
use std::process::Command;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GitSource {
    /// The `origin` remote (or the first remote), credentials removed.
    pub(crate) url: Option<String>,
    pub(crate) commit: String,
    /// `refs/heads/...` when on a branch.
    pub(crate) reference: Option<String>,
    /// Tracked files differ from the commit.
    pub(crate) dirty: bool,
    /// The commit's committer time (seconds since the epoch).
    pub(crate) commit_time: Option<i64>,
}

/// What the build's directory is, as far as git tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Checkout {
    /// Not in a git checkout, or git is not installed.
    None,
    /// A repository without a commit yet.
    Unborn,
    At(GitSource),
}

/// Reads the git checkout containing `dir`.
pub(crate) fn git_checkout(dir: &Path) -> Checkout {
    match git_source(dir) {
        Some(source) => Checkout::At(source),
        None if run_git(dir, &["rev-parse", "--git-dir"]).is_some() => Checkout::Unborn,
        None => Checkout::None,
    }
}

/// The committer time of HEAD in the checkout containing `dir`.
pub(crate) fn commit_time(dir: &Path) -> Option<i64> {
    run_git(dir, &["show", "-s", "--format=%ct", "HEAD"])?
        .parse()
        .ok()
}

fn run_git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Reads the git checkout containing `dir`; `None` outside one or when git
/// is not installed.
pub(crate) fn git_source(dir: &Path) -> Option<GitSource> {
    let git = |args: &[&str]| run_git(dir, args);
    let commit = git(&["rev-parse", "--verify", "-q", "HEAD"])?;
    if commit.is_empty() {
        return None;
    }
    let url = git(&["remote", "get-url", "origin"])
        .or_else(|| {
            let first = git(&["remote"])?.lines().next()?.to_string();
            git(&["remote", "get-url", &first])
        })
        .filter(|u| !u.is_empty())
        .map(|u| strip_userinfo(&u));
    let reference = git(&["symbolic-ref", "-q", "HEAD"]).filter(|r| !r.is_empty());
    let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
        .map(|s| !s.is_empty())
        .unwrap_or(false);
    let commit_time = git(&["show", "-s", "--format=%ct", "HEAD"]).and_then(|t| t.parse().ok());
    Some(GitSource {
        url,
        commit,
        reference,
        dirty,
        commit_time,
    })
}

/// Removes `user:password@` from a URL: remotes and registry URLs sometimes
/// carry tokens, and provenance is published.
pub(crate) fn strip_userinfo(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}{}", &url[..scheme_end + 3], &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// Normalises a repository URL for comparison: no `git+` prefix, no
/// credentials, no `@ref` or `#fragment`, no `.git` or trailing `/`,
/// scp-like `git@host:path` as `https://host/path`, lowercase host.
pub(crate) fn normalize_repo_url(url: &str) -> String {
    let mut u = url.trim().trim_start_matches("git+").to_string();
    if !u.contains("://")
        && let Some((host, path)) = u.split_once(':')
        && let Some(host) = host.rsplit('@').next()
    {
        u = format!("https://{host}/{path}");
    }
    let mut u = strip_userinfo(&u);
    if let Some(i) = u.find('#') {
        u.truncate(i);
    }
    if let Some(scheme_end) = u.find("://") {
        let path_start = u[scheme_end + 3..].find('/').map(|i| i + scheme_end + 3);
        if let Some(ps) = path_start {
            if let Some(at) = u[ps..].find('@') {
                u.truncate(ps + at);
            }
            let host = u[scheme_end + 3..ps].to_ascii_lowercase();
            u = format!("{}{}{}", &u[..scheme_end + 3], host, &u[ps..]);
        }
        let scheme = u[..scheme_end].to_ascii_lowercase();
        if scheme == "ssh" || scheme == "git" || scheme == "http" {
            u = format!("https{}", &u[scheme_end..]);
        }
    }
    let u = u.trim_end_matches('/');
    u.strip_suffix(".git").unwrap_or(u).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_removed() {
        assert_eq!(
            strip_userinfo("https://x-access-token:ghs_SECRET@github.com/o/r.git"),
            "https://github.com/o/r.git"
        );
        assert_eq!(
            strip_userinfo("https://github.com/o/r"),
            "https://github.com/o/r"
        );
        assert_eq!(
            strip_userinfo("git@github.com:o/r.git"),
            "git@github.com:o/r.git"
        );
    }

    #[test]
    fn repo_urls_compare_equal() {
        let want = "https://github.com/o/r";
        for url in [
            "https://github.com/o/r",
            "https://github.com/o/r.git",
            "git+https://github.com/o/r@refs/heads/main",
            "git@github.com:o/r.git",
            "https://tok@GitHub.com/o/r/",
            "ssh://git@github.com/o/r.git",
        ] {
            assert_eq!(normalize_repo_url(url), want, "{url}");
        }
        assert_ne!(normalize_repo_url("https://github.com/o/r2"), want);
    }
}
