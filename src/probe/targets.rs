//! From resources to targets: one per (host, port) of each ServiceEntry, with the
//! TLS the sidecar effectively uses there ([`crate::policy::effective_tls`]):
//! plaintext where a merge rule leaves the port without TLS, and the "why" trail.

use super::{ProbeMode, Target, TlsSettings};
use crate::model::{
    ClientTlsSettings, DestinationRule, Resolution, Resource, ServiceEntry, TlsMode,
};
use crate::policy::{Query, effective_tls};
use crate::validate::hosts_match;
use crate::yaml::Workspace;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// Sidecar path prefixes mapped to local folders (`/etc/certs` → `./certs`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathMap {
    pub entries: Vec<(String, PathBuf)>,
}

impl PathMap {
    /// Parses `SIDECAR=LOCAL`.
    pub fn parse_entry(s: &str) -> Result<(String, PathBuf), String> {
        let (a, b) = s
            .split_once('=')
            .ok_or_else(|| format!("\"{s}\": expected SIDECAR=LOCAL"))?;
        if a.is_empty() || b.is_empty() {
            return Err(format!("\"{s}\": expected SIDECAR=LOCAL"));
        }
        Ok((a.trim_end_matches('/').to_string(), PathBuf::from(b)))
    }

    /// The local file for a sidecar path; unmapped paths are read as written.
    pub fn local(&self, sidecar: &str) -> PathBuf {
        for (prefix, local) in &self.entries {
            if let Some(rest) = sidecar.strip_prefix(prefix.as_str())
                && (rest.is_empty() || rest.starts_with('/'))
            {
                return local.join(rest.trim_start_matches('/'));
            }
        }
        Path::new(sidecar).to_path_buf()
    }
}

/// The rule for a host: an exact host first, then the most specific wildcard.
pub fn rule_for<'a>(rules: &[&'a DestinationRule], host: &str) -> Option<&'a DestinationRule> {
    fn host_of<'d>(d: &&'d DestinationRule) -> &'d str {
        d.spec.host.as_deref().unwrap_or("")
    }
    rules
        .iter()
        .find(|d| host_of(d).eq_ignore_ascii_case(host))
        .or_else(|| {
            let mut wild: Vec<&&DestinationRule> = rules
                .iter()
                .filter(|d| hosts_match(host_of(d), host))
                .collect();
            wild.sort_by_key(|d| std::cmp::Reverse(host_of(d).len()));
            wild.into_iter().next()
        })
        .copied()
}

/// Protocols on which the sidecar routes HTTP: the probe sends one request there.
fn is_http(protocol: &str) -> bool {
    matches!(protocol, "HTTP" | "HTTP2" | "GRPC" | "GRPC-WEB" | "HTTPS")
}

/// Targets of one ServiceEntry, as seen by a client in the ServiceEntry's own
/// namespace. `concrete` stands in for wildcard hosts.
pub fn for_service_entry(
    se: &ServiceEntry,
    rules: &[&DestinationRule],
    paths: &PathMap,
    concrete: Option<&str>,
) -> Vec<Target> {
    for_service_entry_from(
        se,
        rules,
        paths,
        concrete,
        None,
        &crate::policy::GatewayPods::default(),
    )
}

