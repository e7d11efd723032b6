//! Templates for the common egress recipes. Each takes only a host (and a port
//! where one matters) and produces resources that validate clean.

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
