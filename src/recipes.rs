//! Templates for the common egress recipes. Each takes only a host (and a port
//! where one matters) and produces resources that validate clean. Also the
//! resources that belong with one already written: a DestinationRule for a
//! ServiceEntry's host, and bare resources to start from.

use crate::model::*;
use indexmap::IndexMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Recipe {
    HttpsPassthrough,
    HttpToTlsOrigination,
    MutualTlsFiles,
    MutualTlsCredentialName,
    WildcardNone,
    WildcardDynamicDns,
    TcpDatabaseCidr,
    VmMeshInternal,
}

impl Recipe {
    pub const ALL: [Recipe; 8] = [
        Recipe::HttpsPassthrough,
        Recipe::HttpToTlsOrigination,
        Recipe::MutualTlsFiles,
        Recipe::MutualTlsCredentialName,
        Recipe::WildcardNone,
        Recipe::WildcardDynamicDns,
        Recipe::TcpDatabaseCidr,
        Recipe::VmMeshInternal,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Recipe::HttpsPassthrough => "HTTPS passthrough",
            Recipe::HttpToTlsOrigination => "HTTP -> TLS origination",
            Recipe::MutualTlsFiles => "Mutual TLS origination (certificate files)",
            Recipe::MutualTlsCredentialName => "Mutual TLS origination (credentialName)",
            Recipe::WildcardNone => "Wildcard hosts (resolution NONE)",
            Recipe::WildcardDynamicDns => "Wildcard hosts (DYNAMIC_DNS)",
            Recipe::TcpDatabaseCidr => "TCP to an external database by CIDR",
            Recipe::VmMeshInternal => "VM as MESH_INTERNAL with endpoints",
        }
    }

    /// One line saying when to use the recipe.
    pub fn description(self) -> &'static str {
        match self {
            Recipe::HttpsPassthrough => {
                "The app speaks TLS itself; the sidecar routes by SNI and never decrypts."
            }
            Recipe::HttpToTlsOrigination => {
                "The app sends plain HTTP to port 80; the sidecar opens TLS to port 443."
            }
            Recipe::MutualTlsFiles => {
                "The sidecar presents a client certificate from files mounted in the pod."
            }
            Recipe::MutualTlsCredentialName => {
                "The sidecar presents a client certificate from a Kubernetes Secret."
            }
            Recipe::WildcardNone => {
                "Any subdomain, passed through to the address the app resolved itself."
            }
            Recipe::WildcardDynamicDns => {
                "Any subdomain, resolved by the sidecar per request (Istio 1.28 or later)."
            }
            Recipe::TcpDatabaseCidr => {
                "A database reached by IP range over plain TCP, without DNS."
            }
            Recipe::VmMeshInternal => {
                "A virtual machine that runs a sidecar, joined to the mesh by its address."
            }
        }
    }

    /// What the recipe asks for besides the host.
    pub fn default_port(self) -> Option<u32> {
        match self {
            Recipe::HttpsPassthrough | Recipe::WildcardNone | Recipe::WildcardDynamicDns => {
                Some(443)
            }
            Recipe::HttpToTlsOrigination => Some(80),
            Recipe::MutualTlsFiles | Recipe::MutualTlsCredentialName => Some(443),
            Recipe::TcpDatabaseCidr => Some(5432),
            Recipe::VmMeshInternal => Some(8080),
        }
    }

    /// A host that fits the recipe, offered as the default.
    pub fn example_host(self) -> &'static str {
        match self {
            Recipe::WildcardNone | Recipe::WildcardDynamicDns => "*.example.com",
            Recipe::TcpDatabaseCidr => "db.example.com",
            Recipe::VmMeshInternal => "vm.example.internal",
            _ => "api.example.com",
        }
    }

    /// The resources, in the given namespace.
    pub fn build(self, host: &str, port: u32, namespace: &str) -> Vec<Resource> {
        let base = resource_name(host);
        let meta = |name: &str| ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some(namespace.to_string()),
            ..Default::default()
        };
        let se = |spec: ServiceEntrySpec| {
            Resource::ServiceEntry(Box::new(ServiceEntry {
                api_version: ApiVersion::V1.group_version(),
                kind: "ServiceEntry".into(),
                metadata: meta(&base),
                spec,
                ..Default::default()
            }))
        };
        let dr = |spec: DestinationRuleSpec| {
            Resource::DestinationRule(Box::new(DestinationRule {
                api_version: ApiVersion::V1.group_version(),
                kind: "DestinationRule".into(),
                metadata: meta(&base),
                spec,
                ..Default::default()
            }))
        };
        let port_of = |number: u32, name: &str, protocol: &str| ServicePort {
            number: Some(number),
            name: Some(name.to_string()),
            protocol: Some(protocol.to_string()),
            ..Default::default()
        };
        let hosts = Some(vec![host.to_string()]);
        // The app speaks plain HTTP to the port; the sidecar originates TLS to 443.
        let originating_se = |hosts: Option<Vec<String>>| {
            se(ServiceEntrySpec {
                hosts,
                ports: vec![ServicePort {
                    target_port: Some(443),
                    ..port_of(port, "http", "HTTP")
                }],
                location: Some(Location::MeshExternal),
                resolution: Some(Resolution::Dns),
                ..Default::default()
            })
        };
        let mutual_files = ClientTlsSettings {
            mode: Some(TlsMode::Mutual),
            client_certificate: Some("/etc/certs/client.pem".into()),
            private_key: Some("/etc/certs/client-key.pem".into()),
            ca_certificates: Some("/etc/certs/ca.pem".into()),
            sni: Some(host.to_string()),
            ..Default::default()
        };
        match self {
            Recipe::HttpsPassthrough => vec![se(ServiceEntrySpec {
                hosts,
                ports: vec![port_of(port, "tls", "TLS")],
                location: Some(Location::MeshExternal),
                resolution: Some(Resolution::Dns),
                ..Default::default()
            })],
            Recipe::HttpToTlsOrigination => vec![
                originating_se(hosts.clone()),
                dr(DestinationRuleSpec {
                    host: Some(host.to_string()),
                    traffic_policy: Some(Box::new(TrafficPolicy {
                        port_level_settings: vec![PortTrafficPolicy {
                            port: Some(PortSelector {
                                number: Some(port),
                                ..Default::default()
                            }),
                            tls: Some(ClientTlsSettings {
                                mode: Some(TlsMode::Simple),
                                sni: Some(host.to_string()),
                                ca_certificates: Some("/etc/ssl/certs/ca-certificates.crt".into()),
                                ..Default::default()
                            }),
                            ..Default::default()
                        }],
                        ..Default::default()
                    })),
                    ..Default::default()
                }),
            ],
            Recipe::MutualTlsFiles => vec![
                originating_se(hosts.clone()),
                dr(DestinationRuleSpec {
                    host: Some(host.to_string()),
                    traffic_policy: Some(Box::new(TrafficPolicy {
                        tls: Some(mutual_files),
                        ..Default::default()
                    })),
                    ..Default::default()
                }),
            ],
            Recipe::MutualTlsCredentialName => vec![
                originating_se(hosts.clone()),
                dr(DestinationRuleSpec {
                    host: Some(host.to_string()),
                    // Sidecars read credentialName only for rules bound to workloads.
                    workload_selector: Some(MatchLabelsSelector {
                        match_labels: IndexMap::from([("app".to_string(), "client".to_string())]),
                        ..Default::default()
                    }),
                    export_to: vec![".".into()],
                    traffic_policy: Some(Box::new(TrafficPolicy {
                        tls: Some(ClientTlsSettings {
                            mode: Some(TlsMode::Mutual),
                            credential_name: Some(format!("{base}-client-credential")),
                            sni: Some(host.to_string()),
                            ..Default::default()
                        }),
                        ..Default::default()
                    })),
                    ..Default::default()
                }),
            ],
            Recipe::WildcardNone => vec![se(ServiceEntrySpec {
                hosts,
                ports: vec![port_of(port, "tls", "TLS")],
                location: Some(Location::MeshExternal),
                resolution: Some(Resolution::None),
                ..Default::default()
            })],
            Recipe::WildcardDynamicDns => vec![se(ServiceEntrySpec {
                hosts,
                ports: vec![port_of(port, "tls", "TLS")],
                location: Some(Location::MeshExternal),
                resolution: Some(Resolution::DynamicDns),
                ..Default::default()
            })],
            Recipe::TcpDatabaseCidr => vec![se(ServiceEntrySpec {
                hosts,
                addresses: vec!["192.0.2.0/24".into()],
                ports: vec![port_of(port, "tcp-db", "TCP")],
                location: Some(Location::MeshExternal),
                resolution: Some(Resolution::None),
                ..Default::default()
            })],
            Recipe::VmMeshInternal => vec![se(ServiceEntrySpec {
                hosts,
                ports: vec![port_of(port, "http", "HTTP")],
                location: Some(Location::MeshInternal),
                resolution: Some(Resolution::Static),
                endpoints: Some(vec![WorkloadEntry {
                    address: Some("192.0.2.10".into()),
                    labels: IndexMap::from([("app".to_string(), base.clone())]),
                    service_account: Some(base.clone()),
                    ..Default::default()
                }]),
                ..Default::default()
            })],
        }
    }
}

