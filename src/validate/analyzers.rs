//! Istio's own analyzers for ServiceEntry and DestinationRule, as `istioctl
//! analyze --use-kube=false` runs them on local files: same codes, same levels,
//! same resources, same trigger conditions (Istio's
//! `pkg/config/analysis/analyzers/{destinationrule,serviceentry,conditions}`);
//! the messages are our own words.
//!
//! They judge exactly the objects given — no "the workspace has some
//! ServiceEntries" gating — so a DestinationRule for an in-cluster host needs the
//! `Service` in the files, as it does for istioctl.

use super::Severity;
use super::mesh::MeshConfig;
use super::scope::{Entry, Out, fqdn};
use crate::model::{DestinationRule, Resource, ServiceEntry, TlsMode};
use serde_yaml::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Runs every analyzer over `entries`.
pub fn run(entries: &[Entry], mesh: &MeshConfig, out: &mut Out) {
    let ses = super::scope::service_entries(entries);
    let drs = super::scope::destination_rules(entries);
    ca_certificates(&drs, out);
    protocol_addresses(&ses, mesh, out);
    conflicting_protocols(&ses, out);
    negative_conditions(entries, out);
    unknown_hosts_and_subsets(entries, &drs, mesh, out);
    super::analyzers_routes::run(entries, &mesh.service_suffix(), out);
}

/// IST0128 / IST0129: SIMPLE or MUTUAL without `caCertificates`, on every
/// DestinationRule, at the top level and for each port-level setting (subsets are
/// not checked). `credentialName` exempts a rule only with a `workloadSelector`.
fn ca_certificates(drs: &[(&Entry, &DestinationRule)], out: &mut Out) {
    for (e, dr) in drs {
        let Some(tp) = &dr.spec.traffic_policy else {
            continue;
        };
        let host = dr.spec.host.as_deref().unwrap_or("");
        let unverified = |tls: &crate::model::ClientTlsSettings| {
            matches!(tls.mode(), TlsMode::Simple | TlsMode::Mutual)
                && tls.ca_certificates.as_deref().unwrap_or("").is_empty()
                && !(tls
                    .credential_name
                    .as_deref()
                    .is_some_and(|c| !c.is_empty())
                    && dr.spec.workload_selector.is_some())
        };
        if let Some(tls) = tp.tls.as_ref().filter(|t| unverified(t)) {
            out.push(e, Severity::Warning, "IST0128", "spec.trafficPolicy.tls", format!(
                "TLS mode {} for host {host} without caCertificates: the sidecar checks the server's certificate only against its image's OS roots, not a CA you chose; set caCertificates (or credentialName with a workloadSelector)",
                tls.mode()
            ));
        }
        for (i, pl) in tp.port_level_settings.iter().enumerate() {
            if let Some(tls) = pl.tls.as_ref().filter(|t| unverified(t)) {
                let port = pl.port.as_ref().and_then(|p| p.number).unwrap_or(0);
                out.push(e, Severity::Warning, "IST0129", &format!("spec.trafficPolicy.portLevelSettings[{i}].tls"), format!(
                    "TLS mode {} for host {host} port {port} without caCertificates: the server's certificate is not checked against a CA you chose; set caCertificates on this port's tls",
                    tls.mode()
                ));
            }
        }
    }
}

/// IST0134: a TCP or protocol-less port on a ServiceEntry without `addresses`,
/// unless the mesh allocates addresses or the status shows an allocated one.
fn protocol_addresses(ses: &[(&Entry, &ServiceEntry)], mesh: &MeshConfig, out: &mut Out) {
    if mesh.auto_allocates_addresses() {
        return;
    }
    for (e, se) in ses {
        if !se.spec.addresses.is_empty() || status_has_addresses(se.status.as_ref()) {
            continue;
        }
        for (i, port) in se.spec.ports.iter().enumerate() {
            let proto = port.protocol.as_deref().unwrap_or("");
            if proto.is_empty() || proto.eq_ignore_ascii_case("TCP") {
                let what = if proto.is_empty() {
                    "no protocol (TCP)".to_string()
                } else {
                    format!("protocol {proto}")
                };
                out.push(e, Severity::Warning, "IST0134", &format!("spec.ports[{i}]"), format!(
                    "port {} has {what} but the ServiceEntry has no addresses: sidecars cannot tell its traffic from other TCP traffic on the port; set addresses, or enable DNS capture with address auto-allocation in the mesh config",
                    port.number.unwrap_or(0)
                ));
            }
        }
    }
}

