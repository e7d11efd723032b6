//! The TLS policy a sidecar actually gets for (host, port, subset) from a client
//! namespace, computed as istiod computes it, with a "why" trail naming the rule
//! and field that decided it. One function for the probe, the diagram and the
//! cross-resource checks, so they cannot disagree.
//!
//! istiod's rules (Istio `pilot/pkg/networking/util/util.go` MergeTrafficPolicy,
//! `model/push_context.go` DR lookup, `core/cluster_tls.go`):
//! - DR lookup: rules in the client's namespace first, then the service's
//!   namespace (when exported to the client), then the root namespace; within
//!   one namespace the most specific host wins; several rules for the same host
//!   merge: the first one's top-level policy wins, subsets are concatenated.
//! - A `portLevelSettings` entry for the port **replaces** the top-level policy:
//!   no field is inherited, so an entry without `tls` leaves the port in plaintext.
//! - A subset's policy overrides the (port-resolved) rule policy; a subset
//!   port-level entry replaces it.
//! - SIMPLE/MUTUAL with `credentialName` (other than `configmap://`) in a rule
//!   **without** `workloadSelector` gives sidecars no TLS at all: plaintext.
//! - No UI here.

use crate::model::{ClientTlsSettings, DestinationRule, TlsMode, TrafficPolicy};
use crate::validate::hosts_match;

/// The namespace whose rules apply to every client (Istio's root namespace).
pub const ROOT_NAMESPACE: &str = "istio-system";

/// What to compute the policy for.
#[derive(Debug, Clone, Copy)]
pub struct Query<'q> {
    pub host: &'q str,
    /// The service (ServiceEntry) port number.
    pub port: u32,
    pub subset: Option<&'q str>,
    /// The namespace of the client workload whose sidecar sends the traffic.
    pub client_namespace: &'q str,
    /// The namespace of the ServiceEntry, if known.
    pub service_namespace: Option<&'q str>,
    /// True when the egress gateway's proxy sends (its hop to the external
    /// host): a rule whose workloadSelector selects the gateway pods applies,
    /// one selecting other workloads does not. False for an application's
    /// sidecar, which a rule selecting only the gateway pods does not reach.
    pub gateway: bool,
    /// Which pods are egress gateways.
    pub pods: &'q GatewayPods,
}

/// The label sets of the egress gateway pods: those Istio's charts set, and
/// the selector of every Gateway in the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayPods(Vec<Vec<(String, String)>>);

impl Default for GatewayPods {
    fn default() -> Self {
        GatewayPods(vec![
            vec![("istio".into(), "egressgateway".into())],
            vec![("app".into(), "istio-egressgateway".into())],
        ])
    }
}

impl GatewayPods {
    /// The defaults and the selectors of the Gateways among `resources`.
    pub fn of<'r>(resources: impl Iterator<Item = &'r crate::model::Resource>) -> GatewayPods {
        let mut pods = GatewayPods::default();
        for r in resources {
            if let crate::model::Resource::Other(o) = r
                && let Some(g) = o.gateway()
                && let Some(sel) = g.spec.selector.filter(|s| !s.is_empty())
            {
                let labels: Vec<(String, String)> = sel.into_iter().collect();
                if !pods.0.contains(&labels) {
                    pods.0.push(labels);
                }
            }
        }
        pods
    }

    /// True when a rule's workloadSelector selects egress gateway pods (its
    /// labels are among one gateway's): such a rule is for the gateway, not for
    /// sidecars.
    pub fn selects(&self, dr: &DestinationRule) -> bool {
        dr.spec.workload_selector.as_ref().is_some_and(|s| {
            !s.match_labels.is_empty()
                && self.0.iter().any(|pod| {
                    s.match_labels
                        .iter()
                        .all(|(k, v)| pod.iter().any(|(pk, pv)| pk == k && pv == v))
                })
        })
    }

    /// Whether a rule reaches the proxy: without a workloadSelector every one;
    /// with one, the gateway when it selects gateway pods, sidecars when it
    /// selects other workloads.
    fn reaches(&self, dr: &DestinationRule, gateway: bool) -> bool {
        dr.spec.workload_selector.is_none() || self.selects(dr) == gateway
    }
}

/// Why a port's traffic leaves without TLS from the sidecar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plaintext {
    /// No DestinationRule applies.
    NoRule,
    /// The rule has no `tls` (or `mode: DISABLE`).
    NoTls,
    /// A port-level entry for the port has no `tls`: the top-level TLS does not apply.
    PortLevelReplaces { port: u32 },
    /// SIMPLE/MUTUAL with `credentialName` in a rule without `workloadSelector`.
    CredentialNameWithoutSelector { credential: String },
}

