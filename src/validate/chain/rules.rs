//! The EG rules of the binding and of the sidecar → gateway hop, over the chains
//! `super` finds (the gateway → external host hop is in `external`). Messages say what to change; each
//! finding names the other end it disagrees with (`Out::push_related`).

use super::super::Severity::{self, Error as E, Warning as W};
use super::super::scope::{Entry, Out, Visibility, fqdn, hosts_match};
use super::{Chain, ChainSettings, Pieces, SUFFIX, resolve_gateway, service_namespace};
use crate::model::{
    ClientTlsSettings, DestinationRule, Gateway, RuleKind, Server, ServerTlsMode, ServiceEntry,
    TlsMode,
};
use crate::validate::blocks::Protocol;

pub fn run(
    p: &Pieces,
    s: &ChainSettings,
    out: &mut Out,
    units: Option<&std::collections::HashSet<crate::validate::Site>>,
) -> Vec<crate::validate::Site> {
    let judged = |e: &Entry| units.is_none_or(|u| u.contains(&e.site));
    let mut by = Vec::new();
    let mut bound: Vec<String> = Vec::new();
    for (e, vs) in &p.virtual_services {
        let Some(c) = Chain::of(e, vs) else { continue };
        bound.extend(c.gateways.iter().map(|(_, g)| g.clone()));
        if judged(e) {
            binding(p, &c, out);
            gateway_hop(p, &c, out);
            super::external::external_hop(p, &c, s, out);
            by.resize(out.found.len(), e.site);
        }
    }
    for (e, g) in &p.gateways {
        let name = format!("{}/{}", e.id.namespace, e.id.name);
        if bound.contains(&name) && judged(e) {
            super::external::gateway_alone(p, e, g, s, out);
            by.resize(out.found.len(), e.site);
        }
    }
    by
}

pub(super) fn push(
    out: &mut Out,
    at: &Entry,
    sev: Severity,
    code: &str,
    path: &str,
    msg: String,
    related: &[(&Entry, &str)],
) {
    out.push_related(at, sev, code, path, msg, related);
}

/// The bound Gateways that are loaded, with how the VS names them.
pub(super) fn bound<'p, 'a>(p: &'p Pieces<'a>, c: &Chain) -> Vec<&'p (&'a Entry<'a>, Gateway)> {
    c.gateways
        .iter()
        .filter_map(|(_, g)| p.gateway(g, c.entry.site.file))
        .collect()
}

