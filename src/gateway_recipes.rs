//! Recipes for the whole egress-gateway chain (egress-gateway.md §1.1, tasks
//! A–E): ServiceEntry, Gateway, the DestinationRule of the sidecar → gateway hop,
//! the VirtualService with its two rules and, when the gateway originates TLS,
//! the DestinationRule of the gateway → external host hop.
//!
//! A recipe asks only for the external host, its port, the egress gateway's
//! namespace and the gateway pods' labels. Every resource goes into the
//! gateway's namespace: that is on every client's lookup path for the
//! DestinationRules, where the gateway reads Secrets and applies its own
//! DestinationRule (with a workloadSelector), and the ServiceEntry and
//! VirtualService are exported everywhere. The gateway Service is assumed to be
//! `istio-egressgateway` in that namespace (Istio's egress chart).

use crate::model::Resource;
use crate::recipes::resource_name;
use crate::yaml::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GatewayRecipe {
    /// Task A: plain HTTP through the gateway.
    Http,
    /// Task B: TLS passed through the gateway by SNI.
    HttpsPassthrough,
    /// Task C: the app sends HTTP; Istio mTLS to the gateway; the gateway originates TLS.
    TlsOrigination,
    /// Task D: as C, with mutual TLS from a `credentialName` Secret in the gateway namespace.
    MutualTlsOrigination,
    /// Task E: a wildcard host passed through the gateway to one concrete host.
    Wildcard,
}

/// What a gateway recipe asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayParams {
    pub host: String,
    /// The external host's port (HTTP for `Http`, TLS for the others).
    pub port: u32,
    pub gateway_namespace: String,
    /// Labels of the egress gateway pods, e.g. `istio=egressgateway`.
    pub selector: Vec<(String, String)>,
}

impl Default for GatewayParams {
    fn default() -> Self {
        GatewayParams {
            host: "api.example.com".into(),
            port: 443,
            gateway_namespace: "istio-system".into(),
            selector: vec![("istio".into(), "egressgateway".into())],
        }
    }
}

/// The port on which the app sends plain HTTP when the gateway originates TLS.
const APP_HTTP_PORT: u32 = 80;

impl GatewayRecipe {
    pub const ALL: [GatewayRecipe; 5] = [
        GatewayRecipe::Http,
        GatewayRecipe::HttpsPassthrough,
        GatewayRecipe::TlsOrigination,
        GatewayRecipe::MutualTlsOrigination,
        GatewayRecipe::Wildcard,
    ];