fn status_has_addresses(status: Option<&Value>) -> bool {
    status
        .and_then(|s| s.get("addresses"))
        .and_then(Value::as_sequence)
        .is_some_and(|a| !a.is_empty())
}

/// IST0177: ServiceEntries visible in the same scope declare the same host and
/// port with different protocols; every member of the group is reported once.
fn conflicting_protocols(ses: &[(&Entry, &ServiceEntry)], out: &mut Out) {
    let mut index: BTreeMap<(String, String, u32), Vec<(usize, String)>> = BTreeMap::new();
    for (i, (e, se)) in ses.iter().enumerate() {
        for scope in export_scopes(&se.spec.export_to, e.id.namespace) {
            for host in se.spec.hosts() {
                for port in &se.spec.ports {
                    index
                        .entry((scope.clone(), host.clone(), port.number.unwrap_or(0)))
                        .or_default()
                        .push((i, port.protocol.clone().unwrap_or_default()));
                }
            }
        }
    }
    let mut reported = HashSet::new();
    for ((scope, host, port), members) in &index {
        let mut group = members.clone();
        if scope != "*"
            && let Some(all) = index.get(&("*".to_string(), host.clone(), *port))
        {
            group.extend(all.iter().cloned());
        }
        let protocols: std::collections::BTreeSet<String> =
            group.iter().map(|(_, p)| p.to_ascii_uppercase()).collect();
        if protocols.len() < 2 {
            continue;
        }
        let mut names: Vec<String> = group
            .iter()
            .map(|(i, _)| format!("{}/{}", ses[*i].0.id.namespace, ses[*i].0.id.name))
            .collect();
        names.sort();
        names.dedup();
        let shown: Vec<String> = protocols
            .iter()
            .map(|p| {
                if p.is_empty() {
                    "(none)".to_string()
                } else {
                    p.clone()
                }
            })
            .collect();
        for (i, _) in &group {
            if !reported.insert(*i) {
                continue;
            }
            out.push(ses[*i].0, Severity::Warning, "IST0177", "metadata.name", format!(
                "ServiceEntries {} declare host {host} port {port} with different protocols ({}): sidecars build one listener and pick one protocol; give every ServiceEntry for this host and port the same protocol",
                names.join(", "), shown.join(", ")
            ));
        }
    }
}

/// The scopes `exportTo` makes a resource visible in, as Istio's analyzers key them.
fn export_scopes(export_to: &[String], namespace: &str) -> Vec<String> {
    if export_to.is_empty() || export_to.iter().any(|e| e == "*") {
        return vec!["*".to_string()];
    }
    let mut scopes: Vec<String> = export_to
        .iter()
        .map(|e| {
            if e == "." {
                namespace.to_string()
            } else {
                e.clone()
            }
        })
        .collect();
    scopes.sort();
    scopes.dedup();
    scopes
}

/// IST0171: a ServiceEntry, Service or AuthorizationPolicy whose status has a
/// condition with status False.
fn negative_conditions(entries: &[Entry], out: &mut Out) {
    for e in entries {
        let status = match e.resource {
            Resource::ServiceEntry(se) => se.status.as_ref(),
            Resource::Other(o)
                if is_kind(o, "v1", "Service") || o.kind == "AuthorizationPolicy" =>
            {
                o.value.get("status")
            }
            _ => None,
        };
        let Some(conditions) = status
            .and_then(|s| s.get("conditions"))
            .and_then(Value::as_sequence)
        else {
            continue;
        };
        for (i, c) in conditions.iter().enumerate() {
            if c.get("status").and_then(Value::as_str) != Some("False") {
                continue;
            }
            let field = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let (kind, reason, message) = (field("type"), field("reason"), field("message"));
            let detail = if message.is_empty() {
                String::new()
            } else {
                format!(": {message}")
            };
            out.push(e, Severity::Warning, "IST0171", &format!("status.conditions[{i}]"), format!(
                "status condition {kind} is False (reason {reason}){detail}; the control plane could not apply this resource as written"
            ));
        }
    }
}

