//! Istio's enums, spelled as Istio spells them in YAML.

use serde::{Deserialize, Serialize};

macro_rules! istio_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

istio_enum!(
    /// `ServiceEntry.location`; absent means MESH_EXTERNAL.
    Location { MeshExternal = "MESH_EXTERNAL", MeshInternal = "MESH_INTERNAL" }
);

istio_enum!(
    /// `ServiceEntry.resolution`; absent means NONE.
    Resolution {
        None = "NONE",
        Static = "STATIC",
        Dns = "DNS",
        DnsRoundRobin = "DNS_ROUND_ROBIN",
        DynamicDns = "DYNAMIC_DNS",
    }
);

istio_enum!(
    /// `loadBalancer.simple`.
    SimpleLb {
        Unspecified = "UNSPECIFIED",
        LeastConn = "LEAST_CONN",
        Random = "RANDOM",
        Passthrough = "PASSTHROUGH",
        RoundRobin = "ROUND_ROBIN",
        LeastRequest = "LEAST_REQUEST",
    }
);

istio_enum!(
    /// `tls.mode`.
    TlsMode { Disable = "DISABLE", Simple = "SIMPLE", Mutual = "MUTUAL", IstioMutual = "ISTIO_MUTUAL" }
);

istio_enum!(
    /// `connectionPool.http.h2UpgradePolicy`.
    H2UpgradePolicy { Default = "DEFAULT", DoNotUpgrade = "DO_NOT_UPGRADE", Upgrade = "UPGRADE" }
);

istio_enum!(
    /// `proxyProtocol.version`.
    ProxyProtocolVersion { V1 = "V1", V2 = "V2" }
);
