//! One document's text → its objects: YAML parsed as kubectl reads it (merge
//! keys resolved, Lists read recursively), each object typed as a ServiceEntry,
//! DestinationRule or other kind, and every failure located at a line, column
//! and field.

use super::block::Event;
use super::block_de::from_events;
use super::load::{Document, Item, LoadError, LoadErrorClass, Revision};
use super::locate::{Pos, PositionIndex, join_index, join_key};
use super::split::is_blank_document;
use crate::model::{DestinationRule, IstioKind, OtherResource, Resource, ServiceEntry};
use serde::de::DeserializeOwned;
use serde_yaml::Value;
use std::ops::Range;

fn shift(pos: Pos, first_line: usize) -> Pos {
    Pos {
        line: pos.line + first_line - 1,
        column: pos.column,
    }
}

fn yaml_error(e: &serde_yaml::Error, text: &str, first_line: usize) -> LoadError {
    let pos = e
        .location()
        .map(|l| Pos {
            line: l.line(),
            column: l.column(),
        })
        .unwrap_or(Pos { line: 1, column: 1 });
    // The usual cause of a token that cannot start: a tab in the indentation.
    let tab_indented = text
        .lines()
        .nth(pos.line.saturating_sub(1))
        .is_some_and(|l| {
            l.chars()
                .take_while(|c| c.is_whitespace())
                .any(|c| c == '\t')
        });
    let said = e.to_string();
    let message = if said.contains("recursion limit exceeded") {
        "nesting too deep (more than 128 levels): recursion limit exceeded".to_string()
    } else if said.contains("repetition limit exceeded") {
        "aliases expand too far (an alias bomb?): repetition limit exceeded".to_string()
    } else if tab_indented {
        "invalid YAML: a tab character indents this line; YAML indents with spaces only, so replace the tab with spaces".to_string()
    } else {
        format!("invalid YAML: {}", strip_location(&said))
    };
    LoadError {
        class: LoadErrorClass::Yaml,
        pos: shift(pos, first_line),
        path: None,
        message,
    }
}

/// serde_yaml appends " at line L column C"; positions are reported separately.
fn strip_location(text: &str) -> String {
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text.to_string(),
    }
}

/// serde's words for a type error, in the API's terms ("unknown variant" is an
/// unknown enum value; `u32` is a whole number).
pub(crate) fn for_people(message: &str) -> String {
    let mut m = message
        .replace("unknown variant", "unknown value")
        .replace("invalid type: unit value", "wrong type: null")
        .replace("invalid type: ", "wrong type: ");
    for (rust, words) in [
        (
            "expected u32",
            "expected a whole number from 0 to 4294967295",
        ),
        ("expected u64", "expected a whole number"),
        ("expected i32", "expected a whole number"),
        ("expected i64", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a boolean", "expected true or false"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected a mapping"),
    ] {
        m = m.replace(rust, words);
    }
    m
}

