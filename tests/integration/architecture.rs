//! docs/architecture.md stays true to src/: every top-level module (each
//! `mod` in src/lib.rs) has its section there, and every `//! Map:` link
//! in src/ points at a section that exists.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::repo_root;

/// The `### NAME` headings of docs/architecture.md.
fn sections() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(repo_root().join("docs/architecture.md")).unwrap();
    doc.lines()
        .filter_map(|l| l.strip_prefix("### "))
        .map(|h| h.trim().to_string())
        .collect()
}

/// The modules src/lib.rs declares (`mod x;`, `pub mod x;`, `pub(crate) mod x;`).
fn top_level_modules() -> Vec<String> {
    let lib = std::fs::read_to_string(repo_root().join("src/lib.rs")).unwrap();
    lib.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("//"))
        .filter_map(|l| {
            let rest = l.strip_prefix("pub ").or_else(|| {
                l.strip_prefix("pub(")
                    .and_then(|r| r.split_once(") ").map(|(_, r)| r))
            });
            rest.unwrap_or(l)
                .strip_prefix("mod ")?
                .strip_suffix(';')
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn every_top_level_module_has_a_section_in_architecture_md() {
    let modules = top_level_modules();
    assert!(
        modules.len() >= 15 && modules.contains(&"registry".to_string()),
        "src/lib.rs was not read right: {modules:?}"
    );
    let sections = sections();
    let missing: Vec<&String> = modules.iter().filter(|m| !sections.contains(*m)).collect();
    assert!(
        missing.is_empty(),
        "modules without a `### NAME` section in docs/architecture.md: {missing:?} \
         (say there what each holds and what it may use)"
    );
}

#[test]
fn every_map_link_in_src_points_at_a_section() {
    let sections = sections();
    let mut dirs = vec![repo_root().join("src")];
    let mut links = 0;
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines() {
                let Some(anchor) = line.strip_prefix("//! Map: docs/architecture.md#") else {
                    continue;
                };
                links += 1;
                assert!(
                    sections.contains(anchor.trim()),
                    "{}: `{line}` names no section of docs/architecture.md",
                    shown(&path)
                );
            }
        }
    }
    assert!(links > 0, "no `//! Map:` line found in src/");
}

fn shown(path: &Path) -> String {
    path.strip_prefix(repo_root())
        .unwrap_or(path)
        .display()
        .to_string()
}
