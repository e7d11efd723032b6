//! The egress-gateway chain checks (egress-gateway.md §6, EG1–EG26): a
//! ServiceEntry for the external host, a Gateway on the egress gateway pods, a
//! DestinationRule with the subset for the sidecar → gateway hop (and one for the
//! external host when the gateway originates TLS), and a VirtualService with a
//! mesh rule to the gateway and a gateway rule to the external host. Istio admits
//! each piece alone; these findings say where the pieces disagree, always from
//! `analyze` (source egress-studio), each naming both ends.
//!
//! This module finds the chains; `rules` judges them.

mod external;
mod ports;
pub(crate) use ports::https_port_key;
mod rules;

use super::scope::{Entry, fqdn, hosts_match};
use crate::model::{
    ChainResource, Destination, DestinationRule, Gateway, RouteMatch, RuleKind, ServiceEntry,
    VirtualService,
};

/// Where the egress gateway lives unless the workspace says otherwise: the
/// defaults of Istio's `istio-egress` chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainSettings {
    /// Namespace of the egress gateway pods (Secrets for credentialName live here).
    pub gateway_namespace: String,
    /// Labels of the egress gateway pods.
    pub selector: Vec<(String, String)>,
    /// Ports of the egress gateway Service (port and targetPort).
    pub service_ports: Vec<u32>,
}

impl Default for ChainSettings {
    fn default() -> Self {
        ChainSettings {
            gateway_namespace: "istio-system".into(),
            selector: vec![("istio".into(), "egressgateway".into())],
            service_ports: vec![80, 443, 8080, 8443],
        }
    }
}

const SUFFIX: &str = "svc.cluster.local";

/// The typed pieces of the workspace the chain checks read.
pub struct Pieces<'a> {
    pub gateways: Vec<(&'a Entry<'a>, Gateway)>,
    pub virtual_services: Vec<(&'a Entry<'a>, VirtualService)>,
    pub service_entries: Vec<(&'a Entry<'a>, &'a ServiceEntry)>,
    pub destination_rules: Vec<(&'a Entry<'a>, &'a DestinationRule)>,
    /// Secrets as (namespace, name).
    pub secrets: Vec<(&'a str, &'a str)>,
    /// `gateways` by `ns/name`, in load order.
    named: std::collections::HashMap<String, Vec<usize>>,
}

impl<'a> Pieces<'a> {
    pub fn of(entries: &'a [Entry<'a>]) -> Pieces<'a> {
        let mut p = Pieces {
            gateways: Vec::new(),
            virtual_services: Vec::new(),
            service_entries: super::scope::service_entries(entries),
            destination_rules: super::scope::destination_rules(entries),
            secrets: Vec::new(),
            named: Default::default(),
        };
        for e in entries {
            let crate::model::Resource::Other(o) = e.resource else {
                continue;
            };
            if o.api_version == "v1" && o.kind == "Secret" {
                p.secrets.push((e.id.namespace, e.id.name));
                continue;
            }
            match o.chain_view() {
                Some(Ok(ChainResource::Gateway(g))) => {
                    p.named
                        .entry(format!("{}/{}", e.id.namespace, e.id.name))
                        .or_default()
                        .push(p.gateways.len());
                    p.gateways.push((e, g));
                }
                Some(Ok(ChainResource::VirtualService(v))) => p.virtual_services.push((e, v)),
                _ => {}
            }
        }
        p
    }

    /// The Gateway a reference from `file` resolves to (`resolveGatewayName`).
    /// Two loaded Gateways with one namespace and name are two versions of one
    /// object: the one in the referring file wins, else the last loaded, as
    /// `kubectl apply` of the files in order would leave it.
    pub fn gateway(&self, resolved: &str, file: usize) -> Option<&(&'a Entry<'a>, Gateway)> {
        let mut last = None;
        let mut in_file = None;
        for g in self
            .named
            .get(resolved)
            .into_iter()
            .flatten()
            .map(|&i| &self.gateways[i])
        {
            if g.0.site.file == file {
                in_file = Some(g);
            }
            last = Some(g);
        }
        in_file.or(last)
    }
}

