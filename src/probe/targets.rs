//! From resources to targets: one per (host, port) of each ServiceEntry, with the
//! TLS settings the matching DestinationRule gives, as the sidecar would use them.

use super::{ProbeMode, Target, TlsSettings};
use crate::model::{
    ClientTlsSettings, DestinationRule, Resolution, Resource, ServiceEntry, TlsMode,
};
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
            .ok_or_else(|| format!("{s:?}: expected SIDECAR=LOCAL"))?;
        if a.is_empty() || b.is_empty() {
            return Err(format!("{s:?}: expected SIDECAR=LOCAL"));
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

/// The TLS block that applies to `port` of a rule: port-level first, then top level.
pub fn tls_for_port(dr: &DestinationRule, port: u32) -> Option<&ClientTlsSettings> {
    let tp = dr.spec.traffic_policy.as_ref()?;
    tp.port_level_settings
        .iter()
        .find(|pl| pl.port.as_ref().and_then(|p| p.number) == Some(port))
        .and_then(|pl| pl.tls.as_ref())
        .or(tp.tls.as_ref())
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

/// Targets of one ServiceEntry. `concrete` stands in for wildcard hosts.
pub fn for_service_entry(
    se: &ServiceEntry,
    rules: &[&DestinationRule],
    paths: &PathMap,
    concrete: Option<&str>,
) -> Vec<Target> {
    let ns = se.metadata.namespace.as_deref().unwrap_or("default");
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
        let rule = rule_for(rules, &dial_host).or_else(|| rule_for(rules, host));
        for port in &se.spec.ports {
            let Some(number) = port.number else { continue };
            let protocol = port.protocol.as_deref().unwrap_or("").to_ascii_uppercase();
            let tls = rule.and_then(|r| tls_for_port(r, number));
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
            let mut settings = TlsSettings::default();
            if let Some(t) = tls.filter(|_| matches!(mode, ProbeMode::Simple | ProbeMode::Mutual)) {
                settings.sni = t.sni.clone().filter(|s| !s.is_empty());
                settings.subject_alt_names = if t.subject_alt_names.is_empty() {
                    se.spec.subject_alt_names.clone()
                } else {
                    t.subject_alt_names.clone()
                };
                settings.ca_certificates = t
                    .ca_certificates
                    .as_deref()
                    .filter(|s| !s.is_empty())
                    .map(|p| paths.local(p));
                settings.client_certificate = t
                    .client_certificate
                    .as_deref()
                    .filter(|s| !s.is_empty())
                    .map(|p| paths.local(p));
                settings.private_key = t
                    .private_key
                    .as_deref()
                    .filter(|s| !s.is_empty())
                    .map(|p| paths.local(p));
                settings.insecure_skip_verify = t.insecure_skip_verify.unwrap_or(false);
                if let Some(cred) = t.credential_name.as_deref().filter(|c| !c.is_empty()) {
                    // credentialName: the secret's files are expected under a mapping named after it.
                    let base = paths.local(&format!("credential:{cred}"));
                    if settings.client_certificate.is_none() && mode == ProbeMode::Mutual {
                        settings.client_certificate = Some(base.join("cert"));
                        settings.private_key = Some(base.join("key"));
                    }
                    if settings.ca_certificates.is_none() {
                        let ca = base.join("cacert");
                        if ca.exists() {
                            settings.ca_certificates = Some(ca);
                        }
                    }
                }
            }
            // Which addresses: STATIC endpoints are dialled directly (host as SNI);
            // DNS endpoints are names to resolve.
            let mut endpoint_hosts: Vec<(String, Vec<IpAddr>)> = Vec::new();
            match se.spec.resolution() {
                Resolution::Static => {
                    let ips: Vec<IpAddr> = se
                        .spec
                        .endpoints()
                        .iter()
                        .filter_map(|e| e.address.as_deref()?.parse().ok())
                        .collect();
                    if !ips.is_empty() {
                        endpoint_hosts.push((dial_host.clone(), ips));
                    }
                }
                Resolution::Dns | Resolution::DnsRoundRobin if !se.spec.endpoints().is_empty() => {
                    for e in se.spec.endpoints() {
                        if let Some(a) = e.address.as_deref() {
                            match a.parse::<IpAddr>() {
                                Ok(ip) => endpoint_hosts.push((dial_host.clone(), vec![ip])),
                                Err(_) => endpoint_hosts.push((a.to_string(), Vec::new())),
                            }
                        }
                    }
                }
                _ => {}
            }
            if endpoint_hosts.is_empty() {
                endpoint_hosts.push((dial_host.clone(), Vec::new()));
            }
            for (h, addresses) in endpoint_hosts {
                let mut tls = settings.clone();
                if h != dial_host && tls.sni.is_none() && mode.uses_tls() {
                    // Dialling an endpoint name: the SNI stays the service host.
                    tls.sni = Some(dial_host.clone());
                }
                if !addresses.is_empty() && tls.sni.is_none() && mode.uses_tls() {
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
                        if upstream != number {
                            format!(" -> {upstream}")
                        } else {
                            String::new()
                        }
                    ),
                });
            }
        }
    }
    out
}

/// Targets of every ServiceEntry in the workspace.
pub fn for_workspace(ws: &Workspace, paths: &PathMap) -> Vec<Target> {
    let resources: Vec<&Resource> = ws.resources().map(|r| r.resource).collect();
    let rules: Vec<&DestinationRule> = resources
        .iter()
        .filter_map(|r| match r {
            Resource::DestinationRule(d) => Some(d),
            _ => None,
        })
        .collect();
    resources
        .iter()
        .filter_map(|r| match r {
            Resource::ServiceEntry(se) => Some(for_service_entry(se, &rules, paths, None)),
            _ => None,
        })
        .flatten()
        .collect()
}
