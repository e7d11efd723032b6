//! Cross-resource analysis over the whole workspace (all open files): the
//! problems no single resource shows, in the spirit of `istioctl analyze`.

use super::{Diagnostic, Located, ResourceId, Severity, Site};
use crate::model::{DestinationRule, Resource, ServiceEntry, TlsMode};
use crate::yaml::{DocumentPositions, Workspace};
use std::collections::{HashMap, HashSet};

struct Entry<'a> {
    site: Site,
    id: ResourceId,
    /// `file:line` of the resource, for messages that name it.
    place: String,
    resource: &'a Resource,
}

/// Namespaces a resource is visible in.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Visibility {
    All,
    Some(HashSet<String>),
}

impl Visibility {
    fn of(export_to: &[String], namespace: &str) -> Visibility {
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

    fn overlaps(&self, other: &Visibility) -> bool {
        match (self, other) {
            (Visibility::All, Visibility::Some(s)) | (Visibility::Some(s), Visibility::All) => {
                !s.is_empty()
            }
            (Visibility::All, Visibility::All) => true,
            (Visibility::Some(a), Visibility::Some(b)) => !a.is_disjoint(b),
        }
    }

    fn contains(&self, ns: &str) -> bool {
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

/// Hosts that name in-cluster services: an unmatched DR host there is expected.
fn looks_in_cluster(host: &str) -> bool {
    let h = host.trim_end_matches('.');
    !h.contains('.')
        || h.ends_with(".cluster.local")
        || h.ends_with(".svc")
        || h.ends_with(".local")
}

fn namespace(id: &ResourceId) -> &str {
    &id.namespace
}

struct Out<'w> {
    ws: &'w Workspace,
    positions: HashMap<(usize, usize), DocumentPositions>,
    found: Vec<Located>,
}

impl Out<'_> {
    fn push(&mut self, at: &Entry, severity: Severity, code: &str, path: &str, message: String) {
        let ws = self.ws;
        let doc = &ws.files[at.site.file].documents[at.site.document];
        let prefix = at
            .site
            .item
            .map(|i| doc.items[i].path_prefix())
            .unwrap_or_default();
        let pos = self
            .positions
            .entry((at.site.file, at.site.document))
            .or_insert_with(|| doc.positions())
            .find(&format!("{prefix}{path}"));
        self.found.push(Located {
            at: at.site,
            line: pos.line,
            column: pos.column,
            diagnostic: Diagnostic {
                severity,
                code: code.to_string(),
                resource: at.id.clone(),
                path: path.to_string(),
                message,
            },
        });
    }
}

pub fn check(ws: &Workspace) -> Vec<Located> {
    let mut entries = Vec::new();
    for (fi, file) in ws.files.iter().enumerate() {
        for (di, doc) in file.documents.iter().enumerate() {
            for (ii, item) in doc.items.iter().enumerate() {
                let Ok(resource) = &item.resource else {
                    continue;
                };
                if !resource.is_istio() {
                    continue;
                }
                entries.push(Entry {
                    site: Site {
                        file: fi,
                        document: di,
                        item: Some(ii),
                    },
                    id: ResourceId {
                        kind: item.kind.clone(),
                        namespace: item.namespace.clone().unwrap_or_else(|| "default".into()),
                        name: item.name.clone(),
                    },
                    place: format!("{}:{}", file.display_path(), doc.line),
                    resource,
                });
            }
        }
    }
    let ses: Vec<(&Entry, &ServiceEntry)> = entries
        .iter()
        .filter_map(|e| match e.resource {
            Resource::ServiceEntry(se) => Some((e, se)),
            _ => None,
        })
        .collect();
    let drs: Vec<(&Entry, &DestinationRule)> = entries
        .iter()
        .filter_map(|e| match e.resource {
            Resource::DestinationRule(dr) => Some((e, dr)),
            _ => None,
        })
        .collect();
    let mut out = Out {
        ws,
        positions: HashMap::new(),
        found: Vec::new(),
    };
    service_entry_pairs(&ses, &mut out);
    destination_rules(&drs, &ses, &mut out);
    out.found
}

fn named(e: &Entry) -> String {
    format!(
        "{} {} ({})",
        e.id.kind,
        format_args!("{}/{}", e.id.namespace, e.id.name),
        e.place
    )
}

/// Pairs of entries (earlier, later) that share a host or a TCP port without
/// addresses: the only pairs that can conflict. Indexed, so a big workspace does
/// not compare every entry with every other.
fn candidate_pairs(ses: &[(&Entry, &ServiceEntry)]) -> Vec<(usize, usize)> {
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, (_, se)) in ses.iter().enumerate() {
        let mut keys: HashSet<String> = se
            .spec
            .hosts()
            .iter()
            .map(|h| format!("h:{}", h.to_ascii_lowercase()))
            .collect();
        if se.spec.addresses.is_empty() {
            for p in se.spec.ports.iter().filter(|p| is_tcpish(p)) {
                if let Some(n) = p.number {
                    keys.insert(format!("p:{n}"));
                }
            }
        }
        for k in keys {
            by_key.entry(k).or_default().push(i);
        }
    }
    let mut pairs: Vec<(usize, usize)> = by_key
        .values()
        .flat_map(|v| {
            v.iter()
                .enumerate()
                .flat_map(move |(j, b)| v[..j].iter().map(move |a| (*a, *b)))
        })
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

fn is_tcpish(p: &crate::model::ServicePort) -> bool {
    let proto = p.protocol.as_deref().unwrap_or("");
    proto.is_empty() || proto.eq_ignore_ascii_case("TCP")
}

fn service_entry_pairs(ses: &[(&Entry, &ServiceEntry)], out: &mut Out) {
    let vis: Vec<Visibility> = ses
        .iter()
        .map(|(e, se)| Visibility::of(&se.spec.export_to, namespace(&e.id)))
        .collect();
    for (ia, ib) in candidate_pairs(ses) {
        let ((a, sa), (b, sb)) = (ses[ia], ses[ib]);
        if !vis[ia].overlaps(&vis[ib]) {
            continue;
        }
        // Same host and port in two entries.
        let mut reported_host_port = HashSet::new();
        for (hi, hb) in sb.spec.hosts().iter().enumerate() {
            if !sa.spec.hosts().iter().any(|ha| ha.eq_ignore_ascii_case(hb)) {
                continue;
            }
            for (pi, pb) in sb.spec.ports.iter().enumerate() {
                let Some(pa) = sa
                    .spec
                    .ports
                    .iter()
                    .find(|pa| pa.number.is_some() && pa.number == pb.number)
                else {
                    continue;
                };
                if !reported_host_port.insert((hb.to_ascii_lowercase(), pb.number)) {
                    continue;
                }
                let (proto_a, proto_b) = (
                    pa.protocol.as_deref().unwrap_or(""),
                    pb.protocol.as_deref().unwrap_or(""),
                );
                let number = pb.number.unwrap_or(0);
                if !proto_a.eq_ignore_ascii_case(proto_b) {
                    out.push(b, Severity::Warning, "IST0177", &format!("spec.ports[{pi}].protocol"), format!(
                        "host {hb} port {number} is declared with protocol {proto_b:?} here and {proto_a:?} by {}: conflicting protocols for the same host and port",
                        named(a)
                    ));
                } else {
                    out.push(b, Severity::Warning, "DUPLICATE-HOST-PORT", &format!("spec.hosts[{hi}]"), format!(
                        "host {hb} port {number} is also declared by {}: Istio merges or picks one of them; keep one ServiceEntry per host and port",
                        named(a)
                    ));
                }
            }
        }
        // TCP listeners without addresses on the same port: 0.0.0.0:port collide.
        if sa.spec.addresses.is_empty() && sb.spec.addresses.is_empty() {
            let shares_host = sb
                .spec
                .hosts()
                .iter()
                .any(|h| sa.spec.hosts().iter().any(|x| x.eq_ignore_ascii_case(h)));
            for (pi, pb) in sb.spec.ports.iter().enumerate() {
                if shares_host || !is_tcpish(pb) || pb.number.is_none() {
                    continue;
                }
                if sa
                    .spec
                    .ports
                    .iter()
                    .any(|pa| is_tcpish(pa) && pa.number == pb.number)
                {
                    let n = pb.number.unwrap_or(0);
                    out.push(b, Severity::Warning, "LISTENER-COLLISION", &format!("spec.ports[{pi}]"), format!(
                        "TCP port {n} without addresses is also declared by {}: both become the listener 0.0.0.0:{n}, so one entry's traffic goes to the other; set addresses (VIPs or CIDRs) on both",
                        named(a)
                    ));
                }
            }
        }
    }
}

fn tls_mode_path(dr: &DestinationRule, port: u32) -> Option<(TlsMode, String)> {
    let tp = dr.spec.traffic_policy.as_ref()?;
    for (i, pl) in tp.port_level_settings.iter().enumerate() {
        if pl.port.as_ref().and_then(|p| p.number) == Some(port) {
            return pl.tls.as_ref().map(|t| {
                (
                    t.mode(),
                    format!("spec.trafficPolicy.portLevelSettings[{i}].tls.mode"),
                )
            });
        }
    }
    tp.tls
        .as_ref()
        .map(|t| (t.mode(), "spec.trafficPolicy.tls.mode".to_string()))
}

fn destination_rules(
    drs: &[(&Entry, &DestinationRule)],
    ses: &[(&Entry, &ServiceEntry)],
    out: &mut Out,
) {
    let se_vis: Vec<Visibility> = ses
        .iter()
        .map(|(e, se)| Visibility::of(&se.spec.export_to, namespace(&e.id)))
        .collect();
    let mut by_host: HashMap<String, Vec<usize>> = HashMap::new();
    let mut wildcard_entries = Vec::new();
    for (i, (_, se)) in ses.iter().enumerate() {
        let mut wild = false;
        for h in se.spec.hosts() {
            by_host.entry(h.to_ascii_lowercase()).or_default().push(i);
            wild |= h.starts_with('*');
        }
        if wild {
            wildcard_entries.push(i);
        }
    }
    let mut rules_by_host: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (j, (d, dr)) in drs.iter().enumerate() {
        let host = dr.spec.host.as_deref().unwrap_or("");
        let dr_ns = namespace(&d.id);
        let vd = Visibility::of(&dr.spec.export_to, dr_ns);

        // Entries whose hosts match this rule's host, found through the index.
        let mut candidates: Vec<usize> = if host.starts_with('*') {
            (0..ses.len()).collect()
        } else {
            let mut c = by_host
                .get(&host.to_ascii_lowercase())
                .cloned()
                .unwrap_or_default();
            c.extend(&wildcard_entries);
            c
        };
        candidates.sort_unstable();
        candidates.dedup();
        let matching: Vec<usize> = candidates
            .into_iter()
            .filter(|&i| ses[i].1.spec.hosts().iter().any(|h| hosts_match(h, host)))
            .collect();

        // Double TLS: the app already speaks TLS on a port the DR originates TLS on.
        for &i in &matching {
            let (s, se) = ses[i];
            for port in &se.spec.ports {
                let proto = port.protocol.as_deref().unwrap_or("");
                let Some(number) = port.number else { continue };
                if !(proto.eq_ignore_ascii_case("HTTPS") || proto.eq_ignore_ascii_case("TLS")) {
                    continue;
                }
                if let Some((mode @ (TlsMode::Simple | TlsMode::Mutual), path)) =
                    tls_mode_path(dr, number)
                {
                    out.push(d, Severity::Warning, "DOUBLE-TLS", &path, format!(
                        "{mode} TLS origination on port {number}, which {} declares as {proto}: the app already sends TLS there, so it would be encrypted twice; declare the port as HTTP (with targetPort) to originate, or drop tls here to pass through",
                        named(s)
                    ));
                }
            }
            // exportTo that hides this DR from the namespace of the entry it configures.
            let se_ns = namespace(&s.id);
            if !vd.contains(se_ns) && !dr.spec.export_to.is_empty() {
                out.push(d, Severity::Warning, "EXPORT-HIDDEN", "spec.exportTo", format!(
                    "exportTo hides this DestinationRule from namespace {se_ns}, where {} lives; workloads there will not use it",
                    named(s)
                ));
            }
        }

        // A host no ServiceEntry in the workspace declares. A workspace without any
        // ServiceEntry says nothing about where the host is defined.
        let visible = matching.iter().any(|&i| se_vis[i].contains(dr_ns));
        if !host.is_empty() && !visible && !ses.is_empty() {
            let (severity, why) = if looks_in_cluster(host) {
                (
                    Severity::Info,
                    "it looks like an in-cluster Service, which this workspace does not hold",
                )
            } else {
                (
                    Severity::Warning,
                    "no ServiceEntry in the open files declares it; add one or check the spelling",
                )
            };
            out.push(
                d,
                severity,
                "IST0174",
                "spec.host",
                format!(
                    "host {host} matches no ServiceEntry visible from namespace {dr_ns}: {why}"
                ),
            );
        }

        // Server certificates not verified, for rules on the workspace's egress hosts.
        if let Some(tp) = dr
            .spec
            .traffic_policy
            .as_ref()
            .filter(|_| !matching.is_empty())
        {
            let exempt = |cred: &Option<String>| {
                cred.as_deref().is_some_and(|c| !c.is_empty())
                    && dr.spec.workload_selector.is_some()
            };
            if let Some(tls) = &tp.tls
                && matches!(tls.mode(), TlsMode::Simple | TlsMode::Mutual)
                && tls.ca_certificates.as_deref().unwrap_or("").is_empty()
                && !exempt(&tls.credential_name)
            {
                out.push(d, Severity::Warning, "IST0128", "spec.trafficPolicy.tls", format!(
                    "{} TLS without caCertificates: the server certificate is not verified against a CA you chose; set caCertificates (or credentialName with a workloadSelector)",
                    tls.mode()
                ));
            }
            for (i, pl) in tp.port_level_settings.iter().enumerate() {
                if let Some(tls) = &pl.tls
                    && matches!(tls.mode(), TlsMode::Simple | TlsMode::Mutual)
                    && tls.ca_certificates.as_deref().unwrap_or("").is_empty()
                    && !exempt(&tls.credential_name)
                {
                    let port = pl.port.as_ref().and_then(|p| p.number).unwrap_or(0);
                    out.push(d, Severity::Warning, "IST0129", &format!("spec.trafficPolicy.portLevelSettings[{i}].tls"), format!(
                        "{} TLS on port {port} without caCertificates: the server certificate is not verified against a CA you chose",
                        tls.mode()
                    ));
                }
            }
        }

        // Two rules for the same host (and subset), found through the index.
        let same = rules_by_host
            .entry((dr_ns.to_string(), host.to_ascii_lowercase()))
            .or_default();
        let earlier = same.clone();
        same.push(j);
        for k in earlier {
            let (e, other) = drs[k];
            if host.is_empty() {
                continue;
            }
            let sel = |x: &DestinationRule| {
                x.spec
                    .workload_selector
                    .as_ref()
                    .map(|s| s.match_labels.clone())
            };
            if sel(dr) != sel(other)
                || !Visibility::of(&other.spec.export_to, namespace(&e.id)).overlaps(&vd)
            {
                continue;
            }
            let shared: Vec<&str> = dr
                .spec
                .subsets
                .iter()
                .filter_map(|s| s.name.as_deref())
                .filter(|n| {
                    other
                        .spec
                        .subsets
                        .iter()
                        .any(|o| o.name.as_deref() == Some(*n))
                })
                .collect();
            let extra = if shared.is_empty() {
                String::new()
            } else {
                format!(
                    "; both define subset {}, and only the first definition is used",
                    shared.join(", ")
                )
            };
            out.push(d, Severity::Warning, "DUPLICATE-DR", "spec.host", format!(
                "{} also configures host {host}: Istio merges them and keeps only the first one's top-level trafficPolicy{extra}",
                named(e)
            ));
        }
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