/// `resolveGatewayName`: `gw` → `<vs ns>/gw`; `ns/gw` as is; legacy
/// `gw.ns[.svc.cluster.local]` → `ns/gw`; `./gw` → `<vs ns>/gw`.
pub fn resolve_gateway(name: &str, vs_namespace: &str) -> String {
    if let Some((ns, gw)) = name.split_once('/') {
        let ns = if ns == "." { vs_namespace } else { ns };
        return format!("{ns}/{gw}");
    }
    match name.split_once('.') {
        Some((gw, rest)) => {
            let ns = rest.split('.').next().unwrap_or(rest);
            format!("{ns}/{gw}")
        }
        None => format!("{vs_namespace}/{name}"),
    }
}

/// One route of a VirtualService rule, with where it sits.
#[derive(Debug, Clone)]
pub struct Hop<'v> {
    pub kind: RuleKind,
    pub rule: usize,
    pub route: usize,
    pub destination: &'v Destination,
    /// The first match that selected this rule (None: a rule without match).
    pub matched: Option<(usize, &'v RouteMatch)>,
    /// True when sidecars apply the rule (by its match or the top-level list).
    pub on_mesh: bool,
}

impl Hop<'_> {
    pub fn rule_path(&self) -> String {
        format!("spec.{}[{}]", self.kind.as_str(), self.rule)
    }

    pub fn destination_path(&self) -> String {
        format!("{}.route[{}].destination", self.rule_path(), self.route)
    }

    pub fn host(&self) -> &str {
        self.destination.host.as_deref().unwrap_or("")
    }

    pub fn match_port(&self) -> Option<u32> {
        self.matched.and_then(|(_, m)| m.port)
    }
}

/// A VirtualService that sends traffic through an egress gateway.
pub struct Chain<'a, 'v> {
    pub entry: &'a Entry<'a>,
    pub vs: &'v VirtualService,
    pub namespace: &'a str,
    /// Top-level gateways other than `mesh`, as written and resolved.
    pub gateways: Vec<(usize, String)>,
    pub mesh: bool,
    /// Routes sidecars take to the egress gateway (hop 1).
    pub to_gateway: Vec<Hop<'v>>,
    /// Routes the egress gateway takes to the external host (hop 2).
    pub to_external: Vec<Hop<'v>>,
}

impl<'a, 'v> Chain<'a, 'v> {
    /// The chain of a VirtualService, when it has one: it names a gateway other
    /// than `mesh`, or a rule sends traffic to an in-cluster host that is not
    /// one of its own hosts (the egress gateway Service).
    pub fn of(entry: &'a Entry<'a>, vs: &'v VirtualService) -> Option<Chain<'a, 'v>> {
        let namespace = entry.id.namespace;
        let spec = &vs.spec;
        let gateways: Vec<(usize, String)> = spec
            .gateways
            .iter()
            .enumerate()
            .filter(|(_, g)| *g != "mesh")
            .map(|(i, g)| (i, resolve_gateway(g, namespace)))
            .collect();
        let mesh = spec.applies_to_mesh();
        let mut to_gateway = Vec::new();
        let mut to_external = Vec::new();
        for (kind, ri, rule) in spec.all_rules() {
            let matches: Vec<(usize, &RouteMatch)> = rule.matches().collect();
            let names: Vec<&String> = matches.iter().flat_map(|(_, m)| &m.gateways).collect();
            let on_mesh = if names.is_empty() {
                mesh
            } else {
                names.iter().any(|g| *g == "mesh")
            };
            let on_gateway = if names.is_empty() {
                !gateways.is_empty()
            } else {
                names.iter().any(|g| *g != "mesh")
            };
            let matched = matches.first().copied();
            for (di, d) in rule.destinations() {
                let host = d.host.as_deref().unwrap_or("");
                let own = spec.hosts.iter().any(|h| hosts_match(h, host));
                let hop = Hop {
                    kind,
                    rule: ri,
                    route: di,
                    destination: d,
                    matched,
                    on_mesh,
                };
                if !own && is_in_cluster(host) {
                    to_gateway.push(hop);
                } else if on_gateway && !gateways.is_empty() {
                    to_external.push(hop);
                }
            }
        }
        if gateways.is_empty() && to_gateway.is_empty() {
            return None;
        }
        if to_gateway.is_empty() && to_external.is_empty() {
            return None;
        }
        Some(Chain {
            entry,
            vs,
            namespace,
            gateways,
            mesh,
            to_gateway,
            to_external,
        })
    }

