//! What every cross-resource check needs: the workspace's objects with their
//! places and namespaces, `exportTo` visibility, host matching, and one way to
//! report a finding at a field's line and column.

use super::{Diagnostic, Located, Related, ResourceId, Severity, Site, Source};
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

/// `message` with the place [`Entry::named`] quoted for a document of `path`
/// that moved from line `old` to line `new`.
pub fn renumbered(message: &str, path: &str, old: usize, new: usize) -> String {
    message.replace(&format!(" ({path}:{old})"), &format!(" ({path}:{new})"))
}

impl Entry<'_> {
    /// `Kind ns/name (file:line)`, for messages that point at another resource
    /// ([`renumbered`] follows the line when the document moves).
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

/// The objects of the workspace at `only` (all when `None`), in workspace order.
pub fn entries_at<'w>(
    ws: &'w Workspace,
    only: Option<&std::collections::HashSet<Site>>,
) -> Vec<Entry<'w>> {
    let mut out = entries(ws);
    if let Some(only) = only {
        out.retain(|e| only.contains(&e.site));
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
    /// affects only theirs): hosts, in-cluster FQDNs, TCP ports without
    /// addresses, Gateway and Secret names.
    Keys(Vec<Key>),
    /// It can relate to any object (a wildcard host, a Pod or Node): analysis
    /// must look at the whole workspace.
    Global,
}

/// One relation key and how the object holds it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    pub name: String,
    /// True when the object only refers to what the key names (a route's
    /// destination, a Gateway or Secret it names). Two objects that both only
    /// refer to the same thing do not relate through it: no check compares two
    /// routes because they send to the same host, only each route with what
    /// declares that host.
    pub refers: bool,
}

/// The relation keys of an object: every cross-resource check relates two
/// objects only when they share one (a host, its FQDN, a TCP port without
/// addresses, a Gateway or Secret) and at least one of them declares it, so an
/// edit needs re-judging only among the objects related to the edited one.
/// `suffix` is `svc.<cluster domain>`.
pub fn relation_keys(resource: &Resource, namespace: &str, suffix: &str) -> Relation {
    let mut declares: Vec<String> = Vec::new();
    let mut refers: Vec<String> = Vec::new();
    let host = |keys: &mut Vec<String>, h: &str| {
        keys.push(format!("h:{}", h.to_ascii_lowercase()));
        let full = fqdn(namespace, h, suffix);
        if full != h {
            keys.push(format!("h:{}", full.to_ascii_lowercase()));
        }
    };
    // DUPLICATE-OBJECT: every definition of one object relates to the others.
    if !resource.name().is_empty() {
        declares.push(format!(
            "o:{}/{}/{namespace}/{}",
            super::duplicates::group(resource.api_version()),
            resource.kind(),
            resource.name()
        ));
    }
    match resource {
        Resource::ServiceEntry(se) => {
            if se.spec.hosts().iter().any(|h| h.starts_with('*')) {
                return Relation::Global;
            }
            se.spec.hosts().iter().for_each(|h| host(&mut declares, h));
            if se.spec.addresses.is_empty() {
                for p in &se.spec.ports {
                    let proto = p.protocol.as_deref().unwrap_or("");
                    if proto.is_empty() || proto.eq_ignore_ascii_case("TCP") {
                        declares.push(format!("p:{}", p.number.unwrap_or(0)));
                    }
                }
            }
        }
        Resource::DestinationRule(dr) => {
            let h = dr.spec.host.as_deref().unwrap_or("");
            if h.starts_with('*') {
                return Relation::Global;
            }
            host(&mut declares, h);
            for c in super::chain::credential_names(dr) {
                refers.push(format!("s:{c}"));
            }
        }
        Resource::Other(o)
            if o.api_version == "v1" && matches!(o.kind.as_str(), "Pod" | "Node") =>
        {
            return Relation::Global;
        }
        Resource::Other(o) if o.api_version == "v1" && o.kind == "Service" => {
            host(&mut declares, &o.name)
        }
        Resource::Other(o) if o.api_version == "v1" && o.kind == "Secret" => {
            declares.push(format!("s:{}", o.name));
        }
        Resource::Other(o) => match o.chain_view() {
            Some(Ok(crate::model::ChainResource::Gateway(g))) => {
                declares.push(format!("g:{namespace}/{}", o.name));
                for (_, s) in g.spec.servers() {
                    for h in &s.hosts {
                        let name = h.split_once('/').map_or(h.as_str(), |x| x.1);
                        if name.starts_with('*') {
                            return Relation::Global;
                        }
                        host(&mut declares, name);
                    }
                    if let Some(c) = s.tls.as_ref().and_then(|t| t.credential_name.as_deref()) {
                        refers.push(format!("s:{c}"));
                    }
                    if let Some(k) = super::chain::https_port_key(&g, s) {
                        declares.push(format!("gp:{k}"));
                    }
                }
            }
            Some(Ok(crate::model::ChainResource::VirtualService(v))) => {
                let dests: Vec<String> = v
                    .spec
                    .all_rules()
                    .flat_map(|(_, _, r)| {
                        r.destinations()
                            .map(|(_, d)| d.host.clone().unwrap_or_default())
                    })
                    .collect();
                if v.spec
                    .hosts
                    .iter()
                    .chain(&dests)
                    .any(|h| h.starts_with('*'))
                {
                    return Relation::Global;
                }
                v.spec.hosts.iter().for_each(|h| host(&mut declares, h));
                dests.iter().for_each(|h| host(&mut refers, h));
                for g in &v.spec.gateways {
                    if g != "mesh" {
                        refers.push(format!("g:{}", super::chain::resolve_gateway(g, namespace)));
                    }
                }
            }
            _ => {}
        },
    }
    let mut keys: Vec<Key> = declares
        .into_iter()
        .map(|name| Key {
            name,
            refers: false,
        })
        .collect();
    keys.sort();
    keys.dedup();
    let declared = |n: &String| keys.binary_search_by(|k| k.name.cmp(n)).is_ok();
    let mut only_refers: Vec<Key> = refers
        .into_iter()
        .filter(|n| !declared(n))
        .map(|name| Key { name, refers: true })
        .collect();
    only_refers.sort();
    only_refers.dedup();
    keys.extend(only_refers);
    Relation::Keys(keys)
}

