//! `ValidateVirtualService` for the parts egress uses (egress-gateway.md §3.2:
//! VS1–VS28 and the gateway-name rules GN1–GN5), with Istio's messages and
//! severities, including the quirk that gateway names after the first one
//! without a `/` are not checked.

use super::blocks::{
    is_dns1123_label, parse_ip, validate_duration, validate_fqdn, validate_ip_subnet,
    validate_label_key, validate_label_value, validate_port, validate_wildcard_domain,
};
use super::export_to::validate_export_to;
use super::scope::hosts_match;
use super::{Findings, Options};
use crate::model::{RouteMatch, Rule, RuleKind, VirtualService, VirtualServiceSpec};

pub fn check(vs: &VirtualService, _opts: &Options, f: &mut Findings) {
    let spec = &vs.spec;
    let namespace = vs.metadata.namespace.as_deref().unwrap_or("default");
    if spec.hosts.is_empty() {
        for (present, key, what) in [
            (!spec.gateways.is_empty(), "gateways", "gateways"),
            (!spec.tls.is_empty(), "tls", "tls route"),
            (!spec.tcp.is_empty(), "tcp", "tcp route"),
        ] {
            if present {
                f.error(
                    "VS1",
                    format!("spec.{key}"),
                    format!("delegate virtual service must have no {what} specified"),
                );
            }
        }
    }
    let gateway_only = !spec.gateways.is_empty() && !spec.gateways.iter().any(|g| g == "mesh");
    let applies_to_mesh = !gateway_only;
    if !spec.gateways.is_empty() {
        gateway_names(&spec.gateways, "spec.gateways", f);
    }
    let mut all_valid = true;
    for (i, h) in spec.hosts.iter().enumerate() {
        let p = format!("spec.hosts[{i}]");
        let valid = if gateway_only {
            wildcard_domain_for_gateway(has_sni(spec), h)
        } else {
            validate_wildcard_domain(h)
        };
        match valid {
            Err(m) if parse_ip(h).is_none() => {
                f.error("VS3", &p, m);
                all_valid = false;
            }
            Ok(()) if applies_to_mesh && h == "*" => {
                f.error(
                    "VS4",
                    &p,
                    "wildcard host * is not allowed for virtual services bound to the mesh gateway",
                );
                all_valid = false;
            }
            _ => {}
        }
    }
    if all_valid {
        for (i, a) in spec.hosts.iter().enumerate() {
            for b in &spec.hosts[i + 1..] {
                if hosts_match(a, b) {
                    f.error(
                        "VS5",
                        format!("spec.hosts[{i}]"),
                        format!("duplicate hosts in virtual service: {a} & {b}"),
                    );
                }
            }
        }
    }
    if spec.http.is_empty() && spec.tcp.is_empty() && spec.tls.is_empty() {
        f.error(
            "VS6",
            "spec",
            "http, tcp or tls must be provided in virtual service",
        );
    }
    for (i, r) in spec.http.iter().enumerate() {
        let p = format!("spec.http[{i}]");
        match r {
            None => f.error("VS7", &p, "http route may not be null"),
            Some(r) => http_rule(r, &p, f),
        }
    }
    for (i, r) in spec.tls.iter().enumerate() {
        if let Some(r) = r {
            tls_rule(r, spec, gateway_only, &format!("spec.tls[{i}]"), f);
        }
    }
    for (i, r) in spec.tcp.iter().enumerate() {
        if let Some(r) = r {
            tcp_rule(r, &format!("spec.tcp[{i}]"), f);
        }
    }
    validate_export_to(namespace, &spec.export_to, false, false, f);
    for kind in RuleKind::ALL {
        unreachable_rules(spec, kind, f);
    }
}

fn has_sni(spec: &VirtualServiceSpec) -> bool {
    spec.tls
        .iter()
        .flatten()
        .flat_map(|r| r.matches())
        .any(|(_, m)| m.sni_hosts.as_ref().is_some_and(|s| !s.is_empty()))
}