    /// The gateway-hop destination host as an FQDN.
    pub fn gateway_host(&self, hop: &Hop) -> String {
        fqdn(self.namespace, hop.host(), SUFFIX)
    }
}

/// A Kubernetes Service name: short, or under `.svc.` of the cluster domain.
pub(super) fn is_in_cluster(host: &str) -> bool {
    !host.starts_with('*') && (!host.contains('.') || host.contains(".svc."))
}

/// The namespace of an in-cluster FQDN (`name.ns.svc.…`).
pub fn service_namespace(host: &str) -> Option<&str> {
    let mut parts = host.split('.');
    let _name = parts.next()?;
    let ns = parts.next()?;
    (parts.next() == Some("svc")).then_some(ns)
}

/// Runs the chain checks of the units at `units` (all when `None`) over
/// `entries`: each VirtualService's chain, and each bound Gateway alone. Returns
/// the unit of each finding it pushed, in order.
pub fn run(
    entries: &[Entry],
    out: &mut super::scope::Out,
    units: Option<&std::collections::HashSet<crate::validate::Site>>,
) -> Vec<crate::validate::Site> {
    let pieces = Pieces::of(entries);
    if pieces.gateways.is_empty() && pieces.virtual_services.is_empty() {
        return Vec::new();
    }
    rules::run(&pieces, &ChainSettings::default(), out, units)
}

/// The `credentialName`s a DestinationRule names (top level, port level, subsets).
pub fn credential_names(dr: &DestinationRule) -> Vec<&str> {
    let policies = dr.spec.traffic_policy.iter().chain(
        dr.spec
            .subsets
            .iter()
            .filter_map(|s| s.traffic_policy.as_ref()),
    );
    let mut out = Vec::new();
    for tp in policies {
        let tls = tp
            .tls
            .iter()
            .chain(tp.port_level_settings.iter().filter_map(|p| p.tls.as_ref()));
        out.extend(tls.filter_map(|t| t.credential_name.as_deref()));
    }
    out
}

/// `(host, port)` pairs that an egress gateway sends on after receiving plain
/// HTTP from sidecars (every route to the gateway is an `http` rule): a
/// DestinationRule that originates TLS there is TLS origination at the gateway,
/// not double TLS.
pub fn gateway_originated(pieces: &Pieces) -> std::collections::HashSet<(String, u32)> {
    let mut out = std::collections::HashSet::new();
    for (e, vs) in &pieces.virtual_services {
        let Some(c) = Chain::of(e, vs) else { continue };
        if c.to_gateway.is_empty() || c.to_gateway.iter().any(|h| h.kind != RuleKind::Http) {
            continue;
        }
        for hop in &c.to_external {
            if let Some(p) = hop.destination.port() {
                out.insert((hop.host().to_ascii_lowercase(), p));
            }
        }
    }
    out
}

/// `(host, port)` pairs whose traffic sidecars send to an egress gateway (the
/// VirtualService's hosts, with the port its mesh rule matches, `None` for a
/// rule that matches every port): sidecars do not originate TLS there themselves.
pub fn gateway_carried(pieces: &Pieces) -> std::collections::HashSet<(String, Option<u32>)> {
    let mut out = std::collections::HashSet::new();
    for (e, vs) in &pieces.virtual_services {
        let Some(c) = Chain::of(e, vs) else { continue };
        for hop in c.to_gateway.iter().filter(|h| h.on_mesh) {
            for h in &vs.spec.hosts {
                out.insert((h.to_ascii_lowercase(), hop.match_port()));
            }
        }
    }
    out
}

