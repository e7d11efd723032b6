//! The route graph: per ServiceEntry, who sees it → sidecar listener → (egress
//! gateway) → external host, with the security class of each port, the
//! DestinationRule's policies and the probe overlay. No egui.

mod chain;
pub mod security;

pub use chain::GatewayHop;

pub use super::overlay::{Overlay, ProbeMark, ProbeResult};
use crate::model::{DestinationRule, Resource, ServiceEntry};
use crate::validate::{Located, Severity, Site};
use crate::yaml::Workspace;
pub use security::{Security, Wire};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq)]
pub struct Listener {
    pub port: u32,
    pub protocol: String,
    /// What is on the wire to the host, classified and in words.
    pub wire: Wire,
    /// Hop 1 (sidecar -> egress gateway) when the route leaves through a gateway;
    /// `wire` is then hop 2 (gateway -> external host).
    pub to_gateway: Option<Wire>,
    pub probe: Option<ProbeMark>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub site: Site,
    pub rule: Option<Site>,
    pub namespace: String,
    pub name: String,
    pub workloads: Vec<String>,
    pub listeners: Vec<Listener>,
    pub gateway: Option<String>,
    /// The egress-gateway chain the route leaves through, when one is found.
    pub gateway_hop: Option<GatewayHop>,
    pub hosts: Vec<String>,
    pub resolution: String,
    pub location: String,
    pub endpoints: Vec<String>,
    pub policies: Vec<String>,
    pub subsets: Vec<String>,
    pub severity: Option<Severity>,
    pub rule_severity: Option<Severity>,
}

/// Routes grouped by namespace, both in a stable order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Graph {
    pub groups: BTreeMap<String, Vec<Route>>,
}

impl Graph {
    pub fn routes(&self) -> impl Iterator<Item = &Route> {
        self.groups.values().flatten()
    }
}

fn worst(diags: &HashMap<Site, Severity>, site: Site) -> Option<Severity> {
    diags.get(&site).copied().filter(|s| *s > Severity::Info)
}

fn policies(dr: &DestinationRule) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(tp) = &dr.spec.traffic_policy {
        if let Some(lb) = &tp.load_balancer {
            let what = lb.simple.map(|s| s.to_string()).or_else(|| {
                lb.consistent_hash
                    .as_ref()
                    .map(|_| "consistent hash".to_string())
            });
            out.push(format!("LB {}", what.unwrap_or_else(|| "locality".into())));
        }
        if let Some(cp) = &tp.connection_pool {
            let max = cp
                .tcp
                .as_ref()
                .and_then(|t| t.max_connections)
                .map(|m| format!(" max {m}"))
                .unwrap_or_default();
            out.push(format!("pool{max}"));
        }
        if let Some(od) = &tp.outlier_detection {
            let n = od
                .consecutive_5xx_errors
                .map(|n| format!(" 5xx>{n}"))
                .unwrap_or_default();
            out.push(format!("outlier{n}"));
        }
        if tp.tunnel.is_some() {
            out.push("tunnel".into());
        }
    }
    out
}

