//! `ValidateGateway` (egress-gateway.md §2.2: GW1–GW21, GT1–GT11) and the
//! Gateway CRD's CEL rules on `tls` (§2.3), with Istio's messages and severities.
//! What admission accepts but does not work is left to the chain checks (`chain`).

use super::blocks::{
    Protocol, is_dns1123_label, parse_ip, validate_partial_wildcard, validate_port,
    validate_wildcard_domain,
};
use super::{Findings, Options};
use crate::model::{Gateway, GatewayPort, Server, ServerTls, ServerTlsMode};
use std::collections::HashSet;

const UNIX_PREFIX: &str = "unix://";

pub fn check(gw: &Gateway, opts: &Options, f: &mut Findings) {
    let name = gw.metadata.name.as_deref().unwrap_or("");
    if !is_dns1123_label(name) {
        f.error(
            "GW1",
            "metadata.name",
            format!("invalid gateway name: {}", crate::validate::quoted(name)),
        );
    }
    if gw.spec.servers.is_empty() {
        f.error(
            "GW2",
            "spec.servers",
            "gateway must have at least one server",
        );
    }
    let mut names = HashSet::new();
    for (i, server) in gw.spec.servers.iter().enumerate() {
        let p = format!("spec.servers[{i}]");
        let Some(server) = server else {
            f.error("GW3", &p, "server may not be nil");
            continue;
        };
        check_server(server, &p, opts, f);
        if let Some(n) = server.port.as_ref().and_then(|p| p.name.as_deref())
            && !n.is_empty()
            && !names.insert(n)
        {
            f.error(
                "GW20",
                format!("{p}.port.name"),
                format!("port names in servers must be unique: duplicate name {n}"),
            );
        }
    }
}

fn check_server(server: &Server, p: &str, opts: &Options, f: &mut Findings) {
    if server.hosts.is_empty() {
        f.error(
            "GW4",
            format!("{p}.hosts"),
            "server config must contain at least one host",
        );
    }
    for (i, h) in server.hosts.iter().enumerate() {
        check_host(h, &format!("{p}.hosts[{i}]"), f);
    }
    let bind = server.bind.as_deref().unwrap_or("");
    let port_ok = check_port(server.port.as_ref(), bind, p, f);
    check_bind(server.port.as_ref(), bind, p, f);
    if let Some(tls) = &server.tls {
        check_tls(tls, &format!("{p}.tls"), opts, f);
    }
    let Some(port) = server.port.as_ref().filter(|_| port_ok) else {
        return;
    };
    let proto = Protocol::parse(port.protocol.as_deref().unwrap_or(""));
    match &server.tls {
        None if proto.is_tls() => f.error(
            "GW17",
            format!("{p}.tls"),
            "server must have TLS settings for HTTPS/TLS protocols: add tls with a mode (PASSTHROUGH, SIMPLE, MUTUAL or ISTIO_MUTUAL)",
        ),
        Some(tls) if !proto.is_tls() => {
            if proto.is_http() {
                let passthrough = tls.mode().is_some_and(ServerTlsMode::is_passthrough);
                let certs = [&tls.ca_certificates, &tls.private_key, &tls.server_certificate]
                    .iter()
                    .any(|c| c.as_deref().is_some_and(|c| !c.is_empty()));
                if !passthrough || certs {
                    f.error(
                        "GW18",
                        format!("{p}.tls"),
                        "server cannot have TLS settings for plain text HTTP ports",
                    );
                }
            } else {
                f.error(
                    "GW19",
                    format!("{p}.tls"),
                    "server cannot have TLS settings for non HTTPS/TLS ports",
                );
            }
        }
        _ => {}
    }
    if tls_redirect(server) && !proto.is_http() {
        f.warning(
            "GW21",
            format!("{p}.tls.httpsRedirect"),
            "tls.httpsRedirect should only be used with http servers",
        );
    }
}

fn tls_redirect(server: &Server) -> bool {
    server
        .tls
        .as_ref()
        .and_then(|t| t.https_redirect)
        .unwrap_or(false)
}