/// The egress gateway Service FQDNs that sidecars route to in some chain.
pub fn gateway_hosts(entries: &[Entry]) -> std::collections::HashSet<String> {
    let pieces = Pieces::of(entries);
    let mut out = std::collections::HashSet::new();
    for (e, vs) in &pieces.virtual_services {
        if let Some(c) = Chain::of(e, vs) {
            for hop in &c.to_gateway {
                out.insert(c.gateway_host(hop).to_ascii_lowercase());
            }
        }
    }
    out
}

/// One chain as the diagram draws it: which hosts leave through which Gateway,
/// and for each port sidecars send, the gateway port, the server it reaches and
/// the port the gateway sends on.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainSummary {
    pub virtual_service: crate::validate::Site,
    /// The first bound Gateway as `ns/name`, and its place when it is loaded.
    pub gateway: String,
    pub gateway_site: Option<crate::validate::Site>,
    pub hosts: Vec<String>,
    pub ports: Vec<PortHops>,
    /// The DestinationRules of the sidecar → gateway hop (for the egress
    /// gateway Service), then those of the gateway → external host hop.
    pub gateway_rules: Vec<crate::validate::Site>,
    pub host_rules: Vec<crate::validate::Site>,
}

impl ChainSummary {
    /// The hops of the client port `port` (the first hop of a chain that
    /// matches no port stands for every port).
    pub fn hops_for(&self, port: u32) -> Option<&PortHops> {
        self.ports
            .iter()
            .find(|p| p.client_port == Some(port))
            .or_else(|| self.ports.iter().find(|p| p.client_port.is_none()))
    }

    /// The chain carrying one of `hosts`, among `chains`.
    pub fn for_hosts<'c>(chains: &'c [ChainSummary], hosts: &[String]) -> Option<&'c ChainSummary> {
        chains.iter().find(|c| {
            c.hosts
                .iter()
                .any(|h| hosts.iter().any(|x| x.eq_ignore_ascii_case(h)))
        })
    }
}

/// Both hops of one client port.
#[derive(Debug, Clone, PartialEq)]
pub struct PortHops {
    pub client_port: Option<u32>,
    pub gateway_port: Option<u32>,
    /// The server's protocol and TLS mode (None: no server on that port).
    pub server: Option<(String, Option<crate::model::ServerTlsMode>)>,
    pub upstream_host: String,
    pub upstream_port: Option<u32>,
}

