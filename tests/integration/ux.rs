//! What a user meets around the main job: warnings about what provenance
//! cannot vouch for, `--strict`, and reproducible pushes.

use std::path::Path;

use crate::support::{attest, run};

fn git(dir: &Path, args: &[&str]) {
    let mut all = vec!["-C", dir.to_str().unwrap()];
    all.extend_from_slice(args);
    run("git", &all, None).success();
}

/// A git checkout with one committed file and a key.
fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["config", "user.email", "t@example.com"]);
    git(dir.path(), &["config", "user.name", "t"]);
    std::fs::write(dir.path().join("app.bin"), b"the app").unwrap();
    git(dir.path(), &["add", "app.bin"]);
    git(dir.path(), &["commit", "-q", "-m", "one"]);
    attest(&["key", "generate", "--output", "k.pem", "--unencrypted"])
        .cwd(dir.path())
        .run()
        .success();
    dir
}

#[test]
fn provenance_gaps_are_warned_about_and_strict_refuses_them() {
    // No checkout at all.
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("f.bin"), b"f").unwrap();
    attest(&["key", "generate", "--output", "k.pem", "--unencrypted"])
        .cwd(plain.path())
        .run()
        .success();
    let args = ["--subject-path", "f.bin", "--key", "k.pem", "-o", "b.json"];
    let out = attest(&args).cwd(plain.path()).run();
    out.success();
    assert!(
        out.stderr.contains("warning: not in a git checkout"),
        "{}",
        out.stderr
    );
    let mut strict = args.to_vec();
    strict.push("--strict");
    attest(&strict)
        .cwd(plain.path())
        .run()
        .fails_with(4, "not in a git checkout");

    // A repository without a commit.
    let unborn = tempfile::tempdir().unwrap();
    git(unborn.path(), &["init", "-q"]);
    std::fs::write(unborn.path().join("f.bin"), b"f").unwrap();
    std::fs::copy(plain.path().join("k.pem"), unborn.path().join("k.pem")).unwrap();
    let out = attest(&args).cwd(unborn.path()).run();
    out.success();
    assert!(out.stderr.contains("no commit yet"), "{}", out.stderr);

    // A dirty tree.
    let dirty = checkout();
    std::fs::write(dirty.path().join("app.bin"), b"changed").unwrap();
    let out = attest(&[
        "--subject-path",
        "app.bin",
        "--key",
        "k.pem",
        "-o",
        "b.json",
    ])
    .cwd(dirty.path())
    .run();
    out.success();
    assert!(out.stderr.contains("uncommitted changes"), "{}", out.stderr);

    // A clean checkout: nothing to say.
    let clean = checkout();
    let out = attest(&[
        "--subject-path",
        "app.bin",
        "--key",
        "k.pem",
        "-o",
        "b.json",
    ])
    .cwd(clean.path())
    .run();
    out.success();
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);
}

