//! SLSA v1 provenance in an in-toto Statement v1, as deterministic JSON.
//!
//! Every field is documented in docs/provenance.md; the build type URI
//! [`BUILD_TYPE`] names that document's schema.
//! Map: docs/architecture.md#provenance

pub(crate) mod cargo;
pub(crate) mod ci;
mod depinfo;
pub(crate) mod gather;
pub(crate) mod names;
pub(crate) mod source;
pub(crate) mod subjects;

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub(crate) use cargo::{LockedPackage, Toolchain};
pub(crate) use ci::BuilderInfo;
pub(crate) use source::GitSource;
pub(crate) use subjects::Subject;

use crate::error::{Error, Result};
use crate::strict_json::{self, StrictError};

pub(crate) const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
pub(crate) const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
pub(crate) const BUILD_TYPE: &str = "https://cargo-attest.dev/build-types/cargo/v1";

/// An in-toto Statement v1. `P` is our typed predicate when writing and a
/// plain JSON value when reading statements from anyone.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Statement<P = Value> {
    #[serde(rename = "_type")]
    pub(crate) statement_type: String,
    pub(crate) subject: Vec<Subject>,
    #[serde(rename = "predicateType")]
    pub(crate) predicate_type: String,
    pub(crate) predicate: P,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Provenance {
    pub(crate) build_definition: BuildDefinition,
    pub(crate) run_details: RunDetails,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BuildDefinition {
    pub(crate) build_type: String,
    pub(crate) external_parameters: ExternalParameters,
    pub(crate) internal_parameters: InternalParameters,
    pub(crate) resolved_dependencies: Vec<ResourceDescriptor>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExternalParameters {
    /// The `cargo attest` command line, program name normalised.
    pub(crate) command: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) manifest_path: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) packages: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) profile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) target: Option<String>,
    /// Every target of a multi-target build, in the statement of its image
    /// index (each target's own statement has `target`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) targets: Vec<String>,
    pub(crate) features: FeatureRequest,
}

/// The feature flags of the build, as requested.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FeatureRequest {
    pub(crate) features: Vec<String>,
    pub(crate) all_features: bool,
    pub(crate) no_default_features: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InternalParameters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) toolchain: Option<ToolchainParameters>,
    /// Features cargo enabled per attested package, after resolution.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) enabled_features: BTreeMap<String, Vec<String>>,
    /// Environment variables that change build output (an allow-list).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) env: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ToolchainParameters {
    /// `rustc -vV`, first line.
    pub(crate) rustc: String,
    /// `rustc -vV`, the `key: value` lines.
    pub(crate) rustc_verbose: BTreeMap<String, String>,
    /// `cargo -V`.
    pub(crate) cargo: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub(crate) struct ResourceDescriptor {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) uri: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) digest: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) name: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) annotations: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RunDetails {
    pub(crate) builder: Builder,
    pub(crate) metadata: BuildMetadata,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Builder {
    pub(crate) id: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) version: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BuildMetadata {
    pub(crate) invocation_id: String,
    pub(crate) started_on: String,
    pub(crate) finished_on: String,
}

/// Everything the provenance records, gathered by the caller.
#[derive(Debug, Clone)]
pub(crate) struct ProvenanceInput {
    pub(crate) subjects: Vec<Subject>,
    pub(crate) command: Vec<String>,
    pub(crate) manifest_path: Option<String>,
    /// `name@version` of each attested package.
    pub(crate) packages: Vec<String>,
    pub(crate) profile: Option<String>,
    pub(crate) target: Option<String>,
    /// See [`ExternalParameters::targets`].
    pub(crate) targets: Vec<String>,
    pub(crate) features: FeatureRequest,
    pub(crate) enabled_features: BTreeMap<String, Vec<String>>,
    pub(crate) toolchain: Option<Toolchain>,
    pub(crate) env: BTreeMap<String, String>,
    pub(crate) source: Option<GitSource>,
    pub(crate) lock: Vec<LockedPackage>,
    pub(crate) builder: BuilderInfo,
    pub(crate) started: Timestamp,
    pub(crate) finished: Timestamp,
}

/// Environment variables recorded because they change what cargo builds.
/// An allow-list, so a secret in some other variable can never leak.
pub(crate) fn output_affecting_env(
    vars: impl Iterator<Item = (String, String)>,
) -> BTreeMap<String, String> {
    const EXACT: &[&str] = &[
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_BOOTSTRAP",
        "CARGO_INCREMENTAL",
        "CARGO_BUILD_TARGET",
        "CC",
        "CXX",
        "AR",
        "CFLAGS",
        "CXXFLAGS",
        "LDFLAGS",
        "MACOSX_DEPLOYMENT_TARGET",
        "SOURCE_DATE_EPOCH",
    ];
    vars.filter(|(k, _)| {
        EXACT.contains(&k.as_str())
            || k.starts_with("CARGO_PROFILE_")
            || (k.starts_with("CARGO_TARGET_")
                && (k.ends_with("_RUSTFLAGS") || k.ends_with("_LINKER")))
    })
    .collect()
}

/// Reads SOURCE_DATE_EPOCH (seconds since the epoch).
pub(crate) fn source_date_epoch(value: Option<&str>) -> Result<Option<Timestamp>> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let seconds: i64 = value.parse().map_err(|_| {
        Error::usage(format!(
            "SOURCE_DATE_EPOCH=`{value}` is not a whole number of seconds since 1970-01-01"
        ))
    })?;
    Timestamp::from_second(seconds)
        .map(Some)
        .map_err(|e| Error::usage(format!("SOURCE_DATE_EPOCH=`{value}` is out of range: {e}")))
}

