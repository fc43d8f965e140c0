//! Cargo's dep-info files: `target/<profile>/<name>.d` beside each output,
//! in Makefile syntax (`target: dep dep ...`), listing exactly the files
//! cargo tracked for it (sources of the package and its path dependencies,
//! build scripts' `rerun-if-changed` paths). Staleness is judged from them
//! alone: a file cargo does not track cannot make an output stale.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// One rule: its targets and their prerequisites, unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rule {
    pub(crate) targets: Vec<String>,
    pub(crate) deps: Vec<String>,
}

/// Parses a dep-info file. Cargo and rustc escape a space in a path as
/// `\ ` and nothing else, so any other backslash is part of the path (a
/// Windows one); a line ending in `\` continues on the next; `#` starts a
/// comment (rustc's `# env-dep:` lines). The separator is the first `:`
/// followed by whitespace or the end of the line, which keeps `C:\src` a
/// path. A line without a separator is not a rule and is skipped.
pub(crate) fn parse(text: &str) -> Vec<Rule> {
    let mut rules = Vec::new();
    let mut logical = String::new();
    for line in text.lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        match line.strip_suffix('\\') {
            // `foo\ ` + newline would be an escaped space, not a
            // continuation; cargo never ends a line with one.
            Some(head) if !head.ends_with('\\') => {
                logical.push_str(head);
                logical.push(' ');
            }
            _ => {
                logical.push_str(line);
                if let Some(rule) = parse_rule(&logical) {
                    rules.push(rule);
                }
                logical.clear();
            }
        }
    }
    if let Some(rule) = parse_rule(&logical) {
        rules.push(rule);
    }
    rules
}

fn parse_rule(line: &str) -> Option<Rule> {
    if line.trim_start().starts_with('#') {
        return None;
    }
    let mut targets = Vec::new();
    let mut deps = Vec::new();
    let mut in_deps = false;
    let mut word = String::new();
    let mut chars = line.chars().peekable();
    let mut finish = |word: &mut String, in_deps: bool| {
        if !word.is_empty() {
            let done = std::mem::take(word);
            if in_deps {
                deps.push(done);
            } else {
                targets.push(done);
            }
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some(' ' | '#')) => {
                word.push(chars.next().unwrap_or(' '));
            }
            '#' => break,
            ':' if !in_deps && chars.peek().is_none_or(|n| n.is_whitespace()) => {
                finish(&mut word, in_deps);
                in_deps = true;
            }
            c if c.is_whitespace() => finish(&mut word, in_deps),
            c => word.push(c),
        }
    }
    finish(&mut word, in_deps);
    (in_deps && !targets.is_empty()).then_some(Rule { targets, deps })
}

/// The inputs cargo tracked for `output`: the prerequisites of the rules
/// whose target is `output` (matched by file name, since a configured
/// `build.dep-info-basedir` makes paths relative). Relative inputs are
/// taken from `base`, the workspace root.
pub(crate) fn inputs_of(rules: &[Rule], output: &Path, base: &Path) -> Vec<PathBuf> {
    let Some(name) = output.file_name() else {
        return Vec::new();
    };
    let mut inputs: Vec<PathBuf> = rules
        .iter()
        .filter(|r| {
            r.targets
                .iter()
                .any(|t| Path::new(t).file_name() == Some(name))
        })
        .flat_map(|r| r.deps.iter())
        .map(|d| base.join(d))
        .collect();
    inputs.sort();
    inputs.dedup();
    inputs
}

/// What the dep-info beside an output says of its freshness.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Freshness {
    /// Every tracked input is older than the output.
    Fresh,
    /// An input changed after the output was written: the newest such.
    Stale(PathBuf),
    /// Nothing to judge by; never a warning.
    Unknown(String),
}