/// `ValidateWildcardDomainForVirtualServiceBoundToGateway`: a gateway-only VS
/// with SNI matches may also name `outbound_.<port>_._.<host>` clusters.
fn wildcard_domain_for_gateway(sni: bool, h: &str) -> Result<(), String> {
    if sni && h.starts_with("outbound_.") {
        let parts: Vec<&str> = h.splitn(4, '.').collect();
        let ok = parts.len() == 4
            && parts[1]
                .strip_suffix('_')
                .is_some_and(|n| n.parse::<u16>().is_ok())
            && parts[2] == "_"
            && validate_wildcard_domain(parts[3]).is_ok();
        return if ok {
            Ok(())
        } else {
            Err(format!(
                "domain name {h} invalid, should follow 'outbound_.<port>_._.<hostname>' format"
            ))
        };
    }
    validate_wildcard_domain(h)
}

/// `validateGatewayNames`. Istio stops at the first name without a `/` (such as
/// `mesh`), so later entries are not checked; this keeps that verdict.
pub fn gateway_names(names: &[String], path: &str, f: &mut Findings) {
    for (i, g) in names.iter().enumerate() {
        let p = format!("{path}[{i}]");
        match g.split_once('/') {
            None => {
                if g.contains('.') {
                    let mut parts = g.split('.');
                    let name = parts.next().unwrap_or("");
                    let ns = parts.next().unwrap_or("");
                    f.warning(
                        "GN1",
                        &p,
                        format!("using legacy gatewayName format {}; prefer the <namespace>/<name> format: \"{ns}/{name}\"", crate::validate::quoted(g)),
                    );
                }
                f.check("GN2", &p, validate_fqdn(g));
                return;
            }
            Some((ns, name)) => {
                if ns.is_empty() || name.is_empty() {
                    f.error(
                        "GN3",
                        &p,
                        "config namespace and gateway name cannot be empty",
                    );
                }
                if !is_dns1123_label(ns) {
                    f.error(
                        "GN4",
                        &p,
                        format!(
                            "invalid value for namespace: {}",
                            crate::validate::quoted(ns)
                        ),
                    );
                }
                if !is_dns1123_label(name) {
                    f.error(
                        "GN5",
                        &p,
                        format!(
                            "invalid value for gateway name: {}",
                            crate::validate::quoted(name)
                        ),
                    );
                }
            }
        }
    }
}

fn match_common(m: &RouteMatch, p: &str, f: &mut Findings) {
    if let Some(port) = m.port.filter(|n| *n != 0) {
        f.check("VS13", format!("{p}.port"), validate_port(port.into()));
    }
    for (k, v) in m.source_labels.iter().flatten() {
        let lp = crate::yaml::join_key(&format!("{p}.sourceLabels"), k);
        f.check("VS14", &lp, validate_label_key(k));
        f.check("VS14", &lp, validate_label_value(v));
    }
    if !m.gateways.is_empty() {
        gateway_names(&m.gateways, &format!("{p}.gateways"), f);
    }
}

fn subnets(m: &RouteMatch, p: &str, f: &mut Findings) {
    for (i, s) in m.destination_subnets.iter().enumerate() {
        f.check(
            "VS12",
            format!("{p}.destinationSubnets[{i}]"),
            validate_ip_subnet(s),
        );
    }
}

fn http_rule(r: &Rule, p: &str, f: &mut Findings) {
    for (i, m) in r.matches.iter().flatten().enumerate() {
        let Some(m) = m else { continue };
        let mp = format!("{p}.match[{i}]");
        match_common(m, &mp, f);
        if let Some(ns) = &m.source_namespace
            && !ns.is_empty()
            && !is_dns1123_label(ns)
        {
            f.error(
                "VS16",
                format!("{mp}.sourceNamespace"),
                format!("sourceNamespace match {ns} is invalid"),
            );
        }
    }
    let has = |k: &str| r.extra.contains_key(k);
    if r.route.as_ref().is_none_or(Vec::is_empty)
        && !has("redirect")
        && !has("directResponse")
        && !has("delegate")
    {
        f.error(
            "VS19",
            format!("{p}.route"),
            "HTTP route, redirect or direct_response is required",
        );
    }
    if let Some(t) = r.extra.get("timeout").and_then(|t| t.as_str())
        && let Err(m) = validate_duration(t)
    {
        f.error("VS28", format!("{p}.timeout"), m);
    }
    destinations(r, p, f);
}