/// `validateNamespaceSlashWildcardHostname` for a gateway (no gateway semantics).
fn check_host(h: &str, p: &str, f: &mut Findings) {
    let dns_name = match h.split_once('/') {
        None => h,
        Some((ns, name)) => {
            if ns.is_empty() || name.is_empty() {
                f.error(
                    "GW8",
                    p,
                    "config namespace and dnsName in host entry cannot be empty",
                );
            }
            if ns != "*" && ns != "." && !is_dns1123_label(ns) {
                f.error(
                    "GW9",
                    p,
                    format!(
                        "invalid namespace value {} in gateway",
                        crate::validate::quoted(ns)
                    ),
                );
            }
            name
        }
    };
    if dns_name != "*" && !dns_name.contains('.') {
        f.error("GW5", p, "short names (non FQDN) are not allowed");
    }
    if let Err(m) = validate_wildcard_domain(dns_name)
        && parse_ip(dns_name).is_none()
    {
        f.error("GW6", p, m);
    }
    if let Err(m) = validate_partial_wildcard(dns_name) {
        f.error("GW7", p, m);
    }
}

/// `validateServerPort`; true when the port has no error.
fn check_port(port: Option<&GatewayPort>, bind: &str, p: &str, f: &mut Findings) -> bool {
    let Some(port) = port else {
        f.error("GW10", format!("{p}.port"), "port is required");
        return false;
    };
    let before = f.out.len();
    let proto = port.protocol.as_deref().unwrap_or("");
    if Protocol::parse(proto) == Protocol::Unsupported {
        f.error(
            "GW11",
            format!("{p}.port.protocol"),
            format!("invalid protocol {}, supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP", crate::validate::quoted(proto)),
        );
    }
    let number = port.number.unwrap_or(0);
    if number > 0 || !bind.starts_with(UNIX_PREFIX) {
        f.check(
            "GW12",
            format!("{p}.port.number"),
            validate_port(number.into()),
        );
    }
    if port.target_port.unwrap_or(0) > 0 {
        f.error(
            "GW13",
            format!("{p}.port.targetPort"),
            "targetPort has no impact on Gateways: remove it (the gateway Service maps ports)",
        );
    }
    if port.name.as_deref().unwrap_or("").is_empty() {
        f.error(
            "GW14",
            format!("{p}.port.name"),
            format!("port name must be set: {}", port_text(port)),
        );
    }
    f.out.len() == before
}

/// The port as Go's `%v` prints the proto message.
fn port_text(port: &GatewayPort) -> String {
    let mut parts = Vec::new();
    if let Some(n) = port.number.filter(|n| *n != 0) {
        parts.push(format!("number:{n}"));
    }
    if let Some(pr) = port.protocol.as_deref().filter(|s| !s.is_empty()) {
        parts.push(format!("protocol:{}", crate::validate::quoted(pr)));
    }
    parts.join(" ")
}

/// `validateServerBind`.
fn check_bind(port: Option<&GatewayPort>, bind: &str, p: &str, f: &mut Findings) {
    let bp = format!("{p}.bind");
    if let Some(path) = bind.strip_prefix(UNIX_PREFIX) {
        if path.is_empty() {
            f.error("GW15", &bp, "unix address must not be empty");
        } else if !path.starts_with('@') && (!path.starts_with('/') || path.ends_with('/')) {
            f.error(
                "GW15",
                &bp,
                format!("{path} is not an absolute path to a file"),
            );
        }
        if let Some(port) = port
            && port.number.unwrap_or(0) != 0
        {
            f.error(
                "GW15",
                format!("{p}.port.number"),
                format!(
                    "port number must be 0 for unix domain socket: {}",
                    port_text(port)
                ),
            );
        }
    } else if !bind.is_empty() && parse_ip(bind).is_none() {
        f.error("GW16", &bp, format!("{bind} is not a valid IP"));
    }
}

fn set(s: &Option<String>) -> bool {
    s.as_deref().is_some_and(|s| !s.is_empty())
}

