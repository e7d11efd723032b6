//! What is on the wire to the outside on one port, as a reviewer asks it: is it
//! encrypted, by whom, and is the server checked against a CA somebody chose?
//!
//! The rules follow how istiod builds the upstream cluster for a sidecar:
//! - a `portLevelSettings` entry for the port **replaces** the top-level policy,
//!   so an entry without `tls` means no TLS on that port;
//! - `credentialName` (other than `configmap://`) in a rule without
//!   `workloadSelector` gives sidecars **no** TLS at all (only gateways read it);
//! - with no TLS, a MESH_INTERNAL host gets Istio's automatic mutual TLS, a
//!   MESH_EXTERNAL one gets whatever the application sends.
//!
//! These are the rules of `crate::policy` (which the probe and `analyze` use),
//! applied to the one rule the route shows; plaintext caused by a merge rule
//! names the rule, with `policy`'s own finding helpers.

use crate::model::{ClientTlsSettings, DestinationRule, Location, TlsMode};

/// The security class of one route port, from best to worst for a reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Security {
    /// The proxy originates TLS and checks the server against a CA the rule names.
    VerifiedTls,
    /// Mutual TLS: a client certificate and a server checked against a chosen CA,
    /// or Istio's own mutual TLS inside the mesh.
    MutualTls,
    /// The application speaks TLS itself; the sidecar passes it through.
    Passthrough,
    /// TLS is originated, but the server is not checked against a CA anybody chose
    /// (the proxy's system roots, or verification switched off).
    UnverifiedTls,
    /// The application's TLS wrapped again in the proxy's TLS.
    DoubleTls,
    /// Plain HTTP to a host outside the mesh, with nobody originating TLS.
    PlaintextLeavingMesh,
    /// Plain text to a host inside the mesh (TLS disabled on purpose).
    Plaintext,
    /// A TCP port with no TLS from the proxy: whatever the application sends.
    Opaque,
}

impl Security {
    pub const ALL: [Security; 8] = [
        Security::VerifiedTls,
        Security::MutualTls,
        Security::Passthrough,
        Security::UnverifiedTls,
        Security::DoubleTls,
        Security::PlaintextLeavingMesh,
        Security::Plaintext,
        Security::Opaque,
    ];

    /// What the legend says of the class.
    pub fn describe(self) -> &'static str {
        match self {
            Security::VerifiedTls => "TLS, server checked against a CA you chose",
            Security::MutualTls => "mutual TLS (client certificate)",
            Security::Passthrough => "TLS passthrough (the app's own TLS)",
            Security::UnverifiedTls => "TLS, server not checked against a chosen CA",
            Security::DoubleTls => "double TLS (app TLS inside proxy TLS)",
            Security::PlaintextLeavingMesh => "plaintext leaving the mesh",
            Security::Plaintext => "plaintext inside the mesh",
            Security::Opaque => "TCP, no TLS from the proxy",
        }
    }

    /// Whether a reviewer should look twice.
    pub fn is_warning(self) -> bool {
        matches!(
            self,
            Security::UnverifiedTls | Security::DoubleTls | Security::PlaintextLeavingMesh
        )
    }
}

/// A port's class with the words the diagram shows: a short edge label and the
/// full sentence for the tooltip.
#[derive(Debug, Clone, PartialEq)]
pub struct Wire {
    pub class: Security,
    pub short: String,
    pub full: String,
}

/// The TLS block of `dr` that applies to `port`, as written (a port-level entry
/// replaces the top-level policy, `tls` included), from the shared policy module.
pub fn declared_tls(dr: &DestinationRule, port: u32) -> Option<ClientTlsSettings> {
    let host = dr.spec.host.as_deref().unwrap_or("");
    let ns = dr.metadata.namespace.as_deref().unwrap_or("default");
    // As written: queried as the proxy the rule is for, so its selector never hides it.
    let pods = crate::policy::GatewayPods::default();
    let query = crate::policy::Query {
        host,
        port,
        subset: None,
        client_namespace: ns,
        service_namespace: Some(ns),
        gateway: pods.selects(dr),
        pods: &pods,
    };
    crate::policy::effective_tls(&[dr], &query).declared
}