/// Targets of one ServiceEntry as seen by a client in `client_namespace` (the
/// ServiceEntry's own namespace when `None`): the DestinationRule that applies
/// depends on where the client runs.
pub fn for_service_entry_from(
    se: &ServiceEntry,
    rules: &[&DestinationRule],
    paths: &PathMap,
    concrete: Option<&str>,
    client_namespace: Option<&str>,
    pods: &crate::policy::GatewayPods,
) -> Vec<Target> {
    let ns = se.metadata.namespace.as_deref().unwrap_or("default");
    let client_ns = client_namespace.unwrap_or(ns);
    let name = se.metadata.name.as_deref().unwrap_or("");
    let mut out = Vec::new();
    for host in se.spec.hosts() {
        let dial_host = if host.starts_with('*') {
            match concrete {
                Some(c) if hosts_match(host, c) => c.to_string(),
                _ => continue,
            }
        } else {
            host.clone()
        };
        for port in &se.spec.ports {
            let Some(number) = port.number else { continue };
            let protocol = port.protocol.as_deref().unwrap_or("").to_ascii_uppercase();
            let query = Query {
                host: &dial_host,
                port: number,
                subset: None,
                client_namespace: client_ns,
                service_namespace: Some(ns),
                gateway: false,
                pods,
            };
            let mut effective = effective_tls(rules, &query);
            if effective.rule.is_none() && dial_host != *host {
                effective = effective_tls(rules, &Query { host, ..query });
            }
            let tls = effective.tls.as_ref();
            let mode = match tls.map(ClientTlsSettings::mode) {
                Some(TlsMode::Simple) => ProbeMode::Simple,
                Some(TlsMode::Mutual) => ProbeMode::Mutual,
                _ if protocol == "TLS" || protocol == "HTTPS" => ProbeMode::Passthrough,
                _ => ProbeMode::Tcp,
            };
            let upstream = port.target_port.filter(|t| *t > 0).unwrap_or(number);
            let Ok(dial_port) = u16::try_from(upstream) else {
                continue;
            };
            let mut policy = effective.why.clone();
            if let Some(sentence) = effective.merge_rule_plaintext() {
                policy.push(sentence);
            }
            if tls.is_some_and(|t| t.ca_crl.as_deref().is_some_and(|c| !c.is_empty())) {
                policy.push(
                    "caCrl is set: the probe does not check revocation lists, the sidecar does"
                        .into(),
                );
            }
            if tls.map(ClientTlsSettings::mode) == Some(TlsMode::IstioMutual) {
                policy.push("ISTIO_MUTUAL uses the mesh's own certificates: the probe cannot present them and handshakes without a client certificate".into());
            }
            let mut settings =
                match tls.filter(|_| matches!(mode, ProbeMode::Simple | ProbeMode::Mutual)) {
                    Some(t) => settings_of(t, se, mode, paths),
                    None => TlsSettings::default(),
                };
            // Envoy's auto SNI takes the HTTP Host header: none on other ports.
            settings.no_sni = matches!(mode, ProbeMode::Simple | ProbeMode::Mutual)
                && settings.sni.is_none()
                && !is_http(&protocol);
            let http = (is_http(&protocol)
                && (mode != ProbeMode::Passthrough || protocol == "HTTPS"))
                .then(|| "/".to_string());
            for (h, addresses, endpoint_port) in endpoints(se, &dial_host, port.name.as_deref()) {
                // An endpoint's `ports` entry for this port's name wins over targetPort.
                let dial_port = endpoint_port
                    .and_then(|p| u16::try_from(p).ok())
                    .filter(|p| *p > 0)
                    .unwrap_or(dial_port);
                let mut tls = settings.clone();
                // Dialling an endpoint (a name or an address): the SNI and the Host
                // header stay the service host.
                if (h != dial_host || !addresses.is_empty()) && tls.sni.is_none() && !tls.no_sni {
                    tls.sni = Some(dial_host.clone());
                }
                out.push(Target {
                    host: h,
                    port: dial_port,
                    mode,
                    tls,
                    addresses,
                    origin: format!(
                        "ServiceEntry {ns}/{name} {host} port {number}{}",
                        if u32::from(dial_port) != number {
                            format!(" -> {dial_port}")
                        } else {
                            String::new()
                        }
                    ),
                    protocol: protocol.clone(),
                    service_port: u16::try_from(number).unwrap_or(dial_port),
                    policy: policy.clone(),
                    http: http.clone(),
                    by_gateway: false,
                });
            }
        }
    }
    out
}

