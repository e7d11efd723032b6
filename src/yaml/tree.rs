//! A YAML document as a tree of nodes with their byte ranges in the text, for
//! patching the text in place.

use super::fragment::dash_before;
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar {
        value: String,
        style: ScalarStyle,
    },
    Mapping {
        entries: Vec<(String, Range<usize>, Node)>,
        flow: bool,
    },
    Sequence {
        items: Vec<Node>,
        flow: bool,
    },
    Alias,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    /// Byte range of the node's own text: for a block collection from its first
    /// key or dash to the end of its last value; for a block scalar from its `|`
    /// or `>` to the end of its last content line; empty, right after the colon,
    /// for a null written as nothing (`key:`).
    pub span: Range<usize>,
    /// Anchored or tagged nodes are not patched.
    pub decorated: bool,
}

enum Frame {
    Map {
        start: usize,
        flow: bool,
        entries: Vec<(String, Range<usize>, Node)>,
        key: Option<(String, Range<usize>)>,
        decorated: bool,
    },
    Seq {
        start: usize,
        flow: bool,
        items: Vec<Node>,
        decorated: bool,
    },
}

/// Char index → byte offset table.
fn byte_offsets(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    v.push(text.len());
    v
}

/// The parser's scalar spans may run over trailing blanks and comments: find the
/// scalar's own end.
fn scalar_end(text: &str, s: usize, e: usize, style: ScalarStyle) -> usize {
    let b = text.as_bytes();
    match style {
        ScalarStyle::SingleQuoted => {
            let mut i = s + 1;
            while i < b.len() {
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return i + 1;
                }
                i += 1;
            }
            e
        }
        ScalarStyle::DoubleQuoted => {
            let mut i = s + 1;
            while i < b.len() {
                match b[i] {
                    b'\\' => i += 2,
                    b'"' => return i + 1,
                    _ => i += 1,
                }
            }
            e
        }
        ScalarStyle::Plain => {
            let slice = &text[s..e.max(s)];
            let mut cut = slice.len();
            if let Some(i) = slice.find(" #") {
                cut = i;
            }
            if let Some(i) = slice.find("\t#") {
                cut = cut.min(i);
            }
            s + slice[..cut].trim_end().len()
        }
        // A block scalar ends with its last content line, not the blank lines after it.
        ScalarStyle::Literal | ScalarStyle::Folded => s + text[s..e.max(s)].trim_end().len(),
    }
}

/// The `|` or `>` header of a block scalar whose content starts at `content`: the
/// last token of the nearest non-blank line above (a comment after it aside).
fn block_header(text: &str, content: usize) -> Option<usize> {
    let mut end = text[..content].rfind('\n')?;
    loop {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end];
        if !line.trim().is_empty() {
            let code = line.find(" #").map_or(line, |i| &line[..i]).trim_end();
            let token = code.rfind([' ', '\t']).map_or(0, |i| i + 1);
            return code[token..]
                .starts_with(['|', '>'])
                .then_some(start + token);
        }
        end = start.checked_sub(1)?;
    }
}

/// Where an empty (null) value of the key ending at `key_end` sits: just after
/// its colon, so that writing a value there reads `key: value`.
fn null_value_at(text: &str, key_end: usize) -> usize {
    let rest = &text[key_end..];
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if rest[blanks..].starts_with(':') {
        key_end + blanks + 1
    } else {
        key_end
    }
}

