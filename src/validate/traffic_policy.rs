//! `validateTrafficPolicy` and everything under it (validation.md §4), plus the
//! DestinationRule CRD's schema and CEL rules on the same messages (§6.2).

use super::blocks::*;
use super::service_entry::limit_items;
use super::{Findings, Options};
use crate::model::*;
use crate::yaml::join_key;
use std::collections::HashSet;

/// A full TrafficPolicy (top level or subset).
pub fn check_policy(
    tp: &TrafficPolicy,
    path: &str,
    namespace: &str,
    opts: &Options,
    f: &mut Findings,
) {
    let empty = tp.load_balancer.is_none()
        && tp.connection_pool.is_none()
        && tp.outlier_detection.is_none()
        && tp.tls.is_none()
        && tp.port_level_settings.is_empty()
        && tp.tunnel.is_none()
        && tp.proxy_protocol.is_none()
        && tp.retry_budget.is_none();
    if empty {
        f.error("TP1", path, "traffic policy must have at least one field");
        return;
    }
    if tp.tunnel.is_some() && tp.proxy_protocol.is_some() {
        f.error(
            "TP2",
            path,
            "tunnel and proxyProtocol must not be set together",
        );
        return;
    }
    check_outlier(
        tp.outlier_detection.as_ref(),
        &format!("{path}.outlierDetection"),
        f,
    );
    check_pool(
        tp.connection_pool.as_ref(),
        &format!("{path}.connectionPool"),
        opts,
        f,
    );
    check_lb(
        tp.load_balancer.as_ref(),
        tp.outlier_detection.as_ref(),
        &format!("{path}.loadBalancer"),
        opts,
        f,
    );
    check_tls(tp.tls.as_ref(), &format!("{path}.tls"), namespace, opts, f);

    limit_items(
        f,
        &format!("{path}.portLevelSettings"),
        tp.port_level_settings.len(),
        4096,
    );
    let outer = f.nested;
    f.nested = true;
    for (i, pl) in tp.port_level_settings.iter().enumerate() {
        let p = format!("{path}.portLevelSettings[{i}]");
        if pl.port.is_none() {
            f.error("TP3", &p, "portTrafficPolicy must have valid port");
        }
        if pl.load_balancer.is_none()
            && pl.connection_pool.is_none()
            && pl.outlier_detection.is_none()
            && pl.tls.is_none()
        {
            f.error(
                "TP4",
                &p,
                "port traffic policy must have at least one field",
            );
        } else {
            check_outlier(
                pl.outlier_detection.as_ref(),
                &format!("{p}.outlierDetection"),
                f,
            );
            check_pool(
                pl.connection_pool.as_ref(),
                &format!("{p}.connectionPool"),
                opts,
                f,
            );
            check_lb(
                pl.load_balancer.as_ref(),
                pl.outlier_detection.as_ref(),
                &format!("{p}.loadBalancer"),
                opts,
                f,
            );
            check_tls(pl.tls.as_ref(), &format!("{p}.tls"), namespace, opts, f);
        }
    }
    f.nested = outer;

    if let Some(t) = &tp.tunnel {
        let p = format!("{path}.tunnel");
        let proto = t.protocol.as_deref().unwrap_or("");
        if !matches!(proto, "" | "CONNECT" | "POST") {
            f.error(
                "TP6",
                format!("{p}.protocol"),
                "tunnel protocol must be \"CONNECT\" or \"POST\"",
            );
        }
        let host = t.target_host.as_deref().unwrap_or("");
        if let Err(e) = validate_fqdn(host)
            && parse_ip(host).is_none()
        {
            f.error(
                "TP7",
                format!("{p}.targetHost"),
                format!("tunnel target host must be valid FQDN or IP address: {e}; {host:?} is not a valid IP"),
            );
        }
        if let Err(e) = validate_port(u64::from(t.target_port.unwrap_or(0))) {
            f.error(
                "TP8",
                format!("{p}.targetPort"),
                format!("tunnel target port is invalid: {e}"),
            );
        }
    }
    if let Some(rb) = &tp.retry_budget {
        let p = format!("{path}.retryBudget");
        if let Some(pct) = rb.percent
            && !(0.0..=100.0).contains(&pct)
        {
            f.error(
                "CRD-RANGE",
                format!("{p}.percent"),
                format!("percent {pct} must be between 0 and 100"),
            );
        }
        if let Some(d) = &rb.budget_interval {
            decode_duration(d, &format!("{p}.budgetInterval"), f);
        }
    }
}

