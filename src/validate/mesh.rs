//! The mesh-wide settings some analyzers depend on (Istio's `MeshConfig`): whether
//! sidecars capture DNS and allocate addresses, the outbound traffic policy, the
//! cluster domain. Read from a MeshConfig file (what `istioctl analyze
//! --meshConfigFile` takes), or from the `istio` ConfigMap's `data.mesh` found in
//! the workspace; Istio's defaults apply otherwise.

use crate::model::Resource;
use crate::yaml::Workspace;
use serde_yaml::Value;
use std::collections::BTreeMap;

/// What the mesh does with traffic to hosts no ServiceEntry or Service declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutboundPolicy {
    /// Istio's default: unregistered hosts pass through, unmanaged.
    #[default]
    AllowAny,
    /// Only registered hosts are reachable; everything else is blocked.
    RegistryOnly,
}

/// The parts of MeshConfig the analyzers read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MeshConfig {
    /// `defaultConfig.proxyMetadata`.
    pub proxy_metadata: BTreeMap<String, String>,
    /// `outboundTrafficPolicy.mode`.
    pub outbound: OutboundPolicy,
    /// Kubernetes cluster domain (default `cluster.local`).
    pub cluster_domain: Option<String>,
    /// Where it was read from, for people (`None`: Istio's defaults).
    pub origin: Option<String>,
}

impl MeshConfig {
    /// Parses MeshConfig YAML. A ConfigMap holding it under `data.mesh` is accepted too.
    pub fn parse(text: &str, origin: &str) -> Result<MeshConfig, String> {
        let value: Value = serde_yaml::from_str(text)
            .map_err(|e| format!("{origin}: not valid MeshConfig YAML: {e}"))?;
        if value.get("kind").and_then(Value::as_str) == Some("ConfigMap") {
            let mesh = value
                .get("data")
                .and_then(|d| d.get("mesh"))
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{origin}: this ConfigMap has no data.mesh"))?;
            return MeshConfig::parse(mesh, origin);
        }
        if !matches!(value, Value::Mapping(_) | Value::Null) {
            return Err(format!(
                "{origin}: MeshConfig must be a YAML mapping (defaultConfig, outboundTrafficPolicy, …)"
            ));
        }
        MeshConfig::from_value(&value, origin)
    }

    fn from_value(value: &Value, origin: &str) -> Result<MeshConfig, String> {
        let proxy_metadata = value
            .get("defaultConfig")
            .and_then(|d| d.get("proxyMetadata"))
            .and_then(Value::as_mapping)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.as_str()?.to_string(), scalar(v)?)))
                    .collect()
            })
            .unwrap_or_default();
        let outbound = match value
            .get("outboundTrafficPolicy")
            .and_then(|o| o.get("mode"))
            .and_then(Value::as_str)
        {
            None | Some("ALLOW_ANY") => OutboundPolicy::AllowAny,
            Some("REGISTRY_ONLY") => OutboundPolicy::RegistryOnly,
            Some(other) => {
                return Err(format!(
                    "{origin}: outboundTrafficPolicy.mode \"{other}\" is not one of ALLOW_ANY, REGISTRY_ONLY"
                ));
            }
        };
        Ok(MeshConfig {
            proxy_metadata,
            outbound,
            cluster_domain: value
                .get("clusterDomain")
                .and_then(Value::as_str)
                .filter(|d| !d.is_empty())
                .map(str::to_string),
            origin: Some(origin.to_string()),
        })
    }

    /// The mesh config of an `istio` ConfigMap (any revision: `istio-REV`) in the
    /// workspace, if there is one.
    pub fn from_workspace(ws: &Workspace) -> Option<Result<MeshConfig, String>> {
        ws.files.iter().find_map(|file| {
            file.items().find_map(|(doc, item)| {
                let Ok(Resource::Other(o)) = &item.resource else {
                    return None;
                };
                let is_istio = o.kind == "ConfigMap"
                    && (o.name == "istio" || o.name.starts_with("istio-"))
                    && o.value.get("data").and_then(|d| d.get("mesh")).is_some();
                if !is_istio {
                    return None;
                }
                let origin = format!(
                    "{}:{} (ConfigMap {})",
                    file.display_path(),
                    doc.line,
                    o.name
                );
                let mesh = o.value.get("data")?.get("mesh")?;
                Some(match mesh.as_str() {
                    Some(text) => MeshConfig::parse(text, &origin),
                    None => Err(format!(
                        "{origin}: data.mesh must be a string of MeshConfig YAML"
                    )),
                })
            })
        })
    }

    fn metadata_true(&self, key: &str) -> bool {
        self.proxy_metadata.get(key).is_some_and(|v| v == "true")
    }

    /// Sidecars capture DNS and give ServiceEntries without addresses an
    /// automatically allocated one (what IST0134 checks for).
    pub fn auto_allocates_addresses(&self) -> bool {
        self.metadata_true("ISTIO_META_DNS_CAPTURE")
            && (self.metadata_true("ISTIO_META_DNS_AUTO_ALLOCATE")
                || self.metadata_true("PILOT_ENABLE_IP_AUTOALLOCATE"))
    }

    /// `svc.<cluster domain>`, the suffix of in-cluster Service names.
    pub fn service_suffix(&self) -> String {
        format!(
            "svc.{}",
            self.cluster_domain.as_deref().unwrap_or("cluster.local")
        )
    }
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_dns_capture_and_outbound_policy() {
        let m = MeshConfig::parse(
            "defaultConfig:\n  proxyMetadata:\n    ISTIO_META_DNS_CAPTURE: \"true\"\n    ISTIO_META_DNS_AUTO_ALLOCATE: \"true\"\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n",
            "mesh.yaml",
        )
        .unwrap();
        assert!(m.auto_allocates_addresses());
        assert_eq!(m.outbound, OutboundPolicy::RegistryOnly);
        let capture_only = MeshConfig::parse(
            "defaultConfig:\n  proxyMetadata:\n    ISTIO_META_DNS_CAPTURE: \"true\"\n",
            "m",
        )
        .unwrap();
        assert!(!capture_only.auto_allocates_addresses());
        assert!(!MeshConfig::default().auto_allocates_addresses());
        assert!(MeshConfig::parse("outboundTrafficPolicy: {mode: NOPE}", "m").is_err());
    }

    #[test]
    fn reads_a_configmap_wrapper() {
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio}\ndata:\n  mesh: |\n    clusterDomain: example.internal\n";
        let m = MeshConfig::parse(cm, "cm.yaml").unwrap();
        assert_eq!(m.service_suffix(), "svc.example.internal");
    }
}