/// Whether the proxy gets the TLS settings at all: a sidecar ignores a rule whose
/// `credentialName` is a Kubernetes secret unless the rule selects workloads.
fn reaches_proxy(dr: &DestinationRule, tls: &ClientTlsSettings, via_gateway: bool) -> bool {
    let secret = tls
        .credential_name
        .as_deref()
        .is_some_and(|c| !c.is_empty() && !c.starts_with("configmap://"));
    via_gateway || !secret || dr.spec.workload_selector.is_some()
}

/// The CA the rule chose, in words, if any.
fn chosen_ca(tls: &ClientTlsSettings) -> Option<String> {
    if let Some(c) = tls.credential_name.as_deref().filter(|c| !c.is_empty()) {
        return Some(format!("the CA of {c}"));
    }
    tls.ca_certificates
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(str::to_string)
}

/// One port of a route: the ServiceEntry's `protocol`, `location`, port and
/// upstream port, the rule for the host (if any) and whether an egress gateway
/// (rather than the sidecar) originates.
pub fn classify(
    location: Location,
    protocol: &str,
    port: u32,
    upstream: u32,
    rule: Option<&DestinationRule>,
    via_gateway: bool,
) -> Wire {
    let protocol = protocol.to_ascii_uppercase();
    let app_tls = matches!(protocol.as_str(), "TLS" | "HTTPS");
    let http = matches!(protocol.as_str(), "HTTP" | "HTTP2" | "GRPC" | "GRPC-WEB");
    let shown = if protocol.is_empty() {
        "TCP".to_string()
    } else {
        protocol.clone()
    };
    let declared = rule.and_then(|d| declared_tls(d, port).map(|t| (d, t)));
    let set = declared.as_ref().map(|(d, t)| (*d, t));
    let ignored = set.is_some_and(|(d, t)| !reaches_proxy(d, t, via_gateway));
    let tls = set.filter(|_| !ignored).map(|(_, t)| t);
    // Plaintext because of a merge rule is said, naming the rule (as the probe does).
    let ignored_note = match rule {
        Some(d) if ignored => format!(
            " (credentialName in DestinationRule {} is ignored by sidecars without workloadSelector)",
            crate::policy::rule_name(d)
        ),
        Some(d)
            if tls.is_none()
                && crate::policy::port_level_replaces_tls(d)
                    .iter()
                    .any(|f| f.port == Some(port)) =>
        {
            format!(
                " (portLevelSettings for port {port} in DestinationRule {} replace the top-level TLS)",
                crate::policy::rule_name(d)
            )
        }
        _ => String::new(),
    };
    let wire = |class, short: String, full: String| Wire { class, short, full };
    match tls.map(|t| (t.mode(), t)) {
        Some((TlsMode::Simple | TlsMode::Mutual, _)) if app_tls => wire(
            Security::DoubleTls,
            format!("TLS in TLS :{upstream}"),
            format!(
                "{shown} :{port}: the app's TLS, wrapped again in the proxy's TLS to :{upstream}"
            ),
        ),
        Some((mode @ (TlsMode::Simple | TlsMode::Mutual), t)) => {
            let mutual = mode == TlsMode::Mutual;
            let what = if mutual { "mutual TLS" } else { "TLS" };
            let sni = t
                .sni
                .as_deref()
                .map(|s| format!(", SNI {s}"))
                .unwrap_or_default();
            let skip = t.insecure_skip_verify == Some(true);
            match chosen_ca(t).filter(|_| !skip) {
                Some(ca) => wire(
                    if mutual {
                        Security::MutualTls
                    } else {
                        Security::VerifiedTls
                    },
                    format!("{} :{upstream}", if mutual { "mTLS" } else { "TLS" }),
                    format!(
                        "{shown} :{port}, proxy originates {what} to :{upstream}{sni}; server checked against {ca}"
                    ),
                ),
                None => wire(
                    Security::UnverifiedTls,
                    format!(
                        "{} :{upstream}, CA not chosen",
                        if mutual { "mTLS" } else { "TLS" }
                    ),
                    format!(
                        "{shown} :{port}, proxy originates {what} to :{upstream}{sni}; {}",
                        if skip {
                            "server not verified (insecureSkipVerify)"
                        } else {
                            "server checked only against the proxy's system roots"
                        }
                    ),
                ),
            }
        }
        Some((TlsMode::IstioMutual, _)) => wire(
            Security::MutualTls,
            format!("Istio mTLS :{upstream}"),
            format!("{shown} :{port}, Istio mutual TLS with mesh certificates to :{upstream}"),
        ),
        _ if app_tls => wire(
            Security::Passthrough,
            format!("app TLS :{upstream}"),
            format!(
                "{shown} :{port}: the application's own TLS, passed through to :{upstream}{ignored_note}"
            ),
        ),
        disabled => {
            let explicitly = disabled.is_some();
            match location {
                Location::MeshInternal if !explicitly => wire(
                    Security::MutualTls,
                    format!("auto mTLS :{upstream}"),
                    format!(
                        "{shown} :{port}, Istio's automatic mutual TLS to a mesh-internal host{ignored_note}"
                    ),
                ),
                Location::MeshInternal => wire(
                    Security::Plaintext,
                    format!("{shown} plaintext :{upstream}"),
                    format!("{shown} :{port}, TLS disabled, plaintext inside the mesh"),
                ),
                Location::MeshExternal if http => wire(
                    Security::PlaintextLeavingMesh,
                    format!("{shown} plaintext :{upstream}"),
                    format!(
                        "{shown} :{port} leaves the mesh in plaintext to :{upstream}: nobody originates TLS{ignored_note}"
                    ),
                ),
                Location::MeshExternal => wire(
                    Security::Opaque,
                    format!("{shown} :{upstream}"),
                    format!(
                        "{shown} :{port} to :{upstream}, no TLS from the proxy: whatever the application sends{ignored_note}"
                    ),
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(yaml: &str) -> DestinationRule {
        serde_yaml::from_str(&format!(
            "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {{name: r}}\nspec:\n  host: h.example\n{yaml}"
        ))
        .unwrap()
    }

    fn class(protocol: &str, rule_yaml: Option<&str>) -> Security {
        let r = rule_yaml.map(rule);
        classify(
            Location::MeshExternal,
            protocol,
            443,
            443,
            r.as_ref(),
            false,
        )
        .class
    }

    #[test]
    fn simple_with_ca_certificates_is_verified() {
        let r = "  trafficPolicy:\n    tls: {mode: SIMPLE, caCertificates: /etc/ca.pem}";
        assert_eq!(class("HTTP", Some(r)), Security::VerifiedTls);
    }

    #[test]
    fn simple_without_a_chosen_ca_is_not_verified() {
        let r = "  trafficPolicy:\n    tls: {mode: SIMPLE}";
        assert_eq!(class("HTTP", Some(r)), Security::UnverifiedTls);
        let skip = "  trafficPolicy:\n    tls: {mode: SIMPLE, caCertificates: /ca.pem, insecureSkipVerify: true}";
        assert_eq!(class("HTTP", Some(skip)), Security::UnverifiedTls);
    }

    #[test]
    fn application_tls_without_origination_is_passthrough() {
        assert_eq!(class("TLS", None), Security::Passthrough);
        assert_eq!(class("HTTPS", None), Security::Passthrough);
    }

    #[test]
    fn mutual_with_client_certificate_and_ca_is_mutual_tls() {
        let r = "  trafficPolicy:\n    tls: {mode: MUTUAL, clientCertificate: /c.pem, privateKey: /k.pem, caCertificates: /ca.pem}";
        assert_eq!(class("HTTP", Some(r)), Security::MutualTls);
        let istio = "  trafficPolicy:\n    tls: {mode: ISTIO_MUTUAL}";
        assert_eq!(class("HTTP", Some(istio)), Security::MutualTls);
    }

    #[test]
    fn http_to_an_external_host_without_origination_is_plaintext_leaving_the_mesh() {
        assert_eq!(class("HTTP", None), Security::PlaintextLeavingMesh);
        let disabled = "  trafficPolicy:\n    tls: {mode: DISABLE}";
        assert_eq!(
            class("HTTP", Some(disabled)),
            Security::PlaintextLeavingMesh
        );
    }

    #[test]
    fn origination_on_top_of_application_tls_is_double_tls() {
        let r = "  trafficPolicy:\n    tls: {mode: SIMPLE, caCertificates: /ca.pem}";
        let w = classify(
            Location::MeshExternal,
            "TLS",
            443,
            443,
            Some(&rule(r)),
            false,
        );
        assert_eq!(w.class, Security::DoubleTls);
        assert!(w.class.is_warning());
    }

    #[test]
    fn a_port_level_entry_without_tls_replaces_the_top_level_tls() {
        let r = "  trafficPolicy:\n    tls: {mode: SIMPLE, caCertificates: /ca.pem}\n    portLevelSettings:\n    - port: {number: 443}\n      connectionPool: {tcp: {maxConnections: 5}}";
        assert_eq!(class("HTTP", Some(r)), Security::PlaintextLeavingMesh);
        // Another port keeps the top-level TLS.
        let other = classify(
            Location::MeshExternal,
            "HTTP",
            80,
            443,
            Some(&rule(r)),
            false,
        );
        assert_eq!(other.class, Security::VerifiedTls);
    }

    #[test]
    fn credential_name_without_workload_selector_gives_sidecars_plaintext() {
        let r = "  trafficPolicy:\n    tls: {mode: SIMPLE, credentialName: fx-ca}";
        let w = classify(
            Location::MeshExternal,
            "HTTP",
            80,
            443,
            Some(&rule(r)),
            false,
        );
        assert_eq!(w.class, Security::PlaintextLeavingMesh);
        assert!(
            w.full
                .contains("is ignored by sidecars without workloadSelector"),
            "{}",
            w.full
        );
        // At an egress gateway, or with a workloadSelector, the secret is read.
        let at_gateway = classify(
            Location::MeshExternal,
            "HTTP",
            80,
            443,
            Some(&rule(r)),
            true,
        );
        assert_eq!(at_gateway.class, Security::VerifiedTls);
        let selected = format!("{r}\n  workloadSelector:\n    matchLabels: {{app: a}}");
        assert_eq!(class("HTTP", Some(&selected)), Security::VerifiedTls);
        // A configmap CA reaches sidecars.
        let cm = "  trafficPolicy:\n    tls: {mode: SIMPLE, credentialName: configmap://ns/ca}";
        assert_eq!(class("HTTP", Some(cm)), Security::VerifiedTls);
    }

    #[test]
    fn mesh_internal_hosts_get_auto_mtls_unless_disabled() {
        let auto = classify(Location::MeshInternal, "HTTP", 80, 80, None, false);
        assert_eq!(auto.class, Security::MutualTls);
        let r = rule("  trafficPolicy:\n    tls: {mode: DISABLE}");
        let off = classify(Location::MeshInternal, "HTTP", 80, 80, Some(&r), false);
        assert_eq!(off.class, Security::Plaintext);
    }

    #[test]
    fn tcp_without_tls_is_opaque_not_plaintext() {
        assert_eq!(class("TCP", None), Security::Opaque);
        assert_eq!(class("", None), Security::Opaque);
    }
}
