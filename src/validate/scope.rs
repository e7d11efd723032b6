//! What every cross-resource check needs: the workspace's objects with their
//! places and namespaces, `exportTo` visibility, host matching, and one way to
//! report a finding at a field's line and column.

use super::{Diagnostic, Located, ResourceId, Severity, Site, Source};
use crate::model::{DestinationRule, Resource, ServiceEntry};
use crate::yaml::{PositionIndex, Revision, Workspace};
use std::collections::{HashMap, HashSet};

/// Which object an entry is, borrowed from the workspace (no copies per run).
#[derive(Debug, Clone, Copy)]
pub struct EntryId<'a> {
    pub kind: &'a str,
    /// As written, or `default`.
    pub namespace: &'a str,
    pub name: &'a str,
}

impl EntryId<'_> {
    pub fn to_resource_id(self) -> ResourceId {
        ResourceId {
            kind: self.kind.to_string(),
            namespace: self.namespace.to_string(),
            name: self.name.to_string(),
        }
    }
}

/// One object of the workspace that parsed, of any kind.
pub struct Entry<'a> {
    pub site: Site,
    pub id: EntryId<'a>,
    /// The file and first line of the resource's document, for messages that name it.
    pub path: &'a std::path::Path,
    pub line: usize,
    pub resource: &'a Resource,
}

impl Entry<'_> {
    /// `Kind ns/name (file:line)`, for messages that point at another resource.
    pub fn named(&self) -> String {
        format!(
            "{} {}/{} ({}:{})",
            self.id.kind,
            self.id.namespace,
            self.id.name,
            self.path.display(),
            self.line
        )
    }

    /// The object's metadata.annotations (any kind).
    pub fn annotation(&self, key: &str) -> Option<String> {
        match self.resource {
            Resource::ServiceEntry(se) => se.metadata.annotations.get(key).cloned(),
            Resource::DestinationRule(dr) => dr.metadata.annotations.get(key).cloned(),
            Resource::Other(o) => o
                .value
                .get("metadata")?
                .get("annotations")?
                .get(key)?
                .as_str()
                .map(str::to_string),
        }
    }
}

/// Every parsed object of the workspace, in file order.
pub fn entries(ws: &Workspace) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    for (fi, file) in ws.files.iter().enumerate() {
        for (di, doc) in file.documents.iter().enumerate() {
            for (ii, item) in doc.items.iter().enumerate() {
                let Ok(resource) = &item.resource else {
                    continue;
                };
                out.push(Entry {
                    site: Site {
                        file: fi,
                        document: di,
                        item: Some(ii),
                    },
                    id: EntryId {
                        kind: &item.kind,
                        namespace: item.namespace.as_deref().unwrap_or("default"),
                        name: &item.name,
                    },
                    path: &file.path,
                    line: doc.line,
                    resource,
                });
            }
        }
    }
    out
}

/// The ServiceEntries among `entries`.
pub fn service_entries<'a>(entries: &'a [Entry<'a>]) -> Vec<(&'a Entry<'a>, &'a ServiceEntry)> {
    entries
        .iter()
        .filter_map(|e| match e.resource {
            Resource::ServiceEntry(se) => Some((e, &**se)),
            _ => None,
        })
        .collect()
}

/// The DestinationRules among `entries`.
pub fn destination_rules<'a>(
    entries: &'a [Entry<'a>],
) -> Vec<(&'a Entry<'a>, &'a DestinationRule)> {
    entries
        .iter()
        .filter_map(|e| match e.resource {
            Resource::DestinationRule(dr) => Some((e, &**dr)),
            _ => None,
        })
        .collect()
}

/// Namespaces a resource is visible in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    All,
    Some(HashSet<String>),
}

impl Visibility {
    pub fn of(export_to: &[String], namespace: &str) -> Visibility {
        if export_to.is_empty() || export_to.iter().any(|e| e == "*") {
            return Visibility::All;
        }
        Visibility::Some(
            export_to
                .iter()
                .filter(|e| *e != "~")
                .map(|e| {
                    if e == "." {
                        namespace.to_string()
                    } else {
                        e.clone()
                    }
                })
                .collect(),
        )
    }

    pub fn overlaps(&self, other: &Visibility) -> bool {
        match (self, other) {
            (Visibility::All, Visibility::Some(s)) | (Visibility::Some(s), Visibility::All) => {
                !s.is_empty()
            }
            (Visibility::All, Visibility::All) => true,
            (Visibility::Some(a), Visibility::Some(b)) => !a.is_disjoint(b),
        }
    }

    pub fn contains(&self, ns: &str) -> bool {
        match self {
            Visibility::All => true,
            Visibility::Some(s) => s.contains(ns),
        }
    }
}

