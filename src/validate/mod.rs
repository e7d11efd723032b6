//! Istio's own validation rules, as pure functions over the workspace.
//!
//! Two questions, kept apart as Istio keeps them (`istioctl validate` /
//! `istioctl analyze`): [`check`] answers *will the cluster admit each resource?*
//! (webhook, CRD schema/CEL, API-server metadata rules; per resource), and
//! [`analyze`] adds *does this set of resources work together?* (Istio's analyzers
//! and egress-studio's own cross-resource checks, over exactly the files given).
//!
//! Rule ids follow `istio/validation.md` (SE11, TLS3, …); schema and CEL rules of
//! the CRDs carry `CRD-…` codes; Istio's analyzers their `IST…` codes.
//! Nothing here does I/O.

mod analyzers;
mod analyzers_routes;
pub mod blocks;
pub mod chain;
mod cross;
mod destination_rule;
mod diagnostic;
mod duplicates;
pub mod explain;
mod export_to;
mod gateway;
mod load_balancer;
pub mod mesh;
mod schema;
mod scope;
mod service_entry;
mod traffic_policy;
mod version;
mod virtual_service;

pub use diagnostic::*;
pub use mesh::{MeshConfig, OutboundPolicy};
pub use scope::{Key, PositionCache, Relation, hosts_match, relation_keys, renumbered};
pub use version::IstioVersion;

use crate::model::Resource;
use crate::yaml::{LoadErrorClass, Workspace};
use std::collections::HashSet;

/// What to check against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    pub istio_version: IstioVersion,
}

/// Diagnostics of one resource alone (no cross-resource checks). Paths are relative
/// to the resource (`spec.ports[1].name`).
pub fn check_resource(resource: &Resource, opts: &Options) -> Vec<Diagnostic> {
    let mut f = Findings::default();
    match resource {
        Resource::ServiceEntry(se) => {
            schema::check_object(&se.metadata, &se.extra, &mut f);
            schema::Unknown { f: &mut f }.service_entry(&se.spec);
            service_entry::check(se, opts, &mut f);
        }
        Resource::DestinationRule(dr) => {
            schema::check_object(&dr.metadata, &dr.extra, &mut f);
            schema::Unknown { f: &mut f }.destination_rule(&dr.spec);
            destination_rule::check(dr, opts, &mut f);
        }
        Resource::Other(o) => return check_chain_kind(o, opts),
    }
    let flagged = schema::check_versions(resource, opts, &mut f);
    // A release that does not know a field ignores it: what is wrong inside it
    // becomes a warning until the upgrade.
    for d in &mut f.out {
        if d.code == "VERSION" || d.severity != Severity::Error {
            continue;
        }
        let under = |p: &String| {
            d.path == *p
                || d.path
                    .strip_prefix(p.as_str())
                    .is_some_and(|r| r.starts_with('.') || r.starts_with('['))
        };
        if flagged.iter().any(under) {
            d.severity = Severity::Warning;
            d.message.push_str(
                " (ignored by this Istio release; rejected by releases that know the field)",
            );
        }
    }
    f.out
}

/// Admission diagnostics of a Gateway or VirtualService (none for other kinds
/// kept as text): a value that does not fit the CRD's types is a `CRD-TYPE` error.
fn check_chain_kind(o: &crate::model::OtherResource, opts: &Options) -> Vec<Diagnostic> {
    use crate::model::ChainResource;
    let mut f = Findings::default();
    match o.chain_view() {
        None => {}
        Some(Err(e)) => f.error("CRD-TYPE", e.path, e.message),
        Some(Ok(ChainResource::Gateway(gw))) => {
            schema::check_object(&gw.metadata, &gw.extra, &mut f);
            gateway::check(&gw, opts, &mut f);
        }
        Some(Ok(ChainResource::VirtualService(vs))) => {
            schema::check_object(&vs.metadata, &vs.extra, &mut f);
            virtual_service::check(&vs, opts, &mut f);
        }
    }
    f.out
}

/// Every admission diagnostic of the workspace, located: load errors and
/// per-resource rules. No cross-resource findings (see [`analyze`]).
pub fn check(workspace: &Workspace, opts: &Options) -> Vec<Located> {
    let mut out = Vec::new();
    for (fi, file) in workspace.files.iter().enumerate() {
        for (di, doc) in file.documents.iter().enumerate() {
            out.extend(check_document(fi, di, doc, opts));
        }
    }
    out
}

