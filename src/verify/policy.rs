//! Policy flags, each matched against exactly the field it names.

use crate::error::{Error, Result};
use crate::provenance::{Statement, source};

/// What a verifier requires beyond a valid signature.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub(crate) predicate_type: String,
    pub(crate) builder_id: Option<String>,
    pub(crate) source_repo: Option<String>,
    /// A git ref, `refs/heads/main` or `refs/tags/v1.0`, compared exactly.
    pub(crate) source_ref: Option<String>,
    /// The source commit, hex (case-insensitive).
    pub(crate) source_digest: Option<String>,
}

/// The builder id and source repository policy. Returns the builder id.
pub(crate) fn check_policy(statement: &Statement, policy: &Policy) -> Result<Option<String>> {
    let builder_id = statement
        .predicate
        .pointer("/runDetails/builder/id")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    if let Some(want) = &policy.builder_id
        && builder_id.as_deref() != Some(want.as_str())
    {
        return Err(Error::verification(format!(
            "builder id is {}, policy requires `{want}`",
            builder_id
                .map(|b| format!("`{b}`"))
                .unwrap_or_else(|| "missing".into())
        )));
    }
    if let Some(want) = &policy.source_repo {
        let repos = source_repositories(statement);
        let wanted = source::normalize_repo_url(want);
        if !repos
            .iter()
            .any(|r| source::normalize_repo_url(r) == wanted)
        {
            return Err(Error::verification(format!(
                "source repository is {}, policy requires `{want}`",
                if repos.is_empty() {
                    "not recorded".to_string()
                } else {
                    repos
                        .iter()
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            )));
        }
    }
    if let Some(want) = &policy.source_ref {
        let refs = source_refs(statement);
        if !refs.iter().any(|r| r == want) {
            return Err(Error::verification(format!(
                "source ref is {}, policy requires `{want}`",
                listed(&refs)
            )));
        }
    }
    if let Some(want) = &policy.source_digest {
        // `gitCommit:HEX` or `sha1:HEX` as well as plain HEX.
        let want_hex = want.rsplit_once(':').map_or(want.as_str(), |(_, h)| h);
        let digests = source_digests(statement);
        if !digests.iter().any(|d| d.eq_ignore_ascii_case(want_hex)) {
            return Err(Error::verification(format!(
                "source commit is {}, policy requires `{want}`",
                listed(&digests)
            )));
        }
    }
    Ok(builder_id)
}

fn listed(values: &[String]) -> String {
    if values.is_empty() {
        "not recorded".to_string()
    } else {
        values
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The resolved dependency a provenance predicate names as the build's
/// source: ours and SLSA generators' named `source`, else, by the SLSA
/// convention, the first one when it is a git URI.
pub(crate) fn source_dependency(statement: &Statement) -> Option<&serde_json::Value> {
    let deps = statement
        .predicate
        .pointer("/buildDefinition/resolvedDependencies")?
        .as_array()?;
    let is_git = |dep: &&serde_json::Value| {
        dep.get("uri")
            .and_then(|u| u.as_str())
            .is_some_and(|u| u.starts_with("git+"))
    };
    match deps
        .iter()
        .find(|d| d.get("name").and_then(|n| n.as_str()) == Some("source"))
    {
        Some(dep) => Some(dep),
        None => deps.first().filter(is_git),
    }
}

/// The git refs the predicate records for its source: the `@refs/...`
/// part of the source URI, and GitHub's workflow ref.
pub(crate) fn source_refs(statement: &Statement) -> Vec<String> {
    let mut refs = Vec::new();
    if let Some(uri) = source_dependency(statement)
        .and_then(|d| d.get("uri"))
        .and_then(|u| u.as_str())
        && let Some((_, r)) = uri.rsplit_once('@')
        && r.starts_with("refs/")
    {
        refs.push(r.to_string());
    }
    if let Some(r) = statement
        .predicate
        .pointer("/buildDefinition/externalParameters/workflow/ref")
        .and_then(|r| r.as_str())
        && !refs.iter().any(|x| x == r)
    {
        refs.push(r.to_string());
    }
    refs
}

/// The commit digests the predicate records for its source (`gitCommit`,
/// `sha1`, any algorithm of the source dependency).
pub(crate) fn source_digests(statement: &Statement) -> Vec<String> {
    source_dependency(statement)
        .and_then(|d| d.get("digest"))
        .and_then(|d| d.as_object())
        .map(|digests| {
            digests
                .values()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The repositories a provenance predicate names as the build's source —
/// never its dependencies: ours and SLSA generators' resolved dependency
/// named `source` (else, by the SLSA convention, the first resolved
/// dependency when it is a git URI), and GitHub's workflow repository.
pub(crate) fn source_repositories(statement: &Statement) -> Vec<String> {
    let mut repos = Vec::new();
    if let Some(uri) = source_dependency(statement)
        .and_then(|d| d.get("uri"))
        .and_then(|u| u.as_str())
        .filter(|u| u.starts_with("git+"))
    {
        repos.push(uri.to_string());
    }
    if let Some(repo) = statement
        .predicate
        .pointer("/buildDefinition/externalParameters/workflow/repository")
        .and_then(|r| r.as_str())
    {
        repos.push(repo.to_string());
    }
    repos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(deps: serde_json::Value) -> Statement {
        serde_json::from_value(serde_json::json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [],
            "predicateType": "https://slsa.dev/provenance/v1",
            "predicate": {"buildDefinition": {"resolvedDependencies": deps}}
        }))
        .unwrap()
    }

    fn policy(repo: &str) -> Policy {
        Policy {
            predicate_type: "https://slsa.dev/provenance/v1".into(),
            builder_id: None,
            source_repo: Some(repo.into()),
            source_ref: None,
            source_digest: None,
        }
    }

    #[test]
    fn source_repo_matches_the_source_only() {
        let s = statement(serde_json::json!([
            {"uri": "git+https://github.com/acme/tool@refs/heads/main", "name": "source"},
            {"uri": "git+https://github.com/evil/dep", "name": "dep"},
        ]));
        assert!(check_policy(&s, &policy("https://github.com/acme/tool")).is_ok());
        assert!(check_policy(&s, &policy("https://github.com/evil/dep")).is_err());
        let unnamed = statement(serde_json::json!([
            {"uri": "pkg:cargo/itoa@1.0.0"},
            {"uri": "git+https://github.com/evil/dep"},
        ]));
        assert!(check_policy(&unnamed, &policy("https://github.com/evil/dep")).is_err());
    }

    #[test]
    fn source_ref_and_commit_match_the_source_only() {
        let s = statement(serde_json::json!([
            {"uri": "git+git@example.com:acme/tool.git@refs/heads/main", "name": "source",
             "digest": {"gitCommit": "ABCDEF0123"}},
            {"uri": "git+https://github.com/evil/dep@refs/heads/evil", "name": "dep",
             "digest": {"gitCommit": "666"}},
        ]));
        let with = |source_ref: Option<&str>, source_digest: Option<&str>| Policy {
            predicate_type: "https://slsa.dev/provenance/v1".into(),
            builder_id: None,
            source_repo: None,
            source_ref: source_ref.map(Into::into),
            source_digest: source_digest.map(Into::into),
        };
        assert!(check_policy(&s, &with(Some("refs/heads/main"), Some("abcdef0123"))).is_ok());
        assert!(check_policy(&s, &with(None, Some("gitCommit:abcdef0123"))).is_ok());
        assert!(check_policy(&s, &with(Some("main"), None)).is_err());
        assert!(check_policy(&s, &with(Some("refs/heads/evil"), None)).is_err());
        let e = check_policy(&s, &with(None, Some("666"))).unwrap_err();
        assert!(e.to_string().contains("`ABCDEF0123`"), "{e}");
    }
}