fn str_field(map: &serde_yaml::Mapping, key: &str) -> String {
    map.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn metadata_field(map: &serde_yaml::Mapping, key: &str) -> Option<String> {
    map.get("metadata")?
        .as_mapping()?
        .get(key)?
        .as_str()
        .map(str::to_string)
}

pub(super) fn parse_document(
    raw: &str,
    span: Range<usize>,
    line: usize,
    ordinal: usize,
) -> Document {
    let mut doc = Document {
        ordinal,
        span,
        line,
        raw: raw.to_string(),
        blank: is_blank_document(raw),
        items: Vec::new(),
        error: None,
        list_envelope: None,
        dirty: false,
        revision: Revision::next(),
    };
    if doc.blank {
        return doc;
    }
    let text = raw.strip_prefix('\u{feff}').unwrap_or(raw);
    // Read once by the block reader, the events serve the typed item or the value.
    let events = super::block::events(text);
    if let Some(item) = events.as_deref().and_then(block_item) {
        doc.items = vec![item];
        return doc;
    }
    // The block reader refuses flow collections, so only libyaml needs the guard.
    if events.is_none()
        && let Some(pos) = super::guard::flow_too_deep(text)
    {
        doc.error = Some(LoadError {
            class: LoadErrorClass::Yaml,
            pos: shift(pos, line),
            path: None,
            message: format!(
                "nesting too deep (more than {} levels of [ ] or {{ }})",
                super::guard::MAX_DEPTH
            ),
        });
        return doc;
    }
    let value = match value_of(text, events.as_deref()) {
        Ok(v) => v,
        Err(e) => {
            doc.error = Some(yaml_error(&e, text, line));
            return doc;
        }
    };
    let Value::Mapping(map) = &value else {
        doc.error = Some(LoadError {
            class: LoadErrorClass::Object,
            pos: Pos { line, column: 1 },
            path: None,
            message: format!(
                "document is a YAML {}, not a Kubernetes object (a mapping with apiVersion and kind)",
                value_kind(&value)
            ),
        });
        return doc;
    };
    let kind = str_field(map, "kind");
    let api_version = str_field(map, "apiVersion");
    if is_list(&kind, map) {
        // The whole List is kept: re-emitting an edited item needs its siblings.
        let positions = std::cell::OnceCell::new();
        let ctx = ListContext {
            raw,
            first_line: line,
            positions: &positions,
        };
        if let Err(e) = ctx.read_items(map, &mut Vec::new(), &mut doc.items) {
            doc.error = Some(e);
        }
        doc.items.shrink_to_fit();
        doc.list_envelope = Some(value);
        return doc;
    }
    if kind.is_empty() || api_version.is_empty() {
        let missing = if api_version.is_empty() {
            "apiVersion"
        } else {
            "kind"
        };
        doc.error = Some(LoadError {
            class: LoadErrorClass::Object,
            pos: shift(PositionIndex::build(raw).find(""), line),
            path: Some(missing.into()),
            message: format!("not a Kubernetes object: missing {missing}"),
        });
        return doc;
    }
    let item = parse_item(
        value,
        None,
        "",
        &|| PositionIndex::build(raw).find(""),
        raw,
        line,
    );
    doc.items = vec![item];
    doc
}

/// A list as kubectl reads one: `kind: List` or any `…List` kind (what
/// `kubectl get -o yaml` prints for one kind, e.g. `ServiceEntryList`) with
/// `items`; kubectl applies each item.
fn is_list(kind: &str, map: &serde_yaml::Mapping) -> bool {
    kind.ends_with("List") && map.get("items").is_some()
}

fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Sequence(_) => "sequence",
        Value::Mapping(_) => "mapping",
        Value::Tagged(_) => "tagged value",
    }
}

/// The fastest path: a plain block-YAML ServiceEntry or DestinationRule, typed
/// from the block reader's events (see [`super::block`]).
fn block_item(events: &[Event<'_>]) -> Option<Item> {
    let api_version = super::block::top_level_scalar(events, "apiVersion")?;
    let kind = super::block::top_level_scalar(events, "kind")?;
    let resource = match IstioKind::from_type(api_version, kind)? {
        IstioKind::ServiceEntry => Resource::ServiceEntry(Box::new(from_events(events)?)),
        IstioKind::DestinationRule => Resource::DestinationRule(Box::new(from_events(events)?)),
    };
    Some(Item {
        list_index: None,
        list_path: Vec::new(),
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        name: resource.name().to_string(),
        namespace: resource.namespace().map(str::to_string),
        resource: Ok(resource),
    })
}

/// Parses one document's text into a value as kubectl reads it: YAML merge keys
/// (`<<:`) are resolved.
pub(super) fn read_value(text: &str) -> Result<Value, serde_yaml::Error> {
    value_of(text, super::block::events(text).as_deref())
}

/// [`read_value`] for a document whose block events (if the block reader took
/// it) are already read.
fn value_of(text: &str, events: Option<&[Event<'_>]>) -> Result<Value, serde_yaml::Error> {
    let mut value: Value = match events.and_then(from_events) {
        Some(value) => value,
        None => serde_yaml::from_str(text)?,
    };
    value.apply_merge()?;
    Ok(value)
}

/// What reading the items of a (possibly nested) List needs from its document.
struct ListContext<'a> {
    raw: &'a str,
    first_line: usize,
    positions: &'a std::cell::OnceCell<PositionIndex>,
}

impl ListContext<'_> {
    /// Reads `items` of the List `map`, whose own place is `path` (List indexes
    /// from the document down). A List item that is itself a List is read
    /// recursively, as kubectl does.
    fn read_items(
        &self,
        map: &serde_yaml::Mapping,
        path: &mut Vec<usize>,
        out: &mut Vec<Item>,
    ) -> Result<(), LoadError> {
        let base: String = path.iter().map(|i| format!("items[{i}].")).collect();
        match map.get("items") {
            Some(Value::Sequence(items)) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(i);
                    let nested = item
                        .as_mapping()
                        .filter(|m| is_list(&str_field(m, "kind"), m));
                    if let Some(inner) = nested {
                        self.read_items(inner, path, out)?;
                    } else {
                        let prefix = join_index(&format!("{base}items"), i);
                        let mut parsed = parse_item(
                            item.clone(),
                            Some(path[0]),
                            &prefix,
                            &|| self.position(&prefix),
                            self.raw,
                            self.first_line,
                        );
                        parsed.list_path = path.clone();
                        out.push(parsed);
                    }
                    path.pop();
                }
                Ok(())
            }
            Some(Value::Null) | None => Ok(()),
            Some(other) => {
                let at = format!("{base}items");
                Err(LoadError {
                    class: LoadErrorClass::Object,
                    pos: shift(self.position(&at), self.first_line),
                    path: Some(at),
                    message: format!(
                        "items of a List must be a sequence, found a {}",
                        value_kind(other)
                    ),
                })
            }
        }
    }

    fn position(&self, path: &str) -> Pos {
        self.positions
            .get_or_init(|| PositionIndex::build(self.raw))
            .find(path)
    }
}

