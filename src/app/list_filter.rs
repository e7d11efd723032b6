//! What the resource list's filter matches: a resource's kind (or its short
//! form), name, namespace and hosts, case-insensitively.

use crate::model::Resource;
use crate::yaml::Item;

/// True when `needle` (already lower case) occurs in the item's kind, name,
/// namespace or one of its hosts.
pub fn matches(item: &Item, needle: &str) -> bool {
    let ns = item.namespace.as_deref().unwrap_or("default");
    let found = |s: &str| s.to_lowercase().contains(needle);
    if found(&item.kind)
        || found(super::file_tree::kind_short(&item.kind))
        || found(&item.name)
        || found(ns)
    {
        return true;
    }
    match &item.resource {
        Ok(Resource::ServiceEntry(se)) => se.spec.hosts().iter().any(|h| found(h)),
        Ok(Resource::DestinationRule(dr)) => dr.spec.host.as_deref().is_some_and(found),
        _ => false,
    }
}
