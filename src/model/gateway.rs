//! `Gateway` (networking.istio.io) as far as egress uses it: servers with their
//! port, hosts, bind and TLS settings, and the pod selector. Everything else is
//! kept in `extra`, so a Gateway read and written again loses nothing.
//!
//! The workspace keeps Gateways as [`super::OtherResource`] text; this is the
//! typed view that validation, the chain checks, the diagram and the recipes read
//! ([`Gateway::from_value`]) and that an edit writes back ([`Gateway::to_value`]).

use super::{Extra, ObjectMeta};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Gateway {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: GatewaySpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<serde_yaml::Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewaySpec {
    /// `None` inside the list is a `null` server (rejected by the webhook).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<Option<Server>>,
    /// `None` means every workload: Istio treats a missing selector as "all".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<IndexMap<String, String>>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Server {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<GatewayPort>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<ServerTls>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayPort {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<u32>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// `ServerTLSSettings`. `mode` is kept as written; [`ServerTls::mode`] reads it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerTls {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub https_redirect: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_certificate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_certificates: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_crl: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credential_names: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tls_certificates: Vec<TlsCertificate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_cert_credential_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_protocol_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_protocol_version: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cipher_suites: Vec<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TlsCertificate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_certificate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_certificates: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// A Gateway server's TLS mode (`ServerTLSSettings.TLSmode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServerTlsMode {
    Passthrough,
    Simple,
    Mutual,
    AutoPassthrough,
    IstioMutual,
    OptionalMutual,
}

impl ServerTlsMode {
    pub const ALL: [(&'static str, ServerTlsMode); 6] = [
        ("PASSTHROUGH", ServerTlsMode::Passthrough),
        ("SIMPLE", ServerTlsMode::Simple),
        ("MUTUAL", ServerTlsMode::Mutual),
        ("AUTO_PASSTHROUGH", ServerTlsMode::AutoPassthrough),
        ("ISTIO_MUTUAL", ServerTlsMode::IstioMutual),
        ("OPTIONAL_MUTUAL", ServerTlsMode::OptionalMutual),
    ];

    pub fn parse(s: &str) -> Option<ServerTlsMode> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, m)| *m)
    }

    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("PASSTHROUGH", |(n, _)| n)
    }

    pub fn is_passthrough(self) -> bool {
        matches!(
            self,
            ServerTlsMode::Passthrough | ServerTlsMode::AutoPassthrough
        )
    }
}

impl ServerTls {
    /// The mode Istio applies: absent means PASSTHROUGH; an unknown value is `None`.
    pub fn mode(&self) -> Option<ServerTlsMode> {
        match self.mode.as_deref() {
            None => Some(ServerTlsMode::Passthrough),
            Some(m) => ServerTlsMode::parse(m),
        }
    }
}

impl Server {
    pub fn number(&self) -> u32 {
        self.port.as_ref().and_then(|p| p.number).unwrap_or(0)
    }

    pub fn protocol(&self) -> &str {
        self.port
            .as_ref()
            .and_then(|p| p.protocol.as_deref())
            .unwrap_or("")
    }

    /// The TLS mode of the server: `None` without `tls`.
    pub fn tls_mode(&self) -> Option<ServerTlsMode> {
        self.tls.as_ref().and_then(ServerTls::mode)
    }
}

impl GatewaySpec {
    /// The selector as sorted `key=value` pairs joined by commas, as Istio's
    /// analyzers print it.
    pub fn selector_text(&self) -> String {
        let mut labels: Vec<String> = self
            .selector
            .iter()
            .flatten()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        labels.sort();
        labels.join(",")
    }

    /// The servers that are not `null`, with their index.
    pub fn servers(&self) -> impl Iterator<Item = (usize, &Server)> {
        self.servers
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().map(|s| (i, s)))
    }
}

impl Gateway {
    /// The typed view of an object read as YAML.
    pub fn from_value(value: &serde_yaml::Value) -> Result<Gateway, super::ViewError> {
        super::view::typed(value)
    }

    pub fn to_value(&self) -> Result<serde_yaml::Value, serde_yaml::Error> {
        serde_yaml::to_value(self)
    }
}
