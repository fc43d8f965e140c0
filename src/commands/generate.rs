//! Hidden `generate`: completions and man pages from the one clap model.

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;
use roff::{Roff, bold, roman};

use super::Report;
use crate::cli::{Cli, GenerateCommand};
use crate::environment::VARIABLES;
use crate::error::{EXIT_CODES, Error, Result};

const BIN: &str = "cargo-attest";

pub(super) fn run(cmd: GenerateCommand) -> Result<Report> {
    let (what, written, dir) = match cmd {
        GenerateCommand::Completions { dir } => {
            ("completion scripts", write_completions(&dir)?, dir)
        }
        GenerateCommand::Man { dir } => ("man pages", write_man_pages(&dir)?, dir),
    };
    let mut report = Report::new(&serde_json::json!({ "written": written, "dir": dir }))?;
    report.line(format!("Wrote {written} {what} to {}", dir.display()));
    Ok(report)
}

/// Writes one completion script per supported shell into `dir`.
pub(crate) fn write_completions(dir: &Path) -> Result<usize> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    let shells = [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ];
    for shell in shells {
        let mut cmd = Cli::command();
        let path = clap_complete::generate_to(shell, &mut cmd, BIN, dir)
            .map_err(|e| Error::io("write completions to", dir, e))?;
        if shell == Shell::Bash {
            let script = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
            std::fs::write(&path, fix_bash(&script)).map_err(|e| Error::io("write", &path, e))?;
        }
    }
    Ok(shells.len())
}

/// clap_complete names the case arms of a hyphenated binary's subcommands
/// `cargo__subcmd__attest__...` while its word loop builds
/// `cargo__attest__...`, so nothing past the first word completes: name
/// them alike. Then `cargo attest ...` is completed too, by a `cargo`
/// completion that hands `attest` words to ours and everything else to the
/// cargo completion loaded before.
fn fix_bash(script: &str) -> String {
    let mut fixed = script.replace("cargo__subcmd__attest", "cargo__attest");
    fixed.push_str(
        r#"
# `cargo attest ...`: our completion for the words after `attest`, cargo's
# own (if it was loaded first) for every other cargo command.
_cargo_attest_previous="$(complete -p cargo 2>/dev/null | sed -n 's/.*-F \([^ ]*\) .*/\1/p')"
_cargo_attest_as_cargo_plugin() {
    if [[ "${COMP_WORDS[1]}" == attest && "$COMP_CWORD" -ge 2 ]]; then
        COMP_WORDS=("cargo-attest" "${COMP_WORDS[@]:2}")
        COMP_CWORD=$((COMP_CWORD - 1))
        local prev=""
        [[ "$COMP_CWORD" -gt 0 ]] && prev="${COMP_WORDS[COMP_CWORD - 1]}"
        _cargo__attest cargo-attest "${COMP_WORDS[COMP_CWORD]}" "$prev"
    elif [[ -n "$_cargo_attest_previous" && "$_cargo_attest_previous" != _cargo_attest_as_cargo_plugin ]]; then
        "$_cargo_attest_previous" "$@"
    fi
}
complete -F _cargo_attest_as_cargo_plugin -o bashdefault -o default cargo
"#,
    );
    fixed
}

/// Writes `cargo-attest.1` and one page per visible subcommand, named
/// `cargo-attest-key-generate.1` and so on.
pub(crate) fn write_man_pages(dir: &Path) -> Result<usize> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    page_names(&cmd, BIN, &mut pages);
    write_page(dir, &cmd, BIN, &pages)
}

fn page_names(cmd: &clap::Command, name: &str, out: &mut Vec<String>) {
    out.push(name.to_string());
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        page_names(sub, &format!("{name}-{}", sub.get_name()), out);
    }
}

fn write_page(dir: &Path, cmd: &clap::Command, name: &str, pages: &[String]) -> Result<usize> {
    let bin_name = name
        .replacen("cargo-attest", "cargo attest", 1)
        .replace('-', " ");
    let page = cmd
        .clone()
        .name(name.to_string())
        .bin_name(bin_name.clone())
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_subcommand(true);
    let man = clap_mangen::Man::new(page.clone());
    let mut out = Vec::new();
    let io = |e| Error::io("render man page", dir, e);
    render_clap_sections(&man, &page, &mut out).map_err(io)?;
    let mut roff = Roff::new();
    if name == BIN {
        environment_and_files(&mut roff);
    }
    exit_status(&mut roff);
    examples_section(&mut roff, &bin_name);
    see_also(&mut roff, name, pages);
    out.extend_from_slice(roff.to_roff().as_bytes());
    man.render_version_section(&mut out).map_err(io)?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, out).map_err(|e| Error::io("write", &path, e))?;
    let mut count = 1;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        count += write_page(dir, sub, &format!("{name}-{}", sub.get_name()), pages)?;
    }
    Ok(count)
}