/// Collects located findings of one source.
pub struct Out<'w, 'c> {
    ws: &'w Workspace,
    positions: &'c mut PositionCache,
    pub found: Vec<Located>,
    pub source: Source,
    /// Only findings at these objects are kept (all when `None`).
    focus: Option<&'c std::collections::HashSet<Site>>,
}

impl<'w, 'c> Out<'w, 'c> {
    pub fn new(ws: &'w Workspace, positions: &'c mut PositionCache, source: Source) -> Out<'w, 'c> {
        Out {
            ws,
            positions,
            found: Vec::new(),
            source,
            focus: None,
        }
    }

    /// Keeps only findings at the objects at `focus` (all when `None`).
    pub fn focused(mut self, focus: Option<&'c std::collections::HashSet<Site>>) -> Self {
        self.focus = focus;
        self
    }

    /// True when a finding at `e` is kept: checks skip the work of one that is not.
    pub fn wants(&self, e: &Entry) -> bool {
        self.focus.is_none_or(|f| f.contains(&e.site))
    }

    pub fn push(
        &mut self,
        at: &Entry,
        severity: Severity,
        code: &str,
        path: &str,
        message: String,
    ) {
        self.push_related(at, severity, code, path, message, &[]);
    }

    /// The file line and column of `path` inside `at`.
    fn position(&mut self, at: &Entry, path: &str) -> (usize, usize) {
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
        (pos.line + doc.line - 1, pos.column)
    }

    /// A finding that names other ends too (`related`: each entry and a field path in it).
    pub fn push_related(
        &mut self,
        at: &Entry,
        severity: Severity,
        code: &str,
        path: &str,
        message: String,
        related: &[(&Entry, &str)],
    ) {
        if !self.wants(at) {
            return;
        }
        let (line, column) = self.position(at, path);
        let related = related
            .iter()
            .map(|(e, p)| {
                let (line, column) = self.position(e, p);
                Related {
                    at: e.site,
                    line,
                    column,
                    resource: e.id.to_resource_id(),
                    path: p.to_string(),
                }
            })
            .collect();
        self.found.push(Located {
            at: at.site,
            line,
            column,
            related,
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
