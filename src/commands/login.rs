//! `cargo attest login REGISTRY` / `logout REGISTRY`.

use std::io::{IsTerminal, Read};

use serde::Serialize;
use zeroize::Zeroizing;

use super::Report;
use crate::cli::{LoginArgs, LogoutArgs};
use crate::credentials::keyring::Purpose;
use crate::credentials::lookup::keyring_host;
use crate::credentials::{Credential, Keyring, Secret, Source};
use crate::error::{Error, Result};
use crate::locate::split_scheme;
use crate::registry::Client;
use crate::registry::policy::scheme_for;
use crate::settings::Settings;

#[derive(Serialize)]
struct LoginOutput<'a> {
    registry: &'a str,
    username: &'a str,
    stored: &'static str,
}

#[derive(Serialize)]
struct LogoutOutput<'a> {
    registry: &'a str,
    removed: bool,
}

/// The registry host of a `login`/`logout` argument.
fn registry_host(arg: &str) -> Result<(Option<&str>, &str)> {
    let (scheme, host) = split_scheme(arg);
    let host = host.trim_end_matches('/');
    if host.is_empty() || host.contains('/') {
        return Err(Error::usage(format!(
            "`{arg}` is not a registry host such as ghcr.io or 127.0.0.1:5000"
        )));
    }
    Ok((scheme, host))
}

pub(super) fn login(settings: &Settings, args: &LoginArgs) -> Result<Report> {
    let (scheme, host) = registry_host(&args.registry)?;
    let interactive = std::io::stdin().is_terminal();
    let username = match &args.username {
        Some(u) => u.clone(),
        None if interactive && !args.password_stdin => prompt_line("Username: ")?,
        None => return Err(Error::usage("give --username (no terminal to ask on)")),
    };
    let password = if args.password_stdin {
        let mut text = Zeroizing::new(String::new());
        std::io::stdin()
            .take(64 * 1024)
            .read_to_string(&mut text)
            .map_err(|e| Error::io("read", "stdin", e))?;
        Zeroizing::new(text.trim_end_matches(['\r', '\n']).to_string())
    } else if interactive {
        Zeroizing::new(
            rpassword::prompt_password("Password: ")
                .map_err(|e| Error::io("read", "terminal", e))?,
        )
    } else {
        return Err(Error::usage(
            "give --password-stdin (no terminal to ask on); passwords are never taken as arguments",
        ));
    };
    if username.is_empty() || password.is_empty() {
        return Err(Error::usage("username and password must not be empty"));
    }
    // Check the credentials before storing them: a typo should fail now,
    // not at the next push.
    let scheme = scheme_for(host, scheme, &settings.registry)?;
    let client = Client::new(
        host,
        scheme,
        &settings.registry,
        Some(Credential {
            secret: Secret::Password {
                username: username.clone(),
                password: password.clone(),
            },
            source: Source::Keyring,
        }),
    )?;
    client.ping(None).map_err(|e| match e {
        Error::Auth { registry, .. } => Error::auth(
            registry,
            format!("login as `{username}` was refused; check the user name and password"),
        ),
        other => other,
    })?;
    Keyring::open(Purpose::Login)?.store_registry_credential(
        &keyring_host(host),
        &username,
        &password,
    )?;
    let mut report = Report::new(&LoginOutput {
        registry: host,
        username: &username,
        stored: "keyring",
    })?;
    report.line(format!(
        "Logged in to {host} as {username}; credentials stored in the OS keyring"
    ));
    Ok(report)
}

pub(super) fn logout(_settings: &Settings, args: &LogoutArgs) -> Result<Report> {
    let (_, host) = registry_host(&args.registry)?;
    let removed = Keyring::open(Purpose::Login)?.delete_registry_credential(&keyring_host(host))?;
    let mut report = Report::new(&LogoutOutput {
        registry: host,
        removed,
    })?;
    if removed {
        report.line(format!(
            "Removed the credentials for {host} from the OS keyring"
        ));
    } else {
        tracing::info!("No credentials for {host} in the OS keyring");
    }
    Ok(report)
}

fn prompt_line(prompt: &str) -> Result<String> {
    crate::output::stderr(format_args!("{prompt}"));
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Error::io("read", "stdin", e))?;
    Ok(line.trim().to_string())
}