/// What clap_mangen writes from the clap model: title, name, synopsis,
/// description, and options and subcommands where there are any.
fn render_clap_sections(
    man: &clap_mangen::Man,
    page: &clap::Command,
    out: &mut Vec<u8>,
) -> std::io::Result<()> {
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    if page.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(out)?;
    }
    if page.get_subcommands().any(|s| !s.is_hide_set()) {
        man.render_subcommands_section(out)?;
    }
    Ok(())
}

/// ENVIRONMENT and FILES, on the top page only.
fn environment_and_files(roff: &mut Roff) {
    roff.control("SH", ["ENVIRONMENT"]);
    for (var, meaning) in VARIABLES {
        roff.control("TP", [])
            .text([bold(*var)])
            .text([roman(*meaning)]);
    }
    roff.control("SH", ["FILES"]);
    for (file, meaning) in FILES {
        roff.control("TP", [])
            .text([bold(*file)])
            .text([roman(*meaning)]);
    }
}

/// EXIT STATUS, from the one table of exit codes.
fn exit_status(roff: &mut Roff) {
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in EXIT_CODES {
        roff.control("TP", [])
            .text([bold(code.code().to_string())])
            .text([roman(*meaning)]);
    }
}

/// EXAMPLES, where the page has any.
fn examples_section(roff: &mut Roff, bin_name: &str) {
    let examples = examples(bin_name);
    if !examples.is_empty() {
        roff.control("SH", ["EXAMPLES"]);
        for (what, command) in examples {
            roff.control("TP", []).text([roman(*what)]);
            roff.control("nf", [])
                .text([bold(*command)])
                .control("fi", []);
        }
    }
}

/// SEE ALSO: the top page lists every other page; the others list the top
/// page, their parent's and their subcommands' pages; all end with
/// cargo(1).
fn see_also(roff: &mut Roff, name: &str, pages: &[String]) {
    roff.control("SH", ["SEE ALSO"]);
    let mut see: Vec<String> = pages
        .iter()
        .filter(|p| {
            p.as_str() != name
                && (p.as_str() == BIN
                    || p.starts_with(&format!("{name}-"))
                    || name.starts_with(&format!("{p}-")))
        })
        .map(|p| format!("{p}(1)"))
        .collect();
    if name == BIN {
        see = pages
            .iter()
            .filter(|p| p.as_str() != BIN)
            .map(|p| format!("{p}(1)"))
            .collect();
    }
    see.push("cargo(1)".into());
    // Page names are never hyphenated where the list wraps: a reader copies
    // them whole.
    roff.control("nh", []);
    roff.text([roman(see.join(", "))]);
    roff.control("hy", []);
}

/// Files and directories cargo-attest reads or writes.
const FILES: &[(&str, &str)] = &[
    (
        "target/attest/*.sigstore.json",
        "Bundles written by cargo attest (in the cargo target directory), and where verify FILE looks for one.",
    ),
    (
        "target/oci/NAME/",
        "The OCI image layout a REF without a registry host names (index.json, blobs/sha256).",
    ),
    (
        "~/.cache/cargo-attest/capabilities.json",
        "Remembered attach verdicts per registry and repository (24 hours); --redetect forgets one.",
    ),
    (
        "~/.cache/cargo-attest/blob-sources.json",
        "Which repository of a registry received which blob, for cross-repository mounts.",
    ),
    (
        "~/.docker/config.json",
        "Registry credentials (auths, credHelpers, credsStore), after the OS keyring and the environment.",
    ),
    (
        "$XDG_RUNTIME_DIR/containers/auth.json",
        "Podman's registry credentials, last in the lookup order.",
    ),
];

/// Examples for a page, by its command line.
fn examples(bin_name: &str) -> &'static [(&'static str, &'static str)] {
    EXAMPLES
        .iter()
        .find(|(page, _)| *page == bin_name)
        .map_or(&[], |(_, examples)| *examples)
}