/// When what we push says it was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Created {
    /// SOURCE_DATE_EPOCH, else the commit's time, else no annotation: the
    /// same inputs push the same manifests.
    Reproducible,
    Now,
    At(Timestamp),
}

/// `org.opencontainers.image.created` of what we push, if any.
pub(crate) fn created_annotation(
    policy: Created,
    source_date_epoch: Option<Timestamp>,
    commit_time: Option<i64>,
) -> Option<String> {
    match policy {
        Created::Now => Some(rfc3339(Timestamp::now())),
        Created::At(t) => Some(rfc3339(t)),
        Created::Reproducible => source_date_epoch
            .or_else(|| commit_time.and_then(|s| Timestamp::from_second(s).ok()))
            .map(rfc3339),
    }
}

/// RFC 3339 in whole seconds, as every timestamp we write.
pub(crate) fn rfc3339(t: Timestamp) -> String {
    // Whole seconds: sub-second noise makes nothing more true.
    Timestamp::from_second(t.as_second())
        .unwrap_or(t)
        .to_string()
}

pub(crate) fn resolved_dependencies(input: &ProvenanceInput) -> Vec<ResourceDescriptor> {
    let mut deps = Vec::new();
    if let Some(src) = &input.source {
        let uri = src.url.as_ref().map(|url| match &src.reference {
            Some(r) => format!("git+{url}@{r}"),
            None => format!("git+{url}"),
        });
        deps.push(ResourceDescriptor {
            uri,
            digest: BTreeMap::from([("gitCommit".to_string(), src.commit.clone())]),
            name: Some("source".into()),
            annotations: BTreeMap::from([("dirty".to_string(), Value::Bool(src.dirty))]),
        });
    }
    if let Some(tc) = &input.toolchain {
        let release = tc.rustc.get("release").cloned().unwrap_or_default();
        let mut digest = BTreeMap::new();
        if let Some(commit) = tc.rustc.get("commit-hash").filter(|c| c.len() == 40) {
            digest.insert("gitCommit".to_string(), commit.clone());
        }
        deps.push(ResourceDescriptor {
            uri: Some(format!("pkg:generic/rustc@{release}")),
            digest,
            name: Some("rustc".into()),
            annotations: BTreeMap::new(),
        });
    }
    for p in &input.lock {
        let mut annotations = BTreeMap::new();
        if let Some(source) = &p.source {
            annotations.insert("source".to_string(), Value::String(source.clone()));
        }
        deps.push(ResourceDescriptor {
            uri: Some(format!("pkg:cargo/{}@{}", p.name, p.version)),
            digest: p
                .checksum_sha256
                .iter()
                .map(|c| ("sha256".to_string(), c.clone()))
                .collect(),
            name: Some(p.name.clone()),
            annotations,
        });
    }
    deps
}