fn is_kind(o: &crate::model::OtherResource, api_version: &str, kind: &str) -> bool {
    o.api_version == api_version && o.kind == kind
}

/// A host the analyzers can resolve a DestinationRule to: a ServiceEntry, or a
/// Service seen as one (its FQDN and ports).
struct Registered {
    /// The ServiceEntry's workloadSelector labels (empty for a Service).
    selector: BTreeMap<String, String>,
}

/// IST0174 (a DestinationRule host that matches no ServiceEntry or Service
/// visible to it) and IST0173 (a subset that selects no pod; judged only when the
/// files hold Pods, since without them every subset would be reported).
fn unknown_hosts_and_subsets(
    entries: &[Entry],
    drs: &[(&Entry, &DestinationRule)],
    mesh: &MeshConfig,
    out: &mut Out,
) {
    let suffix = mesh.service_suffix();
    let registry = HostRegistry::build(entries, &suffix);
    let pods = pods_with_labels(entries);
    // Offline, the egress gateway's Service is rarely among the files: unknown,
    // not missing (egress-gateway.md §6).
    let gateways = super::chain::gateway_hosts(entries);
    for (e, dr) in drs {
        let host = dr.spec.host.as_deref().unwrap_or("");
        if gateways
            .contains(&super::scope::fqdn(e.id.namespace, host, &suffix).to_ascii_lowercase())
        {
            continue;
        }
        let Some(found) = registry.lookup(e.id.namespace, &dr.spec.export_to, host, &suffix) else {
            out.push(e, Severity::Warning, "IST0174", "spec.host", format!(
                "host {host} matches no ServiceEntry or Service visible from namespace {}: this rule configures nothing; check the spelling, or add the ServiceEntry (or the Service's manifest) to the files analyzed",
                e.id.namespace
            ));
            continue;
        };
        if pods.is_empty() {
            continue;
        }
        for (i, subset) in dr.spec.subsets.iter().enumerate() {
            let mut wanted = found.selector.clone();
            wanted.extend(subset.labels.iter().map(|(k, v)| (k.clone(), v.clone())));
            let selects = pods
                .iter()
                .any(|labels| wanted.iter().all(|(k, v)| labels.get(k) == Some(v)));
            if !selects {
                let name = subset.name.as_deref().unwrap_or("");
                out.push(e, Severity::Error, "IST0173", &format!("spec.subsets[{i}]"), format!(
                    "subset {name} selects no pod among the files analyzed: traffic sent to it has no endpoint; fix its labels"
                ));
            }
        }
    }
}

