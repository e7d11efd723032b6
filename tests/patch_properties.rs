//! Property test of the in-place patcher over every corpus ServiceEntry and
//! DestinationRule, as written (LF) and with CRLF line endings: a random edit of
//! any field kind — a scalar (string, number, boolean, multi-line string) set
//! anew, a map key added or removed, an Istio field (nested message, list of
//! messages, enum, list of strings) added, a list item added, removed or moved —
//! is saved, and then
//! - the saved text reads back to the edited model,
//! - it was patched in place, not re-emitted,
//! - only the lines of the edited field (its key line, the comments right above
//!   it and its value) differ, and every other document is untouched,
//! - every line break still has the file's ending.
//!
//! proptest drives the choices with a fixed seed, so every run checks the same
//! cases; a failure names the file, the edit and the saved text.

mod common;

use egress_studio::model::{DestinationRule, Resource, ServiceEntry};
use egress_studio::yaml::SourceFile;
use egress_studio::yaml::tree::{self, Node, NodeKind};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde_yaml::Value;

/// Cases per document and line ending.
const CASES: u32 = 32;

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// Scalars an edit writes: plain, needing quotes, look-alikes of other types,
/// multi-line (block scalars), numbers and booleans.
fn pool(i: u32) -> Value {
    const STRINGS: &[&str] = &[
        "edited",
        "two words",
        "yes",
        "123",
        "x: y",
        "# not a comment",
        "'single'",
        "\"double\"",
        "first line\nsecond line\n",
        "no final break\nend",
        "",
        "*.example.com",
    ];
    let n = STRINGS.len() as u32 + 4;
    match i % n {
        k if k < STRINGS.len() as u32 => Value::from(STRINGS[k as usize]),
        k if k == n - 4 => Value::from(443),
        k if k == n - 3 => Value::from(65535),
        k if k == n - 2 => Value::from(true),
        _ => Value::from(false),
    }
}

/// Every node's path but the root's; `apiVersion` and `kind` are left alone
/// (they decide what the document is).
fn paths(v: &Value, path: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    if !path.is_empty() {
        out.push(path.clone());
    }
    match v {
        Value::Mapping(m) => {
            for (k, child) in m {
                let Some(k) = k.as_str() else { continue };
                if path.is_empty() && (k == "apiVersion" || k == "kind") {
                    continue;
                }
                path.push(Seg::Key(k.to_string()));
                paths(child, path, out);
                path.pop();
            }
        }
        Value::Sequence(s) => {
            for (i, child) in s.iter().enumerate() {
                path.push(Seg::Index(i));
                paths(child, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

fn get_mut<'a>(v: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, seg| match (seg, v) {
        (Seg::Key(k), Value::Mapping(m)) => m.get_mut(k.as_str()),
        (Seg::Index(i), Value::Sequence(s)) => s.get_mut(*i),
        _ => None,
    })
}

fn get<'a>(v: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, seg| match (seg, v) {
        (Seg::Key(k), Value::Mapping(m)) => m.get(k.as_str()),
        (Seg::Index(i), Value::Sequence(s)) => s.get(*i),
        _ => None,
    })
}

/// Istio fields a mapping may gain (each is kept only where it type-checks):
/// nested messages, lists of messages, enums, lists of strings.
const FIELDS: &[(&str, &str)] = &[
    ("tls", "{mode: SIMPLE, sni: api.example.com}"),
    (
        "outlierDetection",
        "{consecutive5xxErrors: 7, interval: 10s}",
    ),
    (
        "connectionPool",
        "{tcp: {maxConnections: 10}, http: {http1MaxPendingRequests: 5}}",
    ),
    ("trafficPolicy", "{loadBalancer: {simple: ROUND_ROBIN}}"),
    ("subsets", "[{name: v9, labels: {version: v9}}]"),
    ("ports", "[{number: 8443, name: tls-x, protocol: TLS}]"),
    ("exportTo", "['.']"),
    ("location", "MESH_EXTERNAL"),
    ("resolution", "STATIC"),
    ("addresses", "[10.0.0.1/32]"),
    ("namespace", "edited"),
    ("labels", "{app: edited}"),
];