/// Judges `output` by its dep-info file (`<output without extension>.d`,
/// where cargo writes it). An output is stale when a tracked input was
/// modified after it: cargo would rebuild it. (Cargo compares with the
/// time compilation started, which only makes it rebuild more often than
/// this says, never less: no false alarm here.) Inputs that are gone or
/// unreadable are left out rather than guessed at.
pub(crate) fn freshness(output: &Path, base: &Path) -> Freshness {
    let mtime = |p: &Path| p.metadata().and_then(|m| m.modified());
    let built = match mtime(output) {
        Ok(t) => t,
        Err(e) => return Freshness::Unknown(format!("{}: {e}", output.display())),
    };
    let dep_info = output.with_extension("d");
    let text = match std::fs::read_to_string(&dep_info) {
        Ok(text) => text,
        Err(e) => return Freshness::Unknown(format!("{}: {e}", dep_info.display())),
    };
    let inputs = inputs_of(&parse(&text), output, base);
    if inputs.is_empty() {
        return Freshness::Unknown(format!(
            "{} lists no input of {}",
            dep_info.display(),
            output.display()
        ));
    }
    let mut newest: Option<(SystemTime, PathBuf)> = None;
    for input in inputs {
        match mtime(&input) {
            Ok(t) if t > built && newest.as_ref().is_none_or(|(n, _)| t > *n) => {
                newest = Some((t, input));
            }
            Ok(_) => {}
            Err(e) => tracing::debug!(
                "{} (an input of {}): {e}; not judged",
                input.display(),
                output.display()
            ),
        }
    }
    match newest {
        Some((_, input)) => Freshness::Stale(input),
        None => Freshness::Fresh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(targets: &[&str], deps: &[&str]) -> Rule {
        Rule {
            targets: targets.iter().map(|s| s.to_string()).collect(),
            deps: deps.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn cargo_output_dep_info() {
        let text = "/w/target/debug/app: /w/app/src/main.rs /w/greet/src/lib.rs\n";
        assert_eq!(
            parse(text),
            [rule(
                &["/w/target/debug/app"],
                &["/w/app/src/main.rs", "/w/greet/src/lib.rs"]
            )]
        );
    }

    #[test]
    fn escaped_spaces_stay_in_the_path() {
        let text = "/my\\ dir/target/debug/app: /my\\ dir/src/main.rs /my\\ dir/src/a\\ b.rs\n";
        assert_eq!(
            parse(text),
            [rule(
                &["/my dir/target/debug/app"],
                &["/my dir/src/main.rs", "/my dir/src/a b.rs"]
            )]
        );
    }

    #[test]
    fn rustc_dep_info_with_several_rules_and_comments() {
        // rustc's own format: the output, the .d itself, then one empty
        // rule per source, and env-dep comments.
        let text = "\
/w/target/debug/deps/app-1: src/main.rs src/util.rs

/w/target/debug/deps/app-1.d: src/main.rs src/util.rs

src/main.rs:
src/util.rs:

# env-dep:CARGO_PKG_NAME=app
";
        let rules = parse(text);
        assert_eq!(rules.len(), 4, "{rules:?}");
        assert_eq!(rules[0].deps, ["src/main.rs", "src/util.rs"]);
        assert_eq!(rules[2], rule(&["src/main.rs"], &[]));
        let inputs = inputs_of(
            &rules,
            Path::new("/w/target/debug/deps/app-1"),
            Path::new("/w"),
        );
        assert_eq!(
            inputs,
            [
                PathBuf::from("/w/src/main.rs"),
                PathBuf::from("/w/src/util.rs")
            ]
        );
    }

    #[test]
    fn several_targets_in_one_rule() {
        let text = "out/a out/b: x.rs y.rs\n";
        assert_eq!(parse(text), [rule(&["out/a", "out/b"], &["x.rs", "y.rs"])]);
        let rules = parse(text);
        assert_eq!(
            inputs_of(&rules, Path::new("/t/b"), Path::new("/w")).len(),
            2
        );
        assert!(inputs_of(&rules, Path::new("/t/c"), Path::new("/w")).is_empty());
    }

    #[test]
    fn continuation_lines_join() {
        let text = "app: a.rs \\\n  b.rs\\\n c\\ d.rs\r\n\nother: e.rs\n";
        assert_eq!(
            parse(text),
            [
                rule(&["app"], &["a.rs", "b.rs", "c d.rs"]),
                rule(&["other"], &["e.rs"])
            ]
        );
    }

    #[test]
    fn windows_paths_keep_their_drive_and_backslashes() {
        let text = "C:\\w\\target\\debug\\app.exe: C:\\w\\src\\main.rs C:\\my\\ dir\\lib.rs\n";
        assert_eq!(
            parse(text),
            [rule(
                &["C:\\w\\target\\debug\\app.exe"],
                &["C:\\w\\src\\main.rs", "C:\\my dir\\lib.rs"]
            )]
        );
    }

    #[test]
    fn lines_without_a_rule_are_skipped() {
        assert!(parse("").is_empty());
        assert!(parse("# just a comment\n\n   \n").is_empty());
        assert!(parse("no separator here\n").is_empty());
        assert_eq!(parse("t: a # trailing\n"), [rule(&["t"], &["a"])]);
    }

    #[test]
    fn freshness_follows_the_tracked_inputs_only() {
        let dir = tempfile::tempdir().unwrap();
        let at = |secs: u64| SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs);
        let touch = |p: &Path, t: SystemTime| {
            std::fs::File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(t)
                .unwrap();
        };
        let src = dir.path().join("main.rs");
        let untracked = dir.path().join("notes.txt");
        let out = dir.path().join("app");
        for p in [&src, &untracked, &out] {
            std::fs::write(p, b"x").unwrap();
        }
        // No dep-info: nothing is said.
        assert!(matches!(freshness(&out, dir.path()), Freshness::Unknown(_)));
        std::fs::write(
            dir.path().join("app.d"),
            format!("{}: main.rs gone.rs\n", out.display()),
        )
        .unwrap();
        touch(&src, at(1_000));
        touch(&out, at(2_000));
        touch(&untracked, at(3_000));
        assert_eq!(freshness(&out, dir.path()), Freshness::Fresh);
        touch(&src, at(2_500));
        assert_eq!(freshness(&out, dir.path()), Freshness::Stale(src.clone()));
        // A dep-info about another output says nothing of this one.
        std::fs::write(dir.path().join("app.d"), "other: main.rs\n").unwrap();
        assert!(matches!(freshness(&out, dir.path()), Freshness::Unknown(_)));
    }
}
