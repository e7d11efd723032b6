//! Saving an edited document by patching its original text: a changed scalar is
//! replaced in place (keeping its quoting where it can), an added field is
//! inserted in Istio's field order with the document's indentation, a removed
//! field goes with its own comment lines, list items are added, removed and
//! reordered without touching their neighbours. Everything else — comments, blank
//! lines, key order, flow or block style — stays as the user wrote it.
//!
//! The caller checks that the patched text reads back to the edited model and
//! re-emits the document otherwise.

use super::tree::{self, Node, NodeKind};
use saphyr_parser::ScalarStyle;
use serde_yaml::{Mapping, Value};
use std::ops::Range;

/// How the document indents.
#[derive(Debug, Clone, Copy)]
struct Style {
    step: usize,
    /// Block sequences under a key are indented (`key:\n  - a`) rather than flush.
    seq_indented: bool,
}

struct Patcher<'a> {
    text: &'a str,
    style: Style,
    edits: Vec<(Range<usize>, String)>,
}

/// Returns the patched text, or `None` when no safe patch exists.
pub fn patch(text: &str, old: &Value, new: &Value) -> Option<String> {
    let root = tree::parse(text)?;
    let style = detect_style(text, &root);
    let mut p = Patcher {
        text,
        style,
        edits: Vec::new(),
    };
    p.value(&root, old, new, 0)?;
    p.apply()
}

fn column(text: &str, offset: usize) -> usize {
    offset - text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0)
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0)
}

/// Offset just after the newline ending the line that contains `offset`.
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..]
        .find('\n')
        .map(|i| offset + i + 1)
        .unwrap_or(text.len())
}

fn detect_style(text: &str, root: &Node) -> Style {
    let mut style = Style {
        step: 2,
        seq_indented: false,
    };
    let mut found_step = false;
    let mut found_seq = false;
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if let NodeKind::Mapping {
            entries,
            flow: false,
        } = &n.kind
        {
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
                                && line_start(text, ik.start) != line_start(text, kspan.start)
                            {
                                style.step = c - kcol;
                                found_step = true;
                            }
                        }
                    }
                    NodeKind::Sequence { items, flow: false } if !found_seq => {
                        if let Some(first) = items.first() {
                            let dash = column(text, first.span.start).saturating_sub(2);
                            style.seq_indented = dash > kcol;
                            found_seq = true;
                        }
                    }
                    _ => {}
                }
                stack.push(v);
            }
        }
        if let NodeKind::Sequence { items, .. } = &n.kind {
            stack.extend(items.iter());
        }
    }
    style
}

/// Equal as data: numbers by value (`20` and `20.0` are the same number), absent,
/// null and empty collections alike.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || x.as_f64().zip(y.as_f64()).is_some_and(|(x, y)| x == y)
        }
        (Value::Mapping(x), Value::Mapping(y)) => {
            let covered = |m: &Mapping, n: &Mapping| {
                m.iter()
                    .all(|(k, v)| n.get(k).map_or(is_empty_like(v), |w| values_equal(v, w)))
            };
            covered(x, y) && covered(y, x)
        }
        (Value::Sequence(x), Value::Sequence(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| values_equal(a, b))
        }
        (x, y) if is_empty_like(x) && is_empty_like(y) => true,
        (x, y) => x == y,
    }
}

fn is_empty_like(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Mapping(m) => m.is_empty(),
        Value::Sequence(s) => s.is_empty(),
        _ => false,
    }
}

fn is_collection(v: &Value) -> bool {
    matches!(v, Value::Mapping(m) if !m.is_empty())
        || matches!(v, Value::Sequence(s) if !s.is_empty())
}