fn tls_rule(r: &Rule, spec: &VirtualServiceSpec, gateway_only: bool, p: &str, f: &mut Findings) {
    if r.matches.as_ref().is_none_or(Vec::is_empty) {
        f.error(
            "VS8",
            format!("{p}.match"),
            "TLS route must have at least one match condition",
        );
    }
    for (i, m) in r.matches.iter().flatten().enumerate() {
        let mp = format!("{p}.match[{i}]");
        let Some(m) = m else {
            f.error("VS8", &mp, "TLS match may not be null");
            continue;
        };
        let sni = m.sni_hosts.as_deref().unwrap_or(&[]);
        if sni.is_empty() {
            f.error(
                "VS8",
                format!("{mp}.sniHosts"),
                "TLS match must have at least one SNI host",
            );
        }
        for (j, h) in sni.iter().enumerate() {
            sni_host(h, spec, gateway_only, &format!("{mp}.sniHosts[{j}]"), f);
        }
        subnets(m, &mp, f);
        match_common(m, &mp, f);
    }
    if r.route.as_ref().is_none_or(Vec::is_empty) {
        f.error("VS17", format!("{p}.route"), "TLS route is required");
    }
    destinations(r, p, f);
}

/// `validateSniHost`. Istio's `isGateway` is true for an empty gateway list too.
fn sni_host(h: &str, spec: &VirtualServiceSpec, gateway_only: bool, p: &str, f: &mut Findings) {
    let is_gateway = gateway_only || spec.gateways.is_empty();
    let valid = if is_gateway {
        wildcard_domain_for_gateway(true, h)
    } else {
        validate_wildcard_domain(h)
    };
    if let Err(m) = valid {
        if parse_ip(h).is_some() {
            f.warning(
                "VS10",
                p,
                format!("using an IP address ({}) goes against SNI spec and most clients do not support this", crate::validate::quoted(h)),
            );
        } else {
            f.error("VS9", p, m);
        }
        return;
    }
    if !spec.hosts.iter().any(|vh| subset_of(h, vh)) {
        f.error(
            "VS11",
            p,
            format!(
                "SNI host {} is not a compatible subset of any of the virtual service hosts: [{}]",
                crate::validate::quoted(h),
                spec.hosts.join(", ")
            ),
        );
    }
}

/// `host.Name.SubsetOf`: every name `a` matches is matched by `b`.
pub fn subset_of(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    match (a.strip_prefix('*'), b.strip_prefix('*')) {
        (_, Some(bs)) => a.ends_with(bs) || b == "*",
        (Some(_), None) => false,
        (None, None) => a == b,
    }
}

fn tcp_rule(r: &Rule, p: &str, f: &mut Findings) {
    for (i, m) in r.matches.iter().flatten().enumerate() {
        let mp = format!("{p}.match[{i}]");
        let Some(m) = m else {
            f.error("VS18", &mp, "tcp match may not be nil");
            continue;
        };
        subnets(m, &mp, f);
        match_common(m, &mp, f);
    }
    if r.route.as_ref().is_none_or(Vec::is_empty) {
        f.error("VS17", format!("{p}.route"), "TCP route is required");
    }
    destinations(r, p, f);
}

