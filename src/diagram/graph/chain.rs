//! The egress-gateway hops of a route: which chain carries a ServiceEntry's host,
//! what is on the wire from the sidecar to the gateway (hop 1) and from the
//! gateway to the external host (hop 2), and whether a chain check found a broken
//! link (an EG finding on the chain's VirtualService).

use super::security::{self, Security, Wire};
use crate::model::{DestinationRule, Location, ServerTlsMode};
use crate::validate::chain::{ChainSummary, PortHops};
use crate::validate::{Located, Severity, Site};
use crate::yaml::Workspace;
use std::collections::HashMap;

/// The gateway a route leaves through.
#[derive(Debug, Clone, PartialEq)]
pub struct GatewayHop {
    /// The Gateway as `ns/name`.
    pub name: String,
    /// The Gateway resource, when loaded.
    pub site: Option<Site>,
    /// The chain's VirtualService.
    pub virtual_service: Site,
    /// The worst EG finding on the chain, when a link is broken: code and message.
    pub broken: Option<(String, String)>,
}

/// The chains of a workspace, by host.
#[derive(Default)]
pub struct Chains {
    summaries: Vec<ChainSummary>,
    by_host: HashMap<String, usize>,
    broken: HashMap<Site, (String, String)>,
}

impl Chains {
    pub fn of(ws: &Workspace, diags: &[Located]) -> Chains {
        let summaries = crate::validate::chain::summaries(ws);
        let mut by_host = HashMap::new();
        for (i, s) in summaries.iter().enumerate() {
            for h in &s.hosts {
                by_host.entry(h.to_ascii_lowercase()).or_insert(i);
            }
        }
        let mut broken: HashMap<Site, (Severity, String, String)> = HashMap::new();
        for d in diags.iter().filter(|d| {
            d.diagnostic.code.starts_with("EG") && d.diagnostic.severity > Severity::Info
        }) {
            // A finding on a chain piece breaks the chain whose VirtualService it names.
            let sites = std::iter::once(d.at).chain(d.related.iter().map(|r| r.at));
            for s in sites {
                let e = broken.entry(s).or_insert((
                    d.diagnostic.severity,
                    d.diagnostic.code.clone(),
                    d.diagnostic.message.clone(),
                ));
                if d.diagnostic.severity > e.0 {
                    *e = (
                        d.diagnostic.severity,
                        d.diagnostic.code.clone(),
                        d.diagnostic.message.clone(),
                    );
                }
            }
        }
        Chains {
            summaries,
            by_host,
            broken: broken
                .into_iter()
                .map(|(s, (_, c, m))| (s, (c, m)))
                .collect(),
        }
    }

    /// The chain carrying one of `hosts`.
    pub fn for_hosts(&self, hosts: &[String]) -> Option<&ChainSummary> {
        hosts
            .iter()
            .find_map(|h| self.by_host.get(&h.to_ascii_lowercase()))
            .map(|i| &self.summaries[*i])
    }

    pub fn hop(&self, chain: &ChainSummary) -> GatewayHop {
        GatewayHop {
            name: chain.gateway.clone(),
            site: chain.gateway_site,
            virtual_service: chain.virtual_service,
            broken: self.broken.get(&chain.virtual_service).cloned(),
        }
    }
}

/// The hops of the client port `port` (see [`ChainSummary::hops_for`]).
pub fn hops_for(chain: &ChainSummary, port: u32) -> Option<&PortHops> {
    chain.hops_for(port)
}

/// Hop 1, sidecar → egress gateway, from the gateway server it reaches.
pub fn to_gateway(hops: &PortHops) -> Wire {
    let wire = |class: Security, short: &str, full: String| Wire {
        class,
        short: short.to_string(),
        full,
    };
    let port = hops.gateway_port.unwrap_or(0);
    match &hops.server {
        None => wire(
            Security::Opaque,
            "no server",
            format!(
                "sidecar -> egress gateway port {port}: the Gateway has no server on this port"
            ),
        ),
        Some((_, Some(ServerTlsMode::IstioMutual))) => wire(
            Security::MutualTls,
            "Istio mTLS",
            format!(
                "sidecar -> egress gateway port {port}: Istio mutual TLS (ISTIO_MUTUAL), terminated at the gateway"
            ),
        ),
        Some((_, Some(m))) if m.is_passthrough() => wire(
            Security::Passthrough,
            "app TLS",
            format!(
                "sidecar -> egress gateway port {port}: the application's TLS, routed by SNI ({})",
                m.as_str()
            ),
        ),
        Some((p, Some(m))) => wire(
            Security::VerifiedTls,
            "TLS",
            format!(
                "sidecar -> egress gateway port {port}: {p} terminated at the gateway ({})",
                m.as_str()
            ),
        ),
        Some((p, None)) => wire(
            Security::Plaintext,
            "plain",
            format!("sidecar -> egress gateway port {port}: plain {p} inside the mesh"),
        ),
    }
}

/// Hop 2, egress gateway → external host: what the gateway sends, with the TLS
/// a DestinationRule for the host gives the gateway on the upstream port.
pub fn to_external(
    hops: &PortHops,
    location: Location,
    rules: &[&DestinationRule],
) -> Option<Wire> {
    let upstream = hops.upstream_port?;
    let (proto, mode) = hops.server.clone()?;
    // What reaches the gateway's outbound side: the application's TLS when it
    // passes through, otherwise what the server decoded.
    let protocol = match mode {
        Some(m) if m.is_passthrough() => "TLS".to_string(),
        Some(_) if proto.eq_ignore_ascii_case("HTTPS") => "HTTP".to_string(),
        _ => proto,
    };
    let rule = rules
        .iter()
        .copied()
        .find(|d| security::declared_tls(d, upstream).is_some())
        .or_else(|| rules.first().copied());
    let mut wire = security::classify(location, &protocol, upstream, upstream, rule, true);
    wire.full = format!(
        "egress gateway -> {}:{upstream}: {}",
        hops.upstream_host, wire.full
    );
    Some(wire)
}
