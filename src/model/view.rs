//! Typed views of kinds the workspace keeps as text ([`super::OtherResource`]):
//! Gateway and VirtualService. A view is read from the object's value on demand
//! and written back as a value, so the document's text stays the source of truth
//! and an edit is patched into it like any other.

use super::{Gateway, ISTIO_NETWORKING_GROUP, OtherResource, VirtualService};

/// Why a value did not read as the typed view: the field path (relative to the
/// object, e.g. `spec.servers[0].port.number`) and what was wrong, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewError {
    pub path: String,
    pub message: String,
}

pub(super) fn typed<T: serde::de::DeserializeOwned>(
    value: &serde_yaml::Value,
) -> Result<T, ViewError> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let mut path = String::new();
        for seg in e.path().iter() {
            match seg {
                serde_path_to_error::Segment::Seq { index } => path.push_str(&format!("[{index}]")),
                serde_path_to_error::Segment::Map { key } => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                serde_path_to_error::Segment::Enum { variant } => {
                    path.push('.');
                    path.push_str(variant);
                }
                serde_path_to_error::Segment::Unknown => {}
            }
        }
        let inner = e.into_inner().to_string();
        let message = match inner.split_once(" at line ") {
            Some((m, _)) => m.to_string(),
            None => inner,
        };
        ViewError {
            path,
            message: crate::yaml::for_people(&message),
        }
    })
}

/// The kinds of the egress-gateway chain that the workspace keeps as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChainKind {
    Gateway,
    VirtualService,
}

impl ChainKind {
    /// Recognises `apiVersion` + `kind` of Istio's Gateway or VirtualService in
    /// any served version (`v1`, `v1beta1`, `v1alpha3`: same schema).
    pub fn from_type(api_version: &str, kind: &str) -> Option<ChainKind> {
        let (group, version) = api_version.split_once('/')?;
        if group != ISTIO_NETWORKING_GROUP || super::ApiVersion::parse(version).is_none() {
            return None;
        }
        match kind {
            "Gateway" => Some(ChainKind::Gateway),
            "VirtualService" => Some(ChainKind::VirtualService),
            _ => None,
        }
    }

    pub fn of(o: &OtherResource) -> Option<ChainKind> {
        ChainKind::from_type(&o.api_version, &o.kind)
    }
}

/// A Gateway or VirtualService read through its typed view.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum ChainResource {
    Gateway(Gateway),
    VirtualService(VirtualService),
}

impl OtherResource {
    /// The typed view when this is an Istio Gateway or VirtualService; `None` for
    /// other kinds, `Some(Err)` when the object does not fit the schema's types.
    pub fn chain_view(&self) -> Option<Result<ChainResource, ViewError>> {
        // Boxed: every resource slot of a big workspace carries the cell.
        let view = self.view.0.get_or_init(|| Box::new(self.read_view()));
        (**view).clone()
    }

    fn read_view(&self) -> Option<Result<ChainResource, ViewError>> {
        Some(match ChainKind::of(self)? {
            ChainKind::Gateway => Gateway::from_value(&self.value).map(ChainResource::Gateway),
            ChainKind::VirtualService => {
                VirtualService::from_value(&self.value).map(ChainResource::VirtualService)
            }
        })
    }

    pub fn gateway(&self) -> Option<Gateway> {
        match self.chain_view()? {
            Ok(ChainResource::Gateway(g)) => Some(g),
            _ => None,
        }
    }

    pub fn virtual_service(&self) -> Option<VirtualService> {
        match self.chain_view()? {
            Ok(ChainResource::VirtualService(v)) => Some(v),
            _ => None,
        }
    }
}

impl ChainResource {
    /// The edited view written back as the object's value; `like` gives the
    /// kind, name and namespace the workspace lists it under.
    pub fn to_other(&self, like: &OtherResource) -> Result<OtherResource, serde_yaml::Error> {
        let (value, name, namespace) = match self {
            ChainResource::Gateway(g) => (g.to_value()?, &g.metadata.name, &g.metadata.namespace),
            ChainResource::VirtualService(v) => {
                (v.to_value()?, &v.metadata.name, &v.metadata.namespace)
            }
        };
        Ok(OtherResource {
            api_version: like.api_version.clone(),
            kind: like.kind.clone(),
            name: name.clone().unwrap_or_default(),
            namespace: namespace.clone(),
            value,
            view: ViewCache::default(),
        })
    }
}

/// The typed view of an [`OtherResource`], read once. It is derived from the
/// object's value, so it takes no part in comparing or printing the object.
#[derive(Clone, Default)]
pub struct ViewCache(std::sync::OnceLock<Box<Option<Result<ChainResource, ViewError>>>>);

impl PartialEq for ViewCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for ViewCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ViewCache")
    }
}