/// The end of a flow collection starting at `start` (just past its closing bracket).
fn flow_end(text: &str, start: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = start;
    while i < b.len() {
        match b[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'\'' => {
                i += 1;
                while i < b.len() && !(b[i] == b'\'' && b.get(i + 1) != Some(&b'\'')) {
                    i += if b[i] == b'\'' { 2 } else { 1 };
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' if i > 0 && b[i - 1] == b' ' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Parses the first document of `text`; `None` if it cannot be read.
pub fn parse(text: &str) -> Option<Node> {
    let offsets = byte_offsets(text);
    let at = |ci: usize| offsets.get(ci).copied().unwrap_or(text.len());
    let mut stack: Vec<Frame> = Vec::new();
    let mut root = None;
    for ev in Parser::new_from_str(text) {
        let (ev, span) = ev.ok()?;
        let (s, e) = (at(span.start.index()), at(span.end.index()));
        let node = match ev {
            Event::Scalar(value, style, anchor, tag) => {
                let end = scalar_end(text, s, e, style);
                let s = match style {
                    ScalarStyle::Literal | ScalarStyle::Folded => block_header(text, s)?,
                    _ => s,
                };
                Some(Node {
                    kind: NodeKind::Scalar {
                        value: value.into_owned(),
                        style,
                    },
                    span: s..end,
                    decorated: anchor != 0 || tag.is_some(),
                })
            }
            Event::Alias(_) => Some(Node {
                kind: NodeKind::Alias,
                span: s..e,
                decorated: true,
            }),
            Event::MappingStart(anchor, tag) => {
                let flow = text[s..].starts_with('{');
                stack.push(Frame::Map {
                    start: s,
                    flow,
                    entries: Vec::new(),
                    key: None,
                    decorated: anchor != 0 || tag.is_some(),
                });
                None
            }
            Event::SequenceStart(anchor, tag) => {
                let flow = text[s..].starts_with('[');
                stack.push(Frame::Seq {
                    start: s,
                    flow,
                    items: Vec::new(),
                    decorated: anchor != 0 || tag.is_some(),
                });
                None
            }
            Event::MappingEnd => match stack.pop()? {
                Frame::Map {
                    start,
                    flow,
                    entries,
                    decorated,
                    ..
                } => {
                    let end = if flow {
                        flow_end(text, start).unwrap_or(e)
                    } else {
                        entries.last().map(|(_, _, n)| n.span.end).unwrap_or(start)
                    };
                    Some(Node {
                        kind: NodeKind::Mapping { entries, flow },
                        span: start..end,
                        decorated,
                    })
                }
                Frame::Seq { .. } => return None,
            },
            Event::SequenceEnd => match stack.pop()? {
                Frame::Seq {
                    start,
                    flow,
                    items,
                    decorated,
                } => {
                    let (start, end) = if flow {
                        (start, flow_end(text, start).unwrap_or(e))
                    } else {
                        let dash = items
                            .first()
                            .and_then(|n| dash_before(text, n.span.start))
                            .unwrap_or(start);
                        (dash, items.last().map(|n| n.span.end).unwrap_or(start))
                    };
                    Some(Node {
                        kind: NodeKind::Sequence { items, flow },
                        span: start..end,
                        decorated,
                    })
                }
                Frame::Map { .. } => return None,
            },
            Event::DocumentEnd if root.is_some() => break,
            _ => None,
        };
        let Some(node) = node else { continue };
        match stack.last_mut() {
            None => {
                root = Some(node);
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => match &node.kind {
                    NodeKind::Scalar { value, .. } => {
                        *key = Some((value.clone(), node.span.clone()))
                    }
                    _ => return None,
                },
                Some((k, kspan)) => {
                    let mut node = node;
                    if node.span.is_empty()
                        && matches!(&node.kind, NodeKind::Scalar { value, style: ScalarStyle::Plain } if value.is_empty())
                    {
                        let at = null_value_at(text, kspan.end);
                        node.span = at..at;
                    }
                    entries.push((k, kspan, node))
                }
            },
        }
    }
    root
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_scalars_with_their_quotes() {
        let t = "a: 'x y'\nb:\n  c: \"q\" # note\n  d: [1, 2]\nl:\n- k: v\n  m: 2\n- z\n";
        let root = parse(t).unwrap();
        let NodeKind::Mapping { entries, flow } = &root.kind else {
            panic!()
        };
        assert!(!flow);
        assert_eq!(&t[entries[0].2.span.clone()], "'x y'");
        let NodeKind::Mapping { entries: inner, .. } = &entries[1].2.kind else {
            panic!()
        };
        assert_eq!(&t[inner[0].2.span.clone()], "\"q\"");
        assert_eq!(&t[inner[1].2.span.clone()], "[1, 2]");
        let NodeKind::Sequence { items, .. } = &entries[2].2.kind else {
            panic!()
        };
        assert_eq!(&t[items[0].span.clone()], "k: v\n  m: 2");
        assert_eq!(&t[items[1].span.clone()], "z");
        assert_eq!(&t[entries[1].1.clone()], "b");
    }
}