/// Which egress gateway (Gateway + VirtualService in the workspace) carries a host.
fn gateways(ws: &Workspace) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for r in ws.resources() {
        let Resource::Other(o) = r.resource else {
            continue;
        };
        if o.kind != "VirtualService" {
            continue;
        }
        let spec = &o.value["spec"];
        let gws: Vec<String> = spec["gateways"]
            .as_sequence()
            .map(|s| {
                s.iter()
                    .filter_map(|g| g.as_str())
                    .filter(|g| *g != "mesh")
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        if gws.is_empty() {
            continue;
        }
        // The VS routes mesh traffic to the egress gateway service.
        let text = serde_yaml::to_string(spec).unwrap_or_default();
        if !text.contains("egress") {
            continue;
        }
        for h in spec["hosts"]
            .as_sequence()
            .into_iter()
            .flatten()
            .filter_map(|h| h.as_str())
        {
            out.insert(h.to_ascii_lowercase(), gws[0].clone());
        }
    }
    out
}

/// Builds the graph. A probe result is stale when the configuration (read with
/// `paths`, as the probe was) no longer yields its target; see `overlay`.
pub fn build(
    ws: &Workspace,
    diags: &[Located],
    probes: &[ProbeResult],
    paths: &crate::probe::targets::PathMap,
) -> Graph {
    let resources: Vec<_> = ws.resources().collect();
    let rules: Vec<(&DestinationRule, Site)> = resources
        .iter()
        .filter_map(|r| match r.resource {
            Resource::DestinationRule(d) => Some((
                &**d,
                Site {
                    file: r.file,
                    document: r.document,
                    item: Some(r.item),
                },
            )),
            _ => None,
        })
        .collect();
    let rule_refs: Vec<&DestinationRule> = rules.iter().map(|(d, _)| *d).collect();
    // Where each rule is, by identity (not by value: two rules may be equal).
    let rule_sites: HashMap<*const DestinationRule, Site> = rules
        .iter()
        .map(|(d, s)| (*d as *const DestinationRule, *s))
        .collect();
    // Rules by exact host, and the wildcard ones: most lookups never scan.
    let mut by_host: HashMap<String, Vec<&DestinationRule>> = HashMap::new();
    let mut wild_rules: Vec<&DestinationRule> = Vec::new();
    for d in &rule_refs {
        match d.spec.host.as_deref() {
            Some(h) if h.starts_with('*') => wild_rules.push(d),
            Some(h) => by_host.entry(h.to_ascii_lowercase()).or_default().push(d),
            None => {}
        }
    }
    let gws = gateways(ws);
    let pods = crate::policy::GatewayPods::of(resources.iter().map(|r| r.resource));
    let chains = chain::Chains::of(ws, diags);
    let worst_by_site = crate::validate::worst_by_site(diags);
    // Which probe results are still current (only worth computing when there are some).
    let overlay = if probes.is_empty() {
        Overlay::default()
    } else {
        let current = crate::probe::targets::for_workspace(ws, paths)
            .iter()
            .map(|t| t.key())
            .collect();
        Overlay::new(probes, &current)
    };
    let mut graph = Graph::default();
    for r in &resources {
        let Resource::ServiceEntry(se) = r.resource else {
            continue;
        };
        let site = Site {
            file: r.file,
            document: r.document,
            item: Some(r.item),
        };
        let first = se
            .spec
            .hosts()
            .first()
            .map(|h| h.to_ascii_lowercase())
            .unwrap_or_default();
        let mut candidates: Vec<&DestinationRule> =
            by_host.get(&first).cloned().unwrap_or_default();
        candidates.extend(wild_rules.iter().copied());
        let route = route_of(
            se,
            site,
            &candidates,
            &rule_sites,
            &gws,
            &chains,
            &worst_by_site,
            &overlay,
            &pods,
        );
        graph
            .groups
            .entry(route.namespace.clone())
            .or_default()
            .push(route);
    }
    for routes in graph.groups.values_mut() {
        routes.sort_by(|a, b| {
            (&a.name, a.site.file, a.site.document).cmp(&(&b.name, b.site.file, b.site.document))
        });
    }
    graph
}

#[allow(clippy::too_many_arguments)]
fn route_of(
    se: &ServiceEntry,
    site: Site,
    rule_refs: &[&DestinationRule],
    rule_sites: &HashMap<*const DestinationRule, Site>,
    gws: &HashMap<String, String>,
    chains: &chain::Chains,
    diags: &HashMap<Site, Severity>,
    overlay: &Overlay,
    pods: &crate::policy::GatewayPods,
) -> Route {
    let ns = se
        .metadata
        .namespace
        .clone()
        .unwrap_or_else(|| "default".into());
    let first_host = se.spec.hosts().first().cloned().unwrap_or_default();
    // The rule a sidecar in the entry's namespace gets, as istiod picks it.
    let rule = crate::policy::rules_for(rule_refs, &first_host, &ns, Some(&ns), pods)
        .first()
        .copied();
    let rule_site = rule.and_then(|d| rule_sites.get(&(d as *const DestinationRule)).copied());
    let mut workloads = Vec::new();
    if se.spec.export_to.is_empty() || se.spec.export_to.iter().any(|e| e == "*") {
        workloads.push("all namespaces".to_string());
    } else {
        for e in &se.spec.export_to {
            workloads.push(match e.as_str() {
                "." => format!("in {ns}"),
                "~" => "no one (~)".to_string(),
                other => format!("in {other}"),
            });
        }
    }
    if let Some(sel) = &se.spec.workload_selector {
        let labels: Vec<String> = sel.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        workloads.push(format!("selects {}", labels.join(",")));
    }
    let summary = chains.for_hosts(se.spec.hosts());
    let gateway_hop = summary.map(|c| chains.hop(c));
    let gateway = gateway_hop.as_ref().map(|h| h.name.clone()).or_else(|| {
        se.spec
            .hosts()
            .iter()
            .find_map(|h| gws.get(&h.to_ascii_lowercase()).cloned())
    });
    let name = se.metadata.name.clone().unwrap_or_default();
    let mut listeners: Vec<Listener> = se
        .spec
        .ports
        .iter()
        .map(|port| {
            let number = port.number.unwrap_or(0);
            let protocol = port.protocol.clone().unwrap_or_default();
            let upstream = port.target_port.filter(|t| *t > 0).unwrap_or(number);
            let hops = summary.and_then(|c| chain::hops_for(c, number));
            let classified = || {
                security::classify(
                    se.spec.location(),
                    &protocol,
                    number,
                    upstream,
                    rule,
                    // Through the gateway only the ports the chain routes there;
                    // without a chain, a gateway that carries the host.
                    hops.is_some() || (summary.is_none() && gateway.is_some()),
                )
            };
            Listener {
                port: number,
                wire: hops
                    .and_then(|h| chain::to_external(h, se.spec.location(), rule_refs))
                    .unwrap_or_else(classified),
                to_gateway: hops.map(chain::to_gateway),
                protocol: if protocol.is_empty() {
                    "TCP".into()
                } else {
                    protocol
                },
                probe: overlay.get(&ns, &name, number).cloned(),
            }
        })
        .collect();
    // A card shows only its first few ports: the ones a reviewer must see come
    // first (plaintext leaving the mesh, double TLS, unverified TLS), so a
    // collapsed "… N more" never hides them; port order is kept otherwise.
    // With a chain, the ports it routes through the gateway come first, so the
    // gateway node covers them and the others pass below it to the host.
    listeners.sort_by_key(|l| {
        (
            summary.is_some() && l.to_gateway.is_none(),
            !l.wire.class.is_warning(),
        )
    });
    let mut endpoints: Vec<String> = se
        .spec
        .endpoints()
        .iter()
        .filter_map(|e| e.address.clone())
        .collect();
    endpoints.extend(se.spec.addresses.iter().cloned());
    Route {
        site,
        rule: rule_site,
        namespace: ns,
        name,
        workloads,
        listeners,
        gateway,
        gateway_hop,
        hosts: se.spec.hosts().to_vec(),
        resolution: se.spec.resolution().to_string(),
        location: se.spec.location().to_string(),
        endpoints,
        policies: rule.map(policies).unwrap_or_default(),
        subsets: rule
            .map(|d| {
                d.spec
                    .subsets
                    .iter()
                    .map(|s| {
                        let labels: Vec<String> =
                            s.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        format!("{} {}", s.name.as_deref().unwrap_or(""), labels.join(","))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        severity: worst(diags, site),
        rule_severity: rule_site.and_then(|s| worst(diags, s)),
    }
}

#[cfg(test)]
mod tests;