/// A duration field the webhook only decodes (no minimum).
fn decode_duration(d: &str, p: &str, f: &mut Findings) {
    if parse_go_duration(d).is_none() {
        f.error(
            "CRD-TYPE",
            p,
            format!("bad Duration {d:?}: use Go duration syntax such as 10s, 1.5s, 300ms, 1h30m"),
        );
    }
}

fn duration(code: &str, d: &Option<String>, p: &str, f: &mut Findings) {
    if let Some(d) = d {
        f.check(code, p, validate_duration(d));
    }
}

fn check_outlier(od: Option<&OutlierDetection>, p: &str, f: &mut Findings) {
    let Some(od) = od else { return };
    duration(
        "OD1",
        &od.base_ejection_time,
        &format!("{p}.baseEjectionTime"),
        f,
    );
    if od.consecutive_errors.is_some_and(|n| n != 0) {
        f.warning(
            "OD2",
            format!("{p}.consecutiveErrors"),
            "outlier detection consecutive errors is deprecated, use consecutiveGatewayErrors or consecutive5xxErrors instead",
        );
    }
    if !od.split_external_local_origin_errors.unwrap_or(false)
        && od.consecutive_local_origin_failures.unwrap_or(0) > 0
    {
        f.error(
            "OD3",
            format!("{p}.consecutiveLocalOriginFailures"),
            "outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false",
        );
    }
    duration("OD4", &od.interval, &format!("{p}.interval"), f);
    f.check(
        "OD5",
        format!("{p}.maxEjectionPercent"),
        validate_percent(i64::from(od.max_ejection_percent.unwrap_or(0))),
    );
    f.check(
        "OD6",
        format!("{p}.minHealthPercent"),
        validate_percent(i64::from(od.min_health_percent.unwrap_or(0))),
    );
    for (i, code) in od.outlier_detection_http_error_codes.iter().enumerate() {
        if !(100..=599).contains(code) {
            f.error(
                "CRD-RANGE",
                format!("{p}.outlierDetectionHttpErrorCodes[{i}]"),
                format!("HTTP status {code} must be between 100 and 599"),
            );
        }
    }
}

fn non_negative(code: &str, v: Option<i32>, p: &str, what: &str, f: &mut Findings) {
    if v.is_some_and(|n| n < 0) {
        f.error(code, p, format!("{what} must be non-negative"));
    }
}

fn check_pool(cp: Option<&ConnectionPoolSettings>, p: &str, opts: &Options, f: &mut Findings) {
    let Some(cp) = cp else { return };
    if cp.tcp.is_none() && cp.http.is_none() {
        f.error("CP1", p, "connection pool must have at least one field");
        return;
    }
    if let Some(h) = &cp.http {
        let hp = format!("{p}.http");
        non_negative(
            "CP2",
            h.http1_max_pending_requests,
            &format!("{hp}.http1MaxPendingRequests"),
            "http1 max pending requests",
            f,
        );
        non_negative(
            "CP3",
            h.http2_max_requests,
            &format!("{hp}.http2MaxRequests"),
            "http2 max requests",
            f,
        );
        non_negative(
            "CP4",
            h.max_requests_per_connection,
            &format!("{hp}.maxRequestsPerConnection"),
            "max requests per connection",
            f,
        );
        non_negative(
            "CP5",
            h.max_retries,
            &format!("{hp}.maxRetries"),
            "max retries",
            f,
        );
        duration("CP6", &h.idle_timeout, &format!("{hp}.idleTimeout"), f);
        if h.h2_upgrade_policy == Some(H2UpgradePolicy::Upgrade)
            && h.use_client_protocol == Some(true)
        {
            f.error(
                "CP7",
                format!("{hp}.useClientProtocol"),
                "use client protocol must not be true when H2UpgradePolicy is UPGRADE",
            );
        }
        non_negative(
            "CP8",
            h.max_concurrent_streams,
            &format!("{hp}.maxConcurrentStreams"),
            "max concurrent streams",
            f,
        );
        if let Some(ka) = &h.http2_keep_alive {
            let kp = format!("{hp}.http2KeepAlive");
            if opts.istio_version.at_least(1, 31) {
                if ka.interval.is_none() {
                    f.error("CP9", &kp, "http2 keepalive interval is required");
                }
                if ka.timeout.is_none() {
                    f.error("CP9", &kp, "http2 keepalive timeout is required");
                }
            }
            duration("CP10", &ka.interval, &format!("{kp}.interval"), f);
            duration("CP10", &ka.timeout, &format!("{kp}.timeout"), f);
        }
    }
    if let Some(t) = &cp.tcp {
        let tp = format!("{p}.tcp");
        non_negative(
            "CP11",
            t.max_connections,
            &format!("{tp}.maxConnections"),
            "max connections",
            f,
        );
        duration(
            "CP12",
            &t.connect_timeout,
            &format!("{tp}.connectTimeout"),
            f,
        );
        duration(
            "CP13",
            &t.max_connection_duration,
            &format!("{tp}.maxConnectionDuration"),
            f,
        );
        if let Some(d) = &t.idle_timeout {
            let ip = format!("{tp}.idleTimeout");
            match parse_go_duration(d) {
                // 0s disables the timeout; since 1.26 anything under 1ms skips the check.
                Some(n) if n < NANOS_PER_MS && opts.istio_version.at_least(1, 26) => {}
                _ => f.check("CP14", ip, validate_duration(d)),
            }
        }
        if let Some(ka) = &t.tcp_keepalive {
            duration("CP15", &ka.time, &format!("{tp}.tcpKeepalive.time"), f);
            duration(
                "CP15",
                &ka.interval,
                &format!("{tp}.tcpKeepalive.interval"),
                f,
            );
        }
    }
}