/// `validateTLSOptions` for a server, then the CRD's CEL rules on `tls`.
fn check_tls(tls: &ServerTls, p: &str, opts: &Options, f: &mut Findings) {
    cel(tls, p, f);
    versions(tls, p, opts, f);
    let Some(mode) = tls.mode() else {
        let m = tls.mode.as_deref().unwrap_or("");
        f.error(
            "CRD-ENUM",
            format!("{p}.mode"),
            format!("unknown value {}: use one of PASSTHROUGH, SIMPLE, MUTUAL, AUTO_PASSTHROUGH, ISTIO_MUTUAL, OPTIONAL_MUTUAL", crate::validate::quoted(m)),
        );
        return;
    };
    if mode == ServerTlsMode::OptionalMutual && !opts.istio_version.at_least(1, 19) {
        f.error(
            "VERSION",
            format!("{p}.mode"),
            format!(
                "mode OPTIONAL_MUTUAL was added in Istio 1.19; Istio {} rejects it",
                opts.istio_version
            ),
        );
    }
    if mode == ServerTlsMode::IstioMutual {
        let fields: [(bool, &str, &str); 6] = [
            (
                set(&tls.server_certificate),
                "serverCertificate",
                "server certificate",
            ),
            (set(&tls.private_key), "privateKey", "private key"),
            (set(&tls.ca_certificates), "caCertificates", "CA bundle"),
            (
                !tls.tls_certificates.is_empty(),
                "tlsCertificates",
                "tlsCertificates",
            ),
            (
                set(&tls.credential_name),
                "credentialName",
                "credentialName",
            ),
            (
                !tls.credential_names.is_empty(),
                "credentialNames",
                "credentialNames",
            ),
        ];
        for (present, key, what) in fields {
            if present {
                f.error(
                    "GT3",
                    format!("{p}.{key}"),
                    format!("ISTIO_MUTUAL TLS cannot have associated {what}"),
                );
            }
        }
        return;
    }
    let min = tls.min_protocol_version.as_deref().unwrap_or("");
    if matches!(min, "TLSV1_0" | "TLSV1_1") && tls.cipher_suites.is_empty() {
        f.warning(
            "GT1",
            format!("{p}.minProtocolVersion"),
            "TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.",
        );
    }
    let mut seen = HashSet::new();
    let dups: Vec<&str> = tls
        .cipher_suites
        .iter()
        .filter(|c| !seen.insert(c.as_str()))
        .map(String::as_str)
        .collect();
    if !dups.is_empty() {
        f.warning(
            "GT2",
            format!("{p}.cipherSuites"),
            format!("ignoring duplicate cipher suites: {}", dups.join(", ")),
        );
    }
    let any_cert = set(&tls.server_certificate)
        || set(&tls.private_key)
        || set(&tls.ca_certificates)
        || set(&tls.ca_crl)
        || set(&tls.credential_name)
        || !tls.credential_names.is_empty()
        || !tls.tls_certificates.is_empty();
    if mode.is_passthrough() && any_cert {
        f.warning(
            "GT4",
            p,
            format!(
                "{} mode does not use certificates, they will be ignored",
                mode.as_str()
            ),
        );
    }
    let sources = usize::from(set(&tls.server_certificate) && set(&tls.private_key))
        + usize::from(set(&tls.credential_name))
        + usize::from(!tls.credential_names.is_empty())
        + usize::from(!tls.tls_certificates.is_empty());
    if sources > 1 {
        f.error(
            "GT5",
            p,
            "only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified",
        );
    }
    let terminating = matches!(
        mode,
        ServerTlsMode::Simple | ServerTlsMode::Mutual | ServerTlsMode::OptionalMutual
    );
    if terminating && (set(&tls.credential_name) || !tls.credential_names.is_empty()) {
        return;
    }
    let prefix = if mode == ServerTlsMode::Simple {
        "SIMPLE"
    } else {
        "MUTUAL"
    };
    if matches!(mode, ServerTlsMode::Mutual | ServerTlsMode::OptionalMutual)
        && !set(&tls.ca_certificates)
    {
        f.error(
            "GT7",
            format!("{p}.caCertificates"),
            "MUTUAL TLS requires a client CA bundle",
        );
    }
    if tls.tls_certificates.len() > 2 {
        f.warning(
            "GT8",
            format!("{p}.tlsCertificates"),
            format!("{prefix} TLS can support up to 2 server certificates"),
        );
    }
    if terminating {
        let pairs: Vec<(String, bool, bool)> = if tls.tls_certificates.is_empty() {
            vec![(
                p.to_string(),
                set(&tls.server_certificate),
                set(&tls.private_key),
            )]
        } else {
            tls.tls_certificates
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    (
                        format!("{p}.tlsCertificates[{i}]"),
                        set(&c.server_certificate),
                        set(&c.private_key),
                    )
                })
                .collect()
        };
        for (at, cert, key) in pairs {
            if !cert {
                f.error(
                    "GT9",
                    format!("{at}.serverCertificate"),
                    format!("{prefix} TLS requires a server certificate"),
                );
            }
            if !key {
                f.error(
                    "GT9",
                    format!("{at}.privateKey"),
                    format!("{prefix} TLS requires a private key"),
                );
            }
        }
    }
    if set(&tls.ca_crl) {
        if set(&tls.credential_name) {
            f.error(
                "GT10",
                format!("{p}.caCrl"),
                "CRL is not supported with credentialName. CRL has to be specified in the credential",
            );
        } else if mode == ServerTlsMode::Simple {
            f.error(
                "GT11",
                format!("{p}.caCrl"),
                "CRL is not supported with SIMPLE TLS",
            );
        }
    }
}