/// Every chain of the workspace.
pub fn summaries(ws: &crate::yaml::Workspace) -> Vec<ChainSummary> {
    // Every chain has a VirtualService: without one there is nothing to read.
    if !ws
        .resources()
        .any(|r| r.resource.kind() == "VirtualService")
    {
        return Vec::new();
    }
    let entries = super::scope::entries(ws);
    let pieces = Pieces::of(&entries);
    // The rules by host, found through an index: a workspace of many chains
    // must not compare every chain with every rule.
    let mut by_host: std::collections::HashMap<String, Vec<usize>> = Default::default();
    let mut by_subset: std::collections::HashMap<(String, &str), Vec<usize>> = Default::default();
    let mut wild: Vec<usize> = Vec::new();
    for (i, (de, dr)) in pieces.destination_rules.iter().enumerate() {
        let h = fqdn(
            de.id.namespace,
            dr.spec.host.as_deref().unwrap_or(""),
            SUFFIX,
        );
        if h.starts_with('*') {
            wild.push(i);
        } else {
            let h = h.to_ascii_lowercase();
            for name in dr.spec.subsets.iter().filter_map(|s| s.name.as_deref()) {
                by_subset.entry((h.clone(), name)).or_default().push(i);
            }
            by_host.entry(h).or_default().push(i);
        }
    }
    // Whether the rule at `i` covers `host` (its host as an FQDN, wildcards honoured).
    let covers = |i: usize, host: &str| {
        let (de, dr) = &pieces.destination_rules[i];
        hosts_match(
            &fqdn(
                de.id.namespace,
                dr.spec.host.as_deref().unwrap_or(""),
                SUFFIX,
            ),
            host,
        )
    };
    let rules_of = |host: &str| -> Vec<usize> {
        if host.starts_with('*') {
            return (0..pieces.destination_rules.len())
                .filter(|&i| covers(i, host))
                .collect();
        }
        let mut found: Vec<usize> = by_host
            .get(&host.to_ascii_lowercase())
            .cloned()
            .unwrap_or_default();
        found.extend(wild.iter().copied().filter(|&i| covers(i, host)));
        found
    };
    let mut out = Vec::new();
    for (e, vs) in &pieces.virtual_services {
        let Some(c) = Chain::of(e, vs) else { continue };
        let Some((_, gw)) = c.gateways.first() else {
            continue;
        };
        let bound = pieces.gateway(gw, e.site.file);
        let mut ports = Vec::new();
        for h1 in c.to_gateway.iter().filter(|h| h.on_mesh) {
            let gateway_port = h1.destination.port();
            let server = bound.and_then(|(_, g)| {
                g.spec
                    .servers()
                    .find(|(_, s)| Some(s.number()) == gateway_port)
                    .map(|(_, s)| (s.protocol().to_string(), s.tls_mode()))
            });
            let h2 = c
                .to_external
                .iter()
                .find(|h| h.match_port().is_none() || h.match_port() == gateway_port);
            ports.push(PortHops {
                client_port: h1.match_port(),
                gateway_port,
                server,
                upstream_host: h2.map(|h| h.host().to_string()).unwrap_or_default(),
                upstream_port: h2.and_then(|h| h.destination.port()),
            });
        }
        // The rules of each hop's host; for the gateway hop only those that
        // define the subset a route names (other chains' rules merge there too).
        let subsets: Vec<&str> = c
            .to_gateway
            .iter()
            .filter_map(|h| h.destination.subset.as_deref())
            .collect();
        let rules_for = |hosts: Vec<String>, subsets: &[&str]| -> Vec<crate::validate::Site> {
            let mut found: Vec<usize> = if subsets.is_empty() {
                hosts.iter().flat_map(|h| rules_of(h)).collect()
            } else {
                // The rules defining a named subset, through the index (wildcard
                // rules checked as they come).
                let mut f: Vec<usize> = Vec::new();
                for h in &hosts {
                    let lower = h.to_ascii_lowercase();
                    for sub in subsets {
                        f.extend(by_subset.get(&(lower.clone(), *sub)).into_iter().flatten());
                    }
                    f.extend(wild.iter().copied().filter(|&i| covers(i, h)));
                }
                f
            };
            found.sort_unstable();
            found.dedup();
            found
                .into_iter()
                .map(|i| &pieces.destination_rules[i])
                .filter(|(_, dr)| {
                    subsets.is_empty()
                        || dr
                            .spec
                            .subsets
                            .iter()
                            .any(|s| subsets.contains(&s.name.as_deref().unwrap_or("")))
                })
                .map(|(de, _)| de.site)
                .collect()
        };
        out.push(ChainSummary {
            virtual_service: e.site,
            gateway: gw.clone(),
            gateway_site: bound.map(|(ge, _)| ge.site),
            hosts: vs.spec.hosts.clone(),
            ports,
            gateway_rules: rules_for(
                c.to_gateway.iter().map(|h| c.gateway_host(h)).collect(),
                &subsets,
            ),
            host_rules: rules_for(
                c.to_external.iter().map(|h| h.host().to_string()).collect(),
                &[],
            ),
        });
    }
    out
}