const TOPOLOGY_LABELS: [&str; 3] = [
    "topology.kubernetes.io/region",
    "topology.kubernetes.io/zone",
    "topology.istio.io/subzone",
];

fn check_lb(
    lb: Option<&LoadBalancerSettings>,
    outlier: Option<&OutlierDetection>,
    p: &str,
    opts: &Options,
    f: &mut Findings,
) {
    let Some(lb) = lb else { return };
    let v = opts.istio_version;
    let alternatives = [
        lb.simple.is_some(),
        lb.consistent_hash.is_some(),
        lb.backend_utilization.is_some(),
    ];
    if alternatives.iter().filter(|b| **b).count() > 1 {
        f.error(
            "CRD-ONEOF",
            p,
            "only one of simple, consistentHash and backendUtilization may be set",
        );
    }
    if let Some(ch) = &lb.consistent_hash {
        let cp = format!("{p}.consistentHash");
        let keys = [
            ch.http_header_name.is_some(),
            ch.http_cookie.is_some(),
            ch.use_source_ip.is_some(),
            ch.http_query_parameter_name.is_some(),
        ];
        if keys.iter().filter(|b| **b).count() > 1 {
            f.error("CRD-ONEOF", &cp, "only one of httpHeaderName, httpCookie, useSourceIp and httpQueryParameterName may be set");
        }
        if ch.ring_hash.is_some() && ch.maglev.is_some() {
            f.error(
                "CRD-ONEOF",
                &cp,
                "only one of ringHash and maglev may be set",
            );
        }
        if let Some(c) = &ch.http_cookie {
            let kp = format!("{cp}.httpCookie");
            if c.name.as_deref().unwrap_or("").is_empty() {
                f.error("LB1", &kp, "name required for HttpCookie");
            }
            if let Some(ttl) = &c.ttl {
                decode_duration(ttl, &format!("{kp}.ttl"), f);
            }
            if v.at_least(1, 28) {
                let mut seen = HashSet::new();
                for (i, a) in c.attributes.iter().enumerate() {
                    let name = a.name.as_deref().unwrap_or("");
                    let ap = format!("{kp}.attributes[{i}].name");
                    if name.is_empty() {
                        f.error("LB2", ap, "cookie attribute name cannot be empty");
                    } else if !seen.insert(name) {
                        f.error(
                            "LB3",
                            ap,
                            format!("duplicate cookie attribute name: {name}"),
                        );
                    }
                }
            }
        }
        if ch.minimum_ring_size.is_some_and(|n| n != 0) {
            f.warning(
                "LB4",
                format!("{cp}.minimumRingSize"),
                "consistent hash MinimumRingSize is deprecated, use ConsistentHashLB's RingHash configuration instead",
            );
            if ch.ring_hash.is_some() || ch.maglev.is_some() {
                f.error(
                    "LB5",
                    format!("{cp}.minimumRingSize"),
                    "only one of MinimumRingSize or Maglev/Ringhash can be specified",
                );
            }
        }
        if let Some(m) = &ch.maglev
            && v.at_least(1, 23)
        {
            let mp = format!("{cp}.maglev.tableSize");
            let size = m.table_size.unwrap_or(0);
            if size == 0 {
                f.error("LB6", &mp, "tableSize must be set for maglev");
            }
            if size >= 5_000_011 {
                f.error("LB7", &mp, "tableSize must be less than 5000011 for maglev");
            }
            if !is_prime(size) {
                f.error("LB8", &mp, "tableSize must be a prime number for maglev");
            }
        }
    }
    if lb.locality_lb_setting.is_some() && lb.zone_aware_lb_setting.is_some() && v.at_least(1, 31) {
        f.error(
            "LB9",
            p,
            "only one of localityLbSetting and zoneAwareLbSetting can be set",
        );
    }
    if let Some(ll) = &lb.locality_lb_setting {
        check_locality(ll, outlier, &format!("{p}.localityLbSetting"), f);
    }
    if let Some(za) = &lb.zone_aware_lb_setting {
        check_zone_aware(za, outlier, &format!("{p}.zoneAwareLbSetting"), f);
    }
    if let Some(w) = &lb.warmup_duration_secs {
        // No webhook check; the CRD's CEL wants a valid duration of at least 1ms.
        match parse_go_duration(w) {
            Some(n) if n >= NANOS_PER_MS => {}
            _ => f.error(
                "CRD-DURATION",
                format!("{p}.warmupDurationSecs"),
                format!("must be a valid duration greater than 1ms (got {w:?})"),
            ),
        }
    }
    if let Some(w) = &lb.warmup {
        let wp = format!("{p}.warmup");
        match &w.duration {
            None => f.error("LB12", &wp, "duration is required"),
            Some(d) => f.check("LB13", format!("{wp}.duration"), validate_duration(d)),
        }
        if let Some(mp) = w.minimum_percent {
            if mp > 100.0 {
                f.error(
                    "LB14",
                    format!("{wp}.minimumPercent"),
                    "minimumPercent value should be less than or equal to 100",
                );
            } else if mp < 0.0 {
                f.error(
                    "CRD-RANGE",
                    format!("{wp}.minimumPercent"),
                    "minimumPercent must be between 0 and 100",
                );
            }
        }
        if let Some(a) = w.aggression {
            if v.at_least(1, 31) {
                if a <= 0.0 {
                    f.error(
                        "LB15",
                        format!("{wp}.aggression"),
                        "aggression should be greater than 0",
                    );
                }
            } else if a < 1.0 {
                f.error("LB15", format!("{wp}.aggression"), format!("aggression should be greater than or equal to 1 (Istio {v}; 1.31 accepts any value above 0)"));
            }
        }
    }
}

