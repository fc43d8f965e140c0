//! What a provenance statement claims, in a few fields people look for
//! (`inspect`): SLSA v1, and v0.2 which older producers still write. Read,
//! not checked.

use super::policy::source_dependency;
use crate::provenance::Statement;

/// The fields of a statement `inspect` shows.
#[derive(Debug, Clone)]
pub(crate) struct Summary {
    pub(crate) statement_type: String,
    pub(crate) predicate_type: String,
    /// Each subject's name and digest (`sha256:HEX`, else its first one).
    pub(crate) subjects: Vec<(String, String)>,
    pub(crate) builder: Option<String>,
    pub(crate) build_type: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) source_commit: Option<String>,
    /// Resolved dependencies (v1) or materials (v0.2).
    pub(crate) materials: Option<usize>,
    pub(crate) started: Option<String>,
    pub(crate) finished: Option<String>,
}

pub(crate) fn summarize(statement: &Statement) -> Summary {
    let p = &statement.predicate;
    let text = |pointers: &[&str]| {
        pointers
            .iter()
            .find_map(|ptr| p.pointer(ptr).and_then(|v| v.as_str()))
            .map(str::to_string)
    };
    let subjects = statement
        .subject
        .iter()
        .map(|s| {
            let digest = s
                .sha256()
                .map(|d| format!("sha256:{d}"))
                .or_else(|| s.digest.iter().next().map(|(alg, d)| format!("{alg}:{d}")))
                .unwrap_or_else(|| "(no digest)".into());
            (s.name.clone(), digest)
        })
        .collect();
    let source_dep = source_dependency(statement);
    let source = source_dep
        .and_then(|d| d.get("uri"))
        .and_then(|u| u.as_str())
        .map(str::to_string)
        .or_else(|| text(&["/invocation/configSource/uri"]));
    let commit_of = |digest: Option<&serde_json::Value>| {
        let digest = digest?.as_object()?;
        ["gitCommit", "sha1"]
            .iter()
            .find_map(|k| digest.get(*k))
            .or_else(|| digest.values().next())
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let source_commit = commit_of(source_dep.and_then(|d| d.get("digest")))
        .or_else(|| commit_of(p.pointer("/invocation/configSource/digest")));
    let materials = p
        .pointer("/buildDefinition/resolvedDependencies")
        .or_else(|| p.pointer("/materials"))
        .and_then(|m| m.as_array())
        .map(Vec::len);
    Summary {
        statement_type: statement.statement_type.clone(),
        predicate_type: statement.predicate_type.clone(),
        subjects,
        builder: text(&["/runDetails/builder/id", "/builder/id"]),
        build_type: text(&["/buildDefinition/buildType", "/buildType"]),
        source,
        source_commit,
        materials,
        started: text(&["/runDetails/metadata/startedOn", "/metadata/buildStartedOn"]),
        finished: text(&[
            "/runDetails/metadata/finishedOn",
            "/metadata/buildFinishedOn",
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_slsa_v1_and_v02() {
        let v1: Statement = serde_json::from_value(serde_json::json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "a", "digest": {"sha512": "ff"}}],
            "predicateType": "https://slsa.dev/provenance/v1",
            "predicate": {
                "buildDefinition": {"buildType": "bt", "resolvedDependencies": [
                    {"uri": "git+https://x/y@refs/heads/main", "digest": {"gitCommit": "c0"}, "name": "source"},
                    {"uri": "pkg:cargo/a@1"}
                ]},
                "runDetails": {"builder": {"id": "b"}, "metadata": {"startedOn": "s", "finishedOn": "f"}}
            }
        }))
        .unwrap();
        let s = summarize(&v1);
        assert_eq!(s.subjects, [("a".to_string(), "sha512:ff".to_string())]);
        assert_eq!(s.builder.as_deref(), Some("b"));
        assert_eq!(s.source_commit.as_deref(), Some("c0"));
        assert_eq!(s.materials, Some(2));
        assert_eq!(s.finished.as_deref(), Some("f"));

        let v02: Statement = serde_json::from_value(serde_json::json!({
            "_type": "https://in-toto.io/Statement/v0.1",
            "subject": [],
            "predicateType": "https://slsa.dev/provenance/v0.2",
            "predicate": {
                "builder": {"id": "b2"}, "buildType": "bt2",
                "invocation": {"configSource": {"uri": "git+https://x/z", "digest": {"sha1": "c2"}}},
                "materials": [{"uri": "m"}],
                "metadata": {"buildStartedOn": "s2"}
            }
        }))
        .unwrap();
        let s = summarize(&v02);
        assert_eq!(s.builder.as_deref(), Some("b2"));
        assert_eq!(s.source.as_deref(), Some("git+https://x/z"));
        assert_eq!(s.source_commit.as_deref(), Some("c2"));
        assert_eq!(s.materials, Some(1));
        assert_eq!(s.started.as_deref(), Some("s2"));
    }
}
