//! Checks on the object as a whole: metadata rules, top-level keys, keys the API
//! does not know, and fields newer than the chosen Istio release.

use super::{Findings, IstioVersion, Options};
use crate::model::*;
use crate::yaml::join_key;

/// Metadata rules (validation.md §1) and the top-level key check.
pub fn check_object(meta: &ObjectMeta, extra: &Extra, f: &mut Findings) {
    if meta.annotations.contains_key("istio.io/dry-run") {
        f.error(
            "META1",
            "metadata.annotations[\"istio.io/dry-run\"]",
            "has unsupported annotation istio.io/dry-run, please remove the annotation (it is only allowed on AuthorizationPolicy)",
        );
    }
    for a in [
        "internal.istio.io/webhook-always-reject",
        "internal.istio.io/parent-namespace",
        "internal.istio.io/parents",
    ] {
        if meta.annotations.contains_key(a) {
            f.error(
                "META2",
                join_key("metadata.annotations", a),
                format!("annotation {a} is internal: this may not be set by users"),
            );
        }
    }
    match meta.name.as_deref() {
        None | Some("") => {
            if !meta.extra.contains_key("generateName") {
                f.error(
                    "META4",
                    "metadata.name",
                    "metadata.name is required: the API server rejects an object without one",
                );
            }
        }
        Some(n)
            if !super::blocks::is_dns1123_subdomain(n)
                || n.chars().any(|c| c.is_ascii_uppercase()) =>
        {
            f.error("META4", "metadata.name", format!("the API server will reject name {n:?}: must be a lowercase DNS-1123 subdomain (a-z, 0-9, '-', '.'; at most 253 characters)"));
        }
        Some(_) => {}
    }
    if let Some(ns) = meta.namespace.as_deref()
        && (!super::blocks::is_dns1123_label(ns) || ns.chars().any(|c| c.is_ascii_uppercase()))
    {
        f.error(
            "META4",
            "metadata.namespace",
            format!(
                "the API server will reject namespace {ns:?}: must be a lowercase DNS-1123 label"
            ),
        );
    }
    for key in extra.keys() {
        f.error("META3", key.as_str(), format!("unknown field {key:?}: only apiVersion, kind, metadata, spec and status are allowed at the top level"));
    }
    check_metadata_labels(meta, f);
}

/// META5: the object's own labels, as the API server validates them.
fn check_metadata_labels(meta: &ObjectMeta, f: &mut Findings) {
    use super::blocks::{validate_label_key, validate_label_value};
    use super::diagnostic::quoted;
    const SHAPE: &str =
        "at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
    for (k, v) in &meta.labels {
        let path = join_key("metadata.labels", k);
        if validate_label_key(k).is_err() {
            f.error(
                "META5",
                &path,
                format!(
                    "the API server will reject label key {}: a key is an optional DNS subdomain and '/', then {SHAPE}",
                    quoted(k)
                ),
            );
        }
        if validate_label_value(v).is_err() {
            f.error(
                "META5",
                &path,
                format!(
                    "the API server will reject the value {} of label {}: a value is empty or {SHAPE}",
                    quoted(v),
                    quoted(k)
                ),
            );
        }
    }
}

/// Reports keys a message does not know. Visits every message of the model.
pub struct Unknown<'a> {
    pub f: &'a mut Findings,
}