fn check_locality(
    ll: &LocalityLbSetting,
    outlier: Option<&OutlierDetection>,
    p: &str,
    f: &mut Findings,
) {
    if !ll.distribute.is_empty() && !ll.failover.is_empty() {
        f.error(
            "LL1",
            p,
            "can not simultaneously specify 'distribute' and 'failover'",
        );
        return;
    }
    if !ll.failover.is_empty()
        && let Some(l) = ll
            .failover_priority
            .iter()
            .find(|l| TOPOLOGY_LABELS.contains(&l.as_str()))
    {
        f.error("LL2", format!("{p}.failoverPriority"), format!("can not simultaneously set 'failover' and topology label '{l}' in 'failover_priority'"));
        return;
    }
    let mut sources = Vec::new();
    for (i, d) in ll.distribute.iter().enumerate() {
        let dp = format!("{p}.distribute[{i}]");
        sources.push(d.from.clone().unwrap_or_default());
        let mut total: u64 = 0;
        for (loc, w) in &d.to {
            if *w == 0 || *w > 100 {
                f.error(
                    "LL3",
                    join_key(&format!("{dp}.to"), loc),
                    "locality weight must be in range [1, 100]",
                );
                return;
            }
            total += u64::from(*w);
        }
        if total != 100 {
            f.error(
                "LL4",
                format!("{dp}.to"),
                format!("total locality weight {total} != 100"),
            );
            return;
        }
        // Go iterates the map in random order; checking broad localities first finds every overlap.
        let mut dests: Vec<String> = d.to.keys().cloned().collect();
        dests.sort_by_key(|l| (l != "*", l.matches('/').count(), !l.ends_with('*')));
        if let Err(m) = validate_localities(&dests) {
            f.error("LL5", format!("{dp}.to"), m);
        }
    }
    if let Err(m) = validate_localities(&sources) {
        f.error("LL5", format!("{p}.distribute"), m);
    }
    if (!ll.failover.is_empty() || !ll.failover_priority.is_empty()) && outlier.is_none() {
        f.warning(
            "LL6",
            p,
            "outlier detection policy must be provided for failover",
        );
    }
    failovers(
        &ll.failover,
        p,
        ["LL7", "LL8", "LL9"],
        [
            "locality lb failover settings must specify different regions",
            "locality lb failover only specify region",
            "locality lb failover region should not contain '*' wildcard",
        ],
        f,
    );
}

