//! The layering of `src/` (docs/architecture.md): dependencies between top-level modules point
//! down only. Read from the `crate::` paths of the sources, test code left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every top-level module of `src/` and its layer; a module may use only lower layers.
const LAYERS: &[(&str, u8)] = &[
    ("protocol", 0),
    ("api", 1),
    ("client", 2),
    ("config", 3),
    ("domain", 4),
    ("sandbox", 5),
    ("http", 6),
    ("persist", 6),
    ("server", 7),
    ("cli", 8),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn is_test_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name == "tests.rs" || name.ends_with("_tests.rs") || name.ends_with("_properties.rs")
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "tests") {
                sources(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") && !is_test_file(&path) {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`None` for `lib.rs` and `main.rs`).
fn top_module(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let mut parts = rel.components();
    let first = parts.next()?.as_os_str().to_str()?.to_owned();
    if parts.next().is_some() {
        return Some(first);
    }
    let stem = first.strip_suffix(".rs")?;
    (stem != "lib" && stem != "main").then(|| stem.to_owned())
}

/// The code of a file without its tests and comments.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

fn ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// The names following `crate::`, including each first name of a `crate::{a, b::c}` group.
fn crate_refs(code: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        refs.insert(ident(&group[j..]));
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                refs.insert(name);
            }
        }
    }
    refs
}

fn module_graph() -> (BTreeSet<String>, BTreeMap<String, BTreeSet<String>>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| top_module(&src, f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(from) = top_module(&src, file) else {
            continue;
        };
        let text = std::fs::read_to_string(file).expect("a readable source file");
        for to in crate_refs(&code(&text)) {
            if to != from && modules.contains(&to) {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    (modules, edges)
}

#[test]
fn every_top_level_module_has_a_documented_layer() {
    let (modules, _) = module_graph();
    let unknown: Vec<_> = modules.iter().filter(|m| layer(m).is_none()).collect();
    assert!(
        unknown.is_empty(),
        "top-level modules missing from the layering (tests/api/architecture.rs and \
         docs/architecture.md): {unknown:?}"
    );
}

#[test]
fn dependencies_between_top_level_modules_point_down_only() {
    let (_, edges) = module_graph();
    let mut against = Vec::new();
    for (from, tos) in &edges {
        for to in tos {
            match (layer(from), layer(to)) {
                (Some(a), Some(b)) if b < a => {}
                _ => against.push(format!("{from} -> {to}")),
            }
        }
    }
    assert!(
        against.is_empty(),
        "edges against the layering of docs/architecture.md: {against:?}"
    );
}

#[test]
fn the_reader_of_crate_paths_sees_groups_and_skips_comments_and_tests() {
    let text = "use crate::{api::app::App, protocol::{signing, timefmt}};\n\
                // crate::server in a comment\n\
                let x = crate::domain::clock::Clock::system();\n\
                #[cfg(test)]\nuse crate::cli;\n";
    let refs = crate_refs(&code(text));
    let expected: BTreeSet<String> = ["api", "domain", "protocol"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(refs, expected);
}
