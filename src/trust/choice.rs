//! Which Sigstore instance a keyless signature goes to, as actions/attest
//! chooses (`@actions/attest` endpoints.ts): `--sigstore` or
//! `CARGO_ATTEST_SIGSTORE` when given; in GitHub Actions, public good for a
//! public repository and GitHub's instance for every other (private,
//! internal, or a visibility nobody told us); in GitLab CI, public good for
//! a public project, else nothing until a flag says where; elsewhere,
//! public good (keyless was asked for there). Public good's Fulcio writes
//! every certificate to a public CT log, so a repository that is not known
//! to be public never goes there unless asked.

use super::{Instance, SIGSTORE_ENV};
use crate::environment::Env;
use crate::error::{Error, Result};
use crate::provenance::ci::{BuilderKind, detect};

const EVENT_PATH_ENV: &str = "GITHUB_EVENT_PATH";
const GITLAB_VISIBILITY_ENV: &str = "CI_PROJECT_VISIBILITY";
/// An event payload larger than this is not GitHub's.
const EVENT_LIMIT: u64 = 16 << 20;

/// The instance chosen, and why (for the log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Chosen {
    pub(crate) instance: Instance,
    pub(crate) why: String,
}

/// `--sigstore` if given, else `CARGO_ATTEST_SIGSTORE`.
pub(crate) fn asked(flag: Option<Instance>, env: &Env) -> Result<Option<Instance>> {
    if flag.is_some() {
        return Ok(flag);
    }
    match env.get(SIGSTORE_ENV).filter(|v| !v.trim().is_empty()) {
        None => Ok(None),
        Some(text) => Instance::parse(&text).map(Some).ok_or_else(|| {
            Error::usage(format!(
                "{SIGSTORE_ENV}=`{text}`: give public-good or github"
            ))
        }),
    }
}

/// The instance for a keyless signature. `token_visibility` is the
/// identity token's `repository_visibility` claim, when it has one.
pub(crate) fn for_signing(
    flag: Option<Instance>,
    env: &Env,
    token_visibility: Option<&str>,
) -> Result<Chosen> {
    if let Some(instance) = asked(flag, env)? {
        return Ok(Chosen {
            instance,
            why: "asked for (--sigstore or CARGO_ATTEST_SIGSTORE)".into(),
        });
    }
    match detect(&|k| env.get(k)).kind {
        BuilderKind::GithubActions => Ok(github(env, token_visibility)),
        BuilderKind::GitlabCi => gitlab(env),
        _ => Ok(Chosen {
            instance: Instance::PublicGood,
            why: "outside GitHub Actions and GitLab CI".into(),
        }),
    }
}

/// Public good only when every source that tells the visibility says
/// public, and at least one does.
fn github(env: &Env, token_visibility: Option<&str>) -> Chosen {
    let event = event_visibility(env);
    let token = token_visibility.map(|v| v.trim().to_ascii_lowercase());
    let told: Vec<&str> = [event.as_deref(), token.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !told.is_empty() && told.iter().all(|v| *v == "public") {
        return Chosen {
            instance: Instance::PublicGood,
            why: "the repository is public".into(),
        };
    }
    let why = match told.iter().find(|v| **v != "public") {
        Some(v) => format!("the repository's visibility is {v}"),
        None => "the repository's visibility is unknown (no event payload or token claim tells it)"
            .into(),
    };
    Chosen {
        instance: Instance::GitHub,
        why,
    }
}

/// `repository.visibility` of the workflow's event payload, else
/// `repository.private` as `private` or `public`.
fn event_visibility(env: &Env) -> Option<String> {
    let path = env.get(EVENT_PATH_ENV).filter(|p| !p.trim().is_empty())?;
    let file = std::fs::File::open(&path).ok()?;
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::Read::take(file, EVENT_LIMIT), &mut text).ok()?;
    let event: serde_json::Value = serde_json::from_str(&text).ok()?;
    let repository = event.get("repository")?;
    if let Some(v) = repository.get("visibility").and_then(|v| v.as_str()) {
        return Some(v.trim().to_ascii_lowercase());
    }
    repository
        .get("private")
        .and_then(|v| v.as_bool())
        .map(|private| if private { "private" } else { "public" }.to_string())
}