    pub fn label(self) -> &'static str {
        match self {
            GatewayRecipe::Http => "HTTP via egress gateway",
            GatewayRecipe::HttpsPassthrough => "HTTPS passthrough via egress gateway",
            GatewayRecipe::TlsOrigination => "TLS origination at the egress gateway",
            GatewayRecipe::MutualTlsOrigination => {
                "Mutual TLS origination at the egress gateway (credentialName)"
            }
            GatewayRecipe::Wildcard => "Wildcard hosts via egress gateway",
        }
    }

    pub fn default_port(self) -> u32 {
        match self {
            GatewayRecipe::Http => 80,
            _ => 443,
        }
    }

    pub fn example_host(self) -> &'static str {
        match self {
            GatewayRecipe::Wildcard => "*.example.com",
            _ => "api.example.com",
        }
    }

    /// The chain's resources, in the order `kubectl apply` wants them.
    pub fn build(self, p: &GatewayParams) -> Result<Vec<Resource>, String> {
        let text = self.manifest(p)?;
        let file = SourceFile::from_text("recipe.yaml".into(), &text);
        let mut out = Vec::new();
        for d in &file.documents {
            if let Some(e) = &d.error {
                return Err(format!("the recipe could not be built: {}", e.message));
            }
            for i in &d.items {
                out.push(i.resource.clone().map_err(|e| e.message)?);
            }
        }
        Ok(out)
    }

    /// The chain as one multi-document manifest.
    pub fn manifest(self, p: &GatewayParams) -> Result<String, String> {
        let host = p.host.trim();
        if host.is_empty() {
            return Err("enter the external host".into());
        }
        if p.selector.is_empty() {
            return Err("enter the egress gateway's pod labels (e.g. istio=egressgateway)".into());
        }
        let wildcard = host.starts_with("*.");
        if wildcard != (self == GatewayRecipe::Wildcard) {
            return Err(if wildcard {
                "a wildcard host needs the wildcard recipe".into()
            } else {
                "the wildcard recipe needs a host such as *.example.com".into()
            });
        }
        let originating = matches!(
            self,
            GatewayRecipe::TlsOrigination | GatewayRecipe::MutualTlsOrigination
        );
        if originating && p.port == APP_HTTP_PORT {
            return Err(format!(
                "port {APP_HTTP_PORT} is where the app sends plain HTTP; enter the external host's TLS port (443)"
            ));
        }
        let ns = &p.gateway_namespace;
        let name = resource_name(host);
        let port = p.port;
        let egw = format!("istio-egressgateway.{ns}.svc.cluster.local");
        let selector = p
            .selector
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        // Wildcards reach one concrete host that serves every name (task E).
        let target = host.strip_prefix("*.").map(|d| format!("www.{d}"));
        let target = target.as_deref().unwrap_or(host);
        let meta = |n: &str| format!("metadata: {{name: {n}, namespace: {ns}}}");
        let v1 = "apiVersion: networking.istio.io/v1";
        let mut docs = Vec::new();
        // The ServiceEntries.
        let se_ports = match self {
            GatewayRecipe::Http => {
                format!("  - {{number: {port}, name: http-{port}, protocol: HTTP}}\n")
            }
            GatewayRecipe::HttpsPassthrough | GatewayRecipe::Wildcard => {
                format!("  - {{number: {port}, name: tls-{port}, protocol: TLS}}\n")
            }
            _ => format!(
                "  - {{number: {APP_HTTP_PORT}, name: http-{APP_HTTP_PORT}, protocol: HTTP}}\n  - {{number: {port}, name: https-{port}, protocol: HTTPS}}\n"
            ),
        };
        if wildcard {
            docs.push(format!(
                "{v1}\nkind: ServiceEntry\n{}\nspec:\n  hosts: ['{host}']\n  ports:\n{se_ports}  location: MESH_EXTERNAL\n  resolution: NONE\n",
                meta(&name)
            ));
        }
        docs.push(format!(
            "{v1}\nkind: ServiceEntry\n{}\nspec:\n  hosts: ['{target}']\n  ports:\n{se_ports}  location: MESH_EXTERNAL\n  resolution: DNS\n",
            meta(&resource_name(target))
        ));
        // The Gateway on the egress gateway pods.
        let (gw_port, server) = match self {
            GatewayRecipe::Http => (
                port,
                format!("{{number: {port}, name: http-{port}, protocol: HTTP}}"),
            ),
            GatewayRecipe::HttpsPassthrough | GatewayRecipe::Wildcard => (
                port,
                format!("{{number: {port}, name: tls-{port}, protocol: TLS}}"),
            ),
            _ => (
                APP_HTTP_PORT,
                format!("{{number: {APP_HTTP_PORT}, name: https-{name}, protocol: HTTPS}}"),
            ),
        };
        let server_tls = match self {
            GatewayRecipe::Http => String::new(),
            GatewayRecipe::HttpsPassthrough | GatewayRecipe::Wildcard => {
                "    tls: {mode: PASSTHROUGH}\n".into()
            }
            _ => "    tls: {mode: ISTIO_MUTUAL}\n".into(),
        };
        let gw_name = format!("{name}-egress");
        docs.push(format!(
            "{v1}\nkind: Gateway\n{}\nspec:\n  selector: {{{selector}}}\n  servers:\n  - port: {server}\n    hosts: ['{host}']\n{server_tls}",
            meta(&gw_name)
        ));
        // The sidecar → gateway hop: a subset, with Istio mTLS when the gateway terminates it.
        let subset_tls = if originating {
            format!(
                "    trafficPolicy:\n      portLevelSettings:\n      - port: {{number: {gw_port}}}\n        tls: {{mode: ISTIO_MUTUAL, sni: '{host}'}}\n"
            )
        } else {
            String::new()
        };
        docs.push(format!(
            "{v1}\nkind: DestinationRule\n{}\nspec:\n  host: {egw}\n  subsets:\n  - name: {name}\n{subset_tls}",
            meta(&format!("{name}-egress-hop"))
        ));
        // The VirtualService: sidecars → gateway, gateway → external host.
        let (block, match1, match2, to_port) = match self {
            GatewayRecipe::Http => (
                "http",
                format!("{{gateways: [mesh], port: {port}}}"),
                format!("{{gateways: [{gw_name}], port: {port}}}"),
                port,
            ),
            GatewayRecipe::HttpsPassthrough | GatewayRecipe::Wildcard => (
                "tls",
                format!("{{gateways: [mesh], port: {port}, sniHosts: ['{host}']}}"),
                format!("{{gateways: [{gw_name}], port: {port}, sniHosts: ['{host}']}}"),
                port,
            ),
            _ => (
                "http",
                format!("{{gateways: [mesh], port: {APP_HTTP_PORT}}}"),
                format!("{{gateways: [{gw_name}], port: {APP_HTTP_PORT}}}"),
                port,
            ),
        };
        docs.push(format!(
            "{v1}\nkind: VirtualService\n{}\nspec:\n  hosts: ['{host}']\n  gateways: [mesh, {gw_name}]\n  {block}:\n  - match:\n    - {match1}\n    route:\n    - destination: {{host: {egw}, subset: {name}, port: {{number: {gw_port}}}}}\n  - match:\n    - {match2}\n    route:\n    - destination: {{host: '{target}', port: {{number: {to_port}}}}}\n",
            meta(&name)
        ));
        // The gateway → external host hop originates TLS; only the gateway applies it.
        if originating {
            let tls = if self == GatewayRecipe::MutualTlsOrigination {
                format!("{{mode: MUTUAL, credentialName: {name}-client-credential, sni: '{host}'}}")
            } else {
                format!(
                    "{{mode: SIMPLE, sni: '{host}', caCertificates: /etc/ssl/certs/ca-certificates.crt}}"
                )
            };
            docs.push(format!(
                "{v1}\nkind: DestinationRule\n{}\nspec:\n  host: '{host}'\n  workloadSelector:\n    matchLabels: {{{selector}}}\n  exportTo: ['.']\n  trafficPolicy:\n    portLevelSettings:\n    - port: {{number: {port}}}\n      tls: {tls}\n",
                meta(&format!("{name}-originate-tls"))
            ));
        }
        Ok(docs.join("---\n"))
    }
}