/// EG1–EG5: how the VirtualService binds to sidecars and to the Gateway.
fn binding(p: &Pieces, c: &Chain, out: &mut Out) {
    let e = c.entry;
    let spec = &c.vs.spec;
    if !c.gateways.is_empty()
        && !c.mesh
        && let Some(h) = c.to_gateway.first()
    {
        let gw = p.gateway(&c.gateways[0].1, e.site.file).map(|g| g.0);
        push(
            out,
            e,
            W,
            "EG1",
            "spec.gateways",
            format!(
                "routes to egress gateway {} but not bound to \"mesh\"; sidecars ignore it: add mesh to spec.gateways",
                h.host()
            ),
            &gw.map(|g| vec![(g, "metadata.name")]).unwrap_or_default(),
        );
    }
    let first_gw = c.gateways.first().map(|(_, g)| g.as_str()).unwrap_or("");
    let top: Vec<&str> = c.gateways.iter().map(|(_, g)| g.as_str()).collect();
    for (kind, ri, rule) in spec.all_rules() {
        let rp = format!("spec.{}[{ri}]", kind.as_str());
        let matches: Vec<_> = rule.matches().collect();
        if c.mesh && !c.gateways.is_empty() {
            let open = matches.is_empty() || matches.iter().any(|(_, m)| m.gateways.is_empty());
            if open {
                push(
                    out,
                    e,
                    W,
                    "EG2",
                    &rp,
                    format!(
                        "rule {}[{ri}] has no match.gateways; it applies to sidecars and to gateway {first_gw}: add match.gateways [mesh] to the rule to the gateway and [{}] to the rule to the external host",
                        kind.as_str(),
                        first_gw.rsplit('/').next().unwrap_or(first_gw)
                    ),
                    &[],
                );
            }
        }
        for (mi, m) in &matches {
            for (gi, g) in m.gateways.iter().enumerate() {
                let gp = format!("{rp}.match[{mi}].gateways[{gi}]");
                let ok = if g == "mesh" {
                    c.mesh
                } else {
                    top.contains(&resolve_gateway(g, c.namespace).as_str())
                };
                if !ok {
                    let resolved = if g == "mesh" {
                        "mesh".to_string()
                    } else {
                        resolve_gateway(g, c.namespace)
                    };
                    push(
                        out,
                        e,
                        E,
                        "EG3",
                        &gp,
                        format!(
                            "match gateway {g} resolves to {resolved}, which is not in spec.gateways; the rule never applies: add it to spec.gateways or fix the name"
                        ),
                        &[],
                    );
                }
            }
        }
    }
    for (gi, resolved) in &c.gateways {
        let gp = format!("spec.gateways[{gi}]");
        let Some((ge, gw)) = p.gateway(resolved, e.site.file) else {
            push(
                out,
                e,
                W,
                "EG4",
                &gp,
                format!(
                    "Referenced gateway not found: {}; istioctl analyze reports IST0101 unless the Gateway is among the files: add the Gateway or fix the name (a short name means the VirtualService's namespace)",
                    crate::validate::quoted(resolved)
                ),
                &[],
            );
            continue;
        };
        let server_hosts: Vec<&str> = gw
            .spec
            .servers()
            .flat_map(|(_, s)| s.hosts.iter().map(String::as_str))
            .collect();
        let mut exposed = false;
        let mut wrong_ns = None;
        for h in &spec.hosts {
            for sh in &server_hosts {
                let (ns, name) = sh.split_once('/').unwrap_or(("*", sh));
                if hosts_match(name, h) {
                    let ns = if ns == "." { ge.id.namespace } else { ns };
                    if ns == "*" || ns == c.namespace {
                        exposed = true;
                    } else {
                        wrong_ns = Some((*sh, ns.to_string()));
                    }
                }
            }
        }
        if !exposed {
            let (code, msg) = match wrong_ns {
                Some((sh, ns)) => (
                    "EG30",
                    format!(
                        "host {sh} of Gateway {} only admits VirtualServices from namespace {ns}; this one is in {}: move it, or change the host's namespace prefix",
                        ge.id.name, c.namespace
                    ),
                ),
                None => (
                    "EG5",
                    format!(
                        "no host of VirtualService {} is exposed by Gateway {}: add {} to the Gateway server's hosts",
                        e.id.name,
                        ge.id.name,
                        spec.hosts
                            .first()
                            .map(String::as_str)
                            .unwrap_or("the external host")
                    ),
                ),
            };
            push(out, e, W, code, "spec.hosts", msg, &[(ge, "spec.servers")]);
        }
    }
}

/// The TLS a DestinationRule gives `port` of `subset` (subset first, then the rule),
/// with its path.
pub(super) fn tls_for(
    dr: &DestinationRule,
    subset: Option<&str>,
    port: Option<u32>,
) -> Option<(String, ClientTlsSettings)> {
    let mut policies = Vec::new();
    if let Some(sn) = subset
        && let Some((i, s)) = dr
            .spec
            .subsets
            .iter()
            .enumerate()
            .find(|(_, s)| s.name.as_deref() == Some(sn))
        && let Some(tp) = &s.traffic_policy
    {
        policies.push((format!("spec.subsets[{i}].trafficPolicy"), tp));
    }
    if let Some(tp) = &dr.spec.traffic_policy {
        policies.push(("spec.trafficPolicy".into(), tp));
    }
    for (base, tp) in policies {
        if let Some(port) = port
            && let Some((j, pl)) = tp
                .port_level_settings
                .iter()
                .enumerate()
                .find(|(_, pl)| pl.port.as_ref().and_then(|p| p.number) == Some(port))
            && let Some(t) = &pl.tls
        {
            return Some((format!("{base}.portLevelSettings[{j}].tls"), t.clone()));
        }
        if let Some(t) = &tp.tls {
            return Some((format!("{base}.tls"), t.clone()));
        }
    }
    None
}

