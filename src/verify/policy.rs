//! Policy flags, each matched against exactly the field it names.

use crate::error::{Error, Result};
use crate::provenance::{Statement, source};

/// What a verifier requires beyond a valid signature.
#[derive(Debug, Clone)]
pub(crate) struct Policy {
    pub(crate) predicate_type: String,
    pub(crate) builder_id: Option<String>,
    pub(crate) source_repo: Option<String>,
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
    Ok(builder_id)
}

/// The repositories a provenance predicate names as the build's source —
/// never its dependencies: ours and SLSA generators' resolved dependency
/// named `source` (else, by the SLSA convention, the first resolved
/// dependency when it is a git URI), and GitHub's workflow repository.
pub(crate) fn source_repositories(statement: &Statement) -> Vec<String> {
    let mut repos = Vec::new();
    if let Some(deps) = statement
        .predicate
        .pointer("/buildDefinition/resolvedDependencies")
        .and_then(|d| d.as_array())
    {
        let git_uri = |dep: &serde_json::Value| {
            dep.get("uri")
                .and_then(|u| u.as_str())
                .filter(|u| u.starts_with("git+"))
                .map(str::to_string)
        };
        let named = deps
            .iter()
            .find(|d| d.get("name").and_then(|n| n.as_str()) == Some("source"));
        match named {
            Some(dep) => repos.extend(git_uri(dep)),
            None => repos.extend(deps.first().and_then(git_uri)),
        }
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
}
