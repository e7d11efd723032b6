//! `ValidateServiceEntry` (validation.md §2) plus the ServiceEntry CRD's CEL rules
//! that the webhook does not cover (§6.1).

use super::blocks::*;
use super::export_to::validate_export_to;
use super::{Findings, Options};
use crate::model::{Location, Resolution, ServiceEntry, WorkloadEntry};
use crate::yaml::join_key;
use std::collections::HashSet;

const UNIX_PREFIX: &str = "unix://";

pub fn check(se: &ServiceEntry, opts: &Options, f: &mut Findings) {
    let v = opts.istio_version;
    let spec = &se.spec;
    let namespace = se.metadata.namespace.as_deref().unwrap_or("default");
    let resolution = spec.resolution();
    let endpoints = spec.endpoints();

    // SE1–SE3: workload selector.
    if let Some(sel) = &spec.workload_selector {
        for (k, val) in &sel.labels {
            let p = join_key("spec.workloadSelector.labels", k);
            if k.is_empty() {
                f.error("SE1", &p, "empty key is not supported in selector");
            }
            if k.contains('*') || val.contains('*') {
                f.error("SE2", &p, "wildcard is not supported in selector");
            }
            if val.len() > 63 {
                f.error(
                    "CRD-LIMIT",
                    &p,
                    format!(
                        "selector label value is {} characters; at most 63 are allowed",
                        val.len()
                    ),
                );
            }
        }
        if sel.labels.is_empty() {
            f.warning(
                "SE3",
                "spec.workloadSelector",
                "service entry: workload selector specified without labels, will be applied to all services in namespace",
            );
        }
        if !endpoints.is_empty() {
            f.error(
                "SE4",
                "spec.endpoints",
                "only one of WorkloadSelector or Endpoints is allowed in Service Entry",
            );
        } else if spec.endpoints.is_some() && v.at_least(1, 24) {
            f.error("CRD-SE-ONEOF", "spec.endpoints", "only one of WorkloadSelector or Endpoints can be set (an explicit `endpoints: []` counts as set): remove one");
        }
    }

    // SE5–SE8: hosts.
    let hosts = spec.hosts();
    if hosts.is_empty() {
        f.error(
            "SE5",
            "spec.hosts",
            "service entry must have at least one host",
        );
    }
    for (i, h) in hosts.iter().enumerate() {
        let p = format!("spec.hosts[{i}]");
        if h == "*" {
            f.error("SE6", &p, "invalid host *: a ServiceEntry cannot match every host; use a wildcard such as *.example.com");
            continue;
        }
        f.check("SE7", &p, validate_wildcard_domain(h));
        if resolution != Resolution::DynamicDns
            && let Err(m) = validate_partial_wildcard(h)
        {
            f.warning("SE8", &p, m);
        }
    }

    // SE9–SE10: addresses.
    let mut cidr = false;
    for (i, a) in spec.addresses.iter().enumerate() {
        cidr |= a.contains('/');
        f.check("SE9", format!("spec.addresses[{i}]"), validate_ip_subnet(a));
    }
    if cidr && !matches!(resolution, Resolution::None | Resolution::Static) {
        f.error(
            "SE10",
            "spec.addresses",
            "CIDR addresses are allowed only for NONE/STATIC resolution types",
        );
    }

    // SE11–SE17: ports.
    let auto_allocate = v.at_least(1, 24)
        && resolution != Resolution::None
        && spec.addresses.is_empty()
        && se
            .metadata
            .labels
            .get("networking.istio.io/enable-autoallocate-ip")
            .map(String::as_str)
            != Some("false");
    let mut names = HashSet::new();
    let mut numbers = HashSet::new();
    for (i, port) in spec.ports.iter().enumerate() {
        let p = format!("spec.ports[{i}]");
        let name = port.name.as_deref().unwrap_or("");
        let protocol = port.protocol.as_deref().unwrap_or("");
        if !names.insert(name) {
            f.error(
                "SE11",
                format!("{p}.name"),
                format!("service entry port name {name:?} already defined"),
            );
        }
        if let Some(n) = port.number
            && !numbers.insert(n)
        {
            f.error(
                "SE12",
                format!("{p}.number"),
                format!("service entry port {n} already defined"),
            );
        }
        match port.target_port {
            Some(0) => f.error("CRD-RANGE", format!("{p}.targetPort"), "targetPort must be between 1-65535 (the CRD rejects 0; leave it out to use the port number)"),
            Some(t) => f.check("SE13", format!("{p}.targetPort"), validate_port(u64::from(t))),
            None => {}
        }
        if !auto_allocate && spec.addresses.is_empty() && (protocol.is_empty() || protocol == "TCP")
        {
            f.warning(
                "SE14",
                &p,
                "addresses are required for ports serving TCP (or unset) protocol when IP Autoallocation is not enabled",
            );
        }
        match &port.name {
            None => f.error("CRD-REQUIRED", &p, "port name is required"),
            Some(n) if !is_dns1123_label(n) => f.error(
                "SE15",
                format!("{p}.name"),
                format!("invalid port name: {n}"),
            ),
            Some(n) if n.len() > 256 => f.error(
                "CRD-LIMIT",
                format!("{p}.name"),
                "port name longer than 256 characters",
            ),
            Some(_) => {}
        }
        f.check("SE16", format!("{p}.protocol"), validate_protocol(protocol));
        if protocol.len() > 256 {
            f.error(
                "CRD-LIMIT",
                format!("{p}.protocol"),
                "protocol longer than 256 characters",
            );
        }
        match port.number {
            None => f.error("CRD-REQUIRED", &p, "port number is required"),
            Some(n) => f.check("SE17", format!("{p}.number"), validate_port(u64::from(n))),
        }
    }

    let port_names: HashSet<&str> = spec
        .ports
        .iter()
        .filter_map(|p| p.name.as_deref())
        .collect();
    match resolution {
        Resolution::None => {
            if !endpoints.is_empty() {
                f.error(
                    "SE18",
                    "spec.endpoints",
                    "no endpoints should be provided for resolution type none",
                );
            } else if spec.endpoints.is_some() && v.at_least(1, 24) {
                f.error("CRD-SE-NONE-ENDPOINTS", "spec.endpoints", "NONE mode cannot set endpoints (the CRD counts an explicit `endpoints: []`): remove it");
            }
            if spec.workload_selector.is_some() {
                f.warning(
                    "SE19",
                    "spec.workloadSelector",
                    "workloadSelector should not be set when resolution mode is NONE",
                );
            }
        }
        Resolution::Static => {
            let mut unix = false;
            for (i, ep) in endpoints.iter().enumerate() {
                unix |= check_static_endpoint(ep, &format!("spec.endpoints[{i}]"), &port_names, f);
            }
            if unix && spec.ports.len() != 1 {
                f.error(
                    "SE29",
                    "spec.ports",
                    "exactly 1 service port required for unix endpoints",
                );
            }
        }
        Resolution::Dns | Resolution::DnsRoundRobin => {
            if endpoints.is_empty()
                && let Some(i) = hosts.iter().position(|h| validate_fqdn(h).is_err())
            {
                f.error(
                    "SE30",
                    format!("spec.hosts[{i}]"),
                    format!("hosts must be FQDN or contain only prefix wildcards if no endpoints are provided for resolution mode {resolution}"),
                );
            }
            if resolution == Resolution::DnsRoundRobin && endpoints.len() > 1 {
                f.error(
                    "SE31",
                    "spec.endpoints",
                    "there must only be 0 or 1 endpoint for resolution mode DNS_ROUND_ROBIN",
                );
            }
            for (i, ep) in endpoints.iter().enumerate() {
                let p = format!("spec.endpoints[{i}]");
                let addr = ep.address.as_deref().unwrap_or("");
                if parse_ip(addr).is_none() && validate_fqdn(addr).is_err() {
                    f.error(
                        "SE32",
                        format!("{p}.address"),
                        format!("endpoint address {addr:?} is not a valid FQDN or an IP address"),
                    );
                }
                check_labels(&ep.labels, &format!("{p}.labels"), "SE33", f);
                check_endpoint_ports(ep, &p, &port_names, "SE34", f);
            }
            if !spec.addresses.is_empty()
                && hosts.len() > 1
                && spec
                    .ports
                    .iter()
                    .any(|p| Protocol::parse(p.protocol.as_deref().unwrap_or("")).is_tcp())
            {
                f.warning(
                    "SE35",
                    "spec.hosts",
                    "service entry can not have more than one host specified simultaneously with address and tcp port",
                );
            }
        }
        Resolution::DynamicDns => {
            if hosts.is_empty() {
                f.error(
                    "SE36",
                    "spec.hosts",
                    "at least one wildcard host must be provided for resolution type DYNAMIC_DNS",
                );
            }
            for (i, h) in hosts.iter().enumerate() {
                if !h.starts_with('*') {
                    f.error(
                        "SE37",
                        format!("spec.hosts[{i}]"),
                        "host must be wildcarded for resolution mode DYNAMIC_DNS",
                    );
                }
            }
            if !spec.addresses.is_empty() {
                f.error("SE38", "spec.addresses", "addresses cannot be set for resolution type DYNAMIC_DNS: names are resolved per request");
            }
            if !endpoints.is_empty() {
                f.error("SE39", "spec.endpoints", "endpoints cannot be set for resolution type DYNAMIC_DNS: names are resolved per request");
            }
            let (allowed, list): (&[Protocol], &str) = if v.at_least(1, 30) {
                (
                    &[
                        Protocol::Http,
                        Protocol::Tls,
                        Protocol::Grpc,
                        Protocol::Http2,
                    ],
                    "HTTP, TLS, GRPC, and HTTP2",
                )
            } else if v.at_least(1, 29) {
                (&[Protocol::Http, Protocol::Tls], "HTTP and TLS")
            } else {
                (&[Protocol::Http], "HTTP")
            };
            for (i, port) in spec.ports.iter().enumerate() {
                let proto = port.protocol.as_deref().unwrap_or("");
                if !allowed.contains(&Protocol::parse(proto)) {
                    f.error(
                        "SE40",
                        format!("spec.ports[{i}].protocol"),
                        format!("only {list} protocols are supported for resolution type DYNAMIC_DNS (got {proto:?})"),
                    );
                }
            }
            if spec.location() == Location::MeshInternal {
                if !v.at_least(1, 30) {
                    f.error("SE42", "spec.location", format!("location MESH_INTERNAL is not supported with resolution type DYNAMIC_DNS in Istio {v}"));
                } else if se
                    .metadata
                    .labels
                    .get("istio.io/use-waypoint")
                    .is_some_and(|w| !w.is_empty() && w != "none")
                {
                    f.error("SE42", "spec.location", "location MESH_INTERNAL with resolution type DYNAMIC_DNS is not supported when using waypoints");
                }
            }
        }
    }

    // SE44: several hosts need ports the proxy can tell apart by Host header or SNI.
    if resolution != Resolution::None
        && hosts.len() > 1
        && let Some(i) = spec.ports.iter().position(|p| {
            let proto = Protocol::parse(p.protocol.as_deref().unwrap_or(""));
            !proto.is_http() && !proto.is_tls()
        })
    {
        f.error(
            "SE44",
            format!("spec.ports[{i}].protocol"),
            "multiple hosts provided with non-HTTP, non-TLS ports",
        );
    }

    // SE45
    validate_export_to(namespace, &spec.export_to, true, false, f);

    // CRD list and string limits (§6.1).
    limit_items(f, "spec.hosts", hosts.len(), 256);
    limit_items(f, "spec.addresses", spec.addresses.len(), 256);
    limit_items(f, "spec.ports", spec.ports.len(), 256);
    limit_items(f, "spec.endpoints", endpoints.len(), 4096);
    for (i, a) in spec.addresses.iter().enumerate() {
        limit_len(f, &format!("spec.addresses[{i}]"), a, 64);
    }
    if v.at_least(1, 24) {
        for (i, ep) in endpoints.iter().enumerate() {
            check_endpoint_crd(ep, &format!("spec.endpoints[{i}]"), resolution, f);
        }
    }
}