/// Pod labels (with the node's topology labels, as Istio adds them).
fn pods_with_labels(entries: &[Entry]) -> Vec<BTreeMap<String, String>> {
    let labels_of = |v: &Value| -> BTreeMap<String, String> {
        v.get("metadata")
            .and_then(|m| m.get("labels"))
            .and_then(Value::as_mapping)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let nodes: HashMap<&str, BTreeMap<String, String>> = entries
        .iter()
        .filter_map(|e| match e.resource {
            Resource::Other(o) if is_kind(o, "v1", "Node") => {
                Some((o.name.as_str(), labels_of(&o.value)))
            }
            _ => None,
        })
        .collect();
    entries
        .iter()
        .filter_map(|e| match e.resource {
            Resource::Other(o) if is_kind(o, "v1", "Pod") => Some(o),
            _ => None,
        })
        .map(|o| {
            let mut labels = labels_of(&o.value);
            let node = o
                .value
                .get("spec")
                .and_then(|s| s.get("nodeName"))
                .and_then(Value::as_str)
                .unwrap_or("");
            if let Some(node_labels) = nodes.get(node) {
                for key in [
                    "topology.kubernetes.io/region",
                    "topology.kubernetes.io/zone",
                    "topology.istio.io/subzone",
                ] {
                    if let Some(v) = node_labels.get(key) {
                        labels.insert(key.to_string(), v.clone());
                    }
                }
                labels.insert("kubernetes.io/hostname".to_string(), node.to_string());
            }
            labels
        })
        .collect()
}

/// ServiceEntry hosts and Services by `scope/fqdn`, as Istio's analyzers key them.
struct HostRegistry {
    by_key: HashMap<String, Registered>,
    /// Wildcard keys: (scope, host without the leading `*`).
    wildcards: Vec<(String, String, usize)>,
    selectors: Vec<BTreeMap<String, String>>,
}

impl HostRegistry {
    fn build(entries: &[Entry], suffix: &str) -> HostRegistry {
        let mut reg = HostRegistry {
            by_key: HashMap::new(),
            wildcards: Vec::new(),
            selectors: Vec::new(),
        };
        for e in entries {
            let ns = e.id.namespace;
            match e.resource {
                Resource::ServiceEntry(se) => {
                    let selector: BTreeMap<String, String> = se
                        .spec
                        .workload_selector
                        .as_ref()
                        .map(|s| {
                            s.labels
                                .iter()
                                .map(|(k, v)| (k.clone(), v.clone()))
                                .collect()
                        })
                        .unwrap_or_default();
                    let scopes = export_scopes(&se.spec.export_to, ns);
                    for host in se.spec.hosts() {
                        for scope in &scopes {
                            reg.insert(scope, &fqdn(ns, host, suffix), selector.clone());
                        }
                    }
                }
                Resource::Other(o) if is_kind(o, "v1", "Service") => {
                    let scopes: Vec<String> = match e.annotation("networking.istio.io/exportTo") {
                        None => vec!["*".to_string()],
                        Some(list) if list.is_empty() => vec!["*".to_string()],
                        Some(list) => list
                            .split(',')
                            .map(|s| {
                                if s == "." {
                                    ns.to_string()
                                } else {
                                    s.to_string()
                                }
                            })
                            .collect(),
                    };
                    for scope in &scopes {
                        reg.insert(scope, &fqdn(ns, &o.name, suffix), BTreeMap::new());
                    }
                }
                _ => {}
            }
        }
        reg
    }

    fn insert(&mut self, scope: &str, fqdn: &str, selector: BTreeMap<String, String>) {
        let index = self.selectors.len();
        self.selectors.push(selector.clone());
        if let Some(rest) = fqdn.strip_prefix('*') {
            self.wildcards
                .push((scope.to_string(), rest.to_string(), index));
        }
        self.by_key
            .insert(format!("{scope}/{fqdn}"), Registered { selector });
    }

    /// Istio's `GetDestinationHost`: an entry exported to all namespaces, then one
    /// scoped to the rule's namespace (or to each namespace of its `exportTo`),
    /// then wildcard entries visible to the rule's namespace.
    fn lookup(
        &self,
        ns: &str,
        export_to: &[String],
        host: &str,
        suffix: &str,
    ) -> Option<Registered> {
        let name = fqdn(ns, host, suffix);
        let get = |scope: &str| self.by_key.get(&format!("{scope}/{name}"));
        let found = get("*").or_else(|| {
            if export_to.is_empty() {
                get(ns)
            } else {
                export_to
                    .iter()
                    .find_map(|e| get(if e == "." { ns } else { e.as_str() }))
            }
        });
        if let Some(r) = found {
            return Some(Registered {
                selector: r.selector.clone(),
            });
        }
        let bare = host.strip_prefix('*').unwrap_or(host);
        self.wildcards
            .iter()
            .find(|(scope, rest, _)| (scope == "*" || scope == ns) && bare.ends_with(rest.as_str()))
            .map(|(_, _, i)| Registered {
                selector: self.selectors[*i].clone(),
            })
    }
}