/// The policy the sidecar gets.
#[derive(Debug, Clone)]
pub struct Effective<'a> {
    /// The rule that decided, if any.
    pub rule: Option<&'a DestinationRule>,
    /// The TLS block as written where the sidecar looks for it (before the
    /// credentialName rule).
    pub declared: Option<ClientTlsSettings>,
    /// The TLS the sidecar uses: `None` means plaintext.
    pub tls: Option<ClientTlsSettings>,
    /// Set when the traffic is plaintext, with the reason.
    pub plaintext: Option<Plaintext>,
    /// Which rule and field decided, in order, for people.
    pub why: Vec<String>,
}

impl Effective<'_> {
    /// The mode the sidecar originates (`Disable` when plaintext).
    pub fn mode(&self) -> TlsMode {
        self.tls
            .as_ref()
            .map(|t| t.mode())
            .unwrap_or(TlsMode::Disable)
    }

    /// A sentence for plaintext caused by a merge rule (not for "no TLS was written").
    pub fn merge_rule_plaintext(&self) -> Option<String> {
        let rule = self.rule.map(rule_name).unwrap_or_default();
        match self.plaintext.as_ref()? {
            Plaintext::PortLevelReplaces { port } => Some(format!(
                "plaintext because of a merge rule: portLevelSettings for port {port} in DestinationRule {rule} replace the top-level policy, and that entry has no tls"
            )),
            Plaintext::CredentialNameWithoutSelector { credential } => Some(format!(
                "plaintext because of a merge rule: DestinationRule {rule} sets credentialName {credential} without workloadSelector, so sidecars get no TLS"
            )),
            _ => None,
        }
    }
}

impl Effective<'_> {
    /// A short label of plaintext caused by a merge rule, for the diagram.
    pub fn merge_rule_label(&self) -> Option<String> {
        let rule = self.rule.map(rule_name).unwrap_or_default();
        match self.plaintext.as_ref()? {
            Plaintext::PortLevelReplaces { port } => Some(format!(
                "plaintext: portLevelSettings {port} replaces the TLS of {rule}"
            )),
            Plaintext::CredentialNameWithoutSelector { .. } => Some(format!(
                "plaintext: credentialName without workloadSelector in {rule}"
            )),
            _ => None,
        }
    }
}

/// `namespace/name` of a rule.
pub fn rule_name(dr: &DestinationRule) -> String {
    format!(
        "{}/{}",
        dr.metadata.namespace.as_deref().unwrap_or("default"),
        dr.metadata.name.as_deref().unwrap_or("")
    )
}

fn ns_of(dr: &DestinationRule) -> &str {
    dr.metadata.namespace.as_deref().unwrap_or("default")
}

fn host_of(dr: &DestinationRule) -> &str {
    dr.spec.host.as_deref().unwrap_or("")
}

/// Whether `dr` is visible from `client_ns` (exportTo; default: everywhere).
fn exported_to(dr: &DestinationRule, client_ns: &str) -> bool {
    let own = ns_of(dr);
    dr.spec.export_to.is_empty()
        || dr
            .spec
            .export_to
            .iter()
            .any(|e| e == "*" || (e == "." && own == client_ns) || e == client_ns)
}

/// The rules for `host` as seen from `client_ns`, in istiod's order of
/// precedence: all from the first namespace that has one, most specific host first.
pub fn rules_for<'a>(
    rules: &[&'a DestinationRule],
    host: &str,
    client_ns: &str,
    service_ns: Option<&str>,
    pods: &GatewayPods,
) -> Vec<&'a DestinationRule> {
    rules_for_proxy(rules, host, client_ns, service_ns, (pods, false))
}