/// validateWorkloadEntry with allowFQDN = false. Returns true for a unix endpoint.
fn check_static_endpoint(
    ep: &WorkloadEntry,
    p: &str,
    port_names: &HashSet<&str>,
    f: &mut Findings,
) -> bool {
    let addr = ep.address.as_deref().unwrap_or("");
    if addr.is_empty() {
        match ep.network.as_deref() {
            None | Some("") => {
                f.error("SE20", p, "address is required");
                return false;
            }
            Some(n) => f.warning("SE21", p, format!("address is unset with network {n:?}")),
        }
    }
    let mut unix = false;
    if let Some(path) = addr.strip_prefix(UNIX_PREFIX) {
        unix = true;
        if path.is_empty() {
            f.error(
                "SE22",
                format!("{p}.address"),
                "unix address must not be empty",
            );
        } else if !path.starts_with('@') && (!path.starts_with('/') || path.ends_with('/')) {
            f.error(
                "SE23",
                format!("{p}.address"),
                format!("{path} is not an absolute path to a file"),
            );
        }
        if ep.ports.as_ref().is_some_and(|m| !m.is_empty()) {
            f.error(
                "SE24",
                format!("{p}.ports"),
                format!("unix endpoint {addr} must not include ports"),
            );
        }
    } else if !addr.is_empty() && parse_ip(addr).is_none() {
        f.error(
            "SE25",
            format!("{p}.address"),
            format!("endpoint address {addr:?} is not a valid IP address"),
        );
    }
    check_endpoint_ports(ep, p, port_names, "SE27", f);
    check_labels(&ep.labels, &format!("{p}.labels"), "SE28", f);
    unix
}