/// The server of a bound Gateway a port reaches.
pub(super) fn server_on<'g>(
    gws: &[&'g (&Entry, Gateway)],
    port: u32,
) -> Option<(&'g Entry<'g>, usize, &'g Server)> {
    gws.iter().find_map(|(e, g)| {
        g.spec
            .servers()
            .find(|(_, s)| s.number() == port)
            .map(|(i, s)| (*e, i, s))
    })
}

/// Values as a person reads a list: `80, 443`.
pub(super) fn listed<T: std::fmt::Display>(values: &[T]) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn server_ports(gws: &[&(&Entry, Gateway)]) -> Vec<u32> {
    let mut v: Vec<u32> = gws
        .iter()
        .flat_map(|(_, g)| g.spec.servers().map(|(_, s)| s.number()))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The ServiceEntry declaring `host`: one naming it exactly, else one whose
/// wildcard covers it.
pub(super) fn se_for<'p, 'a>(
    p: &'p Pieces<'a>,
    host: &str,
) -> Option<&'p (&'a Entry<'a>, &'a ServiceEntry)> {
    let exact = p
        .service_entries
        .iter()
        .find(|(_, se)| se.spec.hosts().iter().any(|h| h.eq_ignore_ascii_case(host)));
    exact.or_else(|| {
        p.service_entries
            .iter()
            .find(|(_, se)| se.spec.hosts().iter().any(|h| hosts_match(h, host)))
    })
}

