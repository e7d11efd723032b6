//! `validateTrafficPolicy` and everything under it (validation.md §4), plus the
//! DestinationRule CRD's schema and CEL rules on the same messages (§6.2).

use super::blocks::*;
use super::load_balancer::check_lb;
use super::service_entry::limit_items;
use super::{Findings, Options};
use crate::model::*;

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
        tp.connection_pool.as_deref(),
        &format!("{path}.connectionPool"),
        opts,
        f,
    );
    check_lb(
        tp.load_balancer.as_deref(),
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
                pl.connection_pool.as_deref(),
                &format!("{p}.connectionPool"),
                opts,
                f,
            );
            check_lb(
                pl.load_balancer.as_deref(),
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
pub(super) fn decode_duration(d: &str, p: &str, f: &mut Findings) {
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