#[test]
fn pushes_of_the_same_commit_give_the_same_manifest_digest() {
    let dir = checkout();
    let push = |tag: &str, extra: &[&str]| {
        let mut args = vec!["push", tag, "app.bin", "--format", "json"];
        args.extend_from_slice(extra);
        attest(&args).cwd(dir.path()).run().success().json()["digest"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let first = push("repro:a", &[]);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = push("repro:b", &[]);
    assert_eq!(
        first, second,
        "a rebuild of the same commit pushed a new digest"
    );
    // The same through `cargo attest --push`, manifest and statement alike.
    let attested = |tag: &str| {
        attest(&[
            "--subject-path",
            "app.bin",
            "--key",
            "k.pem",
            "-o",
            "b.json",
            "--push",
            tag,
            "--format",
            "json",
        ])
        .cwd(dir.path())
        .run()
        .success()
        .json()["pushed"]["digest"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(attested("repro:c"), attested("repro:d"));
    // Asked for: the time of the push.
    let now = push("repro:e", &["--created", "now"]);
    assert_ne!(now, first);
    attest(&["push", "repro:f", "app.bin", "--created", "yesterday"])
        .cwd(dir.path())
        .run()
        .fails_with(2, "--created");
}

#[test]
fn an_output_older_than_its_sources_is_warned_about() {
    let dir = checkout();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"stale\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("src/main.rs"), "fn main() {}\n").unwrap();
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "crate"]);
    run("cargo", &["build", "-q", "--offline"], Some(dir.path())).success();
    let fresh = attest(&["--key", "k.pem"]).cwd(dir.path()).run();
    fresh.success();
    assert!(!fresh.stderr.contains("is older than"), "{}", fresh.stderr);
    // An edit after the build, not rebuilt.
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::write(dir.path().join("src/main.rs"), "fn main() { }\n").unwrap();
    let stale = attest(&["--key", "k.pem"]).cwd(dir.path()).run();
    stale.success();
    assert!(stale.stderr.contains("is older than"), "{}", stale.stderr);
    assert!(stale.stderr.contains("main.rs"), "{}", stale.stderr);
}

/// Runs a bash snippet with the checked-in completion script loaded and
/// returns what it printed.
fn bash_completion(snippet: &str) -> String {
    let script = crate::support::repo_root().join("completions/cargo-attest.bash");
    let program = format!("source '{}'\n{snippet}", script.display());
    let out = run("bash", &["--norc", "--noprofile", "-c", &program], None);
    out.success();
    out.stdout
}

#[test]
fn bash_completes_subcommands_and_flags_for_both_spellings() {
    // `cargo attest verify --<TAB>`, through the `cargo` hook.
    let flags = bash_completion(
        r#"COMP_WORDS=(cargo attest verify --); COMP_CWORD=3
           _cargo_attest_as_cargo_plugin cargo -- verify
           printf '%s\n' "${COMPREPLY[@]}""#,
    );
    for flag in ["--bundle", "--key", "--builder-id", "--format"] {
        assert!(flags.lines().any(|l| l == flag), "{flag} missing:\n{flags}");
    }
    // `cargo attest key <TAB>`.
    let subs = bash_completion(
        r#"COMP_WORDS=(cargo attest key ''); COMP_CWORD=3
           _cargo_attest_as_cargo_plugin cargo '' key
           printf '%s\n' "${COMPREPLY[@]}""#,
    );
    for sub in ["generate", "import", "export", "list", "delete"] {
        assert!(subs.lines().any(|l| l == sub), "{sub} missing:\n{subs}");
    }
    // `cargo-attest --attach <TAB>`: enum values, directly.
    let values = bash_completion(
        r#"COMP_WORDS=(cargo-attest push --attach ''); COMP_CWORD=3
           _cargo__attest cargo-attest '' --attach
           printf '%s\n' "${COMPREPLY[@]}""#,
    );
    for value in ["auto", "referrers", "tag"] {
        assert!(
            values.lines().any(|l| l == value),
            "{value} missing:\n{values}"
        );
    }
}

#[test]
fn zsh_and_fish_completions_load() {
    let dir = crate::support::repo_root().join("completions");
    if crate::support::have_command("zsh") {
        let program = format!(
            "autoload -U compinit && compinit -u -d /tmp/zcompdump-cargo-attest-$$ && source '{}'",
            dir.join("_cargo-attest").display()
        );
        run("zsh", &["-f", "-c", &program], None).success();
    } else {
        crate::support::missing_peer("zsh")
    }
    if crate::support::have_command("fish") {
        let program = format!(
            "source '{}'; complete -C 'cargo-attest verify --bun'",
            dir.join("cargo-attest.fish").display()
        );
        let out = run("fish", &["--no-config", "-c", &program], None);
        out.success();
        assert!(out.stdout.contains("--bundle"), "{}", out.stdout);
    } else {
        crate::support::missing_peer("fish")
    }
}

#[test]
fn man_pages_render_with_every_section_and_name_every_variable() {
    let man_dir = crate::support::repo_root().join("man");
    let render = |page: &str| {
        let out = std::process::Command::new("man")
            .args(["-l", man_dir.join(page).to_str().unwrap()])
            .env("MANWIDTH", "200")
            .env("MANPAGER", "cat")
            .output()
            .expect("run man");
        assert!(out.status.success(), "{page}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let top = render("cargo-attest.1");
    for section in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "OPTIONS",
        "ENVIRONMENT",
        "FILES",
        "EXIT STATUS",
        "EXAMPLES",
        "SEE ALSO",
    ] {
        assert!(
            top.lines().any(|l| l.trim_end() == section),
            "cargo-attest.1 has no {section}"
        );
    }
    assert!(
        top.contains("cargo attest"),
        "the synopsis says `cargo attest`"
    );
    // SEE ALSO names only pages that exist.
    let pages: Vec<String> = std::fs::read_dir(&man_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    for page in &pages {
        let text = render(page);
        assert!(text.contains("EXIT STATUS"), "{page}");
        let see = text.split("SEE ALSO").nth(1).unwrap_or("").to_string();
        for named in see
            .split([',', ' ', '\n'])
            .filter(|w| w.starts_with("cargo-attest"))
        {
            let file = format!("{}.1", named.trim_end_matches("(1)").replace('‐', "-"));
            assert!(
                pages.contains(&file),
                "{page} names {named}, which does not exist"
            );
        }
    }
    // Every environment variable the source reads is in ENVIRONMENT.
    let env_section: String = top
        .lines()
        .skip_while(|l| l.trim_end() != "ENVIRONMENT")
        .take_while(|l| l.trim_end() != "FILES")
        .collect::<Vec<_>>()
        .join("\n");
    let mut read = std::collections::BTreeSet::new();
    let pattern = regex_lite(&crate::support::repo_root().join("src"));
    read.extend(pattern);
    assert!(read.contains("SOURCE_DATE_EPOCH"), "{read:?}");
    for name in read {
        assert!(
            env_section.contains(&name),
            "{name} is read in src/ but not in the man page's ENVIRONMENT"
        );
    }
}

/// Names of environment variables src/ reads: `get("NAME")` calls, `env =
/// "NAME"` clap attributes and `*_ENV`/`ENV_*` constants.
fn regex_lite(src: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Tests name variables they set; only product code counts.
            let product = text.split("#[cfg(test)]").next().unwrap_or("");
            for line in product.lines() {
                for marker in [
                    "get(\"",
                    "env = \"",
                    "_ENV: &str = \"",
                    "ENV_REGISTRY: &str = \"",
                    "ENV_USERNAME: &str = \"",
                    "ENV_PASSWORD: &str = \"",
                ] {
                    let mut rest = line;
                    while let Some(at) = rest.find(marker) {
                        rest = &rest[at + marker.len()..];
                        let name: String = rest
                            .chars()
                            .take_while(|c| {
                                c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_'
                            })
                            .collect();
                        if name.len() > 1 && name.contains('_')
                            || ["CI", "HOME"].contains(&name.as_str())
                        {
                            names.push(name);
                        }
                    }
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

#[test]
fn usage_reads_cargo_attest_when_run_through_cargo() {
    let through_cargo = attest(&["attest", "push", "--help"]).run();
    assert!(
        through_cargo
            .success()
            .stdout
            .contains("Usage: cargo attest push"),
        "{}",
        through_cargo.stdout
    );
    let direct = attest(&["push", "--help"]).run();
    assert!(direct.success().stdout.contains("Usage: cargo-attest push"));
    // Each command shows only its own options.
    let key = attest(&["key", "generate", "--help"]).run();
    for absent in ["--oci-layout", "--attach", "--plain-http", "--progress"] {
        assert!(!key.stdout.contains(absent), "{absent}:\n{}", key.stdout);
    }
    let login = attest(&["login", "--help"]).run();
    assert!(login.stdout.contains("--plain-http"));
    assert!(!login.stdout.contains("--oci-layout"));
}

#[test]
fn key_errors_say_what_to_do_and_exit_6() {
    let dir = checkout();
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
    attest(&["--subject-path", "app.bin", "--key", "Cargo.toml"])
        .cwd(dir.path())
        .run()
        .fails_with(6, "does not start with a `-----BEGIN");
    // The wrong key names the bundle's signer too.
    attest(&["key", "generate", "--output", "other.pem", "--unencrypted"])
        .cwd(dir.path())
        .run()
        .success();
    attest(&[
        "--subject-path",
        "app.bin",
        "--key",
        "k.pem",
        "-o",
        "b.json",
    ])
    .cwd(dir.path())
    .run()
    .success();
    attest(&[
        "verify",
        "app.bin",
        "--bundle",
        "b.json",
        "--key",
        "other.pem",
    ])
    .cwd(dir.path())
    .run()
    .fails_with(5, "the bundle names key");
    // verify REF with no key and no keyring to find one: a set-up problem.
    attest(&[
        "--subject-path",
        "app.bin",
        "--key",
        "k.pem",
        "--push",
        "keyless-ref:v1",
        "-o",
        "c.json",
    ])
    .cwd(dir.path())
    .run()
    .success();
    let out = attest(&["verify", "keyless-ref:v1"]).cwd(dir.path()).run();
    out.fails_with(6, "--key PUB.pem");
    // An empty passphrase names --unencrypted.
    attest(&["key", "generate", "--output", "enc.pem"])
        .env("CARGO_ATTEST_KEY_PASSPHRASE", "")
        .cwd(dir.path())
        .run()
        .fails_with(6, "--unencrypted");
}
