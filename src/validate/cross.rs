//! egress-studio's own cross-resource checks: problems Istio's analyzers do not
//! report but that break or weaken egress (double TLS, colliding TCP listeners,
//! duplicate host/port declarations and rules, a rule hidden by exportTo,
//! plaintext sent to a TLS port, TLS that istiod's merge rules drop). Istio's
//! analyzers live in `analyzers`; which TLS a port gets comes from `policy`.

use super::Severity;
use super::scope::{Entry, Out, Visibility, hosts_match};
use crate::model::{DestinationRule, ServiceEntry, TlsMode};
use std::collections::{HashMap, HashSet};

/// Runs every check of egress-studio's own over `entries`.
pub fn run(entries: &[Entry], out: &mut Out) {
    // One reading of the pieces serves the entries, the rules and the chains.
    let pieces = super::chain::Pieces::of(entries);
    let (ses, drs) = (&pieces.service_entries, &pieces.destination_rules);
    service_entry_pairs(ses, out);
    let originated = super::chain::gateway_originated(&pieces);
    let carried = super::chain::gateway_carried(&pieces);
    let pods = crate::policy::GatewayPods::of(entries.iter().map(|e| e.resource));
    destination_rules(drs, ses, (&carried, &pods), out);
    plaintext_to_tls_ports(drs, ses, &pods, out);
    merge_rule_plaintext(drs, &originated, out);
    super::duplicates::run(entries, out);
}

/// PORT-LEVEL-REPLACES-TLS and CREDENTIAL-NO-SELECTOR: TLS written in a rule that
/// sidecars do not apply, because of istiod's merge rules (see `policy`).
fn merge_rule_plaintext(
    drs: &[(&Entry, &DestinationRule)],
    originated: &HashSet<(String, u32)>,
    out: &mut Out,
) {
    for (e, dr) in drs {
        let host = dr.spec.host.as_deref().unwrap_or("").to_ascii_lowercase();
        let at_gateway = originated.iter().any(|(h, _)| *h == host);
        for f in crate::policy::port_level_replaces_tls(dr) {
            out.push(
                e,
                Severity::Warning,
                "PORT-LEVEL-REPLACES-TLS",
                &f.path,
                f.message,
            );
        }
        // The egress gateway reads credentialName itself: that is the design.
        for f in crate::policy::credential_name_without_selector(dr)
            .into_iter()
            .filter(|_| !at_gateway)
        {
            out.push(
                e,
                Severity::Warning,
                "CREDENTIAL-NO-SELECTOR",
                &f.path,
                f.message,
            );
        }
    }
}

fn named(e: &Entry) -> String {
    e.named()
}