/// The admission diagnostics of one document (its load error, or each item's
/// findings), located at file lines for document `document` of file `file`.
pub fn check_document(
    file: usize,
    document: usize,
    doc: &crate::yaml::Document,
    opts: &Options,
) -> Vec<Located> {
    let mut out = Vec::new();
    if let Some(err) = &doc.error {
        out.push(Located {
            at: Site {
                file,
                document,
                item: None,
            },
            line: err.pos.line,
            column: err.pos.column,
            diagnostic: Diagnostic {
                severity: Severity::Error,
                code: err.class.code().into(),
                resource: ResourceId::default(),
                path: err.path.clone().unwrap_or_default(),
                message: err.message.clone(),
                source: Source::Admission,
            },
            related: Vec::new(),
        });
        return out;
    }
    let mut positions = None;
    for (ii, item) in doc.items.iter().enumerate() {
        let id = ResourceId {
            kind: item.kind.clone(),
            namespace: item.namespace.clone().unwrap_or_else(|| "default".into()),
            name: item.name.clone(),
        };
        let site = Site {
            file,
            document,
            item: Some(ii),
        };
        match &item.resource {
            Err(err) => {
                let prefix = item.path_prefix();
                let path = err.path.clone().unwrap_or_default();
                out.push(Located {
                    at: site,
                    line: err.pos.line,
                    column: err.pos.column,
                    diagnostic: Diagnostic {
                        severity: Severity::Error,
                        code: err.class.code().into(),
                        resource: id.clone(),
                        path: path.strip_prefix(&prefix).unwrap_or(&path).to_string(),
                        message: err.message.clone(),
                        source: Source::Admission,
                    },
                    related: Vec::new(),
                });
                // Judge the rest of the object too, so every error shows in one run.
                let typed_error = matches!(
                    err.class,
                    crate::yaml::LoadErrorClass::Type | crate::yaml::LoadErrorClass::Enum
                );
                if let Some((resource, dropped)) = typed_error
                    .then(|| crate::yaml::best_effort(doc, item))
                    .flatten()
                {
                    let related = |p: &str| {
                        dropped.iter().any(|d| {
                            p == d
                                || p.starts_with(&format!("{d}."))
                                || p.starts_with(&format!("{d}["))
                                || d.starts_with(&format!("{p}."))
                                || d.starts_with(&format!("{p}["))
                                || p.is_empty()
                        })
                    };
                    let positions = positions.get_or_insert_with(|| doc.positions());
                    for mut d in check_resource(&resource, opts) {
                        if related(&d.path) {
                            continue;
                        }
                        let pos = positions.find(&format!("{prefix}{}", d.path));
                        d.resource = id.clone();
                        out.push(Located {
                            at: site,
                            line: pos.line,
                            column: pos.column,
                            diagnostic: d,
                            related: Vec::new(),
                        });
                    }
                }
            }
            Ok(resource) => {
                let found = check_resource(resource, opts);
                if found.is_empty() {
                    continue;
                }
                let positions = positions.get_or_insert_with(|| doc.positions());
                let prefix = item.path_prefix();
                for mut d in found {
                    let pos = positions.find(&format!("{prefix}{}", d.path));
                    d.resource = id.clone();
                    out.push(Located {
                        at: site,
                        line: pos.line,
                        column: pos.column,
                        diagnostic: d,
                        related: Vec::new(),
                    });
                }
            }
        }
    }
    out
}

/// Cross-resource findings over the whole workspace: Istio's analyzers and
/// egress-studio's own checks, with `galley.istio.io/analyze-suppress` applied.
/// `positions` keeps documents' position indexes between calls.
pub fn cross_resource(
    workspace: &Workspace,
    mesh: &MeshConfig,
    positions: &mut PositionCache,
) -> Vec<Located> {
    cross_resource_among(workspace, mesh, positions, None)
}

/// [`cross_resource`] judged among the objects at `only` (all when `None`). The
/// pairwise findings of an object equal the whole workspace's when `only` holds
/// every object related to it through a [`relation_keys`] key; the chain
/// findings are [`chain_findings`]'s.
pub fn cross_resource_among(
    workspace: &Workspace,
    mesh: &MeshConfig,
    positions: &mut PositionCache,
    only: Option<&HashSet<Site>>,
) -> Vec<Located> {
    let mut found = pairwise_among(workspace, mesh, positions, only, None);
    found.extend(
        chain_findings(workspace, positions, only, None)
            .into_iter()
            .map(|(_, l)| l),
    );
    found
}