/// Istio's host matching: equal, or a wildcard (`*.example.com`, `*`) covering the other.
pub fn hosts_match(a: &str, b: &str) -> bool {
    let covers = |w: &str, h: &str| match w.strip_prefix('*') {
        Some(suffix) => {
            h.len() >= suffix.len() && h[h.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
        }
        None => false,
    };
    a.eq_ignore_ascii_case(b) || covers(a, b) || covers(b, a)
}

/// Position indexes by document revision: built once per document content and
/// kept between runs by whoever owns the cache (the session keeps one).
pub type PositionCache = HashMap<Revision, PositionIndex>;

/// A short name (no dot, no wildcard) becomes `name.namespace.svc.<domain>`.
pub fn fqdn(namespace: &str, host: &str, suffix: &str) -> String {
    if host.starts_with('*') || host.contains('.') {
        host.to_string()
    } else {
        format!("{host}.{namespace}.{suffix}")
    }
}

/// How an object takes part in cross-resource analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relation {
    /// Its findings depend only on objects sharing one of these keys (and it
    /// affects only theirs): hosts, in-cluster FQDNs, TCP ports without addresses.
    Keys(Vec<String>),
    /// It can relate to any object (a wildcard host, a Pod or Node): analysis
    /// must look at the whole workspace.
    Global,
}

/// The relation keys of an object: every cross-resource check relates two
/// objects only when they share one (a host, its FQDN, or a TCP port without
/// addresses), so an edit needs re-judging only among the objects that share a
/// key with the edited one. `suffix` is `svc.<cluster domain>`.
pub fn relation_keys(resource: &Resource, namespace: &str, suffix: &str) -> Relation {
    let mut keys = Vec::new();
    let mut host = |h: &str| {
        keys.push(format!("h:{}", h.to_ascii_lowercase()));
        let full = fqdn(namespace, h, suffix);
        if full != h {
            keys.push(format!("h:{}", full.to_ascii_lowercase()));
        }
    };
    match resource {
        Resource::ServiceEntry(se) => {
            if se.spec.hosts().iter().any(|h| h.starts_with('*')) {
                return Relation::Global;
            }
            se.spec.hosts().iter().for_each(|h| host(h));
            if se.spec.addresses.is_empty() {
                for p in &se.spec.ports {
                    let proto = p.protocol.as_deref().unwrap_or("");
                    if proto.is_empty() || proto.eq_ignore_ascii_case("TCP") {
                        keys.push(format!("p:{}", p.number.unwrap_or(0)));
                    }
                }
            }
        }
        Resource::DestinationRule(dr) => {
            let h = dr.spec.host.as_deref().unwrap_or("");
            if h.starts_with('*') {
                return Relation::Global;
            }
            host(h);
        }
        Resource::Other(o)
            if o.api_version == "v1" && matches!(o.kind.as_str(), "Pod" | "Node") =>
        {
            return Relation::Global;
        }
        Resource::Other(o) if o.api_version == "v1" && o.kind == "Service" => host(&o.name),
        Resource::Other(_) => {}
    }
    keys.sort();
    keys.dedup();
    Relation::Keys(keys)
}

/// Collects located findings of one source.
pub struct Out<'w, 'c> {
    ws: &'w Workspace,
    positions: &'c mut PositionCache,
    pub found: Vec<Located>,
    pub source: Source,
}

impl<'w, 'c> Out<'w, 'c> {
    pub fn new(ws: &'w Workspace, positions: &'c mut PositionCache, source: Source) -> Out<'w, 'c> {
        Out {
            ws,
            positions,
            found: Vec::new(),
            source,
        }
    }

    pub fn push(
        &mut self,
        at: &Entry,
        severity: Severity,
        code: &str,
        path: &str,
        message: String,
    ) {
        let ws = self.ws;
        let doc = &ws.files[at.site.file].documents[at.site.document];
        let prefix = at
            .site
            .item
            .map(|i| doc.items[i].path_prefix())
            .unwrap_or_default();
        let pos = self
            .positions
            .entry(doc.revision)
            .or_insert_with(|| PositionIndex::build(&doc.raw))
            .find(&format!("{prefix}{path}"));
        self.found.push(Located {
            at: at.site,
            line: pos.line + doc.line - 1,
            column: pos.column,
            diagnostic: Diagnostic {
                severity,
                code: code.to_string(),
                resource: at.id.to_resource_id(),
                path: path.to_string(),
                message,
                source: self.source,
            },
        });
    }
}

#[cfg(test)]
mod tests {
    use super::hosts_match;

    #[test]
    fn host_matching() {
        assert!(hosts_match("*.example.com", "api.example.com"));
        assert!(hosts_match("api.example.com", "*.example.com"));
        assert!(hosts_match("*", "x.y"));
        assert!(!hosts_match("*.example.com", "example.org"));
        assert!(hosts_match("API.example.com", "api.example.com"));
    }
}
