//! Saving an edited document by patching its original text: a changed scalar is
//! replaced in place (keeping its quoting where it can; a block scalar or a
//! multi-line string is written as a literal block; an empty `key:` gets its
//! value after the colon), an added field is inserted in Istio's field order with
//! the document's indentation and dash style, a removed field goes with its own
//! comment lines, list items are added, removed and reordered without touching
//! their neighbours. Everything else — comments, blank lines, key order, flow or
//! block style, merge keys, line endings — stays as the user wrote it.
//!
//! The caller checks that the patched text reads back to the edited model and
//! re-emits the document otherwise. [`super::fragment`] writes the new text.

use super::eol::Eol;
use super::fragment::{self, Style, column, dash_before, line_end, line_start, scalar_text};
use super::tree::{self, Node, NodeKind};
use saphyr_parser::ScalarStyle;
use serde_yaml::{Mapping, Value};
use std::ops::Range;

struct Patcher<'a> {
    text: &'a str,
    style: Style,
    edits: Vec<(Range<usize>, String)>,
}

/// Returns the patched text, or `None` when no safe patch exists. Inserted text
/// takes the line ending of `text`'s first line.
pub fn patch(text: &str, old: &Value, new: &Value) -> Option<String> {
    let root = tree::parse(text)?;
    let mut p = Patcher {
        text,
        style: Style::detect(text, &root),
        edits: Vec::new(),
    };
    p.value(&root, old, new, 0)?;
    p.apply(Eol::of(text).unwrap_or(Eol::Lf))
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

impl Patcher<'_> {
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
    /// the key (or item content) owning it, for indenting new block content.
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
                    self.edits.push((node.span.clone(), fragment::flow(new)?));
                    return Some(());
                }
                self.mapping_diff(entries, o, n)
            }
            (NodeKind::Sequence { items, flow }, Value::Sequence(o), Value::Sequence(n))
                if !n.is_empty() =>
            {
                if *flow {
                    self.edits.push((node.span.clone(), fragment::flow(new)?));
                    return Some(());
                }
                self.sequence_diff(items, o, n)
            }
            (NodeKind::Scalar { style, .. }, _, _) if !is_collection(new) => {
                let text = match style {
                    // A block scalar's header says how to read it: write a new one.
                    ScalarStyle::Literal | ScalarStyle::Folded => {
                        self.style.inline(new, key_col)?
                    }
                    _ => scalar_text(new, Some(*style))
                        .or_else(|| self.style.inline(new, key_col))?,
                };
                // A null written as nothing (`key:`) gets a blank before its value.
                let text = if node.span.is_empty() {
                    format!(" {text}")
                } else {
                    text
                };
                // A block scalar's lines would swallow a comment after the old
                // value: it goes on the header line instead.
                let rest = &self.text[node.span.end..line_end(self.text, node.span.end)];
                let rest = rest.trim_end_matches(['\n', '\r']);
                match text.split_once('\n') {
                    Some((header, body)) if !rest.trim().is_empty() => self.edits.push((
                        node.span.start..node.span.end + rest.len(),
                        format!("{header}{rest}\n{body}"),
                    )),
                    // A block scalar's last line break is part of its value.
                    Some(_) if node.span.end == self.text.len() => {
                        self.edits.push((node.span.clone(), format!("{text}\n")))
                    }
                    _ => self.edits.push((node.span.clone(), text)),
                }
                Some(())
            }
            _ => self.replace_value(node, new, key_col),
        }
    }

    /// A value changes shape (scalar ⇄ block collection, mapping ⇄ sequence): the
    /// text from the owner's colon or dash to the value's end is written anew, and
    /// a comment at the end of the owner's line stays.
    fn replace_value(&mut self, node: &Node, new: &Value, key_col: usize) -> Option<()> {
        let owner_end = self.text[..node.span.start].trim_end().len();
        let owner_line_end = line_end(self.text, owner_end);
        let block = match new {
            Value::Mapping(m) if !m.is_empty() => {
                self.style.mapping(m, key_col + self.style.step)?
            }
            Value::Sequence(s) if !s.is_empty() => {
                self.style.sequence(s, self.style.dash_col(key_col))?
            }
            other => {
                let s = self.style.inline(other, key_col)?;
                self.edits.push((owner_end..node.span.end, format!(" {s}")));
                return Some(());
            }
        };
        if node.span.end <= owner_line_end {
            // The old value sits on the owner's line (`key: {}`, `key:`): drop it and
            // put the block under the line, after any comment.
            self.edits.push((owner_end..node.span.end, String::new()));
            let mut block = block;
            if owner_line_end == self.text.len() && !self.text.ends_with('\n') {
                block.insert(0, '\n');
            }
            self.edits.push((owner_line_end..owner_line_end, block));
        } else {
            let block = block.trim_end_matches('\n');
            self.edits
                .push((owner_end..node.span.end, format!("\n{block}")));
        }
        Some(())
    }

    fn mapping_diff(
        &mut self,
        entries: &[(String, Range<usize>, Node)],
        old: &Mapping,
        new: &Mapping,
    ) -> Option<()> {
        let first_key = entries.first()?.1.start;
        let col = column(self.text, first_key);
        // A list item's mapping starts on its dash line (`- a: 1`): the first key
        // there cannot go with its whole line, and nothing can go above it.
        let on_dash = dash_before(self.text, first_key).is_some();
        let removed = |k: &str| {
            let key = Value::from(k);
            !new.contains_key(&key) && !old.get(&key).is_none_or(is_empty_like)
        };
        let mut skip = 0;
        if on_dash && removed(&entries[0].0) {
            // The first kept key moves up onto the dash line.
            let kept = entries.iter().position(|(k, _, _)| !removed(k))?;
            self.edits
                .push((first_key..entries[kept].1.start, String::new()));
            skip = kept;
        }
        // Changed and removed keys.
        for (k, kspan, node) in entries.iter().skip(skip) {
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
            // Empty as before, or supplied unchanged by a merge key (`<<:`).
            if is_empty_like(v) && old.get(k).is_none_or(is_empty_like)
                || old.get(k).is_some_and(|o| values_equal(o, v))
            {
                continue;
            }
            let entry = self.style.entry(k, v, col)?;
            let (at, entry) = match anchor {
                Some(i) => (
                    line_end(self.text, entries[i].2.span.end.max(entries[i].1.end)),
                    entry,
                ),
                // Before the first key of a list item: on the dash line, pushing
                // the old first key to the next line at the same column.
                None if on_dash => (first_key, format!("{}{}", &entry[col..], " ".repeat(col))),
                None => (line_start(self.text, first_key), entry),
            };
            pending.push((at, entry));
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
        let dash_at = dash_before(self.text, first.span.start)?;
        let dash = column(self.text, dash_at);
        let gap = first.span.start - dash_at;
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
            self.value(&items[i], &old[i], &new[i], dash + gap)?;
        }
        if new.len() > old.len() {
            let at = line_end(self.text, items.last()?.span.end);
            let mut text = String::new();
            for item in &new[common..] {
                text.push_str(&self.style.item(item, dash, gap)?);
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

    /// Applies the edits, their new text in the document's line ending.
    fn apply(mut self, eol: Eol) -> Option<String> {
        self.edits.sort_by_key(|(r, _)| (r.start, r.end));
        for w in self.edits.windows(2) {
            if w[0].0.end > w[1].0.start {
                return None;
            }
        }
        let mut out = self.text.to_string();
        for (range, text) in self.edits.into_iter().rev() {
            out.replace_range(range, &eol.apply(&text));
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
    fn the_first_key_of_a_list_item_moves_on_its_dash_line() {
        let t = "l:\n- a: 1\n  b: 2\n";
        assert_eq!(p(t, "{l: [{b: 2}]}"), "l:\n- b: 2\n");
        assert_eq!(
            p(t, "{l: [{z: 0, a: 1, b: 2}]}"),
            "l:\n- z: 0\n  a: 1\n  b: 2\n"
        );
    }

    #[test]
    fn a_block_scalar_moves_a_trailing_comment_to_its_header() {
        let t = "a: x # why\nb: y";
        assert_eq!(
            p(t, "{a: \"1\\n2\\n\", b: \"3\\n4\\n\"}"),
            "a: | # why\n  1\n  2\nb: |\n  3\n  4\n"
        );
    }

    #[test]
    fn flow_collections_are_rewritten_in_flow() {
        let t = "a: {x: 1, y: 2} # c\n";
        assert_eq!(p(t, "{a: {x: 1, z: 3}}"), "a: {x: 1, z: 3} # c\n");
    }
}