/// [`rules_for`] for a sidecar (`gateway` false) or the egress gateway's proxy.
pub fn rules_for_proxy<'a>(
    rules: &[&'a DestinationRule],
    host: &str,
    client_ns: &str,
    service_ns: Option<&str>,
    (pods, gateway): (&GatewayPods, bool),
) -> Vec<&'a DestinationRule> {
    let rules: Vec<&DestinationRule> = rules
        .iter()
        .copied()
        .filter(|d| pods.reaches(d, gateway))
        .collect();
    let namespaces = [Some(client_ns), service_ns, Some(ROOT_NAMESPACE)];
    for ns in namespaces.into_iter().flatten() {
        let mut found: Vec<&DestinationRule> = rules
            .iter()
            .copied()
            .filter(|d| ns_of(d) == ns && hosts_match(host_of(d), host))
            .filter(|d| {
                ns == client_ns || (exported_to(d, client_ns) && d.spec.workload_selector.is_none())
            })
            // A wildcard rule never covers a more general host than itself.
            .filter(|d| !host.starts_with('*') || host_of(d).len() <= host.len())
            .collect();
        if found.is_empty() {
            continue;
        }
        // Exact first, then the longest (most specific) wildcard; only that host's rules merge.
        let best = found
            .iter()
            .map(|d| host_of(d))
            .max_by_key(|h| (h.eq_ignore_ascii_case(host), h.len()))
            .unwrap_or("")
            .to_ascii_lowercase();
        found.retain(|d| host_of(d).eq_ignore_ascii_case(&best));
        return found;
    }
    Vec::new()
}

/// The effective TLS for `q` (see the module docs for the rules).
pub fn effective_tls<'a>(rules: &[&'a DestinationRule], q: &Query<'_>) -> Effective<'a> {
    let found = rules_for_proxy(
        rules,
        q.host,
        q.client_namespace,
        q.service_namespace,
        (q.pods, q.gateway),
    );
    let mut why = Vec::new();
    let Some(first) = found.first().copied() else {
        return Effective {
            rule: None,
            declared: None,
            tls: None,
            plaintext: Some(Plaintext::NoRule),
            why: vec![format!(
                "no DestinationRule for {} is visible from namespace {}: plaintext from the sidecar",
                q.host, q.client_namespace
            )],
        };
    };
    // Several rules for one host: the first non-empty top-level policy wins.
    let owner = found
        .iter()
        .copied()
        .find(|d| d.spec.traffic_policy.is_some())
        .unwrap_or(first);
    why.push(format!(
        "DestinationRule {} (host {}){}",
        rule_name(owner),
        host_of(owner),
        if found.len() > 1 {
            format!(", first of {} rules for this host", found.len())
        } else {
            String::new()
        }
    ));
    let (mut declared, mut from_port_level) = port_resolved(
        owner.spec.traffic_policy.as_deref(),
        q.port,
        "trafficPolicy",
        &mut why,
    );
    if let Some(name) = q.subset {
        let subset = found
            .iter()
            .flat_map(|d| d.spec.subsets.iter())
            .find(|s| s.name.as_deref() == Some(name));
        match subset.and_then(|s| s.traffic_policy.as_ref()) {
            Some(tp) => {
                let field = format!("subset {name} trafficPolicy");
                let port_entry = port_entry(tp, q.port);
                if port_entry.is_some() || tp.tls.is_some() {
                    let (t, p) = port_resolved(Some(tp), q.port, &field, &mut why);
                    declared = t;
                    from_port_level = p;
                }
            }
            None => why.push(format!("subset {name} has no trafficPolicy of its own")),
        }
    }
    let plaintext_port = from_port_level && declared.is_none();
    let mut eff = Effective {
        rule: Some(owner),
        tls: declared.clone().filter(|t| t.mode() != TlsMode::Disable),
        declared,
        plaintext: None,
        why,
    };
    if eff.tls.is_none() {
        eff.plaintext = Some(if plaintext_port {
            Plaintext::PortLevelReplaces { port: q.port }
        } else {
            Plaintext::NoTls
        });
        return eff;
    }
    if let Some(cred) = credential_without_selector(owner, eff.tls.as_ref()) {
        eff.why.push(format!(
            "credentialName {cred} without workloadSelector: sidecars ignore this TLS block and send plaintext"
        ));
        eff.tls = None;
        eff.plaintext = Some(Plaintext::CredentialNameWithoutSelector { credential: cred });
    }
    eff
}

fn port_entry(tp: &TrafficPolicy, port: u32) -> Option<&crate::model::PortTrafficPolicy> {
    tp.port_level_settings
        .iter()
        .find(|pl| pl.port.as_ref().and_then(|p| p.number) == Some(port))
}