fn object_meta(name: &str, namespace: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(namespace.to_string()),
        ..Default::default()
    }
}

/// A DestinationRule for a ServiceEntry's first host, in its namespace, with the
/// TLS the sidecar should use towards each port: one `tls` for a single port,
/// one port-level setting per port when there are several. Ports the app
/// already encrypts (TLS, HTTPS) or that carry plain TCP get `DISABLE` (the
/// sidecar passes the bytes through); HTTP ports sent on to 443 get `SIMPLE`
/// origination checked against the system CA bundle; a MESH_INTERNAL entry
/// gets Istio's own mutual TLS.
pub fn destination_rule_for(se: &ServiceEntry) -> DestinationRule {
    let host = se.spec.hosts().first().cloned().unwrap_or_default();
    let namespace = se.metadata.namespace.as_deref().unwrap_or("default");
    let name = se
        .metadata
        .name
        .clone()
        .unwrap_or_else(|| resource_name(&host));
    let internal = se.spec.location == Some(Location::MeshInternal);
    let tls_for = |port: &ServicePort| {
        let mode = port_tls_mode(port, internal);
        let originates = mode == TlsMode::Simple;
        ClientTlsSettings {
            mode: Some(mode),
            sni: (originates && !host.starts_with('*')).then(|| host.clone()),
            ca_certificates: originates.then(|| SYSTEM_CA_BUNDLE.to_string()),
            ..Default::default()
        }
    };
    let traffic_policy = match se.spec.ports.as_slice() {
        [] => TrafficPolicy {
            tls: Some(ClientTlsSettings {
                mode: Some(if internal {
                    TlsMode::IstioMutual
                } else {
                    TlsMode::Disable
                }),
                ..Default::default()
            }),
            ..Default::default()
        },
        [one] => TrafficPolicy {
            tls: Some(tls_for(one)),
            ..Default::default()
        },
        many => TrafficPolicy {
            port_level_settings: many
                .iter()
                .map(|p| PortTrafficPolicy {
                    port: Some(PortSelector {
                        number: p.number,
                        ..Default::default()
                    }),
                    tls: Some(tls_for(p)),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        },
    };
    DestinationRule {
        api_version: ApiVersion::V1.group_version(),
        kind: "DestinationRule".into(),
        metadata: object_meta(&name, namespace),
        spec: DestinationRuleSpec {
            host: Some(host),
            traffic_policy: Some(Box::new(traffic_policy)),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// The CA bundle of common sidecar images (Debian and Ubuntu based).
const SYSTEM_CA_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

/// The TLS mode a sidecar should use towards one port of an entry.
fn port_tls_mode(port: &ServicePort, internal: bool) -> TlsMode {
    if internal {
        return TlsMode::IstioMutual;
    }
    let protocol = port.protocol.as_deref().unwrap_or("").to_ascii_uppercase();
    let plain_http = matches!(
        protocol.as_str(),
        "HTTP" | "HTTP2" | "GRPC" | "GRPC-WEB" | "HTTP_PROXY"
    );
    let target = port.target_port.or(port.number);
    if plain_http && target == Some(443) {
        TlsMode::Simple
    } else {
        TlsMode::Disable
    }
}

/// A new ServiceEntry to fill in: one host, one TLS port, resolved by DNS.
pub fn bare_service_entry(namespace: &str) -> ServiceEntry {
    ServiceEntry {
        api_version: ApiVersion::V1.group_version(),
        kind: "ServiceEntry".into(),
        metadata: object_meta("new-service-entry", namespace),
        spec: ServiceEntrySpec {
            hosts: Some(vec!["service.example.com".into()]),
            ports: vec![ServicePort {
                number: Some(443),
                name: Some("tls".into()),
                protocol: Some("TLS".into()),
                ..Default::default()
            }],
            location: Some(Location::MeshExternal),
            resolution: Some(Resolution::Dns),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A new DestinationRule to fill in, for `host`.
pub fn bare_destination_rule(host: &str, namespace: &str) -> DestinationRule {
    let name = if host.is_empty() {
        "new-destination-rule".to_string()
    } else {
        resource_name(host)
    };
    DestinationRule {
        api_version: ApiVersion::V1.group_version(),
        kind: "DestinationRule".into(),
        metadata: object_meta(&name, namespace),
        spec: DestinationRuleSpec {
            host: Some(if host.is_empty() {
                "service.example.com".into()
            } else {
                host.to_string()
            }),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A Kubernetes name derived from a host: `*.api.example.com` -> `wildcard-api-example-com`.
pub fn resource_name(host: &str) -> String {
    let mut out = String::new();
    for c in host.trim_end_matches('.').chars() {
        match c {
            '*' => out.push_str("wildcard"),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            _ => {
                if !out.ends_with('-') {
                    out.push('-');
                }
            }
        }
    }
    let trimmed: String = out.trim_matches('-').chars().take(63).collect();
    let trimmed = trimmed.trim_end_matches('-').to_string();
    if trimmed.is_empty() {
        "egress".into()
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{self, Options, Severity};
    use crate::yaml::{SourceFile, Workspace};

    #[test]
    fn every_recipe_validates_clean() {
        for recipe in Recipe::ALL {
            let resources = recipe.build(
                recipe.example_host(),
                recipe.default_port().unwrap_or(443),
                "egress",
            );
            let text: Vec<String> = resources
                .iter()
                .map(|r| serde_yaml::to_string(&r.to_value().unwrap()).unwrap())
                .collect();
            let ws = Workspace {
                files: vec![SourceFile::from_text("r.yaml".into(), &text.join("---\n"))],
            };
            let found: Vec<_> = validate::check(&ws, &Options::default())
                .into_iter()
                .filter(|d| d.diagnostic.severity != Severity::Info)
                .collect();
            assert!(
                found.is_empty(),
                "{}: {found:#?}\n{}",
                recipe.label(),
                text.join("---\n")
            );
        }
    }

    /// Findings (code, path, message) of the resources written as one file.
    fn findings(resources: &[Resource]) -> Vec<String> {
        let mut file = SourceFile::empty("r.yaml".into());
        for r in resources {
            file.append_resource(r).unwrap();
        }
        let ws = Workspace { files: vec![file] };
        let mut out: Vec<String> =
            validate::analyze(&ws, &Options::default(), &validate::MeshConfig::default())
                .into_iter()
                .filter(|d| d.diagnostic.severity != Severity::Info)
                .map(|d| format!("{} {}", d.diagnostic.code, d.diagnostic.message))
                .collect();
        out.sort();
        out
    }

    #[test]
    fn a_destination_rule_for_each_recipes_entry_adds_no_finding() {
        for recipe in Recipe::ALL {
            let built = recipe.build(
                recipe.example_host(),
                recipe.default_port().unwrap_or(443),
                "egress",
            );
            let Some(Resource::ServiceEntry(se)) = built.first() else {
                panic!("{} starts with a ServiceEntry", recipe.label());
            };
            let dr = destination_rule_for(se);
            assert_eq!(dr.metadata.namespace.as_deref(), Some("egress"));
            assert_eq!(dr.spec.host.as_ref(), se.spec.hosts().first());
            let tls = dr.spec.traffic_policy.as_ref().and_then(|t| t.tls.as_ref());
            assert!(tls.is_some(), "{}: the TLS part is filled", recipe.label());
            let alone = findings(&built[..1]);
            let pair = findings(&[
                built[0].clone(),
                Resource::DestinationRule(Box::new(dr.clone())),
            ]);
            let added: Vec<&String> = pair.iter().filter(|f| !alone.contains(f)).collect();
            assert!(added.is_empty(), "{}: {added:?}\n{dr:#?}", recipe.label());
        }
    }

    #[test]
    fn several_ports_get_one_setting_each() {
        let mut se = bare_service_entry("ns1");
        se.spec.ports.push(ServicePort {
            number: Some(80),
            target_port: Some(443),
            name: Some("http".into()),
            protocol: Some("HTTP".into()),
            ..Default::default()
        });
        let dr = destination_rule_for(&se);
        let tp = dr.spec.traffic_policy.unwrap();
        assert!(tp.tls.is_none());
        let modes: Vec<(Option<u32>, Option<TlsMode>)> = tp
            .port_level_settings
            .iter()
            .map(|p| {
                (
                    p.port.as_ref().and_then(|s| s.number),
                    p.tls.as_ref().and_then(|t| t.mode),
                )
            })
            .collect();
        assert_eq!(
            modes,
            [
                (Some(443), Some(TlsMode::Disable)),
                (Some(80), Some(TlsMode::Simple))
            ]
        );
        let bare = findings(&[Resource::ServiceEntry(Box::new(bare_service_entry("ns1")))]);
        assert!(bare.is_empty(), "{bare:?}");
    }

    #[test]
    fn names_from_hosts() {
        assert_eq!(
            resource_name("*.api.Example.com"),
            "wildcard-api-example-com"
        );
        assert_eq!(resource_name("a_b.com."), "a-b-com");
        assert_eq!(resource_name("***"), "wildcardwildcardwildcard");
    }
}
