//! The CLI surface: `--help` snapshots, and checked-in completions and man
//! pages that must match the clap model.

use std::path::Path;

use crate::support::{attest, repo_root};

#[test]
fn help_snapshots() {
    for args in [
        &["--help"][..],
        &["verify", "--help"],
        &["key", "--help"],
        &["key", "generate", "--help"],
        &["key", "export", "--help"],
        &["push", "--help"],
        &["login", "--help"],
    ] {
        let out = attest(args).env("COLUMNS", "100").run();
        out.success();
        let words: Vec<&str> = args.iter().copied().filter(|a| *a != "--help").collect();
        let name = if words.is_empty() {
            "help".to_string()
        } else {
            format!("help-{}", words.join("-"))
        };
        insta::assert_snapshot!(name, out.stdout);
    }
}

#[test]
fn runs_as_cargo_plugin_too() {
    let direct = attest(&["--version"]).run();
    let plugin = attest(&["attest", "--version"]).run();
    assert_eq!(direct.success().stdout, plugin.success().stdout);
    assert!(direct.stdout.starts_with("cargo-attest "));
}

fn assert_same_tree(generated: &Path, checked_in: &Path, what: &str) {
    let names = |dir: &Path| {
        let mut n: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        n.sort();
        n
    };
    let fix = format!("run `cargo run -- generate {what} {what}` and commit the result");
    assert_eq!(
        names(generated),
        names(checked_in),
        "{what}/ drifted from the CLI: {fix}"
    );
    for name in names(generated) {
        let a = std::fs::read(generated.join(&name)).unwrap();
        let b = std::fs::read(checked_in.join(&name)).unwrap();
        assert!(a == b, "{what}/{name} drifted from the CLI: {fix}");
    }
}

#[test]
fn completions_and_man_pages_match_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    for what in ["completions", "man"] {
        let out_dir = tmp.path().join(what);
        attest(&["generate", what, out_dir.to_str().unwrap()])
            .run()
            .success();
        assert_same_tree(&out_dir, &repo_root().join(what), what);
    }
    let man = std::fs::read_to_string(repo_root().join("man/cargo-attest-key-generate.1")).unwrap();
    assert!(man.contains("ed25519"));
}

/// Human output of the main path, with paths and key ids redacted.
#[test]
fn human_output_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("app.tar.gz"), b"release archive").unwrap();
    let generated = attest(&["key", "generate", "--output", "k.pem", "--unencrypted"])
        .cwd(dir)
        .run();
    let attested = attest(&[
        "--subject-path",
        "app.tar.gz",
        "--key",
        "k.pem",
        "-o",
        "app.sigstore.json",
    ])
    .cwd(dir)
    .run();
    let verified = attest(&[
        "verify",
        "app.tar.gz",
        "--bundle",
        "app.sigstore.json",
        "--key",
        "k.pem",
    ])
    .cwd(dir)
    .run();
    let failed = attest(&[
        "verify",
        "k.pem",
        "--bundle",
        "app.sigstore.json",
        "--key",
        "k.pem",
    ])
    .cwd(dir)
    .run();
    let text = format!(
        "$ cargo attest key generate --output k.pem --unencrypted\n{}\n$ cargo attest --subject-path app.tar.gz --key k.pem -o app.sigstore.json\n{}\n$ cargo attest verify app.tar.gz --bundle app.sigstore.json --key k.pem\n{}\n$ cargo attest verify k.pem --bundle app.sigstore.json --key k.pem\n{}(exit {})\n",
        generated.success().stdout,
        attested.success().stdout,
        verified.success().stdout,
        failed.stderr,
        failed.code
    );
    insta::with_settings!({filters => vec![
        (r"[0-9a-f]{64}", "[HEX]"),
        (r"builders/local/[a-z0-9_-]+", "builders/local/[HOST]"),
    ]}, {
        insta::assert_snapshot!("human-output", text);
    });
}

/// `--help` of every command and subcommand, rendered in-process from the
/// clap model exactly as the binary prints it (at 100 columns), so a new
/// command gets a snapshot without anyone listing it here.
#[test]
fn help_snapshots_of_every_command() {
    use clap::CommandFactory;
    fn paths(cmd: &clap::Command, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(path.clone());
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            path.push(sub.get_name().to_string());
            paths(sub, path, out);
            path.pop();
        }
    }
    let mut all = Vec::new();
    paths(
        &cargo_attest::cli::Cli::command(),
        &mut Vec::new(),
        &mut all,
    );
    assert!(all.len() > 10, "{all:?}");
    for path in all {
        let mut args = vec!["cargo-attest".to_string()];
        args.extend(path.iter().cloned());
        args.push("--help".into());
        let err = cargo_attest::cli::Cli::command()
            .term_width(100)
            .try_get_matches_from(args)
            .expect_err("--help exits with the help text");
        assert_eq!(err.kind(), clap::error::ErrorKind::DisplayHelp);
        let name = if path.is_empty() {
            "help".to_string()
        } else {
            format!("help-{}", path.join("-"))
        };
        insta::assert_snapshot!(name, err.render().to_string());
    }
}