/// Builds the statement. Same input, same bytes: every map is ordered and
/// nothing here reads the clock or the environment.
pub(crate) fn build_statement(input: &ProvenanceInput) -> Statement<Provenance> {
    let mut subjects = input.subjects.clone();
    subjects.sort();
    subjects.dedup();
    let definition = BuildDefinition {
        build_type: BUILD_TYPE.into(),
        external_parameters: ExternalParameters {
            command: input.command.clone(),
            manifest_path: input.manifest_path.clone(),
            packages: input.packages.clone(),
            profile: input.profile.clone(),
            target: input.target.clone(),
            targets: input.targets.clone(),
            features: input.features.clone(),
        },
        internal_parameters: InternalParameters {
            toolchain: input.toolchain.as_ref().map(|tc| ToolchainParameters {
                rustc: tc.rustc_version.clone(),
                rustc_verbose: tc.rustc.clone(),
                cargo: tc.cargo_version.clone(),
            }),
            enabled_features: input.enabled_features.clone(),
            env: input.env.clone(),
        },
        resolved_dependencies: resolved_dependencies(input),
    };
    let invocation_id = input.builder.invocation_id.clone().unwrap_or_else(|| {
        // No CI run id: derive one from what was built, so reruns with the
        // same inputs and SOURCE_DATE_EPOCH give the same bytes.
        let mut h = Sha256::new();
        h.update(serde_json::to_vec(&subjects).unwrap_or_default());
        h.update(serde_json::to_vec(&definition).unwrap_or_default());
        h.update(input.started.as_second().to_be_bytes());
        format!(
            "urn:cargo-attest:invocation:{}",
            &hex::encode(h.finalize())[..32]
        )
    });
    Statement {
        statement_type: STATEMENT_TYPE.into(),
        subject: subjects,
        predicate_type: SLSA_PROVENANCE_V1.into(),
        predicate: Provenance {
            build_definition: definition,
            run_details: RunDetails {
                builder: Builder {
                    id: input.builder.id.clone(),
                    version: input.builder.version.clone(),
                },
                metadata: BuildMetadata {
                    invocation_id,
                    started_on: rfc3339(input.started),
                    finished_on: rfc3339(input.finished),
                },
            },
        },
    }
}

impl<P: Serialize> Statement<P> {
    /// Compact JSON: the exact bytes that get signed.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("statement types serialize infallibly")
    }
}