/// The local TLS settings of a rule's TLS block (sidecar paths mapped to local files).
pub(super) fn settings_of(
    t: &ClientTlsSettings,
    se: &ServiceEntry,
    mode: ProbeMode,
    paths: &PathMap,
) -> TlsSettings {
    let local = |p: &Option<String>| {
        p.as_deref()
            .filter(|s| !s.is_empty())
            .map(|p| paths.local(p))
    };
    let mut settings = TlsSettings {
        sni: t.sni.clone().filter(|s| !s.is_empty()),
        subject_alt_names: if t.subject_alt_names.is_empty() {
            se.spec.subject_alt_names.clone()
        } else {
            t.subject_alt_names.clone()
        },
        ca_certificates: local(&t.ca_certificates),
        client_certificate: local(&t.client_certificate),
        private_key: local(&t.private_key),
        insecure_skip_verify: t.insecure_skip_verify.unwrap_or(false),
        no_sni: false,
    };
    if let Some(cred) = t.credential_name.as_deref().filter(|c| !c.is_empty()) {
        // credentialName (with a workloadSelector): the secret's files are expected
        // under a mapping named after it.
        let base = paths.local(&format!("credential:{cred}"));
        if settings.client_certificate.is_none() && mode == ProbeMode::Mutual {
            settings.client_certificate = Some(base.join("cert"));
            settings.private_key = Some(base.join("key"));
        }
        // With credentialName the CA comes from the secret (NAME-cacert);
        // caCertificates is ignored.
        let ca = base.join("cacert");
        if ca.exists() {
            settings.ca_certificates = Some(ca);
        }
    }
    settings
}

/// Which addresses: STATIC endpoints are dialled directly (host as SNI); DNS
/// endpoints are names to resolve; else the host itself. With each, the port
/// the endpoint's `ports` map gives the ServiceEntry port named `port_name`
/// (Istio sends there instead of targetPort). STATIC endpoints with the same
/// port are one target.
pub(super) fn endpoints(
    se: &ServiceEntry,
    dial_host: &str,
    port_name: Option<&str>,
) -> Vec<(String, Vec<IpAddr>, Option<u32>)> {
    let mut out: Vec<(String, Vec<IpAddr>, Option<u32>)> = Vec::new();
    let mapped = |e: &crate::model::WorkloadEntry| -> Option<u32> {
        let name = port_name?;
        e.ports.as_ref()?.get(name).copied()
    };
    match se.spec.resolution() {
        Resolution::Static => {
            for e in se.spec.endpoints() {
                let Some(ip) = e.address.as_deref().and_then(|a| a.parse::<IpAddr>().ok()) else {
                    continue;
                };
                let port = mapped(e);
                match out.iter_mut().find(|(_, _, p)| *p == port) {
                    Some((_, ips, _)) => ips.push(ip),
                    None => out.push((dial_host.to_string(), vec![ip], port)),
                }
            }
        }
        Resolution::Dns | Resolution::DnsRoundRobin if !se.spec.endpoints().is_empty() => {
            for e in se.spec.endpoints() {
                if let Some(a) = e.address.as_deref() {
                    match a.parse::<IpAddr>() {
                        Ok(ip) => out.push((dial_host.to_string(), vec![ip], mapped(e))),
                        Err(_) => out.push((a.to_string(), Vec::new(), mapped(e))),
                    }
                }
            }
        }
        _ => {}
    }
    if out.is_empty() {
        out.push((dial_host.to_string(), Vec::new(), None));
    }
    out
}

/// Targets of every ServiceEntry in the workspace (a port that leaves through a
/// TLS-originating egress gateway is the gateway's hop: [`super::gateway_hop`]).
pub fn for_workspace(ws: &Workspace, paths: &PathMap) -> Vec<Target> {
    let resources: Vec<&Resource> = ws.resources().map(|r| r.resource).collect();
    let rules: Vec<&DestinationRule> = resources
        .iter()
        .filter_map(|r| match r {
            Resource::DestinationRule(d) => Some(&**d),
            _ => None,
        })
        .collect();
    let chains = crate::validate::chain::summaries(ws);
    let pods = crate::policy::GatewayPods::of(resources.iter().copied());
    resources
        .iter()
        .filter_map(|r| match r {
            Resource::ServiceEntry(se) => Some(super::gateway_hop::apply(
                (&chains, &pods),
                se,
                &rules,
                paths,
                for_service_entry_from(se, &rules, paths, None, None, &pods),
            )),
            _ => None,
        })
        .flatten()
        .collect()
}
