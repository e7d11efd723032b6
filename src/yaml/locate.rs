//! Maps field paths such as `spec.ports[1].name` to line and column in a document.
//!
//! serde's YAML values carry no positions, so the document is read a second time
//! with an event parser that does, only when something needs pointing at.

use saphyr_parser::{Event, Parser};
use std::collections::HashMap;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Formats a mapping key as a path segment: `name`, or `["app.kubernetes.io/name"]`
/// when the key is not a plain identifier.
pub fn key_segment(key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        format!(".{key}")
    } else {
        format!("[{key:?}]")
    }
}

/// Joins a parent path and a key.
pub fn join_key(parent: &str, key: &str) -> String {
    let seg = key_segment(key);
    if parent.is_empty() {
        seg.trim_start_matches('.').to_string()
    } else {
        format!("{parent}{seg}")
    }
}

/// Joins a parent path and a list index.
pub fn join_index(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

enum Frame {
    Map {
        path: String,
        key: Option<(String, Pos)>,
    },
    Seq {
        path: String,
        next: usize,
    },
}

/// Positions of every node of one document, by path.
#[derive(Debug, Default)]
pub struct PositionIndex {
    positions: HashMap<String, Pos>,
    root: Pos,
}

impl PositionIndex {
    /// Indexes the first document of `text`. Lines are relative to `text`'s first line.
    /// A document the event parser cannot read gives an empty index (lookups then
    /// fall back to the document start).
    pub fn build(text: &str) -> PositionIndex {
        let mut index = PositionIndex::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut root_seen = false;
        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            let pos = Pos {
                line: span.start.line(),
                column: span.start.col() + 1,
            };
            // The path of the node this event starts, if it is a node.
            let node_path =
                |stack: &mut Vec<Frame>, scalar: Option<&str>| -> Option<(String, Pos)> {
                    match stack.last_mut() {
                        None => Some((String::new(), pos)),
                        Some(Frame::Seq { path, next }) => {
                            let p = join_index(path, *next);
                            *next += 1;
                            Some((p, pos))
                        }
                        Some(Frame::Map { path, key }) => match key.take() {
                            Some((k, kpos)) => Some((join_key(path, &k), kpos)),
                            None => {
                                // This node is a key.
                                *key = Some((scalar.unwrap_or("?").to_string(), pos));
                                None
                            }
                        },
                    }
                };
            match event {
                Event::DocumentStart(_) | Event::DocumentEnd | Event::StreamEnd if root_seen => {
                    break;
                }
                Event::Scalar(value, ..) => {
                    if let Some((p, at)) = node_path(&mut stack, Some(&value)) {
                        if p.is_empty() {
                            index.root = at;
                            root_seen = true;
                        }
                        index.positions.insert(p, at);
                    }
                }
                Event::Alias(_) => {
                    if let Some((p, at)) = node_path(&mut stack, Some("*alias")) {
                        index.positions.insert(p, at);
                    }
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    let is_map = matches!(event, Event::MappingStart(..));
                    let (p, at) = match node_path(&mut stack, None) {
                        Some(found) => found,
                        // A complex key: index its insides under a placeholder.
                        None => ("?".to_string(), pos),
                    };
                    if p.is_empty() {
                        index.root = at;
                        root_seen = true;
                    }
                    index.positions.entry(p.clone()).or_insert(at);
                    stack.push(if is_map {
                        Frame::Map { path: p, key: None }
                    } else {
                        Frame::Seq { path: p, next: 0 }
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                }
                _ => {}
            }
        }
        index
    }

    /// The position of `path`, or of its closest indexed ancestor, or the document start.
    pub fn find(&self, path: &str) -> Pos {
        let mut p = path;
        loop {
            if let Some(pos) = self.positions.get(p) {
                return *pos;
            }
            match parent_path(p) {
                Some(parent) => p = parent,
                None => return self.root_or_start(),
            }
        }
    }

    /// The position of `path` only if the node itself exists.
    pub fn get(&self, path: &str) -> Option<Pos> {
        self.positions.get(path).copied()
    }

    fn root_or_start(&self) -> Pos {
        if self.root.line == 0 {
            Pos { line: 1, column: 1 }
        } else {
            self.root
        }
    }
}

/// The path one level up: `a.b[2]` → `a.b`, `a.b` → `a`, `a["x.y"]` → `a`.
pub fn parent_path(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    if path.ends_with(']') {
        // Find the matching '[' outside quotes (keys are Debug-quoted).
        let bytes = path.as_bytes();
        let mut in_quote = false;
        let mut i = bytes.len();
        while i > 0 {
            i -= 1;
            match bytes[i] {
                b'"' if i == 0 || bytes[i - 1] != b'\\' => in_quote = !in_quote,
                b'[' if !in_quote => return Some(&path[..i]),
                _ => {}
            }
        }
        return Some("");
    }
    match path.rfind(['.', ']']) {
        Some(i) if path.as_bytes()[i] == b']' => Some(&path[..=i]),
        Some(i) => Some(&path[..i]),
        None => Some(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "---\napiVersion: v1\nspec:\n  ports:\n  - number: 80\n    name: http\n  - number: 443\n    name: https\n  labels:\n    app.kubernetes.io/name: x\n";

    #[test]
    fn finds_keys_and_items() {
        let idx = PositionIndex::build(DOC);
        assert_eq!(idx.find("apiVersion"), Pos { line: 2, column: 1 });
        assert_eq!(idx.find("spec.ports[1]"), Pos { line: 7, column: 5 });
        assert_eq!(idx.find("spec.ports[1].name"), Pos { line: 8, column: 5 });
        assert_eq!(
            idx.find("spec.labels[\"app.kubernetes.io/name\"]"),
            Pos {
                line: 10,
                column: 5
            }
        );
        // Missing fields fall back to the closest ancestor.
        assert_eq!(
            idx.find("spec.ports[1].targetPort"),
            Pos { line: 7, column: 5 }
        );
        assert_eq!(idx.find("status.x"), Pos { line: 2, column: 1 });
    }

    #[test]
    fn path_parents() {
        assert_eq!(parent_path("a.b[2]"), Some("a.b"));
        assert_eq!(parent_path("a.b[2].c"), Some("a.b[2]"));
        assert_eq!(parent_path("a[\"x.y\"]"), Some("a"));
        assert_eq!(parent_path("a"), Some(""));
        assert_eq!(parent_path(""), None);
    }
}