fn namespace<'a>(id: &super::scope::EntryId<'a>) -> &'a str {
    id.namespace
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
        if !out.wants(b) || !vis[ia].overlaps(&vis[ib]) {
            continue;
        }
        // Same host and port in two entries.
        let mut reported_host_port = HashSet::new();
        for (hi, hb) in sb.spec.hosts().iter().enumerate() {
            if !sa.spec.hosts().iter().any(|ha| ha.eq_ignore_ascii_case(hb)) {
                continue;
            }
            for pb in &sb.spec.ports {
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
                // Different protocols are Istio's IST0177 (see `analyzers`).
                if proto_a.eq_ignore_ascii_case(proto_b) {
                    out.push_related(b, Severity::Warning, "DUPLICATE-HOST-PORT", &format!("spec.hosts[{hi}]"), format!(
                        "host {hb} port {number} is also declared by {}: Istio merges or picks one of them; keep one ServiceEntry per host and port",
                        named(a)
                    ), &[(a, "metadata.name")]);
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
                    out.push_related(b, Severity::Warning, "LISTENER-COLLISION", &format!("spec.ports[{pi}]"), format!(
                        "TCP port {n} without addresses is also declared by {}: both become the listener 0.0.0.0:{n}, so one entry's traffic goes to the other; set addresses (VIPs or CIDRs) on both",
                        named(a)
                    ), &[(a, "metadata.name")]);
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
    (carried, pods): (&HashSet<(String, Option<u32>)>, &crate::policy::GatewayPods),
    out: &mut Out,
) {
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
        if !out.wants(d) {
            rules_by_host
                .entry((dr_ns.to_string(), host.to_ascii_lowercase()))
                .or_default()
                .push(j);
            continue;
        }

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
                // Sidecars do not apply a rule made for the egress gateway's
                // pods, nor originate on a port they send to the gateway (the
                // chain checks judge the gateway's hop: EG22).
                let host_lc = host.to_ascii_lowercase();
                if pods.selects(dr)
                    || carried.contains(&(host_lc.clone(), Some(number)))
                    || carried.contains(&(host_lc, None))
                {
                    continue;
                }
                if let Some((mode @ (TlsMode::Simple | TlsMode::Mutual), path)) =
                    tls_mode_path(dr, number)
                {
                    out.push_related(d, Severity::Warning, "DOUBLE-TLS", &path, format!(
                        "{mode} TLS origination on port {number}, which {} declares as {proto}: the app already sends TLS there, so it would be encrypted twice; declare the port as HTTP (with targetPort) to originate, or drop tls here to pass through",
                        named(s)
                    ), &[(s, "metadata.name")]);
                }
            }
            // exportTo that hides this DR from the namespace of the entry it configures.
            let se_ns = namespace(&s.id);
            if !vd.contains(se_ns) && !dr.spec.export_to.is_empty() {
                out.push_related(d, Severity::Warning, "EXPORT-HIDDEN", "spec.exportTo", format!(
                    "exportTo hides this DestinationRule from namespace {se_ns}, where {} lives; workloads there will not use it",
                    named(s)
                ), &[(s, "metadata.name")]);
            }
        }

        // Rules for the same host (and subset) before this one, found through
        // the index: one finding naming the rule whose policy wins.
        let key = (dr_ns.to_string(), host.to_ascii_lowercase());
        let earlier: Vec<usize> = rules_by_host
            .get(&key)
            .into_iter()
            .flatten()
            .copied()
            .filter(|&k| {
                let (e, other) = drs[k];
                let sel = |x: &DestinationRule| {
                    x.spec
                        .workload_selector
                        .as_ref()
                        .map(|s| s.match_labels.clone())
                };
                !host.is_empty()
                    && sel(dr) == sel(other)
                    && Visibility::of(&other.spec.export_to, namespace(&e.id)).overlaps(&vd)
            })
            .collect();
        rules_by_host.entry(key).or_default().push(j);
        duplicate_rule(d, dr, host, &earlier, drs, out);
    }
}

/// DUPLICATE-DR: `dr` configures a host that the rules at `earlier` (in file
/// order) configure too, and istiod's merge drops part of it: its top-level
/// trafficPolicy when an earlier rule has one, or a subset an earlier rule
/// defines. Rules that only add subsets merge cleanly and are not reported.
fn duplicate_rule(
    d: &Entry,
    dr: &DestinationRule,
    host: &str,
    earlier: &[usize],
    drs: &[(&Entry, &DestinationRule)],
    out: &mut Out,
) {
    let defines = |k: usize, name: &str| {
        drs[k]
            .1
            .spec
            .subsets
            .iter()
            .any(|o| o.name.as_deref() == Some(name))
    };
    let policy_owner = earlier
        .iter()
        .copied()
        .find(|&k| drs[k].1.spec.traffic_policy.is_some())
        .filter(|_| dr.spec.traffic_policy.is_some());
    let mut shared: Vec<&str> = dr
        .spec
        .subsets
        .iter()
        .filter_map(|s| s.name.as_deref())
        .filter(|n| earlier.iter().any(|&k| defines(k, n)))
        .collect();
    shared.dedup();
    let first_shared = shared
        .first()
        .and_then(|n| earlier.iter().copied().find(|&k| defines(k, n)));
    let Some(other) = policy_owner.or(first_shared) else {
        return;
    };
    let mut lost = Vec::new();
    if policy_owner.is_some() {
        lost.push(
            "this rule's top-level trafficPolicy is ignored (the earlier rule's applies)"
                .to_string(),
        );
    }
    if !shared.is_empty() {
        lost.push(format!(
            "{} {} {} defined twice and only the first definition is used",
            plural_word(shared.len(), "subset", "subsets"),
            shared.join(", "),
            plural_word(shared.len(), "is", "are each")
        ));
    }
    let e = drs[other].0;
    out.push_related(d, Severity::Warning, "DUPLICATE-DR", "spec.host", format!(
        "{} also configures host {host}: Istio merges rules for one host, so {}; merge them into one DestinationRule",
        named(e),
        lost.join(", and ")
    ), &[(e, "metadata.name")]);
}