fn check_endpoint_ports(
    ep: &WorkloadEntry,
    p: &str,
    port_names: &HashSet<&str>,
    code: &str,
    f: &mut Findings,
) {
    let Some(ports) = &ep.ports else { return };
    for (name, port) in ports {
        let pp = join_key(&format!("{p}.ports"), name);
        if !port_names.contains(name.as_str()) {
            let c = if code == "SE27" { "SE26" } else { code };
            f.error(c, &pp, format!("endpoint port {port} is not defined by the service entry (no port named {name:?})"));
        }
        if !is_dns1123_label(name) {
            f.error(code, &pp, format!("invalid port name: {name}"));
        }
        f.check(code, &pp, validate_port(u64::from(*port)));
    }
}

pub(super) fn check_labels(
    labels: &indexmap::IndexMap<String, String>,
    p: &str,
    code: &str,
    f: &mut Findings,
) {
    for (k, v) in labels {
        let lp = join_key(p, k);
        f.check(code, &lp, validate_label_key(k));
        f.check(code, &lp, validate_label_value(v));
    }
}

/// The endpoint CEL rules, where the webhook rules for the resolution do not already apply.
fn check_endpoint_crd(ep: &WorkloadEntry, p: &str, resolution: Resolution, f: &mut Findings) {
    let addr = ep.address.as_deref();
    if let Some(a) = addr {
        limit_len(f, &format!("{p}.address"), a, 256);
    }
    limit_len(
        f,
        &format!("{p}.network"),
        ep.network.as_deref().unwrap_or(""),
        2048,
    );
    limit_len(
        f,
        &format!("{p}.locality"),
        ep.locality.as_deref().unwrap_or(""),
        2048,
    );
    limit_len(
        f,
        &format!("{p}.serviceAccount"),
        ep.service_account.as_deref().unwrap_or(""),
        253,
    );
    if ep.labels.len() > 256 {
        f.error(
            "CRD-LIMIT",
            format!("{p}.labels"),
            "at most 256 labels are allowed",
        );
    }
    if ep.ports.as_ref().is_some_and(|m| m.len() > 128) {
        f.error(
            "CRD-LIMIT",
            format!("{p}.ports"),
            "at most 128 endpoint ports are allowed",
        );
    }
    // Under STATIC and DNS the webhook rules above already cover these.
    if matches!(
        resolution,
        Resolution::Static | Resolution::Dns | Resolution::DnsRoundRobin
    ) {
        return;
    }
    if addr.is_none() && ep.network.is_none() {
        f.error("CRD-SE-ADDRESS", p, "Address is required");
    }
    if let Some(path) = addr.and_then(|a| a.strip_prefix(UNIX_PREFIX)) {
        if ep.ports.is_some() {
            f.error(
                "CRD-SE-UDS",
                format!("{p}.ports"),
                "UDS may not include ports",
            );
        }
        if !(path.starts_with('/') || path.starts_with('@')) {
            f.error(
                "CRD-SE-UDS",
                format!("{p}.address"),
                "UDS must be an absolute path or abstract socket",
            );
        }
        if path.ends_with('/') {
            f.error("CRD-SE-UDS", format!("{p}.address"), "UDS may not be a dir");
        }
    }
    if let Some(ports) = &ep.ports {
        for (name, port) in ports {
            let pp = join_key(&format!("{p}.ports"), name);
            if !(name.len() < 63 && is_dns1123_label(name)) {
                f.error("CRD-SE-PORT-NAME", &pp, "port name must be valid");
            }
            if !(1..=65535).contains(port) {
                f.error("CRD-RANGE", &pp, "port must be between 1-65535");
            }
        }
    }
}

pub(super) fn limit_items(f: &mut Findings, p: &str, n: usize, max: usize) {
    if n > max {
        f.error(
            "CRD-LIMIT",
            p,
            format!("{n} items; at most {max} are allowed"),
        );
    }
}

pub(super) fn limit_len(f: &mut Findings, p: &str, s: &str, max: usize) {
    if s.chars().count() > max {
        f.error(
            "CRD-LIMIT",
            p,
            format!(
                "{} characters; at most {max} are allowed",
                s.chars().count()
            ),
        );
    }
}