/// The CRD's limits and CEL rules on `ServerTLSSettings` (egress-gateway.md §2.3),
/// including the duplicated third rule, so `credentialName` + `tlsCertificates`
/// passes here as it passes the API server (GT5 rejects it).
fn cel(tls: &ServerTls, p: &str, f: &mut Findings) {
    for (n, key) in [
        (tls.credential_names.len(), "credentialNames"),
        (tls.tls_certificates.len(), "tlsCertificates"),
    ] {
        if n > 2 {
            f.error(
                "CRD-LIMIT",
                format!("{p}.{key}"),
                format!("{key} has {n} items; at most 2 are allowed"),
            );
        }
    }
    let (names, certs) = (
        !tls.credential_names.is_empty(),
        !tls.tls_certificates.is_empty(),
    );
    if names && certs {
        f.error(
            "CRD-CEL",
            p,
            "only one of credentialNames or tlsCertificates can be set",
        );
    }
    if set(&tls.credential_name) && names {
        f.error(
            "CRD-CEL",
            p,
            "only one of credentialName or credentialNames can be set",
        );
    }
    for (v, key) in [
        (&tls.min_protocol_version, "minProtocolVersion"),
        (&tls.max_protocol_version, "maxProtocolVersion"),
    ] {
        if let Some(v) = v
            && !matches!(
                v.as_str(),
                "TLS_AUTO" | "TLSV1_0" | "TLSV1_1" | "TLSV1_2" | "TLSV1_3"
            )
        {
            f.error(
                "CRD-ENUM",
                format!("{p}.{key}"),
                format!(
                    "unknown value {}: use one of TLS_AUTO, TLSV1_0, TLSV1_1, TLSV1_2, TLSV1_3",
                    crate::validate::quoted(v)
                ),
            );
        }
    }
}

/// Fields newer than the target release: that release prunes them (a warning).
fn versions(tls: &ServerTls, p: &str, opts: &Options, f: &mut Findings) {
    let v = opts.istio_version;
    let fields = [
        (!tls.credential_names.is_empty(), "credentialNames", (1, 26)),
        (!tls.tls_certificates.is_empty(), "tlsCertificates", (1, 26)),
        (
            tls.ca_cert_credential_name.is_some(),
            "caCertCredentialName",
            (1, 28),
        ),
        (
            tls.extra.contains_key("insecureSkipVerify"),
            "insecureSkipVerify",
            (1, 31),
        ),
        (tls.extra.contains_key("ecdhCurves"), "ecdhCurves", (1, 31)),
    ];
    for (present, key, (major, minor)) in fields {
        if present && !v.at_least(major, minor) {
            f.warning(
                "VERSION",
                format!("{p}.{key}"),
                format!("{key} was added in Istio {major}.{minor}; Istio {v} does not know it (it is ignored or pruned there)"),
            );
        }
    }
}
