//! The egress gateway's hop. When a ServiceEntry port leaves through an
//! egress-gateway chain and the gateway originates TLS to the external host (a
//! DestinationRule for that host gives the gateway SIMPLE or MUTUAL), the
//! external host never sees the sidecar: it sees the gateway's TLS. That port's
//! target becomes the gateway's hop, dialled with the DestinationRule the
//! gateway applies (visible from the gateway's namespace; `credentialName`
//! honoured, as gateways read Secrets, and mapped to local files as for
//! sidecars), and its report says it is the gateway's hop.

use super::targets::{PathMap, settings_of};
use super::{ProbeMode, Target};
use crate::model::{ClientTlsSettings, DestinationRule, ServiceEntry, TlsMode};
use crate::policy::{Query, effective_tls};
use crate::validate::chain::{ChainSettings, ChainSummary};

/// `targets` (of `se`) with each port that leaves through a TLS-originating
/// egress gateway replaced by the gateway's hop.
pub fn apply(
    (chains, pods): (&[ChainSummary], &crate::policy::GatewayPods),
    se: &ServiceEntry,
    rules: &[&DestinationRule],
    paths: &PathMap,
    targets: Vec<Target>,
) -> Vec<Target> {
    let Some(chain) = ChainSummary::for_hosts(chains, se.spec.hosts()) else {
        return targets;
    };
    let mut out: Vec<Target> = Vec::with_capacity(targets.len());
    for t in targets {
        match gateway_target(chain, se, (rules, pods), paths, &t) {
            Some(hop) => {
                // One target per external host and port, whatever the endpoints.
                if !out.iter().any(|o| o.key() == hop.key()) {
                    out.push(hop);
                }
            }
            None => out.push(t),
        }
    }
    out
}

/// The gateway's hop for the port `t` was built for, when the chain routes
/// that port through a gateway that originates TLS.
fn gateway_target(
    chain: &ChainSummary,
    se: &ServiceEntry,
    (rules, pods): (&[&DestinationRule], &crate::policy::GatewayPods),
    paths: &PathMap,
    t: &Target,
) -> Option<Target> {
    let hops = chain.hops_for(u32::from(t.service_port))?;
    let upstream_port = hops.upstream_port?;
    let host = hops.upstream_host.as_str();
    if host.is_empty() || host.starts_with('*') {
        return None;
    }
    let gateway_ns = ChainSettings::default().gateway_namespace;
    let ns = se.metadata.namespace.as_deref().unwrap_or("default");
    let effective = effective_tls(
        rules,
        &Query {
            host,
            port: upstream_port,
            subset: None,
            client_namespace: &gateway_ns,
            service_namespace: Some(ns),
            gateway: true,
            pods,
        },
    );
    // A gateway honours credentialName without a workloadSelector.
    let tls: &ClientTlsSettings = effective
        .declared
        .as_ref()
        .filter(|t| matches!(t.mode(), TlsMode::Simple | TlsMode::Mutual))?;
    let mode = if tls.mode() == TlsMode::Mutual {
        ProbeMode::Mutual
    } else {
        ProbeMode::Simple
    };
    let mut settings = settings_of(tls, se, mode, paths);
    if settings.sni.is_none() {
        settings.sni = Some(host.to_string());
    }
    // Where the gateway sends: the ServiceEntry port's endpoint mapping or
    // targetPort, to its STATIC addresses when it has them.
    let se_port = se
        .spec
        .ports
        .iter()
        .find(|p| p.number == Some(upstream_port));
    let target_port = se_port
        .and_then(|p| p.target_port)
        .filter(|p| *p > 0)
        .unwrap_or(upstream_port);
    let same_host = se.spec.hosts().iter().any(|h| h.eq_ignore_ascii_case(host));
    let (addresses, endpoint_port) = if same_host {
        super::targets::endpoints(se, host, se_port.and_then(|p| p.name.as_deref()))
            .into_iter()
            .next()
            .map(|(_, ips, p)| (ips, p))
            .unwrap_or_default()
    } else {
        (Vec::new(), None)
    };
    let port = u16::try_from(endpoint_port.unwrap_or(target_port)).ok()?;
    let rule = effective
        .rule
        .map(crate::policy::rule_name)
        .unwrap_or_default();
    let mut policy = vec![format!(
        "the egress gateway's hop: sidecars send port {} to egress gateway {}, which originates {} TLS to {host}:{upstream_port} with DestinationRule {rule}; the probe dials as the gateway would",
        t.service_port,
        chain.gateway,
        tls.mode()
    )];
    policy.extend(
        effective
            .why
            .iter()
            .filter(|w| !w.contains("sidecars ignore"))
            .cloned(),
    );
    Some(Target {
        host: host.to_string(),
        port,
        mode,
        tls: settings,
        addresses,
        origin: format!(
            "{} via egress gateway {} -> {host}:{upstream_port}{}",
            t.origin,
            chain.gateway,
            if u32::from(port) != upstream_port {
                format!(" -> {port}")
            } else {
                String::new()
            }
        ),
        protocol: t.protocol.clone(),
        service_port: t.service_port,
        policy,
        http: t.http.clone(),
        by_gateway: true,
    })
}