fn plural_word<'w>(n: usize, one: &'w str, many: &'w str) -> &'w str {
    if n == 1 { one } else { many }
}

/// Ports commonly served over TLS: plaintext HTTP sent there fails or leaks.
const TLS_PORTS: [u32; 9] = [443, 465, 636, 853, 993, 995, 5671, 6443, 8443];

/// PLAINTEXT-TLS-PORT: an HTTP port whose targetPort is a TLS port, with no
/// rule originating TLS for it: the sidecar sends plaintext HTTP to a TLS server.
fn plaintext_to_tls_ports(
    drs: &[(&Entry, &DestinationRule)],
    ses: &[(&Entry, &ServiceEntry)],
    pods: &crate::policy::GatewayPods,
    out: &mut Out,
) {
    let rules = RulesByHost::new(drs);
    for (e, se) in ses {
        for (i, port) in se.spec.ports.iter().enumerate() {
            let (Some(number), Some(target)) = (port.number, port.target_port) else {
                continue;
            };
            let http = port
                .protocol
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case("HTTP"));
            if !http || !TLS_PORTS.contains(&target) {
                continue;
            }
            // The TLS the sidecar of a client in the entry's namespace gets, as istiod
            // computes it; only rules whose host can match are considered.
            let candidates = rules.matching(se.spec.hosts());
            let originated = !candidates.is_empty()
                && se.spec.hosts().iter().all(|host| {
                    let q = crate::policy::Query {
                        host,
                        port: number,
                        subset: None,
                        client_namespace: e.id.namespace,
                        service_namespace: Some(e.id.namespace),
                        gateway: false,
                        pods,
                    };
                    matches!(
                        crate::policy::effective_tls(&candidates, &q).mode(),
                        TlsMode::Simple | TlsMode::Mutual
                    )
                });
            if !originated {
                out.push(e, Severity::Warning, "PLAINTEXT-TLS-PORT", &format!("spec.ports[{i}].targetPort"), format!(
                    "port {number} is HTTP but its targetPort {target} is a TLS port, and no DestinationRule originates TLS for it: the sidecar would send plaintext HTTP to a TLS server; add a DestinationRule for the host with tls.mode SIMPLE (or MUTUAL) on port {number}"
                ));
            }
        }
    }
}

/// DestinationRules indexed by host, so finding the rules for a host does not
/// scan every rule.
struct RulesByHost<'a> {
    /// Lower-cased exact host → indexes into `all`.
    exact: HashMap<String, Vec<usize>>,
    /// Indexes of rules with a wildcard host.
    wildcard: Vec<usize>,
    all: Vec<&'a DestinationRule>,
}

impl<'a> RulesByHost<'a> {
    fn new(drs: &[(&Entry, &'a DestinationRule)]) -> RulesByHost<'a> {
        let mut index = RulesByHost {
            exact: HashMap::new(),
            wildcard: Vec::new(),
            all: drs.iter().map(|(_, dr)| *dr).collect(),
        };
        for (i, dr) in index.all.iter().enumerate() {
            let host = dr.spec.host.as_deref().unwrap_or("");
            if host.starts_with('*') {
                index.wildcard.push(i);
            } else {
                index
                    .exact
                    .entry(host.to_ascii_lowercase())
                    .or_default()
                    .push(i);
            }
        }
        index
    }

    /// Rules whose host matches one of `hosts` (wildcards either way), in the
    /// order they were given (istiod's order), each once.
    fn matching(&self, hosts: &[String]) -> Vec<&'a DestinationRule> {
        let matches = |i: &usize| {
            let host = self.all[*i].spec.host.as_deref().unwrap_or("");
            hosts.iter().any(|h| hosts_match(h, host))
        };
        let mut found: Vec<usize> = if hosts.iter().any(|h| h.starts_with('*')) {
            (0..self.all.len()).filter(matches).collect()
        } else {
            hosts
                .iter()
                .flat_map(|h| {
                    self.exact
                        .get(&h.to_ascii_lowercase())
                        .into_iter()
                        .flatten()
                        .copied()
                })
                .chain(self.wildcard.iter().copied().filter(matches))
                .collect()
        };
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|i| self.all[i]).collect()
    }
}
