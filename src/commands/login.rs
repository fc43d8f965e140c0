//! `cargo attest login REGISTRY` / `logout REGISTRY`.

use std::io::{IsTerminal, Read};

use zeroize::Zeroizing;

use super::{Ui, target};
use crate::cli::{GlobalArgs, LoginArgs, LogoutArgs};
use crate::credentials::Keyring;
use crate::credentials::registry::{Credential, Secret, Source, keyring_host};
use crate::error::{Error, Result};
use crate::registry::Client;
use crate::registry::client::scheme_for;

pub fn login(ui: &Ui, global: &GlobalArgs, args: &LoginArgs) -> Result<()> {
    let (scheme, host) = target::split_scheme(&args.registry);
    let host = host.trim_end_matches('/');
    if host.is_empty() || host.contains('/') {
        return Err(Error::usage(format!(
            "`{}` is not a registry host such as ghcr.io or 127.0.0.1:5000",
            args.registry
        )));
    }
    let interactive = std::io::stdin().is_terminal();
    let username = match &args.username {
        Some(u) => u.clone(),
        None if interactive && !args.password_stdin => prompt_line("Username: ")?,
        None => return Err(Error::usage("give --username (no terminal to ask on)")),
    };
    let password = if args.password_stdin {
        let mut text = Zeroizing::new(String::new());
        std::io::stdin()
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
    let scheme = scheme_for(host, scheme, &target::options(global))?;
    let client = Client::new(
        host,
        scheme,
        &target::options(global),
        Some(Credential {
            secret: Secret::Password {
                username: username.clone(),
                password: password.clone(),
            },
            source: Source::Keyring,
        }),
        Box::new(|_| {}),
    )?;
    client.ping(None).map_err(|e| match e {
        Error::Auth { registry, .. } => Error::auth(
            registry,
            format!("login as `{username}` was refused; check the user name and password"),
        ),
        other => other,
    })?;
    Keyring::open()?.store_registry_credential(&keyring_host(host), &username, &password)?;
    ui.emit_json(
        &serde_json::json!({ "registry": host, "username": username, "stored": "keyring" }),
    )?;
    ui.result(format!(
        "Logged in to {host} as {username}; credentials stored in the OS keyring"
    ));
    Ok(())
}

pub fn logout(ui: &Ui, args: &LogoutArgs) -> Result<()> {
    let (_, host) = target::split_scheme(&args.registry);
    let host = host.trim_end_matches('/');
    let removed = Keyring::open()?.delete_registry_credential(&keyring_host(host))?;
    ui.emit_json(&serde_json::json!({ "registry": host, "removed": removed }))?;
    if removed {
        ui.result(format!(
            "Removed the credentials for {host} from the OS keyring"
        ));
    } else {
        ui.note(format!("No credentials for {host} in the OS keyring"));
    }
    Ok(())
}

fn prompt_line(prompt: &str) -> Result<String> {
    eprint!("{prompt}");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Error::io("read", "stdin", e))?;
    Ok(line.trim().to_string())
}