/// Applies edit `op` to the node at `path`; returns what it did.
fn apply(v: &mut Value, path: &[Seg], op: u32, pick: u32) -> Option<String> {
    let node = get_mut(v, path)?;
    match node {
        Value::Mapping(m) if op % 3 == 2 => {
            let (key, value) = FIELDS[pick as usize % FIELDS.len()];
            if m.contains_key(key) {
                return None;
            }
            m.insert(Value::from(key), serde_yaml::from_str(value).ok()?);
            Some(format!("add {key}: {value}"))
        }
        Value::Mapping(m) if op.is_multiple_of(3) || m.is_empty() => {
            let value = match pick % 3 {
                0 => pool(pick / 3),
                1 => serde_yaml::from_str("{zz-a: b}").ok()?,
                _ => serde_yaml::from_str("[zz-x, zz-y]").ok()?,
            };
            m.insert(Value::from("zz-edit"), value.clone());
            Some(format!("add zz-edit: {value:?}"))
        }
        Value::Mapping(m) => {
            let key = m.keys().nth(pick as usize % m.len())?.clone();
            m.remove(&key);
            Some(format!("remove {key:?}"))
        }
        Value::Sequence(s) if op.is_multiple_of(3) || s.is_empty() => {
            let item = match s.get(pick as usize % s.len().max(1)) {
                Some(item) if pick.is_multiple_of(2) => item.clone(),
                _ => pool(pick),
            };
            s.push(item.clone());
            Some(format!("push {item:?}"))
        }
        Value::Sequence(s) if op % 3 == 1 => {
            let i = pick as usize % s.len();
            s.remove(i);
            Some(format!("remove item {i}"))
        }
        Value::Sequence(s) => {
            let (i, j) = (pick as usize % s.len(), op as usize % s.len());
            s.swap(i, j);
            Some(format!("swap items {i} and {j}"))
        }
        scalar => {
            *scalar = pool(pick);
            Some(format!("set to {scalar:?}"))
        }
    }
}

fn typed(value: &Value, like: &Resource) -> Option<Resource> {
    Some(match like {
        Resource::ServiceEntry(_) => Resource::ServiceEntry(Box::new(
            serde_yaml::from_value::<ServiceEntry>(value.clone()).ok()?,
        )),
        Resource::DestinationRule(_) => Resource::DestinationRule(Box::new(
            serde_yaml::from_value::<DestinationRule>(value.clone()).ok()?,
        )),
        Resource::Other(_) => return None,
    })
}

/// Byte range of the node at `path` in the document's text, from its key (or
/// dash) to the end of its value.
fn node_range(root: &Node, text: &str, path: &[Seg]) -> Option<(usize, usize)> {
    let mut node = root;
    let mut start = root.span.start;
    for seg in path {
        match (seg, &node.kind) {
            (Seg::Key(k), NodeKind::Mapping { entries, .. }) => {
                let (_, kspan, child) = entries.iter().find(|(name, _, _)| name == k)?;
                start = kspan.start;
                node = child;
            }
            (Seg::Index(i), NodeKind::Sequence { items, .. }) => {
                node = items.get(*i)?;
                start = text[..node.span.start]
                    .trim_end_matches([' ', '\t'])
                    .strip_suffix('-')
                    .map_or(node.span.start, str::len);
            }
            _ => return None,
        }
    }
    Some((start, node.span.end.max(start)))
}

/// The lines (0-based, inclusive) of the edited field, with the comment lines
/// right above it.
fn field_lines(text: &str, range: (usize, usize)) -> (usize, usize) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let line_of = |offset: usize| text[..offset].matches('\n').count();
    let mut first = line_of(range.0);
    while first > 0 && lines[first - 1].trim_start().starts_with('#') {
        first -= 1;
    }
    (first, line_of(range.1))
}

/// The original lines that changed: common leading and trailing lines are cut.
fn changed_lines(a: &str, b: &str) -> (usize, usize) {
    let x: Vec<&str> = a.split_inclusive('\n').collect();
    let y: Vec<&str> = b.split_inclusive('\n').collect();
    let pre = x.iter().zip(&y).take_while(|(p, q)| p == q).count();
    let room = x.len().min(y.len()) - pre;
    let suf = x
        .iter()
        .rev()
        .zip(y.iter().rev())
        .take(room)
        .take_while(|(p, q)| p == q)
        .count();
    (pre, x.len() - suf)
}