fn gitlab(env: &Env) -> Result<Chosen> {
    let visibility = env.get(GITLAB_VISIBILITY_ENV).unwrap_or_default();
    if visibility.trim() == "public" {
        return Ok(Chosen {
            instance: Instance::PublicGood,
            why: "the GitLab project is public".into(),
        });
    }
    let shown = match visibility.trim() {
        "" => "unset".to_string(),
        v => format!("`{v}`"),
    };
    Err(Error::usage(format!(
        "keyless signing in GitLab CI goes to the public-good Sigstore instance only for public \
         projects, whose certificates land in public logs; {GITLAB_VISIBILITY_ENV} is {shown}. \
         Pass --sigstore public-good to sign there anyway, --signing-config or --fulcio-url for \
         an instance of your own, or sign with a key (--key or --key-name)"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(json: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        std::io::Write::write_all(&mut file, json.as_bytes()).unwrap();
        file
    }

    fn github_env(event: Option<&tempfile::NamedTempFile>) -> Env {
        let path = event.map(|e| e.path().to_str().unwrap().to_string());
        let mut pairs = vec![("GITHUB_ACTIONS", "true"), ("CI", "true")];
        if let Some(p) = &path {
            pairs.push(("GITHUB_EVENT_PATH", p.as_str()));
        }
        Env::from_pairs(&pairs)
    }

    fn chosen(env: &Env, token: Option<&str>) -> Instance {
        for_signing(None, env, token).unwrap().instance
    }

    #[test]
    fn github_public_signs_on_public_good_everything_else_on_github() {
        let public = event(r#"{"repository": {"visibility": "public", "private": false}}"#);
        assert_eq!(
            chosen(&github_env(Some(&public)), None),
            Instance::PublicGood
        );
        let private = event(r#"{"repository": {"visibility": "private", "private": true}}"#);
        assert_eq!(chosen(&github_env(Some(&private)), None), Instance::GitHub);
        let internal = event(r#"{"repository": {"visibility": "internal", "private": true}}"#);
        assert_eq!(chosen(&github_env(Some(&internal)), None), Instance::GitHub);
        // Older payloads have only `private`.
        let old_public = event(r#"{"repository": {"private": false}}"#);
        assert_eq!(
            chosen(&github_env(Some(&old_public)), None),
            Instance::PublicGood
        );
        let old_private = event(r#"{"repository": {"private": true}}"#);
        assert_eq!(
            chosen(&github_env(Some(&old_private)), None),
            Instance::GitHub
        );
        // Unknown: no payload, no claim; or a payload without a repository.
        assert_eq!(chosen(&github_env(None), None), Instance::GitHub);
        let none = event(r#"{"action": "x"}"#);
        assert_eq!(chosen(&github_env(Some(&none)), None), Instance::GitHub);
        let garbage = event("not json");
        assert_eq!(chosen(&github_env(Some(&garbage)), None), Instance::GitHub);
        let odd = event(r#"{"repository": {"visibility": "secret"}}"#);
        assert_eq!(chosen(&github_env(Some(&odd)), None), Instance::GitHub);
    }

    #[test]
    fn the_token_claim_tells_the_visibility_too_and_any_non_public_source_wins() {
        let env = github_env(None);
        assert_eq!(chosen(&env, Some("public")), Instance::PublicGood);
        assert_eq!(chosen(&env, Some("private")), Instance::GitHub);
        assert_eq!(chosen(&env, Some("internal")), Instance::GitHub);
        let public = event(r#"{"repository": {"visibility": "public"}}"#);
        assert_eq!(
            chosen(&github_env(Some(&public)), Some("private")),
            Instance::GitHub
        );
        let private = event(r#"{"repository": {"visibility": "private"}}"#);
        assert_eq!(
            chosen(&github_env(Some(&private)), Some("public")),
            Instance::GitHub
        );
    }

    #[test]
    fn gitlab_public_projects_only_unless_a_flag_says() {
        let public = Env::from_pairs(&[("GITLAB_CI", "true"), ("CI_PROJECT_VISIBILITY", "public")]);
        assert_eq!(chosen(&public, None), Instance::PublicGood);
        for visibility in ["private", "internal", ""] {
            let env =
                Env::from_pairs(&[("GITLAB_CI", "true"), ("CI_PROJECT_VISIBILITY", visibility)]);
            let err = for_signing(None, &env, None).unwrap_err().to_string();
            assert!(err.contains("--sigstore public-good"), "{err}");
            assert!(err.contains("CI_PROJECT_VISIBILITY"), "{err}");
            assert_eq!(
                for_signing(Some(Instance::PublicGood), &env, None)
                    .unwrap()
                    .instance,
                Instance::PublicGood
            );
        }
        let unset = Env::from_pairs(&[("GITLAB_CI", "true")]);
        assert!(for_signing(None, &unset, None).is_err());
    }

    #[test]
    fn outside_ci_public_good_and_flags_win_everywhere() {
        assert_eq!(chosen(&Env::from_pairs(&[]), None), Instance::PublicGood);
        let other = Env::from_pairs(&[("BUILDKITE", "true"), ("CI", "true")]);
        assert_eq!(chosen(&other, None), Instance::PublicGood);
        let public = event(r#"{"repository": {"visibility": "public"}}"#);
        let env = github_env(Some(&public));
        assert_eq!(
            for_signing(Some(Instance::GitHub), &env, None)
                .unwrap()
                .instance,
            Instance::GitHub
        );
        let private = event(r#"{"repository": {"visibility": "private"}}"#);
        let env = github_env(Some(&private));
        assert_eq!(
            for_signing(Some(Instance::PublicGood), &env, Some("private"))
                .unwrap()
                .instance,
            Instance::PublicGood
        );
        let by_env = Env::from_pairs(&[("GITHUB_ACTIONS", "true"), (SIGSTORE_ENV, "public-good")]);
        assert_eq!(chosen(&by_env, Some("private")), Instance::PublicGood);
        // The flag wins over the variable.
        assert_eq!(
            for_signing(Some(Instance::GitHub), &by_env, None)
                .unwrap()
                .instance,
            Instance::GitHub
        );
        let bad = Env::from_pairs(&[(SIGSTORE_ENV, "staging")]);
        assert!(for_signing(None, &bad, None).is_err());
    }
}
