//! YAML text for the values the patcher writes into a document, in that
//! document's own style: its indentation step, whether block sequences are
//! indented under their key, and how far an item sits from its dash (`- a` or
//! `-   a`). Kept apart from the patcher, which decides *where* text goes; this
//! module only decides *what* the text is. Fragments use `\n`; the patcher turns
//! them into the document's line ending.

use super::tree::{Node, NodeKind};
use saphyr_parser::ScalarStyle;
use serde_yaml::{Mapping, Value};

/// How the document indents.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub step: usize,
    /// Block sequences under a key are indented (`key:\n  - a`) rather than flush.
    pub seq_indented: bool,
    /// Columns from an item's dash to its content: 2 for `- a`, 4 for `-   a`.
    pub item_gap: usize,
}

pub fn column(text: &str, offset: usize) -> usize {
    offset - line_start(text, offset)
}

pub fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0)
}

/// Offset just after the newline ending the line that contains `offset`.
pub fn line_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map(|i| offset + i + 1)
        .unwrap_or(text.len())
}

/// The offset of the `-` that introduces the block sequence item starting at
/// `item` (only blanks between them, on the same line).
pub fn dash_before(text: &str, item: usize) -> Option<usize> {
    let before = text.get(..item)?;
    let trimmed = before.trim_end_matches([' ', '\t']);
    (trimmed.len() < before.len() && trimmed.ends_with('-')).then(|| trimmed.len() - 1)
}

impl Style {
    /// The first nested block mapping and the first block sequence under a key
    /// decide the style; defaults are a step of 2, flush sequences and `- a`.
    pub fn detect(text: &str, root: &Node) -> Style {
        let mut style = Style {
            step: 2,
            seq_indented: false,
            item_gap: 2,
        };
        let (mut found_step, mut found_seq) = (false, false);
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            match &n.kind {
                NodeKind::Mapping {
                    entries,
                    flow: false,
                } => {
                    for (_, kspan, v) in entries {
                        let kcol = column(text, kspan.start);
                        match &v.kind {
                            NodeKind::Mapping {
                                entries: inner,
                                flow: false,
                            } if !found_step => {
                                if let Some((_, ik, _)) = inner.first() {
                                    let c = column(text, ik.start);
                                    if c > kcol
                                        && line_start(text, ik.start)
                                            != line_start(text, kspan.start)
                                    {
                                        style.step = c - kcol;
                                        found_step = true;
                                    }
                                }
                            }
                            NodeKind::Sequence { items, flow: false } if !found_seq => {
                                if let Some(dash) =
                                    items.first().and_then(|f| dash_before(text, f.span.start))
                                {
                                    let dcol = column(text, dash);
                                    style.seq_indented = dcol > kcol;
                                    style.item_gap = items[0].span.start - dash;
                                    found_seq = true;
                                }
                            }
                            _ => {}
                        }
                        stack.push(v);
                    }
                }
                NodeKind::Sequence { items, .. } => stack.extend(items.iter()),
                _ => {}
            }
        }
        style
    }

    /// Dash column of a block sequence under a key at `key_col`.
    pub fn dash_col(&self, key_col: usize) -> usize {
        if self.seq_indented {
            key_col + self.step
        } else {
            key_col
        }
    }

    /// `key: value` lines at column `col`.
    pub fn entry(&self, key: &Value, v: &Value, col: usize) -> Option<String> {
        let k = key_text(key)?;
        let pad = " ".repeat(col);
        if let Some(s) = self.inline(v, col) {
            return Some(format!("{pad}{k}: {s}\n"));
        }
        match v {
            Value::Mapping(m) => Some(format!("{pad}{k}:\n{}", self.mapping(m, col + self.step)?)),
            Value::Sequence(s) => Some(format!(
                "{pad}{k}:\n{}",
                self.sequence(s, self.dash_col(col))?
            )),
            _ => None,
        }
    }

    pub fn mapping(&self, m: &Mapping, col: usize) -> Option<String> {
        let mut out = String::new();
        for (k, v) in m {
            out.push_str(&self.entry(k, v, col)?);
        }
        Some(out)
    }

    pub fn sequence(&self, s: &[Value], dash: usize) -> Option<String> {
        let mut out = String::new();
        for item in s {
            out.push_str(&self.item(item, dash, self.item_gap)?);
        }
        Some(out)
    }

    /// One `- item` at dash column `dash`, its content `gap` columns further.
    pub fn item(&self, item: &Value, dash: usize, gap: usize) -> Option<String> {
        let pad = " ".repeat(dash);
        let after_dash = " ".repeat(gap.max(2) - 1);
        if let Some(s) = self.inline(item, dash + gap) {
            return Some(format!("{pad}-{after_dash}{s}\n"));
        }
        match item {
            Value::Mapping(m) => {
                let body = self.mapping(m, dash + gap)?;
                // The first entry goes on the dash line.
                Some(format!("{pad}-{after_dash}{}", body.get(dash + gap..)?))
            }
            Value::Sequence(s) => Some(format!("{pad}-\n{}", self.sequence(s, dash + gap)?)),
            _ => None,
        }
    }

    /// A value that fits after `key:` or `- `: a one-line scalar, or a literal
    /// block scalar for a multi-line string (content indented one step past `col`).
    pub fn inline(&self, v: &Value, col: usize) -> Option<String> {
        scalar_text(v, None).or_else(|| match v {
            Value::String(s) => block_scalar(s, col + self.step),
            _ => None,
        })
    }
}