/// Turns one object value into an [`Item`]; `prefix` is its path inside the document.
fn parse_item(
    value: Value,
    list_index: Option<usize>,
    prefix: &str,
    item_pos: &dyn Fn() -> Pos,
    raw: &str,
    first_line: usize,
) -> Item {
    let map = value.as_mapping();
    let kind = map.map(|m| str_field(m, "kind")).unwrap_or_default();
    let api_version = map.map(|m| str_field(m, "apiVersion")).unwrap_or_default();
    let name = map
        .and_then(|m| metadata_field(m, "name"))
        .unwrap_or_default();
    let namespace = map.and_then(|m| metadata_field(m, "namespace"));
    let resource = if map.is_none() {
        Err(LoadError {
            class: LoadErrorClass::Object,
            pos: shift(item_pos(), first_line),
            path: Some(prefix.to_string()),
            message: format!(
                "List item is a YAML {}, not a Kubernetes object",
                value_kind(&value)
            ),
        })
    } else {
        match IstioKind::from_type(&api_version, &kind) {
            Some(IstioKind::ServiceEntry) => typed::<ServiceEntry>(&value, prefix, raw, first_line)
                .map(|r| Resource::ServiceEntry(Box::new(r))),
            Some(IstioKind::DestinationRule) => {
                typed::<DestinationRule>(&value, prefix, raw, first_line)
                    .map(|r| Resource::DestinationRule(Box::new(r)))
            }
            None if matches!(kind.as_str(), "ServiceEntry" | "DestinationRule")
                && api_version
                    .starts_with(&format!("{}/", crate::model::ISTIO_NETWORKING_GROUP)) =>
            {
                Err(LoadError {
                    class: LoadErrorClass::Type,
                    pos: shift(
                        PositionIndex::build(raw).find(&join_key(prefix, "apiVersion")),
                        first_line,
                    ),
                    path: Some(join_key(prefix, "apiVersion")),
                    message: format!(
                        "{api_version} is not served for {kind}: use networking.istio.io/v1 (or v1beta1, v1alpha3)"
                    ),
                })
            }
            None => Ok(Resource::Other(OtherResource {
                api_version: api_version.clone(),
                kind: kind.clone(),
                name: name.clone(),
                namespace: namespace.clone(),
                value,
                view: Default::default(),
            })),
        }
    };
    Item {
        list_index,
        list_path: list_index.into_iter().collect(),
        api_version,
        kind,
        name,
        namespace,
        resource,
    }
}

fn typed<T: DeserializeOwned>(
    value: &Value,
    prefix: &str,
    raw: &str,
    first_line: usize,
) -> Result<T, LoadError> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let mut path = prefix.trim_end_matches('.').to_string();
        for seg in e.path().iter() {
            path = match seg {
                serde_path_to_error::Segment::Seq { index } => join_index(&path, *index),
                serde_path_to_error::Segment::Map { key } => join_key(&path, key),
                serde_path_to_error::Segment::Enum { variant } => join_key(&path, variant),
                serde_path_to_error::Segment::Unknown => path,
            };
        }
        let pos = PositionIndex::build(raw).find(&path);
        let message = for_people(&strip_location(&e.into_inner().to_string()));
        let class = if message.starts_with("unknown value") {
            LoadErrorClass::Enum
        } else {
            LoadErrorClass::Type
        };
        LoadError {
            class,
            pos: shift(pos, first_line),
            path: Some(path),
            message,
        }
    })
}