/// The TLS of a policy for `port`: the port-level entry's (whole, replacing) if
/// there is one, else the top level. Returns whether a port-level entry decided.
fn port_resolved(
    tp: Option<&TrafficPolicy>,
    port: u32,
    field: &str,
    why: &mut Vec<String>,
) -> (Option<ClientTlsSettings>, bool) {
    let Some(tp) = tp else {
        why.push(format!("no {field}: no TLS"));
        return (None, false);
    };
    if let Some(entry) = port_entry(tp, port) {
        match &entry.tls {
            Some(t) => why.push(format!(
                "{field}.portLevelSettings[port {port}].tls: mode {}",
                t.mode()
            )),
            None if tp.tls.is_some() => why.push(format!(
                "{field}.portLevelSettings[port {port}] has no tls and replaces the top-level policy: the top-level tls does not apply, plaintext"
            )),
            None => why.push(format!("{field}.portLevelSettings[port {port}] has no tls: plaintext")),
        }
        return (entry.tls.clone(), true);
    }
    match &tp.tls {
        Some(t) => why.push(format!("{field}.tls: mode {}", t.mode())),
        None => why.push(format!("{field} has no tls: plaintext")),
    }
    (tp.tls.clone(), false)
}

/// The credentialName that makes a sidecar drop `tls`, if any.
fn credential_without_selector(
    dr: &DestinationRule,
    tls: Option<&ClientTlsSettings>,
) -> Option<String> {
    let tls = tls?;
    if !matches!(tls.mode(), TlsMode::Simple | TlsMode::Mutual)
        || dr.spec.workload_selector.is_some()
    {
        return None;
    }
    tls.credential_name
        .as_deref()
        .filter(|c| !c.is_empty() && !c.starts_with("configmap://"))
        .map(str::to_string)
}

/// A finding for the cross-resource checks: where in the rule, and what to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFinding {
    /// Field path inside the DestinationRule, e.g. `spec.trafficPolicy.portLevelSettings[1]`.
    pub path: String,
    /// The port concerned, for port-level findings.
    pub port: Option<u32>,
    pub message: String,
}

/// All TLS-bearing policies of a rule with their paths: the top level and each subset's.
fn policies_of(dr: &DestinationRule) -> Vec<(&TrafficPolicy, String)> {
    let mut out = Vec::new();
    if let Some(tp) = dr.spec.traffic_policy.as_deref() {
        out.push((tp, "spec.trafficPolicy".to_string()));
    }
    for (i, s) in dr.spec.subsets.iter().enumerate() {
        if let Some(tp) = s.traffic_policy.as_deref() {
            out.push((tp, format!("spec.subsets[{i}].trafficPolicy")));
        }
    }
    out
}

/// Finding helper: each `portLevelSettings` entry without `tls` in a policy that
/// has a top-level `tls` — Istio's port-level settings replace the whole policy,
/// so the top-level TLS does not apply on that port (plaintext).
pub fn port_level_replaces_tls(dr: &DestinationRule) -> Vec<PolicyFinding> {
    let mut out = Vec::new();
    for (tp, base) in policies_of(dr) {
        if tp.tls.is_none() {
            continue;
        }
        for (j, pl) in tp.port_level_settings.iter().enumerate() {
            let Some(port) = pl.port.as_ref().and_then(|p| p.number) else {
                continue;
            };
            if pl.tls.is_none() {
                out.push(PolicyFinding {
                    path: format!("{base}.portLevelSettings[{j}]"),
                    port: Some(port),
                    message: format!(
                        "port-level settings for port {port} replace the rule's top-level policy: the top-level TLS does not apply on {port} (add tls to this portLevelSettings entry)"
                    ),
                });
            }
        }
    }
    out
}

/// Finding helper: each SIMPLE/MUTUAL TLS block with a `credentialName` (other
/// than `configmap://`) in a rule without `workloadSelector` — sidecars ignore it
/// and send plaintext.
pub fn credential_name_without_selector(dr: &DestinationRule) -> Vec<PolicyFinding> {
    if dr.spec.workload_selector.is_some() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut check = |tls: Option<&ClientTlsSettings>, path: String, port: Option<u32>| {
        if let Some(cred) = credential_without_selector(dr, tls) {
            out.push(PolicyFinding {
                path,
                port,
                message: format!(
                    "credentialName {cred} without workloadSelector: sidecars ignore this TLS block and send plaintext (set a workloadSelector, or use file paths)"
                ),
            });
        }
    };
    for (tp, base) in policies_of(dr) {
        check(tp.tls.as_ref(), format!("{base}.tls"), None);
        for (j, pl) in tp.port_level_settings.iter().enumerate() {
            let port = pl.port.as_ref().and_then(|p| p.number);
            check(
                pl.tls.as_ref(),
                format!("{base}.portLevelSettings[{j}].tls"),
                port,
            );
        }
    }
    out
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