/// The failover entries' rules, shared by locality and zone-aware settings:
/// different regions, regions only, no wildcard.
fn failovers(
    list: &[LocalityFailover],
    p: &str,
    codes: [&str; 3],
    messages: [&str; 3],
    f: &mut Findings,
) {
    for (i, fo) in list.iter().enumerate() {
        let fp = format!("{p}.failover[{i}]");
        let (from, to) = (
            fo.from.as_deref().unwrap_or(""),
            fo.to.as_deref().unwrap_or(""),
        );
        if from == to {
            f.error(codes[0], &fp, messages[0]);
        }
        if from.contains('/') || to.contains('/') {
            f.error(codes[1], &fp, messages[1]);
        }
        if from.contains('*') || to.contains('*') {
            f.error(codes[2], &fp, messages[2]);
        }
    }
}

/// `validateLocalities`: wildcard placement, empty segments, overlap with earlier entries.
fn validate_localities(localities: &[String]) -> Result<(), String> {
    use std::collections::HashMap;
    let mut map: HashMap<String, HashMap<String, HashSet<String>>> = HashMap::new();
    let overlap = |l: &str| format!("locality {l} overlap with previous specified ones");
    for l in localities {
        let stars = l.matches('*').count();
        if stars > 1 || (stars == 1 && !l.ends_with('*')) {
            return Err(format!(
                "locality {l} wildcard '*' number can not exceed 1 and must be in the end"
            ));
        }
        if map.contains_key("*") {
            return Err(overlap(l));
        }
        let items: Vec<&str> = l.splitn(3, '/').collect();
        if items.iter().any(|i| i.is_empty()) {
            return Err(format!(
                "locality {l} must not contain empty region/zone/subzone info"
            ));
        }
        let region = items[0].to_string();
        match items.len() {
            1 => {
                if map.contains_key(&region) {
                    return Err(overlap(l));
                }
                map.insert(
                    region,
                    HashMap::from([("*".to_string(), HashSet::from(["*".to_string()]))]),
                );
            }
            2 => {
                let zone = items[1].to_string();
                match map.get_mut(&region) {
                    Some(zones) => {
                        if zones.contains_key("*") || zones.contains_key(&zone) {
                            return Err(overlap(l));
                        }
                        zones.insert(zone, HashSet::from(["*".to_string()]));
                    }
                    None => {
                        map.insert(
                            region,
                            HashMap::from([(zone, HashSet::from(["*".to_string()]))]),
                        );
                    }
                }
            }
            _ => {
                let (zone, sub) = (items[1].to_string(), items[2].to_string());
                match map.get_mut(&region) {
                    Some(zones) => {
                        if zones.contains_key("*") {
                            return Err(overlap(l));
                        }
                        match zones.get_mut(&zone) {
                            Some(subs) => {
                                if subs.contains("*") || subs.contains(&sub) {
                                    return Err(overlap(l));
                                }
                                subs.insert(sub);
                            }
                            None => {
                                zones.insert(zone, HashSet::from([sub]));
                            }
                        }
                    }
                    None => {
                        map.insert(region, HashMap::from([(zone, HashSet::from([sub]))]));
                    }
                }
            }
        }
    }
    Ok(())
}

