//! Registry credentials and where they are looked up, in this order:
//! 1. the OS keyring (`cargo attest login`);
//! 2. environment variables, for CI: `CARGO_ATTEST_REGISTRY` names the one
//!    host `CARGO_ATTEST_REGISTRY_USERNAME`/`_PASSWORD` are for;
//! 3. docker's config (`DOCKER_CONFIG` or ~/.docker/config.json):
//!    `credHelpers`, `auths` with `identitytoken`, then `credsStore`;
//! 4. `REGISTRY_AUTH_FILE` or podman's auth.json.
//!
//! Hosts match exactly, except Docker Hub's aliases.

use docker_credential::{CredentialRetrievalError, DockerCredential};
use zeroize::Zeroizing;

use super::keyring::Keyring;
use super::secret::{Credential, Secret, Source};
use crate::error::Result;
use crate::oci::reference::is_docker_hub;

pub(crate) const ENV_REGISTRY: &str = "CARGO_ATTEST_REGISTRY";
pub(crate) const ENV_USERNAME: &str = "CARGO_ATTEST_REGISTRY_USERNAME";
pub(crate) const ENV_PASSWORD: &str = "CARGO_ATTEST_REGISTRY_PASSWORD";

/// The name credentials of `host` are stored under in the keyring.
pub(crate) fn keyring_host(host: &str) -> String {
    if is_docker_hub(host) {
        "docker.io".into()
    } else {
        host.to_ascii_lowercase()
    }
}

/// Finds credentials for `host` (`name:port`). A source that was tried and
/// failed for a reason worth knowing is logged at `-v`, never with a secret.
/// `env` reads the environment (the settings' snapshot).
pub(crate) fn lookup(
    host: &str,
    keyring: Option<&Keyring>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Credential>> {
    if let Some(ring) = keyring {
        match ring.registry_credential(&keyring_host(host)) {
            Ok(Some(secret)) => {
                return Ok(Some(Credential {
                    secret,
                    source: Source::Keyring,
                }));
            }
            Ok(None) => {}
            Err(e) => tracing::debug!("keyring not used: {e}"),
        }
    }
    if let Some(secret) = from_env(host, env) {
        return Ok(Some(Credential {
            secret,
            source: Source::Environment,
        }));
    }
    for key in config_keys(host) {
        match docker_credential::get_credential(&key) {
            Ok(c) => {
                return Ok(Some(Credential {
                    secret: convert(c),
                    source: Source::DockerConfig,
                }));
            }
            Err(e) => report(&key, "docker config", e),
        }
    }
    for key in config_keys(host) {
        match docker_credential::get_podman_credential(&key) {
            Ok(c) => {
                return Ok(Some(Credential {
                    secret: convert(c),
                    source: Source::PodmanAuthFile,
                }));
            }
            Err(e) => report(&key, "podman auth file", e),
        }
    }
    Ok(None)
}

fn report(key: &str, what: &str, e: CredentialRetrievalError) {
    use CredentialRetrievalError as E;
    match e {
        E::NoCredentialConfigured | E::ConfigNotFound | E::ConfigReadError => {}
        // A helper's own output can hold secrets: name it, show nothing of it.
        E::HelperFailure { helper, .. } => {
            tracing::debug!("{what}: credential helper {helper} failed for {key}")
        }
        other => tracing::debug!("{what}: {} for {key}", variant_name(&other)),
    }
}

/// The kind of a docker_credential error without its payload, which may
/// quote a config file's content.
fn variant_name(e: &CredentialRetrievalError) -> &'static str {
    use CredentialRetrievalError as E;
    match e {
        E::HelperCommunicationError => "cannot talk to the credential helper",
        E::MalformedHelperResponse => "malformed credential helper answer",
        E::CredentialDecodingError => "cannot decode the stored credential",
        _ => "unusable entry",
    }
}

pub(crate) fn convert(c: DockerCredential) -> Secret {
    match c {
        DockerCredential::IdentityToken(t) => Secret::IdentityToken(Zeroizing::new(t)),
        DockerCredential::UsernamePassword(username, password) => Secret::Password {
            username,
            password: Zeroizing::new(password),
        },
    }
}

/// Keys a docker or podman config may store `host` under: the bare host,
/// and the same host with a scheme (what older `docker login` wrote).
pub(crate) fn config_keys(host: &str) -> Vec<String> {
    if is_docker_hub(host) {
        return vec![
            "https://index.docker.io/v1/".into(),
            "docker.io".into(),
            "index.docker.io".into(),
            "registry-1.docker.io".into(),
        ];
    }
    vec![
        host.to_string(),
        format!("https://{host}"),
        format!("http://{host}"),
    ]
}

pub(crate) fn from_env(host: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<Secret> {
    let for_host = env(ENV_REGISTRY)?;
    let same =
        for_host.eq_ignore_ascii_case(host) || (is_docker_hub(&for_host) && is_docker_hub(host));
    if !same {
        return None;
    }
    Some(Secret::Password {
        username: env(ENV_USERNAME)?,
        password: Zeroizing::new(env(ENV_PASSWORD)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let v: Vec<(String, String)> = pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        move |k| v.iter().find(|(a, _)| a == k).map(|(_, b)| b.clone())
    }

    #[test]
    fn env_credentials_only_for_their_host() {
        let e = env(&[
            (ENV_REGISTRY, "reg.example:5000"),
            (ENV_USERNAME, "u"),
            (ENV_PASSWORD, "p"),
        ]);
        assert!(from_env("reg.example:5000", &e).is_some());
        assert!(from_env("reg.example", &e).is_none());
        assert!(from_env("evil.example:5000", &e).is_none());
        let hub = env(&[
            (ENV_REGISTRY, "docker.io"),
            (ENV_USERNAME, "u"),
            (ENV_PASSWORD, "p"),
        ]);
        assert!(from_env("registry-1.docker.io", &hub).is_some());
    }

    #[test]
    fn debug_hides_secrets() {
        let s = Secret::Password {
            username: "u".into(),
            password: Zeroizing::new("hunter2".into()),
        };
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(
            !format!("{:?}", Secret::IdentityToken(Zeroizing::new("tok".into()))).contains("tok")
        );
    }
}
