//! A best-effort model of an object that failed to type (a wrong type or an
//! unknown enum value somewhere): each failing field is dropped in turn, so the
//! rest of the object can still be judged and every error shows in one run,
//! instead of one per run. The model is used only for judging; the object stays
//! a load error in the workspace, so nothing is ever saved from it.

use super::document::read_value;
use super::load::{Document, Item};
use crate::model::{DestinationRule, IstioKind, Resource, ServiceEntry};
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;
use serde_yaml::Value;

/// Fields dropped at most before giving up.
const MAX_DROPPED: usize = 32;

/// The object with its failing fields dropped, and the paths (relative to the
/// object) that were dropped. `None` when it cannot be typed that way.
pub fn best_effort(doc: &Document, item: &Item) -> Option<(Resource, Vec<String>)> {
    let text = doc.raw.strip_prefix('\u{feff}').unwrap_or(&doc.raw);
    let mut value = read_value(text).ok()?;
    for i in &item.list_path {
        value = value.get("items")?.get(*i)?.clone();
    }
    match IstioKind::from_type(&item.api_version, &item.kind)? {
        IstioKind::ServiceEntry => drop_until_typed::<ServiceEntry>(value)
            .map(|(r, d)| (Resource::ServiceEntry(Box::new(r)), d)),
        IstioKind::DestinationRule => drop_until_typed::<DestinationRule>(value)
            .map(|(r, d)| (Resource::DestinationRule(Box::new(r)), d)),
    }
}

fn drop_until_typed<T: DeserializeOwned>(mut value: Value) -> Option<(T, Vec<String>)> {
    let mut dropped = Vec::new();
    for _ in 0..MAX_DROPPED {
        let err = match serde_path_to_error::deserialize::<_, T>(&value) {
            Ok(t) => return Some((t, dropped)),
            Err(e) => e,
        };
        let segments: Vec<Segment> = err.path().iter().cloned().collect();
        let (last, parents) = segments.split_last()?;
        // Only a mapping key can be dropped without shifting the paths of what follows.
        let Segment::Map { key } = last else {
            return None;
        };
        let mut parent = &mut value;
        let mut path = String::new();
        for seg in parents {
            parent = match seg {
                Segment::Map { key } => {
                    path = super::join_key(&path, key);
                    parent.get_mut(key.as_str())?
                }
                Segment::Seq { index } => {
                    path = super::join_index(&path, *index);
                    parent.get_mut(*index)?
                }
                _ => return None,
            };
        }
        parent.as_mapping_mut()?.remove(key.as_str())?;
        dropped.push(super::join_key(&path, key));
    }
    None
}
