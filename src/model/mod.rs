//! Istio `ServiceEntry` and `DestinationRule` as Rust types, and typed views of
//! `Gateway` and `VirtualService` (kept as text in the workspace, see `view`).
//!
//! The types follow Istio's v1 API field for field and in Istio's field order, so
//! that re-emitting a resource writes its keys in the order users know from the docs.
//! Every scalar is an `Option` so presence survives a round trip (`consecutive5xxErrors: 0`
//! is not the same as leaving it out), and every message keeps the keys it does not
//! know in `extra`, so nothing a user wrote is lost.

mod destination_rule;
mod enums;
mod gateway;
mod meta;
mod service_entry;
mod view;
mod virtual_service;

pub use destination_rule::*;
pub use enums::*;
pub use gateway::*;
pub use meta::*;
pub use service_entry::*;
pub use view::{ChainKind, ChainResource, ViewError};
pub use virtual_service::*;

use indexmap::IndexMap;

/// Keys of a YAML mapping that the model does not know, kept in their order.
pub type Extra = IndexMap<String, serde_yaml::Value>;

/// Reads a list at its exact length: a list read element by element reserves
/// room for up to twice its elements, which a big workspace keeps for good.
pub(crate) fn exact_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    let mut v = <Vec<T> as serde::Deserialize>::deserialize(d)?;
    v.shrink_to_fit();
    Ok(v)
}

/// The API group both kinds belong to.
pub const ISTIO_NETWORKING_GROUP: &str = "networking.istio.io";

/// One Kubernetes object read from a manifest.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // resources are few and long-lived; boxing buys nothing
pub enum Resource {
    ServiceEntry(Box<ServiceEntry>),
    DestinationRule(Box<DestinationRule>),
    /// Any other kind; the workspace keeps its raw text byte for byte.
    Other(OtherResource),
}

/// A resource of a kind the editor does not model (VirtualService, Gateway, …).
#[derive(Debug, Clone, PartialEq)]
pub struct OtherResource {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// The whole object as read.
    pub value: serde_yaml::Value,
    /// The typed view of a Gateway or VirtualService, read from `value` once
    /// (every check and frame reads it). Whoever changes `value` in place
    /// resets it.
    pub view: view::ViewCache,
}

/// The kinds the editor models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IstioKind {
    ServiceEntry,
    DestinationRule,
}

impl IstioKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IstioKind::ServiceEntry => "ServiceEntry",
            IstioKind::DestinationRule => "DestinationRule",
        }
    }

    /// Recognises `apiVersion` + `kind` of a modelled kind. Every served version
    /// (`v1`, `v1beta1`, `v1alpha3`) has the same schema, so all are read.
    pub fn from_type(api_version: &str, kind: &str) -> Option<IstioKind> {
        let (group, version) = api_version.split_once('/')?;
        if group != ISTIO_NETWORKING_GROUP || !ApiVersion::ALL.iter().any(|v| v.as_str() == version)
        {
            return None;
        }
        match kind {
            "ServiceEntry" => Some(IstioKind::ServiceEntry),
            "DestinationRule" => Some(IstioKind::DestinationRule),
            _ => None,
        }
    }
}

/// The served versions of `networking.istio.io`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ApiVersion {
    #[default]
    V1,
    V1beta1,
    V1alpha3,
}

impl ApiVersion {
    pub const ALL: [ApiVersion; 3] = [ApiVersion::V1, ApiVersion::V1beta1, ApiVersion::V1alpha3];

    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1",
            ApiVersion::V1beta1 => "v1beta1",
            ApiVersion::V1alpha3 => "v1alpha3",
        }
    }

    /// `networking.istio.io/<version>`.
    pub fn group_version(self) -> String {
        format!("{ISTIO_NETWORKING_GROUP}/{}", self.as_str())
    }

    pub fn parse(s: &str) -> Option<ApiVersion> {
        ApiVersion::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl Resource {
    pub fn kind(&self) -> &str {
        match self {
            Resource::ServiceEntry(_) => "ServiceEntry",
            Resource::DestinationRule(_) => "DestinationRule",
            Resource::Other(o) => &o.kind,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Resource::ServiceEntry(r) => r.metadata.name.as_deref().unwrap_or(""),
            Resource::DestinationRule(r) => r.metadata.name.as_deref().unwrap_or(""),
            Resource::Other(o) => &o.name,
        }
    }

    /// The namespace as written, if any.
    pub fn namespace(&self) -> Option<&str> {
        match self {
            Resource::ServiceEntry(r) => r.metadata.namespace.as_deref(),
            Resource::DestinationRule(r) => r.metadata.namespace.as_deref(),
            Resource::Other(o) => o.namespace.as_deref(),
        }
    }

    pub fn api_version(&self) -> &str {
        match self {
            Resource::ServiceEntry(r) => &r.api_version,
            Resource::DestinationRule(r) => &r.api_version,
            Resource::Other(o) => &o.api_version,
        }
    }

    /// True for the kinds the editor models.
    pub fn is_istio(&self) -> bool {
        !matches!(self, Resource::Other(_))
    }

    /// The object as a YAML value, in Istio's field order.
    pub fn to_value(&self) -> Result<serde_yaml::Value, serde_yaml::Error> {
        match self {
            Resource::ServiceEntry(r) => serde_yaml::to_value(r),
            Resource::DestinationRule(r) => serde_yaml::to_value(r),
            Resource::Other(o) => Ok(o.value.clone()),
        }
    }

    /// Sets `apiVersion` of a modelled kind; other kinds are left as they are.
    pub fn set_api_version(&mut self, version: ApiVersion) {
        match self {
            Resource::ServiceEntry(r) => r.api_version = version.group_version(),
            Resource::DestinationRule(r) => r.api_version = version.group_version(),
            Resource::Other(o) if ChainKind::of(o).is_some() => {
                o.api_version = version.group_version();
                if let Some(m) = o.value.as_mapping_mut() {
                    m.insert("apiVersion".into(), o.api_version.clone().into());
                }
                o.view = Default::default();
            }
            Resource::Other(_) => {}
        }
    }

    /// True for kinds of networking.istio.io whose versions share one schema
    /// (ServiceEntry, DestinationRule, Gateway, VirtualService).
    pub fn is_networking(&self) -> bool {
        match self {
            Resource::Other(o) => ChainKind::of(o).is_some(),
            _ => true,
        }
    }
}
