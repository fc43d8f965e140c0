//! Hidden `generate`: completions and man pages from the one clap model.

use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use super::Report;
use crate::cli::{Cli, GenerateCommand};
use crate::error::{Error, Result};

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
        clap_complete::generate_to(shell, &mut cmd, BIN, dir)
            .map_err(|e| Error::io("write completions to", dir, e))?;
    }
    Ok(shells.len())
}

/// Writes `cargo-attest.1` and one page per visible subcommand, named
/// `cargo-attest-key-generate.1` and so on.
pub(crate) fn write_man_pages(dir: &Path) -> Result<usize> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    let mut cmd = Cli::command();
    cmd.build();
    write_page(dir, &cmd, BIN)
}

fn write_page(dir: &Path, cmd: &clap::Command, name: &str) -> Result<usize> {
    let page = cmd
        .clone()
        .name(name.to_string())
        .bin_name(
            name.replace('-', " ")
                .replacen("cargo attest", "cargo-attest", 1),
        );
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut out)
        .map_err(|e| Error::io("render man page", dir, e))?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, out).map_err(|e| Error::io("write", &path, e))?;
    let mut count = 1;
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        count += write_page(dir, sub, &format!("{name}-{}", sub.get_name()))?;
    }
    Ok(count)
}