/// A scalar as YAML text on one line.
fn scalar_text(v: &Value, prefer: Option<ScalarStyle>) -> Option<String> {
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

fn key_text(k: &Value) -> Option<String> {
    scalar_text(k, None)
}

impl Patcher<'_> {
    fn pad(n: usize) -> String {
        " ".repeat(n)
    }

    /// `key: value` lines at column `col`.
    fn entry(&self, key: &Value, v: &Value, col: usize) -> Option<String> {
        let k = key_text(key)?;
        let pad = Self::pad(col);
        if let Some(s) = scalar_text(v, None) {
            return Some(format!("{pad}{k}: {s}\n"));
        }
        match v {
            Value::Mapping(m) => Some(format!(
                "{pad}{k}:\n{}",
                self.mapping(m, col + self.style.step)?
            )),
            Value::Sequence(s) => {
                let dash = if self.style.seq_indented {
                    col + self.style.step
                } else {
                    col
                };
                Some(format!("{pad}{k}:\n{}", self.sequence(s, dash)?))
            }
            _ => None,
        }
    }

    fn mapping(&self, m: &Mapping, col: usize) -> Option<String> {
        let mut out = String::new();
        for (k, v) in m {
            out.push_str(&self.entry(k, v, col)?);
        }
        Some(out)
    }

    fn sequence(&self, s: &[Value], dash: usize) -> Option<String> {
        let mut out = String::new();
        for item in s {
            out.push_str(&self.item(item, dash)?);
        }
        Some(out)
    }

    /// One `- item` at dash column `dash`.
    fn item(&self, item: &Value, dash: usize) -> Option<String> {
        let pad = Self::pad(dash);
        if let Some(s) = scalar_text(item, None) {
            return Some(format!("{pad}- {s}\n"));
        }
        match item {
            Value::Mapping(m) => {
                let body = self.mapping(m, dash + 2)?;
                // The first entry goes on the dash line.
                Some(format!("{pad}- {}", body.get(dash + 2..)?))
            }
            Value::Sequence(s) => Some(format!("{pad}-\n{}", self.sequence(s, dash + 2)?)),
            _ => None,
        }
    }

    /// A collection written in flow style on one line.
    fn flow(v: &Value) -> Option<String> {
        match v {
            Value::Mapping(m) => {
                let parts: Option<Vec<String>> = m
                    .iter()
                    .map(|(k, v)| Some(format!("{}: {}", key_text(k)?, Self::flow(v)?)))
                    .collect();
                Some(format!("{{{}}}", parts?.join(", ")))
            }
            Value::Sequence(s) => {
                let parts: Option<Vec<String>> = s.iter().map(Self::flow).collect();
                Some(format!("[{}]", parts?.join(", ")))
            }
            other => scalar_text(other, None),
        }
    }

    /// From the first of the comment lines right above `offset`'s line to the end of
    /// the line where `end` falls: what goes when a field or item is removed.
    fn removal_range(&self, start: usize, end: usize) -> Range<usize> {
        let mut s = line_start(self.text, start);
        while s > 0 {
            let prev = line_start(self.text, s - 1);
            if self.text[prev..s].trim_start().starts_with('#') {
                s = prev;
            } else {
                break;
            }
        }
        s..line_end(self.text, end.max(start))
    }

    /// The value `node` (read as `old`) should become `new`. `key_col` is the column of
    /// the key owning it (for re-indenting a replaced collection).
    fn value(&mut self, node: &Node, old: &Value, new: &Value, key_col: usize) -> Option<()> {
        if values_equal(old, new) {
            return Some(());
        }
        if node.decorated {
            return None;
        }
        match (&node.kind, old, new) {
            (NodeKind::Mapping { entries, flow }, Value::Mapping(o), Value::Mapping(n))
                if !n.is_empty() =>
            {
                if *flow {
                    self.edits.push((node.span.clone(), Self::flow(new)?));
                    return Some(());
                }
                self.mapping_diff(entries, o, n)
            }
            (NodeKind::Sequence { items, flow }, Value::Sequence(o), Value::Sequence(n))
                if !n.is_empty() =>
            {
                if *flow {
                    self.edits.push((node.span.clone(), Self::flow(new)?));
                    return Some(());
                }
                self.sequence_diff(items, o, n)
            }
            (NodeKind::Scalar { style, .. }, _, _) if !is_collection(new) => {
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                    return None;
                }
                self.edits
                    .push((node.span.clone(), scalar_text(new, Some(*style))?));
                Some(())
            }
            (NodeKind::Scalar { .. }, _, _) => {
                // A scalar (e.g. `{}` or null) becomes a block collection.
                let block = match new {
                    Value::Mapping(m) => self.mapping(m, key_col + self.style.step)?,
                    Value::Sequence(s) => self.sequence(
                        s,
                        if self.style.seq_indented {
                            key_col + self.style.step
                        } else {
                            key_col
                        },
                    )?,
                    _ => return None,
                };
                let end = line_end(self.text, node.span.end);
                // Keep a trailing comment of the line by dropping only the scalar.
                self.edits
                    .push((node.span.start..end, format!("\n{block}")));
                let before = &self.text[..node.span.start];
                if before.ends_with(' ') {
                    self.edits
                        .push((node.span.start - 1..node.span.start, String::new()));
                }
                Some(())
            }
            _ => {
                // Collection → scalar or a different collection kind: replace the value.
                let col = column(self.text, node.span.start);
                let replacement = match new {
                    Value::Mapping(m) if !m.is_empty() => self
                        .mapping(m, col)?
                        .get(col..)?
                        .trim_end_matches('\n')
                        .to_string(),
                    Value::Sequence(s) if !s.is_empty() => self
                        .sequence(s, col.saturating_sub(2))?
                        .get(col.saturating_sub(2)..)?
                        .trim_end_matches('\n')
                        .to_string(),
                    other => {
                        // Scalar after a block collection: put it back on the key's line.
                        let s = scalar_text(other, None)?;
                        let key_line_end = self.text[..node.span.start].trim_end().len();
                        self.edits
                            .push((key_line_end..node.span.end, format!(" {s}")));
                        return Some(());
                    }
                };
                self.edits.push((node.span.clone(), replacement));
                Some(())
            }
        }
    }

    fn mapping_diff(
        &mut self,
        entries: &[(String, Range<usize>, Node)],
        old: &Mapping,
        new: &Mapping,
    ) -> Option<()> {
        let col = column(self.text, entries.first()?.1.start);
        // Changed and removed keys.
        for (k, kspan, node) in entries {
            let key = Value::String(k.clone());
            let o = old.get(&key).cloned().unwrap_or(Value::Null);
            match new.get(&key) {
                Some(n) => self.value(node, &o, n, col)?,
                None if is_empty_like(&o) => {}
                None => {
                    let range = self.removal_range(kspan.start, node.span.end);
                    self.edits.push((range, String::new()));
                }
            }
        }
        // Added keys, each after the closest earlier key (in the new order) that exists.
        let present: Vec<&str> = entries.iter().map(|(k, _, _)| k.as_str()).collect();
        let mut anchor: Option<usize> = None;
        let mut pending: Vec<(usize, String)> = Vec::new();
        for (k, v) in new {
            let name = k.as_str()?;
            if let Some(i) = present.iter().position(|p| *p == name) {
                anchor = Some(i);
                continue;
            }
            if is_empty_like(v) && old.get(k).is_none_or(is_empty_like) {
                continue;
            }
            let at = match anchor {
                Some(i) => line_end(self.text, entries[i].2.span.end.max(entries[i].1.end)),
                None => line_start(self.text, entries.first()?.1.start),
            };
            pending.push((at, self.entry(k, v, col)?));
        }
        // Several insertions at one place keep their order.
        pending.sort_by_key(|(at, _)| *at);
        let mut merged: Vec<(usize, String)> = Vec::new();
        for (at, text) in pending {
            match merged.last_mut() {
                Some((a, t)) if *a == at => t.push_str(&text),
                _ => merged.push((at, text)),
            }
        }
        for (at, mut text) in merged {
            // Inserting after a last line without a newline.
            if at == self.text.len() && !self.text.ends_with('\n') {
                text.insert(0, '\n');
            }
            self.edits.push((at..at, text));
        }
        Some(())
    }

    fn sequence_diff(&mut self, items: &[Node], old: &[Value], new: &[Value]) -> Option<()> {
        let first = items.first()?;
        let dash = column(self.text, first.span.start).checked_sub(2)?;
        if self.text.get(first.span.start - 2..first.span.start)? != "- " {
            return None;
        }
        // Same items in another order: move their text, not their values.
        if old.len() == new.len() {
            let mut used = vec![false; old.len()];
            let mut mapping = Vec::with_capacity(new.len());
            for n in new {
                let j = (0..old.len()).find(|&j| !used[j] && values_equal(&old[j], n));
                if let Some(j) = j {
                    used[j] = true;
                }
                mapping.push(j);
            }
            if mapping.iter().all(Option::is_some) {
                for (i, j) in mapping.into_iter().enumerate() {
                    let j = j?;
                    if i != j {
                        let src = self.text.get(items[j].span.clone())?.to_string();
                        self.edits.push((items[i].span.clone(), src));
                    }
                }
                return Some(());
            }
        }
        // Items removed from the middle: delete exactly those.
        if new.len() < old.len() {
            let mut keep = Vec::new();
            let mut j = 0;
            for (i, o) in old.iter().enumerate() {
                if j < new.len() && values_equal(&new[j], o) {
                    keep.push(i);
                    j += 1;
                }
            }
            if j == new.len() {
                for (i, item) in items.iter().enumerate() {
                    if !keep.contains(&i) {
                        let range = self.removal_range(item.span.start, item.span.end);
                        self.edits.push((range, String::new()));
                    }
                }
                return Some(());
            }
        }
        let common = old.len().min(new.len());
        for i in 0..common {
            self.value(&items[i], &old[i], &new[i], dash + 2)?;
        }
        if new.len() > old.len() {
            let at = line_end(self.text, items.last()?.span.end);
            let mut text = String::new();
            for item in &new[common..] {
                text.push_str(&self.item(item, dash)?);
            }
            if at == self.text.len() && !self.text.ends_with('\n') {
                text.insert(0, '\n');
            }
            self.edits.push((at..at, text));
        } else {
            for item in &items[common..] {
                let range = self.removal_range(item.span.start, item.span.end);
                self.edits.push((range, String::new()));
            }
        }
        Some(())
    }

    fn apply(mut self) -> Option<String> {
        self.edits.sort_by_key(|(r, _)| (r.start, r.end));
        for w in self.edits.windows(2) {
            if w[0].0.end > w[1].0.start {
                return None;
            }
        }
        let mut out = self.text.to_string();
        for (range, text) in self.edits.into_iter().rev() {
            out.replace_range(range, &text);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str, new: &str) -> String {
        let old: Value = serde_yaml::from_str(text).unwrap();
        let new: Value = serde_yaml::from_str(new).unwrap();
        let out = patch(text, &old, &new).unwrap();
        let back: Value = serde_yaml::from_str(&out).unwrap();
        assert_eq!(back, new, "{out}");
        out
    }

    #[test]
    fn scalars_keep_their_quotes_and_comments() {
        let t = "# top\na: 'x' # why\nb: \"y\"\nc: z\n";
        assert_eq!(
            p(t, "{a: q, b: r, c: s}"),
            "# top\na: 'q' # why\nb: \"r\"\nc: s\n"
        );
    }

    #[test]
    fn added_fields_go_in_order_with_the_documents_indent() {
        let t = "spec:\n    host: a\n    # keep\n    subsets:\n    -   name: v1\n";
        let out = p(
            t,
            "{spec: {host: a, trafficPolicy: {tls: {mode: SIMPLE}}, subsets: [{name: v1}]}}",
        );
        assert_eq!(
            out,
            "spec:\n    host: a\n    trafficPolicy:\n        tls:\n            mode: SIMPLE\n    # keep\n    subsets:\n    -   name: v1\n"
        );
    }

    #[test]
    fn removed_fields_take_their_comments() {
        let t = "a: 1\n# about b\nb:\n  c: 2\nd: 3\n";
        assert_eq!(p(t, "{a: 1, d: 3}"), "a: 1\nd: 3\n");
    }

    #[test]
    fn list_add_remove_reorder() {
        let t = "l:\n  - a # first\n  - b\n  - c\n";
        assert_eq!(
            p(t, "{l: [a, b, c, d]}"),
            "l:\n  - a # first\n  - b\n  - c\n  - d\n"
        );
        assert_eq!(p(t, "{l: [a, c]}"), "l:\n  - a # first\n  - c\n");
        assert_eq!(p(t, "{l: [c, b, a]}"), "l:\n  - c # first\n  - b\n  - a\n");
    }

    #[test]
    fn flow_collections_are_rewritten_in_flow() {
        let t = "a: {x: 1, y: 2} # c\n";
        assert_eq!(p(t, "{a: {x: 1, z: 3}}"), "a: {x: 1, z: 3} # c\n");
    }
}