fn check_zone_aware(
    za: &ZoneAwareLbSetting,
    outlier: Option<&OutlierDetection>,
    p: &str,
    f: &mut Findings,
) {
    for (i, l) in za.failover_priority.iter().enumerate() {
        if TOPOLOGY_LABELS.contains(&l.as_str()) {
            f.error(
                "ZA1",
                format!("{p}.failoverPriority[{i}]"),
                format!("'failover_priority' for zone aware lb must not use topology label '{l}': region and zone partitioning is automatic"),
            );
        }
    }
    if (!za.failover.is_empty() || !za.failover_priority.is_empty()) && outlier.is_none() {
        f.warning(
            "ZA2",
            p,
            "outlier detection policy must be provided for failover",
        );
    }
    failovers(
        &za.failover,
        p,
        ["ZA3", "ZA4", "ZA5"],
        [
            "zone aware lb failover settings must specify different regions",
            "zone aware lb failover only specifies region; remove the zone/subzone part",
            "zone aware lb failover region should not contain '*' wildcard",
        ],
        f,
    );
    if za.min_cluster_size == Some(0) {
        f.error(
            "CRD-RANGE",
            format!("{p}.minClusterSize"),
            "minClusterSize must be at least 1",
        );
    }
}

/// `ValidateTLS` (TLS1–TLS7).
pub fn check_tls(
    tls: Option<&ClientTlsSettings>,
    p: &str,
    namespace: &str,
    opts: &Options,
    f: &mut Findings,
) {
    let Some(tls) = tls else { return };
    let set = |s: &Option<String>| s.as_deref().is_some_and(|s| !s.is_empty());
    let cred = tls.credential_name.as_deref().unwrap_or("");
    if opts.istio_version.at_least(1, 26)
        && let Some(rest) = cred.strip_prefix("configmap://")
    {
        let cp = format!("{p}.credentialName");
        match rest.split_once('/') {
            Some((ns, name)) if !ns.is_empty() && !name.is_empty() && !name.contains('/') => {
                if ns != namespace {
                    f.error("TLS2", cp, format!("invalid configmap:// credentialName {cred:?}: namespace must match the configuration namespace {namespace:?}"));
                }
            }
            _ => f.error("TLS1", cp, format!("invalid configmap:// credentialName: {cred:?}: expected configmap://<namespace>/<name>")),
        }
    }
    let mode = tls.mode();
    if tls.insecure_skip_verify == Some(true) {
        if mode == TlsMode::Simple
            && (set(&tls.ca_certificates) || !cred.is_empty() || !tls.subject_alt_names.is_empty())
        {
            f.error("TLS3", p, "cannot specify CaCertificates or CredentialName or SubjectAltNames when InsecureSkipVerify is set true");
        }
        if mode == TlsMode::Mutual
            && (set(&tls.ca_certificates) || !tls.subject_alt_names.is_empty())
        {
            f.error("TLS4", p, "cannot specify CaCertificates or SubjectAltNames when InsecureSkipVerify is set true");
        }
    }
    if matches!(mode, TlsMode::Simple | TlsMode::Mutual) && !cred.is_empty() {
        let crl = opts.istio_version.at_least(1, 22) && set(&tls.ca_crl);
        if set(&tls.client_certificate) || set(&tls.ca_certificates) || set(&tls.private_key) || crl
        {
            f.error("TLS5", p, "cannot specify client certificates or CA certificate or CA CRL If credentialName is set");
        }
        return;
    }
    if mode == TlsMode::Mutual {
        if !set(&tls.client_certificate) {
            f.error(
                "TLS6",
                format!("{p}.clientCertificate"),
                "client certificate required for mutual tls",
            );
        }
        if !set(&tls.private_key) {
            f.error(
                "TLS7",
                format!("{p}.privateKey"),
                "private key required for mutual tls",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::validate_localities;

    fn v(l: &[&str]) -> Result<(), String> {
        validate_localities(&l.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn localities() {
        assert!(v(&["a/b/c", "a/b/d", "a/e"]).is_ok());
        assert!(v(&["*", "a"]).is_err());
        assert!(v(&["a/*", "a/b"]).is_err());
        assert!(v(&["a/b", "a/b/c"]).is_err());
        assert!(v(&["a/b/c", "a/b"]).is_err());
        assert!(v(&["a*/b"]).is_err());
        assert!(v(&["a//c"]).is_err());
    }
}