impl Unknown<'_> {
    fn extra(&mut self, path: &str, extra: &Extra) {
        for key in extra.keys() {
            let camel = snake_to_camel(key);
            let hint = if camel != *key {
                format!("; did you mean {camel:?}? The API server only knows camelCase names")
            } else {
                String::new()
            };
            self.f.error(
                "CRD-UNKNOWN-FIELD",
                join_key(path, key),
                format!("unknown field {key:?}: the API server prunes it, or rejects it under strict field validation{hint}"),
            );
        }
    }

    pub fn service_entry(&mut self, se: &ServiceEntrySpec) {
        self.extra("spec", &se.extra);
        for (i, p) in se.ports.iter().enumerate() {
            self.extra(&format!("spec.ports[{i}]"), &p.extra);
        }
        for (i, e) in se.endpoints().iter().enumerate() {
            self.extra(&format!("spec.endpoints[{i}]"), &e.extra);
        }
        if let Some(s) = &se.workload_selector {
            self.extra("spec.workloadSelector", &s.extra);
        }
    }

    pub fn destination_rule(&mut self, dr: &DestinationRuleSpec) {
        self.extra("spec", &dr.extra);
        if let Some(tp) = &dr.traffic_policy {
            self.policy("spec.trafficPolicy", tp);
        }
        for (i, s) in dr.subsets.iter().enumerate() {
            let p = format!("spec.subsets[{i}]");
            self.extra(&p, &s.extra);
            if let Some(tp) = &s.traffic_policy {
                self.policy(&format!("{p}.trafficPolicy"), tp);
            }
        }
        if let Some(s) = &dr.workload_selector {
            self.extra("spec.workloadSelector", &s.extra);
        }
    }

    fn policy(&mut self, p: &str, tp: &TrafficPolicy) {
        self.extra(p, &tp.extra);
        self.parts(
            p,
            tp.load_balancer.as_deref(),
            tp.connection_pool.as_deref(),
            tp.outlier_detection.as_ref(),
            tp.tls.as_ref(),
        );
        for (i, pl) in tp.port_level_settings.iter().enumerate() {
            let pp = format!("{p}.portLevelSettings[{i}]");
            self.extra(&pp, &pl.extra);
            if let Some(port) = &pl.port {
                self.extra(&format!("{pp}.port"), &port.extra);
            }
            self.parts(
                &pp,
                pl.load_balancer.as_deref(),
                pl.connection_pool.as_deref(),
                pl.outlier_detection.as_ref(),
                pl.tls.as_ref(),
            );
        }
        if let Some(t) = &tp.tunnel {
            self.extra(&format!("{p}.tunnel"), &t.extra);
        }
        if let Some(t) = &tp.proxy_protocol {
            self.extra(&format!("{p}.proxyProtocol"), &t.extra);
        }
        if let Some(t) = &tp.retry_budget {
            self.extra(&format!("{p}.retryBudget"), &t.extra);
        }
    }

    fn parts(
        &mut self,
        p: &str,
        lb: Option<&LoadBalancerSettings>,
        cp: Option<&ConnectionPoolSettings>,
        od: Option<&OutlierDetection>,
        tls: Option<&ClientTlsSettings>,
    ) {
        if let Some(lb) = lb {
            let lp = format!("{p}.loadBalancer");
            self.extra(&lp, &lb.extra);
            if let Some(ch) = &lb.consistent_hash {
                let cp = format!("{lp}.consistentHash");
                self.extra(&cp, &ch.extra);
                if let Some(c) = &ch.http_cookie {
                    self.extra(&format!("{cp}.httpCookie"), &c.extra);
                    for (i, a) in c.attributes.iter().enumerate() {
                        self.extra(&format!("{cp}.httpCookie.attributes[{i}]"), &a.extra);
                    }
                }
                if let Some(r) = &ch.ring_hash {
                    self.extra(&format!("{cp}.ringHash"), &r.extra);
                }
                if let Some(m) = &ch.maglev {
                    self.extra(&format!("{cp}.maglev"), &m.extra);
                }
            }
            if let Some(ll) = &lb.locality_lb_setting {
                let llp = format!("{lp}.localityLbSetting");
                self.extra(&llp, &ll.extra);
                for (i, d) in ll.distribute.iter().enumerate() {
                    self.extra(&format!("{llp}.distribute[{i}]"), &d.extra);
                }
                for (i, d) in ll.failover.iter().enumerate() {
                    self.extra(&format!("{llp}.failover[{i}]"), &d.extra);
                }
            }
            if let Some(za) = &lb.zone_aware_lb_setting {
                let zp = format!("{lp}.zoneAwareLbSetting");
                self.extra(&zp, &za.extra);
                for (i, d) in za.failover.iter().enumerate() {
                    self.extra(&format!("{zp}.failover[{i}]"), &d.extra);
                }
            }
            if let Some(w) = &lb.warmup {
                self.extra(&format!("{lp}.warmup"), &w.extra);
            }
            if let Some(b) = &lb.backend_utilization {
                self.extra(&format!("{lp}.backendUtilization"), &b.extra);
            }
        }
        if let Some(cp) = cp {
            let pp = format!("{p}.connectionPool");
            self.extra(&pp, &cp.extra);
            if let Some(t) = &cp.tcp {
                self.extra(&format!("{pp}.tcp"), &t.extra);
                if let Some(k) = &t.tcp_keepalive {
                    self.extra(&format!("{pp}.tcp.tcpKeepalive"), &k.extra);
                }
            }
            if let Some(h) = &cp.http {
                self.extra(&format!("{pp}.http"), &h.extra);
                if let Some(k) = &h.http2_keep_alive {
                    self.extra(&format!("{pp}.http.http2KeepAlive"), &k.extra);
                }
            }
        }
        if let Some(od) = od {
            self.extra(&format!("{p}.outlierDetection"), &od.extra);
        }
        if let Some(tls) = tls {
            self.extra(&format!("{p}.tls"), &tls.extra);
        }
    }
}

fn snake_to_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper = false;
    for c in s.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Fields (and enum values) newer than the chosen release: a warning naming the