/// Each page's examples: what it does, and the command line.
type Examples = &'static [(&'static str, &'static str)];

const EXAMPLES: &[(&str, Examples)] = &[
    (
        "cargo attest",
        &[
            (
                "Attest the release build with the keyring key `default`:",
                "cargo build --release && cargo attest --release",
            ),
            (
                "Attest and push the outputs with the attestation attached:",
                "cargo attest --release --push ghcr.io/acme/tool:1.0",
            ),
            (
                "Sign with a key file, for CI:",
                "cargo attest --release --key attest-key.pem",
            ),
            (
                "Sign keyless with the CI job's OIDC identity (a Fulcio certificate and a timestamp):",
                "cargo attest --release --keyless",
            ),
        ],
    ),
    (
        "cargo attest verify",
        &[
            (
                "Check a file against its bundle:",
                "cargo attest verify target/release/tool --bundle tool.sigstore.json --key tool.pub",
            ),
            (
                "Check a file against the bundle cargo attest wrote for it:",
                "cargo attest verify target/release/tool --key tool.pub",
            ),
            (
                "Check what is attached to an image:",
                "cargo attest verify ghcr.io/acme/tool:1.0 --key tool.pub",
            ),
            (
                "Check a file against the attestations attached to an image:",
                "cargo attest verify tool --from ghcr.io/acme/tool:1.0 --key tool.pub",
            ),
            (
                "Check a keyless attestation by who signed it:",
                "cargo attest verify ghcr.io/acme/tool:1.0 --owner acme --repo acme/tool --signer-workflow acme/tool/.github/workflows/release.yml",
            ),
        ],
    ),
    (
        "cargo attest download",
        &[
            (
                "Write the bundles attached to an image to files, for offline verification:",
                "cargo attest download ghcr.io/acme/tool:1.0 -o attestations",
            ),
            (
                "The same as one JSON-lines file, as gh attestation download writes:",
                "cargo attest download ghcr.io/acme/tool:1.0 --bundle-format jsonl",
            ),
        ],
    ),
    (
        "cargo attest inspect",
        &[(
            "Show what a bundle says (nothing is verified):",
            "cargo attest inspect tool.sigstore.json",
        )],
    ),
    (
        "cargo attest push",
        &[(
            "Push two files as one artifact:",
            "cargo attest push ghcr.io/acme/tool:1.0 target/release/tool README.md",
        )],
    ),
    (
        "cargo attest attach",
        &[
            (
                "Attach an existing bundle to an image:",
                "cargo attest attach ghcr.io/acme/tool:1.0 --bundle tool.sigstore.json",
            ),
            (
                "Attach one bundle to every image GoReleaser pushed:",
                "cargo attest attach --subjects dist/digests.txt --bundle release.sigstore.json",
            ),
        ],
    ),
    (
        "cargo attest discover",
        &[(
            "List what is attached, as JSON:",
            "cargo attest discover ghcr.io/acme/tool:1.0 --format json",
        )],
    ),
    (
        "cargo attest prune",
        &[(
            "See what would be removed, then remove it:",
            "cargo attest prune ghcr.io/acme/tool && cargo attest prune ghcr.io/acme/tool --yes",
        )],
    ),
    (
        "cargo attest repair",
        &[(
            "Fill in fallback-index entries other tools wrote without artifactType or annotations:",
            "cargo attest repair ghcr.io/acme/tool && cargo attest repair ghcr.io/acme/tool --yes",
        )],
    ),
    (
        "cargo attest migrate",
        &[(
            "Move fallback tags to the referrers API once the registry has it:",
            "cargo attest migrate registry.example/acme/tool --yes",
        )],
    ),
    (
        "cargo attest login",
        &[(
            "Store a token for a registry in the OS keyring:",
            "cargo attest login ghcr.io -u acme --password-stdin < token.txt",
        )],
    ),
    (
        "cargo attest key generate",
        &[
            (
                "A P-256 key in the OS keyring:",
                "cargo attest key generate release",
            ),
            (
                "A key pair as files (k.pem and k.pub):",
                "cargo attest key generate --output k.pem",
            ),
        ],
    ),
    (
        "cargo attest key export",
        &[(
            "The public key of a key file, for verifiers:",
            "cargo attest key export --key k.pem -o k.pub",
        )],
    ),
];
