//! The engine's modules import downwards only: no module imports one that
//! imports it back, directly or through others.
//!
//! The check reads the sources under `src/` as text. A module is a file
//! directly under `src/` or a folder with its `mod.rs`; inside a folder,
//! each file is a module of its own, and the folder's files must not form
//! a cycle among themselves either (a file's own `super` is the folder it
//! belongs to, which is being part of it, not an import). An edge is any
//! path through `crate::` or `super::` outside comments and test code;
//! `crate::Name` for a name the root re-exports counts as an edge to the
//! module that defines it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Module name -> the modules it imports.
type Graph = BTreeMap<String, BTreeSet<String>>;

/// A source file: which module it belongs to at the top level, and which
/// file of that module's folder it is (`None` for a module's root file).
struct Source {
    top: String,
    part: Option<String>,
    code: String,
}

fn sources() -> Vec<Source> {
    let mut out = Vec::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            for file in walk(&path) {
                let rel = file.strip_prefix(&path).unwrap();
                let first = rel.iter().next().unwrap().to_string_lossy();
                let part = first.trim_end_matches(".rs").to_owned();
                let part = (part != "mod").then_some(part);
                out.push(Source {
                    top: name.clone(),
                    part,
                    code: code_of(&file),
                });
            }
        } else if name != "lib" {
            out.push(Source {
                top: name,
                part: None,
                code: code_of(&path),
            });
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// A file's code without comments and without its test code (test-only
/// files, and everything from a `#[cfg(test)]` module on).
fn code_of(path: &Path) -> String {
    let name = path.file_name().unwrap().to_string_lossy();
    if name.ends_with("tests.rs") {
        return String::new();
    }
    let text = fs::read_to_string(path).unwrap();
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => &text[..],
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Which top-level module defines each name the root re-exports.
fn root_names() -> BTreeMap<String, String> {
    let lib = code_of(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"));
    let mut names = BTreeMap::new();
    for statement in lib.split(';') {
        let Some(at) = statement.find("pub use ") else {
            continue;
        };
        let path = &statement[at + 8..];
        let module = path.split("::").next().unwrap().trim().to_owned();
        for name in identifiers(path.split_once("::").map_or("", |(_, rest)| rest)) {
            names.insert(name, module.clone());
        }
    }
    names
}

/// The identifiers in a `use` tree (`{A, b::C as D}` gives A, b, C, D).
fn identifiers(tree: &str) -> Vec<String> {
    tree.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| !word.is_empty() && *word != "as" && *word != "self")
        .map(str::to_owned)
        .collect()
}

/// The names used right after every `prefix` in `code`, including each
/// name in a `prefix{...}` group.
fn paths_after(code: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        let rest = &code[at + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            // Only the first segment of each path in the group.
            for item in group[..end].split(',') {
                if let Some(first) = identifiers(item).into_iter().next() {
                    out.push(first);
                }
            }
        } else if let Some(first) = identifiers(rest).into_iter().next() {
            out.push(first);
        }
    }
    out
}

fn graphs() -> (Graph, BTreeMap<String, Graph>) {
    let sources = sources();
    let tops: BTreeSet<String> = sources.iter().map(|s| s.top.clone()).collect();
    let roots = root_names();
    let mut top_graph = Graph::new();
    let mut folders: BTreeMap<String, Graph> = BTreeMap::new();
    for source in &sources {
        let edges = top_graph.entry(source.top.clone()).or_default();
        for name in paths_after(&source.code, "crate::") {
            let target = if tops.contains(&name) {
                Some(name)
            } else {
                roots.get(&name).cloned()
            };
            if let Some(target) = target.filter(|t| *t != source.top) {
                edges.insert(target);
            }
        }
        if let Some(part) = &source.part {
            let siblings: BTreeSet<String> = sources
                .iter()
                .filter(|s| s.top == source.top)
                .filter_map(|s| s.part.clone())
                .collect();
            let folder = folders.entry(source.top.clone()).or_default();
            let edges = folder.entry(part.clone()).or_default();
            for name in paths_after(&source.code, "super::") {
                if siblings.contains(&name) && name != *part {
                    edges.insert(name);
                }
            }
        }
    }
    (top_graph, folders)
}

/// A cycle in `graph`, as the list of its modules, if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn top_level_modules_form_no_cycle() {
    let (graph, _) = graphs();
    assert!(graph.len() > 10, "too few modules found: {graph:?}");
    assert_eq!(find_cycle(&graph), None, "{graph:#?}");
}

#[test]
fn the_files_of_each_folder_form_no_cycle() {
    let (_, folders) = graphs();
    assert!(folders.contains_key("handshake") && folders.contains_key("deflate"));
    for (folder, graph) in &folders {
        assert_eq!(find_cycle(graph), None, "in {folder}/: {graph:#?}");
    }
}

#[test]
fn the_codec_knows_nothing_of_http_or_the_connection() {
    let (graph, _) = graphs();
    let deflate = &graph["deflate"];
    for above in ["handshake", "connection", "reader", "message", "prepared"] {
        assert!(!deflate.contains(above), "deflate imports {above}");
    }
    for codec in ["frame", "mask", "utf8", "close_code", "close", "error"] {
        let imports = &graph[codec];
        for above in [
            "connection",
            "handshake",
            "deflate",
            "recv",
            "send",
            "rules",
        ] {
            assert!(!imports.contains(above), "{codec} imports {above}");
        }
    }
}

#[test]
fn the_checker_sees_a_cycle() {
    let mut graph = Graph::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    assert_eq!(find_cycle(&graph), None);
    graph.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
}