/// release that added them. Returns the paths flagged, so rules under them can be
/// softened to warnings (that release ignores the field).
pub fn check_versions(resource: &Resource, opts: &Options, f: &mut Findings) -> Vec<String> {
    let v = opts.istio_version;
    let mut flagged = Vec::new();
    let mut since = |path: String, what: &str, major: u32, minor: u32, f: &mut Findings| {
        if v < IstioVersion::new(major, minor) {
            f.warning(
                "VERSION",
                &path,
                format!("{what} was added in Istio {major}.{minor}; Istio {v} does not know it (it is ignored or pruned there)"),
            );
            flagged.push(path);
        }
    };
    match resource {
        Resource::ServiceEntry(se) => {
            // An enum value an older release does not know fails to decode: an error.
            if se.spec.resolution == Some(Resolution::DynamicDns) && !v.at_least(1, 28) {
                f.error(
                    "VERSION",
                    "spec.resolution",
                    format!("resolution DYNAMIC_DNS was added in Istio 1.28; Istio {v} rejects it as an unknown value"),
                );
            }
        }
        Resource::DestinationRule(dr) => {
            let mut policies: Vec<(String, &TrafficPolicy)> = Vec::new();
            if let Some(tp) = &dr.spec.traffic_policy {
                policies.push(("spec.trafficPolicy".into(), tp));
            }
            for (i, s) in dr.spec.subsets.iter().enumerate() {
                if let Some(tp) = &s.traffic_policy {
                    policies.push((format!("spec.subsets[{i}].trafficPolicy"), tp));
                }
            }
            for (p, tp) in policies {
                if tp.proxy_protocol.is_some() {
                    since(format!("{p}.proxyProtocol"), "proxyProtocol", 1, 21, f);
                }
                if let Some(rb) = &tp.retry_budget {
                    since(format!("{p}.retryBudget"), "retryBudget", 1, 27, f);
                    if rb.budget_interval.is_some() {
                        since(
                            format!("{p}.retryBudget.budgetInterval"),
                            "retryBudget.budgetInterval",
                            1,
                            31,
                            f,
                        );
                    }
                }
                let mut parts = vec![(
                    p.clone(),
                    tp.load_balancer.as_deref(),
                    tp.connection_pool.as_deref(),
                    tp.outlier_detection.as_ref(),
                    tp.tls.as_ref(),
                )];
                for (i, pl) in tp.port_level_settings.iter().enumerate() {
                    parts.push((
                        format!("{p}.portLevelSettings[{i}]"),
                        pl.load_balancer.as_deref(),
                        pl.connection_pool.as_deref(),
                        pl.outlier_detection.as_ref(),
                        pl.tls.as_ref(),
                    ));
                }
                for (pp, lb, cp, od, tls) in parts {
                    if let Some(lb) = lb {
                        let lp = format!("{pp}.loadBalancer");
                        if lb.warmup.is_some() {
                            since(format!("{lp}.warmup"), "loadBalancer.warmup", 1, 24, f);
                        }
                        if lb.zone_aware_lb_setting.is_some() {
                            since(
                                format!("{lp}.zoneAwareLbSetting"),
                                "loadBalancer.zoneAwareLbSetting",
                                1,
                                31,
                                f,
                            );
                        }
                        if lb.backend_utilization.is_some() {
                            since(
                                format!("{lp}.backendUtilization"),
                                "loadBalancer.backendUtilization",
                                1,
                                31,
                                f,
                            );
                        }
                        if let Some(c) = lb
                            .consistent_hash
                            .as_ref()
                            .and_then(|c| c.http_cookie.as_ref())
                            && !c.attributes.is_empty()
                        {
                            since(
                                format!("{lp}.consistentHash.httpCookie.attributes"),
                                "httpCookie.attributes",
                                1,
                                28,
                                f,
                            );
                        }
                    }
                    if let Some(cp) = cp {
                        let cpp = format!("{pp}.connectionPool");
                        if cp.tcp.as_ref().is_some_and(|t| t.idle_timeout.is_some()) {
                            since(
                                format!("{cpp}.tcp.idleTimeout"),
                                "connectionPool.tcp.idleTimeout",
                                1,
                                21,
                                f,
                            );
                        }
                        if let Some(h) = &cp.http {
                            if h.max_concurrent_streams.is_some() {
                                since(
                                    format!("{cpp}.http.maxConcurrentStreams"),
                                    "connectionPool.http.maxConcurrentStreams",
                                    1,
                                    21,
                                    f,
                                );
                            }
                            if h.http2_keep_alive.is_some() {
                                since(
                                    format!("{cpp}.http.http2KeepAlive"),
                                    "connectionPool.http.http2KeepAlive",
                                    1,
                                    31,
                                    f,
                                );
                            }
                        }
                    }
                    if let Some(od) = od
                        && !od.outlier_detection_http_error_codes.is_empty()
                    {
                        since(
                            format!("{pp}.outlierDetection.outlierDetectionHttpErrorCodes"),
                            "outlierDetection.outlierDetectionHttpErrorCodes",
                            1,
                            31,
                            f,
                        );
                    }
                    if let Some(tls) = tls
                        && tls.ca_crl.is_some()
                    {
                        since(format!("{pp}.tls.caCrl"), "tls.caCrl", 1, 22, f);
                    }
                }
            }
        }
        Resource::Other(_) => {}
    }
    flagged
}