impl Statement {
    /// Reads a statement from anyone, the one way every command does: a
    /// JSON object, valid JSON throughout, no key twice in any object.
    /// (serde alone also takes the four fields as an array and skips
    /// invalid UTF-8 in fields it ignores; a serde_json `Value` keeps the
    /// last of two equal keys, where other readers keep the first.)
    pub(crate) fn from_json(bytes: &[u8]) -> std::result::Result<Statement, StrictError> {
        match strict_json::from_slice::<Value>(bytes)? {
            object @ Value::Object(_) => Ok(serde_json::from_value(object)?),
            _ => Err(StrictError::Json(serde::de::Error::custom(
                "an in-toto statement is a JSON object",
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProvenanceInput {
        ProvenanceInput {
            subjects: vec![Subject {
                name: "b".into(),
                digest: BTreeMap::from([("sha256".into(), "00".repeat(32))]),
            }],
            command: vec!["cargo".into(), "attest".into()],
            manifest_path: None,
            packages: vec!["b@0.1.0".into()],
            profile: Some("release".into()),
            target: Some("x86_64-unknown-linux-gnu".into()),
            targets: Vec::new(),
            features: FeatureRequest::default(),
            enabled_features: BTreeMap::from([("b".into(), vec!["default".into()])]),
            toolchain: None,
            env: BTreeMap::new(),
            source: Some(GitSource {
                url: Some("https://github.com/o/r".into()),
                commit: "1".repeat(40),
                reference: Some("refs/heads/main".into()),
                dirty: false,
                commit_time: None,
            }),
            lock: vec![LockedPackage {
                name: "itoa".into(),
                version: "1.0.0".into(),
                source: Some("registry+https://github.com/rust-lang/crates.io-index".into()),
                checksum_sha256: Some("ab".repeat(32)),
            }],
            builder: BuilderInfo {
                kind: ci::BuilderKind::Local,
                id: "https://cargo-attest.dev/builders/local/linux-x86_64".into(),
                version: BTreeMap::new(),
                invocation_id: None,
            },
            started: Timestamp::from_second(1_700_000_000).unwrap(),
            finished: Timestamp::from_second(1_700_000_000).unwrap(),
        }
    }

    #[test]
    fn statement_shape() {
        let s = build_statement(&input());
        let v: Value = serde_json::from_slice(&s.to_json()).unwrap();
        assert_eq!(v["_type"], STATEMENT_TYPE);
        assert_eq!(v["predicateType"], SLSA_PROVENANCE_V1);
        let deps = &v["predicate"]["buildDefinition"]["resolvedDependencies"];
        assert_eq!(deps[0]["uri"], "git+https://github.com/o/r@refs/heads/main");
        assert_eq!(deps[0]["digest"]["gitCommit"], "1".repeat(40));
        assert_eq!(deps[1]["uri"], "pkg:cargo/itoa@1.0.0");
        assert_eq!(deps[1]["digest"]["sha256"], "ab".repeat(32));
        assert_eq!(
            v["predicate"]["runDetails"]["metadata"]["startedOn"],
            "2023-11-14T22:13:20Z"
        );
    }

    #[test]
    fn statements_from_anyone_are_json_objects() {
        let s = build_statement(&input());
        let read = Statement::from_json(&s.to_json()).unwrap();
        assert_eq!(read.predicate_type, SLSA_PROVENANCE_V1);
        // Found by fuzzing: invalid UTF-8 in a field we ignore, and the
        // same fields as an array, both read as a statement.
        let array = format!(r#"["{STATEMENT_TYPE}",[],"{SLSA_PROVENANCE_V1}",{{}}]"#);
        assert!(serde_json::from_str::<Statement>(&array).is_ok());
        assert!(Statement::from_json(array.as_bytes()).is_err());
        let mut bad_utf8 = format!(
            r#"{{"_type":"{STATEMENT_TYPE}","subject":[],"predicateType":"p","predicate":{{}},"x":"ab"}}"#
        )
        .into_bytes();
        let at = bad_utf8.len() - 3;
        bad_utf8[at] = 0xe6;
        assert!(serde_json::from_slice::<Statement>(&bad_utf8).is_ok());
        assert!(Statement::from_json(&bad_utf8).is_err());
    }

    #[test]
    fn statements_with_a_key_twice_are_refused() {
        let subject = r#"[{"name":"a","digest":{"sha256":"00"}}]"#;
        for text in [
            format!(
                r#"{{"_type":"{STATEMENT_TYPE}","predicateType":"x","subject":{subject},"predicateType":"{SLSA_PROVENANCE_V1}","predicate":{{}}}}"#
            ),
            format!(
                r#"{{"_type":"{STATEMENT_TYPE}","subject":[],"subject":{subject},"predicateType":"{SLSA_PROVENANCE_V1}","predicate":{{}}}}"#
            ),
            format!(
                r#"{{"_type":"{STATEMENT_TYPE}","subject":{subject},"predicateType":"{SLSA_PROVENANCE_V1}","predicate":{{"a":{{"b":1,"b":2}}}}}}"#
            ),
        ] {
            // Read through a serde_json `Value`, as it was before, each
            // passes with the last value kept.
            let value: Value = serde_json::from_str(&text).unwrap();
            assert!(serde_json::from_value::<Statement>(value).is_ok(), "{text}");
            match Statement::from_json(text.as_bytes()) {
                Err(StrictError::DuplicateKey(_)) => {}
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn deterministic() {
        assert_eq!(
            build_statement(&input()).to_json(),
            build_statement(&input()).to_json()
        );
    }

    #[test]
    fn env_allow_list() {
        let env = output_affecting_env(
            [
                ("RUSTFLAGS", "-Copt-level=3"),
                ("CARGO_PROFILE_RELEASE_LTO", "true"),
                ("CARGO_REGISTRY_TOKEN", "secret"),
                ("GITHUB_TOKEN", "secret"),
                ("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER", "clang"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        assert_eq!(env.len(), 3);
        assert!(!env.values().any(|v| v == "secret"));
    }

    #[test]
    fn source_date_epoch_parsing() {
        assert_eq!(source_date_epoch(None).unwrap(), None);
        assert_eq!(
            source_date_epoch(Some("1700000000"))
                .unwrap()
                .unwrap()
                .as_second(),
            1_700_000_000
        );
        assert!(source_date_epoch(Some("yesterday")).is_err());
    }
}
