//! Istio's analyzers over VirtualServices and Gateways, as `istioctl analyze`
//! runs them on local files, with Istio's codes, levels and message templates:
//!
//! - IST0109 (`ConflictingMeshGatewayHostsAnalyzer`): two VirtualServices bound
//!   to the mesh define one host in overlapping `exportTo` scope;
//! - IST0112 (`DestinationHostAnalyzer`): a destination without `port` to a
//!   ServiceEntry host that declares more than one port;
//! - IST0145 (`ConflictingGatewayAnalyzer`): two Gateways with one selector,
//!   port and bind share a literal host.

use super::Severity;
use super::chain::Pieces;
use super::scope::{Entry, Out, Visibility, fqdn};
use crate::model::{Gateway, ServiceEntry, VirtualService};
use std::collections::BTreeMap;

pub fn run(entries: &[Entry], suffix: &str, out: &mut Out) {
    let pieces = Pieces::of(entries);
    conflicting_mesh_hosts(&pieces.virtual_services, suffix, out);
    port_selector_required(
        &pieces.virtual_services,
        &pieces.service_entries,
        suffix,
        out,
    );
    conflicting_gateways(&pieces.gateways, out);
}

/// `ns/name` of an object.
fn full_name(e: &Entry) -> String {
    format!("{}/{}", e.id.namespace, e.id.name)
}

/// IST0109, on each VirtualService of a conflicting group.
fn conflicting_mesh_hosts(vss: &[(&Entry, VirtualService)], suffix: &str, out: &mut Out) {
    let mut by_host: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (vi, (e, vs)) in vss.iter().enumerate() {
        if !vs.spec.applies_to_mesh() {
            continue;
        }
        for (hi, h) in vs.spec.hosts.iter().enumerate() {
            let host = fqdn(e.id.namespace, h, suffix).to_ascii_lowercase();
            by_host.entry(host).or_default().push((vi, hi));
        }
    }
    for (host, group) in by_host {
        for &(vi, hi) in &group {
            let (e, vs) = &vss[vi];
            let scope = Visibility::of(&vs.spec.export_to, e.id.namespace);
            let others: Vec<&(usize, usize)> = group
                .iter()
                .filter(|(oi, _)| *oi != vi)
                .filter(|(oi, _)| {
                    let (oe, ovs) = &vss[*oi];
                    Visibility::of(&ovs.spec.export_to, oe.id.namespace).overlaps(&scope)
                })
                .collect();
            if others.is_empty() {
                continue;
            }
            let mut names: Vec<String> = std::iter::once(vi)
                .chain(others.iter().map(|(oi, _)| *oi))
                .map(|i| full_name(vss[i].0))
                .collect();
            names.sort();
            names.dedup();
            let related: Vec<(&Entry, &str)> = others
                .iter()
                .map(|(oi, _)| (vss[*oi].0, "spec.hosts"))
                .collect();
            out.push_related(
                e,
                Severity::Error,
                "IST0109",
                &format!("spec.hosts[{hi}]"),
                format!(
                    "The VirtualServices {} associated with mesh gateway define the same host {host} which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.",
                    names.join(",")
                ),
                &related,
            );
        }
    }
}

/// IST0112, on each destination without a port to a host whose ServiceEntry
/// declares several ports.
fn port_selector_required(
    vss: &[(&Entry, VirtualService)],
    ses: &[(&Entry, &ServiceEntry)],
    suffix: &str,
    out: &mut Out,
) {
    for (e, vs) in vss {
        for (kind, ri, rule) in vs.spec.all_rules() {
            for (di, d) in rule.destinations() {
                if d.port.is_some() {
                    continue;
                }
                let host = d.host.as_deref().unwrap_or("");
                let full = fqdn(e.id.namespace, host, suffix);
                let Some((se_entry, se)) = ses.iter().find(|(se_e, se)| {
                    se.spec
                        .hosts()
                        .iter()
                        .any(|h| fqdn(se_e.id.namespace, h, suffix).eq_ignore_ascii_case(&full))
                }) else {
                    continue;
                };
                if se.spec.ports.len() < 2 {
                    continue;
                }
                let ports: Vec<String> = se
                    .spec
                    .ports
                    .iter()
                    .map(|p| p.number.unwrap_or(0).to_string())
                    .collect();
                out.push_related(
                    e,
                    Severity::Error,
                    "IST0112",
                    &format!("spec.{}[{ri}].route[{di}].destination.host", kind.as_str()),
                    format!(
                        "This VirtualService routes to a service \"{host}\" that exposes multiple ports [{}]. Specifying a port in the destination is required to disambiguate.",
                        ports.join(" ")
                    ),
                    &[(se_entry, "spec.ports")],
                );
            }
        }
    }
}

/// IST0145, on each Gateway that shares selector, port, bind and a literal
/// host with another.
fn conflicting_gateways(gws: &[(&Entry, Gateway)], out: &mut Out) {
    let selector = |g: &Gateway| g.spec.selector_text();
    for (i, (e, g)) in gws.iter().enumerate() {
        for (si, s) in g.spec.servers() {
            let literal = |h: &String| {
                let name = h.split_once('/').map_or(h.as_str(), |x| x.1);
                !name.contains('*')
            };
            let mut conflicts: Vec<&Entry> = Vec::new();
            let mut shared: Vec<String> = Vec::new();
            for (j, (oe, og)) in gws.iter().enumerate() {
                if i == j || selector(g) != selector(og) {
                    continue;
                }
                for (_, os) in og.spec.servers() {
                    if os.number() != s.number() || os.bind != s.bind {
                        continue;
                    }
                    let common: Vec<String> = s
                        .hosts
                        .iter()
                        .filter(|h| literal(h) && os.hosts.contains(h))
                        .cloned()
                        .collect();
                    if !common.is_empty() {
                        conflicts.push(oe);
                        shared.extend(common);
                    }
                }
            }
            if conflicts.is_empty() {
                continue;
            }
            shared.sort();
            shared.dedup();
            let names: Vec<String> = conflicts.iter().map(|c| full_name(c)).collect();
            let related: Vec<(&Entry, &str)> =
                conflicts.iter().map(|c| (*c, "spec.servers")).collect();
            out.push_related(
                e,
                Severity::Error,
                "IST0145",
                &format!("spec.servers[{si}]"),
                format!(
                    "Conflict with gateways {} (workload selector {}, port {}, hosts [{}]).",
                    names.join(","),
                    selector(g),
                    s.number(),
                    shared.join(" ")
                ),
                &related,
            );
        }
    }
}