fn line_endings_are(text: &str, crlf: bool) -> bool {
    text.match_indices('\n')
        .all(|(i, _)| (i > 0 && &text[i - 1..i] == "\r") == crlf)
}

/// One case: edit document `di` of `text` and check the saved text.
fn check(
    text: &str,
    di: usize,
    crlf: bool,
    (node_pick, op, pick): (u32, u32, u32),
) -> Result<(), TestCaseError> {
    let mut file = SourceFile::from_text("f.yaml".into(), text);
    let doc = &file.documents[di];
    let old = doc.items[0]
        .resource
        .clone()
        .map_err(|_| TestCaseError::reject("unread"))?;
    let mut value = old
        .to_value()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut all = Vec::new();
    paths(&value, &mut Vec::new(), &mut all);
    let path = all[node_pick as usize % all.len()].clone();
    let what = apply(&mut value, &path, op, pick).ok_or(TestCaseError::reject("no edit"))?;
    let Some(edited) = typed(&value, &old) else {
        return Err(TestCaseError::reject("edit does not type-check"));
    };
    if edited == old {
        return Err(TestCaseError::reject("no change"));
    }
    let new_value = edited
        .to_value()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    // The field that changed: the edited node, or the nearest ancestor still there.
    let mut field = path.clone();
    while !field.is_empty() && get(&new_value, &field).is_none() {
        field.pop();
    }
    let raw = doc.raw.clone();
    file.documents[di].items[0].resource = Ok(edited.clone());
    file.documents[di].dirty = true;
    let (out, reemitted) = egress_studio::yaml::render_file_report(&file)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let ctx = || format!("{what} at {path:?}\n--- saved:\n{out}");
    prop_assert!(reemitted.is_empty(), "re-emitted: {}", ctx());
    let again = SourceFile::from_text("f.yaml".into(), &out);
    prop_assert_eq!(again.documents.len(), file.documents.len(), "{}", ctx());
    prop_assert_eq!(
        again.documents[di].items[0].resource.as_ref().ok(),
        Some(&edited),
        "{}",
        ctx()
    );
    for (i, (a, b)) in SourceFile::from_text("f.yaml".into(), text)
        .documents
        .iter()
        .zip(&again.documents)
        .enumerate()
    {
        prop_assert!(i == di || a.raw == b.raw, "document {i} changed: {}", ctx());
    }
    let root = tree::parse(&raw).ok_or(TestCaseError::fail("tree"))?;
    let range = node_range(&root, &raw, &field).ok_or(TestCaseError::fail("no range"))?;
    let (first, last) = field_lines(&raw, range);
    let (from, to) = changed_lines(&raw, &again.documents[di].raw);
    prop_assert!(
        from >= first && to <= last + 1,
        "lines {from}..{to} changed, the field is lines {first}..={last}: {}",
        ctx()
    );
    prop_assert!(line_endings_are(&out, crlf), "line endings: {}", ctx());
    Ok(())
}

#[test]
fn random_edits_patch_only_their_field_and_keep_line_endings() {
    let mut checked = 0;
    for path in common::corpus_files() {
        let lf = std::fs::read_to_string(&path).unwrap();
        let file = SourceFile::from_text(path.clone(), &lf);
        let docs: Vec<usize> = (0..file.documents.len())
            .filter(|&di| {
                let d = &file.documents[di];
                d.list_envelope.is_none()
                    && matches!(d.items.first().map(|i| &i.resource), Some(Ok(r)) if r.is_istio())
            })
            .collect();
        for crlf in [false, true] {
            let text = if crlf {
                lf.replace('\n', "\r\n")
            } else {
                lf.clone()
            };
            for &di in &docs {
                let config = Config {
                    cases: CASES,
                    failure_persistence: None,
                    max_global_rejects: 100 * CASES,
                    ..Config::default()
                };
                let seed = [7u8; 32];
                let mut runner = TestRunner::new_with_rng(
                    config,
                    TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
                );
                let result = runner.run(&(any::<u32>(), any::<u32>(), any::<u32>()), |picks| {
                    check(&text, di, crlf, picks)
                });
                if let Err(e) = result {
                    panic!(
                        "{} document {di}{}: {e}",
                        path.display(),
                        if crlf { " (CRLF)" } else { "" }
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 140, "only {checked} document variants checked");
}