/// A collection written in flow style on one line.
pub fn flow(v: &Value) -> Option<String> {
    match v {
        Value::Mapping(m) => {
            let parts: Option<Vec<String>> = m
                .iter()
                .map(|(k, v)| Some(format!("{}: {}", key_text(k)?, flow(v)?)))
                .collect();
            Some(format!("{{{}}}", parts?.join(", ")))
        }
        Value::Sequence(s) => {
            let parts: Option<Vec<String>> = s.iter().map(flow).collect();
            Some(format!("[{}]", parts?.join(", ")))
        }
        other => scalar_text(other, None),
    }
}

/// A scalar as YAML text on one line, in `prefer`'s quoting when it can be.
pub fn scalar_text(v: &Value, prefer: Option<ScalarStyle>) -> Option<String> {
    if let (Value::String(s), Some(style)) = (v, prefer) {
        let simple = !s.chars().any(|c| c.is_control());
        match style {
            ScalarStyle::DoubleQuoted if simple => return serde_json::to_string(s).ok(),
            ScalarStyle::SingleQuoted if simple => {
                return Some(format!("'{}'", s.replace('\'', "''")));
            }
            _ => {}
        }
    }
    match v {
        Value::Mapping(m) if m.is_empty() => Some("{}".into()),
        Value::Sequence(s) if s.is_empty() => Some("[]".into()),
        Value::Mapping(_) | Value::Sequence(_) | Value::Tagged(_) => None,
        _ => {
            let t = serde_yaml::to_string(v).ok()?;
            let t = t.trim_end();
            (!t.contains('\n')).then(|| t.to_string())
        }
    }
}

pub fn key_text(k: &Value) -> Option<String> {
    scalar_text(k, None)
}

/// A multi-line string as a literal block scalar (`|` or `|-`) with its content at
/// column `indent`, without a newline after the last content line. `None` for
/// strings a plain literal block cannot hold exactly: control characters, a
/// first line starting with a blank (it would need an indentation indicator)
/// or more than one trailing newline (it would need `|+`).
pub fn block_scalar(s: &str, indent: usize) -> Option<String> {
    let body = s.strip_suffix('\n');
    let chomp = if body.is_some() { "" } else { "-" };
    let body = body.unwrap_or(s);
    let unsafe_char = |c: char| c.is_control() && c != '\n' && c != '\t';
    if body.is_empty()
        || body.ends_with('\n')
        || body.starts_with([' ', '\t', '\n'])
        || s.chars().any(unsafe_char)
        || s.contains('\u{feff}')
    {
        return None;
    }
    let pad = " ".repeat(indent);
    let mut out = format!("|{chomp}");
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_scalars_say_their_chomping() {
        assert_eq!(block_scalar("a\nb\n", 2).as_deref(), Some("|\n  a\n  b"));
        assert_eq!(
            block_scalar("a\n\nb", 4).as_deref(),
            Some("|-\n    a\n\n    b")
        );
        assert_eq!(block_scalar(" lead\nx", 2), None);
        assert_eq!(block_scalar("a\n\n", 2), None);
    }

    #[test]
    fn dash_is_found_across_blanks() {
        let t = "l:\n-   x\n";
        assert_eq!(dash_before(t, 7), Some(3));
        assert_eq!(dash_before(t, 3), None);
    }
}