/// EG7, EG9–EG15: sidecar → egress gateway.
fn gateway_hop(p: &Pieces, c: &Chain, out: &mut Out) {
    let e = c.entry;
    let gws = bound(p, c);
    for hop in c.to_gateway.iter().filter(|h| h.on_mesh) {
        let dp = hop.destination_path();
        let host = c.gateway_host(hop);
        let port = hop.destination.port();
        // EG9: the block sidecars use must fit the SE port.
        if let Some(mp) = hop.match_port() {
            for vh in &c.vs.spec.hosts {
                if let Some((se_e, se)) = se_for(p, vh)
                    && let Some((pi, sp)) = se
                        .spec
                        .ports
                        .iter()
                        .enumerate()
                        .find(|(_, sp)| sp.number == Some(mp))
                {
                    let proto = Protocol::parse(sp.protocol.as_deref().unwrap_or(""));
                    let expected = if proto.is_http() {
                        RuleKind::Http
                    } else if proto.is_tls() {
                        RuleKind::Tls
                    } else {
                        RuleKind::Tcp
                    };
                    if expected != hop.kind {
                        push(
                            out,
                            e,
                            W,
                            "EG9",
                            &format!(
                                "{}.match[{}].port",
                                hop.rule_path(),
                                hop.matched.map_or(0, |m| m.0)
                            ),
                            format!(
                                "rule {}[{}] matches port {mp}, declared {} by ServiceEntry {}: sidecars use {} rules for it, so move the rule to spec.{}",
                                hop.kind.as_str(),
                                hop.rule,
                                sp.protocol.as_deref().unwrap_or("TCP"),
                                se_e.id.name,
                                expected.as_str(),
                                expected.as_str()
                            ),
                            &[(se_e, &format!("spec.ports[{pi}]"))],
                        );
                    }
                }
            }
        }
        // EG34: a short name resolves in the VirtualService's namespace.
        let written = hop.host();
        if !written.is_empty() && !written.contains('.') {
            push(
                out,
                e,
                W,
                "EG34",
                &format!("{dp}.host"),
                format!(
                    "short host {written} resolves to {host}; use the egress gateway Service's full name (e.g. istio-egressgateway.istio-system.svc.cluster.local)"
                ),
                &[],
            );
        }
        // EG7: the gateway must listen on the destination port.
        if let Some(port) = port
            && !gws.is_empty()
            && server_on(&gws, port).is_none()
        {
            let ports = server_ports(&gws);
            push(
                out,
                e,
                W,
                "EG7",
                &format!("{dp}.port.number"),
                format!(
                    "traffic is sent to egress gateway port {port}; Gateway {} listens on {}: use one of those ports (the gateway Service port) here",
                    gws[0].0.id.name,
                    listed(&ports)
                ),
                &[(gws[0].0, "spec.servers")],
            );
        }
        // EG10/EG11: the subset.
        let subset = hop.destination.subset.as_deref().filter(|s| !s.is_empty());
        let drs: Vec<&(&Entry, &DestinationRule)> = p
            .destination_rules
            .iter()
            .filter(|(de, dr)| {
                fqdn(
                    de.id.namespace,
                    dr.spec.host.as_deref().unwrap_or(""),
                    SUFFIX,
                )
                .eq_ignore_ascii_case(&host)
            })
            .collect();
        let dr = match subset {
            Some(sn) => {
                let with = drs.iter().find(|(_, dr)| {
                    dr.spec
                        .subsets
                        .iter()
                        .any(|s| s.name.as_deref() == Some(sn))
                });
                match with {
                    None => {
                        push(
                            out,
                            e,
                            E,
                            "EG10",
                            &format!("{dp}.subset"),
                            {
                                let defined: Vec<&str> = drs
                                    .iter()
                                    .flat_map(|(_, dr)| &dr.spec.subsets)
                                    .filter_map(|s| s.name.as_deref())
                                    .collect();
                                let fix = match (drs.first(), defined.is_empty()) {
                                    (Some((de, _)), false) => format!(
                                        "DestinationRule {}/{} defines {}: name one of those here, or add subset {sn} to it",
                                        de.id.namespace,
                                        de.id.name,
                                        defined.join(", ")
                                    ),
                                    _ => {
                                        format!("add a DestinationRule for {host} with subset {sn}")
                                    }
                                };
                                format!(
                                    "Referenced host+subset in destinationrule not found: \"{host}+{sn}\": {fix}"
                                )
                            },
                            &drs.first()
                                .map(|(de, _)| vec![(*de, "spec.subsets")])
                                .unwrap_or_default(),
                        );
                        continue;
                    }
                    Some(d) => Some(*d),
                }
            }
            None => drs.first().copied(),
        };
        if let Some((de, _)) = dr {
            let vis = Visibility::of(
                &dr.map(|d| d.1.spec.export_to.clone()).unwrap_or_default(),
                de.id.namespace,
            );
            let gw_ns = service_namespace(&host).unwrap_or("istio-system");
            let on_path = [c.namespace, gw_ns, "istio-system"].contains(&de.id.namespace);
            if !vis.contains(c.namespace) || !on_path {
                push(
                    out,
                    e,
                    W,
                    "EG11",
                    &dp,
                    format!(
                        "DestinationRule {} defines subset {} but is not visible from namespace {}: sidecars look in their own namespace, then {gw_ns}, then the root namespace; move it or export it",
                        de.id.name,
                        subset.unwrap_or("-"),
                        c.namespace
                    ),
                    &[(de, "metadata.namespace")],
                );
            }
        }
        // EG12–EG15: the hop's TLS against the server's mode.
        let Some(port) = port else { continue };
        let Some((ge, si, server)) = server_on(&gws, port) else {
            continue;
        };
        let tls = dr.and_then(|(_, d)| tls_for(d, subset, Some(port)));
        let dr_at = dr.map(|(de, _)| *de);
        let sp = format!("spec.servers[{si}].tls");
        let who = subset.map_or("the gateway's DestinationRule".to_string(), |s| {
            format!("subset {s}")
        });
        match server.tls_mode() {
            Some(ServerTlsMode::IstioMutual) => {
                let mode = tls.as_ref().and_then(|(_, t)| t.mode);
                if mode != Some(TlsMode::IstioMutual) {
                    let mut related: Vec<(&Entry, &str)> = vec![(ge, &sp)];
                    let dr_path = tls
                        .as_ref()
                        .map_or("spec.subsets".to_string(), |(tp, _)| tp.clone());
                    if let Some(d) = &dr_at {
                        related.push((d, &dr_path));
                    }
                    push(
                        out,
                        e,
                        E,
                        "EG12",
                        &dp,
                        format!(
                            "Gateway {} expects Istio mTLS on port {port} with an SNI among its hosts; {}, so the sidecar sends plaintext, or automatic mTLS with the cluster name as SNI, and the gateway refuses it: set tls mode ISTIO_MUTUAL and sni {} for this port in the gateway's DestinationRule",
                            ge.id.name,
                            match subset {
                                Some(s) =>
                                    format!("subset {s} sets no tls.mode ISTIO_MUTUAL for it"),
                                None =>
                                    "the route names no subset of the gateway's DestinationRule"
                                        .to_string(),
                            },
                            server.hosts.first().map_or("<external host>", |h| h
                                .split_once('/')
                                .map_or(h.as_str(), |x| x.1)),
                        ),
                        &related,
                    );
                } else if let (Some(d), Some((tp, t))) = (&dr_at, &tls) {
                    let hosts = &server.hosts;
                    let covered = t.sni.as_deref().is_some_and(|sni| {
                        hosts.iter().any(|h| {
                            let name = h.split_once('/').map_or(h.as_str(), |x| x.1);
                            name == "*" || hosts_match(name, sni)
                        })
                    });
                    if !covered {
                        push(
                            out,
                            e,
                            E,
                            "EG13",
                            &dp,
                            format!(
                                "{who} must set tls.sni to one of {}; the default SNI is the cluster name, which the gateway's server does not accept",
                                listed(hosts)
                            ),
                            &[(d, tp), (ge, &format!("spec.servers[{si}].hosts"))],
                        );
                    }
                }
            }
            Some(m) if m.is_passthrough() => {
                if let (Some(d), Some((tp, t))) = (&dr_at, &tls)
                    && t.mode == Some(TlsMode::IstioMutual)
                {
                    push(
                        out,
                        e,
                        W,
                        "EG15",
                        &dp,
                        format!(
                            "Istio mTLS to a PASSTHROUGH server hides the SNI: Gateway {} port {port} forwards by the application's SNI, so remove the subset's ISTIO_MUTUAL tls block (or make the server ISTIO_MUTUAL with tcp routes)",
                            ge.id.name
                        ),
                        &[(d, tp), (ge, &sp)],
                    );
                }
            }
            _ => {}
        }
        // EG14: port-level settings that miss the destination port.
        if let (Some((de, d)), Some(sn)) = (dr, subset)
            && let Some((i, s)) = d
                .spec
                .subsets
                .iter()
                .enumerate()
                .find(|(_, s)| s.name.as_deref() == Some(sn))
            && let Some(tp) = &s.traffic_policy
            && !tp.port_level_settings.is_empty()
            && !tp
                .port_level_settings
                .iter()
                .any(|pl| pl.port.as_ref().and_then(|p| p.number) == Some(port))
        {
            push(
                out,
                e,
                W,
                "EG14",
                &format!("{dp}.port.number"),
                format!(
                    "subset {sn} has no portLevelSettings for port {port}; its TLS does not apply to the route to the gateway: set the port-level port to {port}"
                ),
                &[(
                    de,
                    &format!("spec.subsets[{i}].trafficPolicy.portLevelSettings"),
                )],
            );
        }
    }
}