/// Istio's analyzers and egress-studio's pairwise checks (every check but the
/// egress-gateway chain's) among the objects at `only` (all when `None`), kept
/// for the objects at `focus` (all when `None`).
pub fn pairwise_among(
    workspace: &Workspace,
    mesh: &MeshConfig,
    positions: &mut PositionCache,
    only: Option<&HashSet<Site>>,
    focus: Option<&HashSet<Site>>,
) -> Vec<Located> {
    let entries = scope::entries_at(workspace, only);
    let mut istio = scope::Out::new(workspace, positions, Source::IstioAnalyzer).focused(focus);
    analyzers::run(&entries, mesh, &mut istio);
    let mut found = istio.found;
    let mut own = scope::Out::new(workspace, positions, Source::EgressStudio).focused(focus);
    cross::run(&entries, &mut own);
    found.extend(own.found);
    unsuppressed(&entries, found)
}

/// The egress-gateway chain findings, each with the unit that found it: the
/// VirtualService whose chain it judges, or the bound Gateway judged alone.
/// Pieces are looked up among the objects at `context` (all when `None`); only
/// the units at `units` are judged (all when `None`).
pub fn chain_findings(
    workspace: &Workspace,
    positions: &mut PositionCache,
    context: Option<&HashSet<Site>>,
    units: Option<&HashSet<Site>>,
) -> Vec<(Site, Located)> {
    let entries = scope::entries_at(workspace, context);
    let mut own = scope::Out::new(workspace, positions, Source::EgressStudio);
    let by = chain::run(&entries, &mut own, units);
    let kept: HashSet<usize> = unsuppressed_indexes(&entries, &own.found);
    by.into_iter()
        .zip(own.found)
        .enumerate()
        .filter(|(i, _)| kept.contains(i))
        .map(|(_, pair)| pair)
        .collect()
}

/// `found` without what `galley.istio.io/analyze-suppress` suppresses.
fn unsuppressed(entries: &[scope::Entry], found: Vec<Located>) -> Vec<Located> {
    let kept = unsuppressed_indexes(entries, &found);
    found
        .into_iter()
        .enumerate()
        .filter(|(i, _)| kept.contains(i))
        .map(|(_, l)| l)
        .collect()
}

fn unsuppressed_indexes(entries: &[scope::Entry], found: &[Located]) -> HashSet<usize> {
    let suppressed: std::collections::HashMap<Site, Vec<String>> = entries
        .iter()
        .filter_map(|e| {
            let codes = e.annotation(SUPPRESS_ANNOTATION)?;
            Some((
                e.site,
                codes.split(',').map(|c| c.trim().to_string()).collect(),
            ))
        })
        .collect();
    (0..found.len())
        .filter(|i| {
            let d = &found[*i];
            !suppressed
                .get(&d.at)
                .is_some_and(|codes| codes.contains(&d.diagnostic.code))
        })
        .collect()
}

/// Annotation that suppresses analyzer findings on one resource, as istioctl reads
/// it: a comma-separated list of codes.
pub const SUPPRESS_ANNOTATION: &str = "galley.istio.io/analyze-suppress";

/// [`check`]'s findings plus Istio's analyzers and egress-studio's own
/// cross-resource checks, over exactly the files of the workspace.
pub fn analyze(workspace: &Workspace, opts: &Options, mesh: &MeshConfig) -> Vec<Located> {
    let mut out = check(workspace, opts);
    out.extend(cross_resource(workspace, mesh, &mut PositionCache::new()));
    out
}

/// The worst severity of each site's diagnostics.
pub fn worst_by_site(diagnostics: &[Located]) -> std::collections::HashMap<Site, Severity> {
    let mut out = std::collections::HashMap::new();
    for d in diagnostics {
        let e = out.entry(d.at).or_insert(d.diagnostic.severity);
        *e = (*e).max(d.diagnostic.severity);
    }
    out
}

/// True when a load error means the input could not be read as YAML objects at all.
pub fn is_unreadable(class: LoadErrorClass) -> bool {
    matches!(class, LoadErrorClass::Yaml | LoadErrorClass::Object)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_chain_kinds;
