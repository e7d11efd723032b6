//! `VirtualService` (networking.istio.io) as far as egress uses it: hosts,
//! gateways, exportTo and the `http`, `tls` and `tcp` rules with their matches
//! (port, gateways, sniHosts) and destinations. Every other field (retries,
//! rewrites, headers, fault injection, …) is kept verbatim in `extra`.

use super::{Extra, ObjectMeta, PortSelector};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualService {
    #[serde(default)]
    pub api_version: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: VirtualServiceSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<serde_yaml::Value>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualServiceSpec {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gateways: Vec<String>,
    /// `None` inside a list is a `null` rule (rejected by the webhook).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub http: Vec<Option<Rule>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tls: Vec<Option<Rule>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tcp: Vec<Option<Rule>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub export_to: Vec<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// One `http`, `tls` or `tcp` rule: the fields they share for egress. HTTP-only
/// fields (`redirect`, `directResponse`, `rewrite`, `timeout`, …) stay in `extra`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `None` means no `match` key; `Some(None)` items are `null` matches.
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<Option<RouteMatch>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<Vec<Option<RouteDestination>>>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteMatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gateways: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sni_hosts: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub destination_subnets: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_labels: Option<IndexMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_namespace: Option<String>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteDestination {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<Destination>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    #[serde(flatten)]
    pub extra: Extra,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Destination {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<PortSelector>,
    #[serde(flatten)]
    pub extra: Extra,
}

/// Which list of a VirtualService a rule is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleKind {
    Http,
    Tls,
    Tcp,
}

impl RuleKind {
    pub const ALL: [RuleKind; 3] = [RuleKind::Http, RuleKind::Tls, RuleKind::Tcp];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Http => "http",
            RuleKind::Tls => "tls",
            RuleKind::Tcp => "tcp",
        }
    }
}

impl VirtualServiceSpec {
    pub fn rules(&self, kind: RuleKind) -> &[Option<Rule>] {
        match kind {
            RuleKind::Http => &self.http,
            RuleKind::Tls => &self.tls,
            RuleKind::Tcp => &self.tcp,
        }
    }

    /// Every non-null rule with its list and index.
    pub fn all_rules(&self) -> impl Iterator<Item = (RuleKind, usize, &Rule)> {
        RuleKind::ALL.into_iter().flat_map(move |k| {
            self.rules(k)
                .iter()
                .enumerate()
                .filter_map(move |(i, r)| r.as_ref().map(|r| (k, i, r)))
        })
    }

    /// True when the VS applies to sidecars: no `gateways`, or `mesh` listed.
    pub fn applies_to_mesh(&self) -> bool {
        self.gateways.is_empty() || self.gateways.iter().any(|g| g == "mesh")
    }
}

impl Rule {
    pub fn matches(&self) -> impl Iterator<Item = (usize, &RouteMatch)> {
        self.matches
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, m)| m.as_ref().map(|m| (i, m)))
    }

    pub fn destinations(&self) -> impl Iterator<Item = (usize, &Destination)> {
        self.route
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref()?.destination.as_ref().map(|d| (i, d)))
    }
}

impl Destination {
    pub fn port(&self) -> Option<u32> {
        self.port.as_ref().and_then(|p| p.number)
    }
}

impl VirtualService {
    /// The typed view of an object read as YAML.
    pub fn from_value(value: &serde_yaml::Value) -> Result<VirtualService, super::ViewError> {
        super::view::typed(value)
    }

    pub fn to_value(&self) -> Result<serde_yaml::Value, serde_yaml::Error> {
        serde_yaml::to_value(self)
    }
}