/// `validateRouteDestinations` / `validateHTTPRouteDestinations` / `validateDestination`.
fn destinations(r: &Rule, p: &str, f: &mut Findings) {
    let routes = r.route.as_deref().unwrap_or(&[]);
    let mut total = 0i64;
    for (i, rd) in routes.iter().enumerate() {
        let rp = format!("{p}.route[{i}]");
        let Some(rd) = rd else {
            f.error("VS20", &rp, "weight may not be nil");
            continue;
        };
        match &rd.destination {
            None => f.error(
                "VS20",
                format!("{rp}.destination"),
                "destination is required",
            ),
            Some(d) => {
                let dp = format!("{rp}.destination");
                let host = d.host.as_deref().unwrap_or("");
                if host == "*" {
                    f.error("VS21", format!("{dp}.host"), "invalid destination host *");
                } else {
                    f.check("VS21", format!("{dp}.host"), validate_wildcard_domain(host));
                }
                if let Some(s) = d.subset.as_deref().filter(|s| !s.is_empty())
                    && !is_dns1123_label(s)
                {
                    f.error(
                        "VS22",
                        format!("{dp}.subset"),
                        format!("subset name is invalid: {s}"),
                    );
                }
                if let Some(port) = &d.port {
                    f.check(
                        "VS23",
                        format!("{dp}.port.number"),
                        validate_port(port.number.unwrap_or(0).into()),
                    );
                }
            }
        }
        let w = rd.weight.unwrap_or(0);
        if w < 0 {
            f.error("VS24", format!("{rp}.weight"), format!("weight {w} < 0"));
        }
        total += w;
    }
    if routes.len() > 1 && total == 0 {
        f.error("VS24", format!("{p}.route"), "total destination weight = 0");
    }
}

/// `analyzeUnreachable*Rules` (VS26, VS27): warnings the webhook returns with
/// an accepted VirtualService. Matches compare as data, without their `name`.
fn unreachable_rules(spec: &VirtualServiceSpec, kind: RuleKind, f: &mut Findings) {
    let rules = spec.rules(kind);
    let mut seen: Vec<(RouteMatch, usize)> = Vec::new();
    let mut empty_at: Option<usize> = None;
    let rule_name = |r: &Rule, i: usize| match (&r.name, kind) {
        (Some(n), RuleKind::Http) if !n.is_empty() => crate::validate::quoted(n),
        _ => format!("#{i}"),
    };
    for (i, r) in rules.iter().enumerate() {
        let Some(r) = r else { continue };
        let p = format!("spec.{}[{i}]", kind.as_str());
        let matches = r.matches.as_deref().unwrap_or(&[]);
        if matches.is_empty() {
            if empty_at.is_some() {
                f.warning(
                    "VS26",
                    &p,
                    format!(
                        "virtualService rule {} not used (only the last rule can have no matches)",
                        rule_name(r, i)
                    ),
                );
            }
            empty_at = Some(i);
            continue;
        }
        let mut dups = 0;
        for (j, m) in matches.iter().enumerate() {
            if empty_at.is_some() {
                f.warning(
                    "VS26",
                    &p,
                    format!(
                        "virtualService rule {} not used (route without matches defined before)",
                        rule_name(r, i)
                    ),
                );
                continue;
            }
            let mut key = m.clone().unwrap_or_default();
            let match_name = key.extra.shift_remove("name");
            if let Some((_, earlier)) = seen.iter().find(|(s, _)| *s == key) {
                let mname = match (match_name.as_ref().and_then(|n| n.as_str()), kind) {
                    (Some(n), RuleKind::Http) if !n.is_empty() => crate::validate::quoted(n),
                    _ => format!("#{j}"),
                };
                let earlier_name = rules[*earlier]
                    .as_ref()
                    .map(|e| rule_name(e, *earlier))
                    .unwrap_or_default();
                f.out.push(super::Diagnostic::new(
                    super::Severity::Info,
                    "VS27",
                    format!("{p}.match[{j}]"),
                    format!("virtualService rule {} match {mname} is not used (duplicate/overlapping match in rule {earlier_name})", rule_name(r, i)),
                ));
                dups += 1;
            } else {
                seen.push((key, i));
            }
        }
        if dups == matches.len() {
            f.warning(
                "VS26",
                &p,
                format!(
                    "virtualService rule {} not used (all matches used by prior rules)",
                    rule_name(r, i)
                ),
            );
        }
    }
}
