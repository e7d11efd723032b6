//! One case per rule: a manifest that breaks just that rule, with the severity,
//! code and path Istio's rule gives. The base manifests are checked clean.

use super::{Diagnostic, IstioVersion, Options, Severity, check_resource};
use crate::yaml::SourceFile;

use Severity::{Error as E, Info as I, Warning as W};

const SE: &str = "ServiceEntry";
const DR: &str = "DestinationRule";
const V30: IstioVersion = IstioVersion::LATEST_GA;
const V31: IstioVersion = IstioVersion::MASTER;

pub(crate) fn diagnostics(
    kind: &str,
    meta: &str,
    spec: &str,
    version: IstioVersion,
) -> Vec<Diagnostic> {
    let text = format!(
        "apiVersion: networking.istio.io/v1\nkind: {kind}\nmetadata:\n  name: t\n  namespace: ns1\n{meta}spec: {spec}\n"
    );
    let file = SourceFile::from_text("t.yaml".into(), &text);
    let doc = &file.documents[0];
    assert!(doc.error.is_none(), "{text}: {:?}", doc.error);
    let resource = doc.items[0]
        .resource
        .as_ref()
        .unwrap_or_else(|e| panic!("{text}: {e:?}"));
    check_resource(
        resource,
        &Options {
            istio_version: version,
        },
    )
}

struct Case {
    kind: &'static str,
    meta: &'static str,
    spec: &'static str,
    version: IstioVersion,
    expect: &'static [(&'static str, Severity, &'static str)],
}

const fn c(
    kind: &'static str,
    spec: &'static str,
    expect: &'static [(&'static str, Severity, &'static str)],
) -> Case {
    Case {
        kind,
        meta: "",
        spec,
        version: V30,
        expect,
    }
}

const fn cv(
    kind: &'static str,
    version: IstioVersion,
    spec: &'static str,
    expect: &'static [(&'static str, Severity, &'static str)],
) -> Case {
    Case {
        kind,
        meta: "",
        spec,
        version,
        expect,
    }
}

const fn cm(
    kind: &'static str,
    meta: &'static str,
    spec: &'static str,
    expect: &'static [(&'static str, Severity, &'static str)],
) -> Case {
    Case {
        kind,
        meta,
        spec,
        version: V30,
        expect,
    }
}

const VALID: &[Case] = &[
    c(
        SE,
        "{hosts: [api.example.com], ports: [{number: 443, name: https, protocol: TLS}], resolution: DNS}",
        &[],
    ),
    c(
        SE,
        "{hosts: ['*.example.com'], ports: [{number: 443, name: tls, protocol: TLS}], resolution: DYNAMIC_DNS}",
        &[],
    ),
    c(
        SE,
        "{hosts: [db.internal], addresses: [10.0.0.0/24], ports: [{number: 5432, name: pg, protocol: TCP}], resolution: NONE}",
        &[],
    ),
    c(
        SE,
        "{hosts: [vm.mesh], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, location: MESH_INTERNAL, endpoints: [{address: 10.1.1.1, ports: {http: 8080}, labels: {app: vm}}]}",
        &[],
    ),
    c(
        SE,
        "{hosts: [uds.local], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 'unix:///var/run/a.sock'}]}",
        &[],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: http, targetPort: 443}], resolution: DNS, exportTo: ['.', other], subjectAltNames: [spiffe://x]}",
        &[],
    ),
    c(
        DR,
        "{host: api.example.com, trafficPolicy: {tls: {mode: SIMPLE, sni: api.example.com}}}",
        &[],
    ),
    c(
        DR,
        "{host: '*', trafficPolicy: {connectionPool: {tcp: {idleTimeout: 0s, maxConnections: 0}, http: {h2UpgradePolicy: UPGRADE}}, outlierDetection: {consecutive5xxErrors: 0, interval: 1s, baseEjectionTime: 1m}}}",
        &[],
    ),
    c(
        DR,
        "{host: r.ns1.svc.cluster.local, subsets: [{name: V1, labels: {version: v1}}, {name: v2}], exportTo: [ns1]}",
        &[],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {consistentHash: {maglev: {tableSize: 65537}}}, portLevelSettings: [{port: {number: 0}, tls: {mode: ISTIO_MUTUAL}}]}}",
        &[],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN, warmup: {duration: 10s, minimumPercent: 10, aggression: 1}, localityLbSetting: {distribute: [{from: 'a/*', to: {'a/b/*': 60, 'c/*': 40}}]}}}}",
        &[],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {tls: {mode: MUTUAL, credentialName: my-cred, insecureSkipVerify: true}}}",
        &[],
    ),
    c(
        DR,
        "{host: a.example.com, workloadSelector: {matchLabels: {app: a}}, exportTo: ['.'], trafficPolicy: {tls: {mode: SIMPLE, credentialName: 'configmap://ns1/ca'}}}",
        &[],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {tunnel: {targetHost: 10.0.0.1, targetPort: 8080, protocol: POST}}}",
        &[],
    ),
    cv(
        DR,
        V31,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {warmup: {duration: 1s, aggression: 0.5}, zoneAwareLbSetting: {enabled: true, minClusterSize: 3}}, connectionPool: {http: {http2KeepAlive: {interval: 10s, timeout: 2s}}}}}",
        &[],
    ),
];

const BROKEN: &[Case] = &[
    // ServiceEntry: selector, hosts, addresses, ports.
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, workloadSelector: {labels: {'': x}}}",
        &[("SE1", E, "spec.workloadSelector.labels[\"\"]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, workloadSelector: {labels: {app: '*'}}}",
        &[("SE2", E, "spec.workloadSelector.labels.app")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, workloadSelector: {}}",
        &[("SE3", W, "spec.workloadSelector")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, workloadSelector: {labels: {app: a}}, endpoints: [{address: 1.1.1.1}]}",
        &[("SE4", E, "spec.endpoints")],
    ),
    c(
        SE,
        "{hosts: [], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}",
        &[("SE5", E, "spec.hosts")],
    ),
    c(
        SE,
        "{hosts: ['*'], ports: [{number: 80, name: http, protocol: HTTP}]}",
        &[("SE6", E, "spec.hosts[0]")],
    ),
    c(
        SE,
        "{hosts: ['foo.*.com'], ports: [{number: 80, name: http, protocol: HTTP}]}",
        &[("SE7", E, "spec.hosts[0]"), ("SE8", W, "spec.hosts[0]")],
    ),
    c(
        SE,
        "{hosts: ['*foo.com'], ports: [{number: 80, name: http, protocol: HTTP}]}",
        &[("SE8", W, "spec.hosts[0]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], addresses: [1.2.3], ports: [{number: 80, name: http, protocol: HTTP}]}",
        &[("SE9", E, "spec.addresses[0]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], addresses: [10.0.0.0/8], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}",
        &[("SE10", E, "spec.addresses")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}, {number: 81, name: http, protocol: HTTP}], resolution: DNS}",
        &[("SE11", E, "spec.ports[1].name")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}, {number: 80, name: web, protocol: HTTP}], resolution: DNS}",
        &[("SE12", E, "spec.ports[1].number")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP, targetPort: 70000}], resolution: DNS}",
        &[("SE13", E, "spec.ports[0].targetPort")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 5432, name: pg, protocol: TCP}], resolution: NONE}",
        &[("SE14", W, "spec.ports[0]")],
    ),
    cm(
        SE,
        "  labels:\n    networking.istio.io/enable-autoallocate-ip: \"false\"\n",
        "{hosts: [a.example.com], ports: [{number: 5432, name: pg}], resolution: DNS}",
        &[("SE14", W, "spec.ports[0]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: bad_name, protocol: HTTP}], resolution: DNS}",
        &[("SE15", E, "spec.ports[0].name")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HBONE}], resolution: DNS}",
        &[("SE16", E, "spec.ports[0].protocol")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 0, name: http, protocol: HTTP}], resolution: DNS}",
        &[("SE17", E, "spec.ports[0].number")],
    ),
    // Resolution NONE.
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], endpoints: [{address: 1.1.1.1}]}",
        &[("SE18", E, "spec.endpoints")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], workloadSelector: {labels: {app: a}}}",
        &[("SE19", W, "spec.workloadSelector")],
    ),
    // Resolution STATIC.
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{labels: {a: b}}]}",
        &[("SE20", E, "spec.endpoints[0]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{network: n1}]}",
        &[("SE21", W, "spec.endpoints[0]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 'unix://'}]}",
        &[("SE22", E, "spec.endpoints[0].address")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 'unix://rel/a.sock'}]}",
        &[("SE23", E, "spec.endpoints[0].address")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 'unix:///a.sock', ports: {http: 8080}}]}",
        &[("SE24", E, "spec.endpoints[0].ports")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: b.example.com}]}",
        &[("SE25", E, "spec.endpoints[0].address")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 1.1.1.1, ports: {nope: 80}}]}",
        &[("SE26", E, "spec.endpoints[0].ports.nope")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 1.1.1.1, ports: {http: 70000}}]}",
        &[("SE27", E, "spec.endpoints[0].ports.http")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 1.1.1.1, labels: {'bad key': v}}]}",
        &[("SE28", E, "spec.endpoints[0].labels[\"bad key\"]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}, {number: 81, name: h2, protocol: HTTP}], resolution: STATIC, endpoints: [{address: 'unix:///a.sock'}]}",
        &[("SE29", E, "spec.ports")],
    ),
    // Resolution DNS / DNS_ROUND_ROBIN.
    c(
        SE,
        "{hosts: ['*.example.com'], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}",
        &[("SE30", E, "spec.hosts[0]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS_ROUND_ROBIN, endpoints: [{address: b.example.com}, {address: c.example.com}]}",
        &[("SE31", E, "spec.endpoints")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, endpoints: [{address: 'b.example.com:80'}]}",
        &[("SE32", E, "spec.endpoints[0].address")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, endpoints: [{network: n1}]}",
        &[("SE32", E, "spec.endpoints[0].address")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, endpoints: [{address: b.example.com, labels: {k: 'bad value'}}]}",
        &[("SE33", E, "spec.endpoints[0].labels.k")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, endpoints: [{address: b.example.com, ports: {nope: 80}}]}",
        &[("SE34", E, "spec.endpoints[0].ports.nope")],
    ),
    c(
        SE,
        "{hosts: [a.example.com, b.example.com], addresses: [1.1.1.1], ports: [{number: 443, name: tls, protocol: TLS}], resolution: DNS}",
        &[("SE35", W, "spec.hosts")],
    ),
    // Resolution DYNAMIC_DNS.
    c(
        SE,
        "{hosts: [], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DYNAMIC_DNS}",
        &[("SE5", E, "spec.hosts"), ("SE36", E, "spec.hosts")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DYNAMIC_DNS}",
        &[("SE37", E, "spec.hosts[0]")],
    ),
    c(
        SE,
        "{hosts: ['*.example.com'], addresses: [1.1.1.1], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DYNAMIC_DNS}",
        &[("SE38", E, "spec.addresses")],
    ),
    c(
        SE,
        "{hosts: ['*.example.com'], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DYNAMIC_DNS, endpoints: [{address: 1.1.1.1}]}",
        &[("SE39", E, "spec.endpoints")],
    ),
    c(
        SE,
        "{hosts: ['*.example.com'], ports: [{number: 443, name: https, protocol: HTTPS}], resolution: DYNAMIC_DNS}",
        &[("SE40", E, "spec.ports[0].protocol")],
    ),
    cm(
        SE,
        "  labels:\n    istio.io/use-waypoint: wp\n",
        "{hosts: ['*.example.com'], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DYNAMIC_DNS, location: MESH_INTERNAL}",
        &[("SE42", E, "spec.location")],
    ),
    c(
        SE,
        "{hosts: [a.example.com, b.example.com], ports: [{number: 5432, name: pg, protocol: TCP}], resolution: DNS}",
        &[("SE44", E, "spec.ports[0].protocol")],
    ),
    // exportTo.
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, exportTo: ['.', ns1]}",
        &[("X1", E, "spec.exportTo[1]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, exportTo: [bad_ns]}",
        &[("X2", E, "spec.exportTo[0]")],
    ),
    c(
        DR,
        "{host: a.example.com, exportTo: ['~']}",
        &[("X2", E, "spec.exportTo[0]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, exportTo: ['*', ns2]}",
        &[("X3", E, "spec.exportTo")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, exportTo: ['~', ns2]}",
        &[("X4", E, "spec.exportTo")],
    ),
    c(
        DR,
        "{host: a.example.com, workloadSelector: {matchLabels: {app: a}}, exportTo: ['*']}",
        &[("X5", E, "spec.exportTo")],
    ),
    c(
        DR,
        "{host: a.example.com, workloadSelector: {matchLabels: {app: a}}, exportTo: ['.', other]}",
        &[("X6", E, "spec.exportTo")],
    ),
    // DestinationRule.
    c(DR, "{host: 'foo.*.com'}", &[("DR1", E, "spec.host")]),
    c(DR, "{host: 1.2.3.4}", &[("DR1", E, "spec.host")]),
    c(
        DR,
        "{trafficPolicy: {tls: {mode: SIMPLE}}}",
        &[("DR1", E, "spec.host")],
    ),
    c(
        DR,
        "{host: a.example.com, subsets: [{name: v1}, {name: v1}]}",
        &[("DR3", E, "spec.subsets[1].name")],
    ),
    c(
        DR,
        "{host: a.example.com, subsets: [{labels: {a: b}}]}",
        &[("DR4", E, "spec.subsets[0].name")],
    ),
    c(
        DR,
        "{host: a.example.com, subsets: [{name: v1.0}]}",
        &[("DR5", E, "spec.subsets[0].name")],
    ),
    c(
        DR,
        "{host: a.example.com, subsets: [{name: v1, labels: {'a/b/c': x}}]}",
        &[("DR6", E, "spec.subsets[0].labels[\"a/b/c\"]")],
    ),
    c(
        DR,
        "{host: a.example.com, subsets: [{name: v1, trafficPolicy: {}}]}",
        &[("TP1", E, "spec.subsets[0].trafficPolicy")],
    ),
    c(
        DR,
        "{host: a.example.com, subsets: [{name: v1, trafficPolicy: {outlierDetection: {consecutiveErrors: 3}}}]}",
        &[(
            "OD2",
            I,
            "spec.subsets[0].trafficPolicy.outlierDetection.consecutiveErrors",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, workloadSelector: {matchLabels: {'': a}}}",
        &[("DR9", E, "spec.workloadSelector.matchLabels[\"\"]")],
    ),
    c(
        DR,
        "{host: a.example.com, workloadSelector: {matchLabels: {app: 'a*'}}}",
        &[("DR10", E, "spec.workloadSelector.matchLabels.app")],
    ),
    c(
        DR,
        "{host: a.example.com, workloadSelector: {}}",
        &[("DR11", W, "spec.workloadSelector")],
    ),
    // TrafficPolicy.
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {}}",
        &[("TP1", E, "spec.trafficPolicy")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {tunnel: {targetHost: b.example.com, targetPort: 80}, proxyProtocol: {version: V2}}}",
        &[("TP2", E, "spec.trafficPolicy")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {portLevelSettings: [{tls: {mode: SIMPLE}}]}}",
        &[("TP3", E, "spec.trafficPolicy.portLevelSettings[0]")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {portLevelSettings: [{port: {number: 80}}]}}",
        &[("TP4", E, "spec.trafficPolicy.portLevelSettings[0]")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {portLevelSettings: [{port: {number: 80}, connectionPool: {}}]}}",
        &[(
            "CP1",
            E,
            "spec.trafficPolicy.portLevelSettings[0].connectionPool",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {portLevelSettings: [{port: {number: 80}, outlierDetection: {consecutiveErrors: 5}}]}}",
        &[(
            "OD2",
            I,
            "spec.trafficPolicy.portLevelSettings[0].outlierDetection.consecutiveErrors",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {tunnel: {protocol: GET, targetHost: b.example.com, targetPort: 80}}}",
        &[("TP6", E, "spec.trafficPolicy.tunnel.protocol")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {tunnel: {targetHost: bad_host, targetPort: 80}}}",
        &[("TP7", E, "spec.trafficPolicy.tunnel.targetHost")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {tunnel: {targetHost: b.example.com}}}",
        &[("TP8", E, "spec.trafficPolicy.tunnel.targetPort")],
    ),
    // Connection pool.
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {connectionPool: {}}}",
        &[("CP1", E, "spec.trafficPolicy.connectionPool")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {connectionPool: {http: {http1MaxPendingRequests: -1}}}}",
        &[(
            "CP2",
            E,
            "spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {connectionPool: {http: {http2MaxRequests: -1}}}}",
        &[(
            "CP3",
            E,
            "spec.trafficPolicy.connectionPool.http.http2MaxRequests",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {connectionPool: {http: {maxRequestsPerConnection: -1}}}}",
        &[(
            "CP4",
            E,
            "spec.trafficPolicy.connectionPool.http.maxRequestsPerConnection",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {connectionPool: {http: {maxRetries: -1}}}}",
        &[(
            "CP5",
            E,
            "spec.trafficPolicy.connectionPool.http.maxRetries",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {connectionPool: {http: {idleTimeout: 0.5ms}}}}",
        &[(
            "CP6",
            E,
            "spec.trafficPolicy.connectionPool.http.idleTimeout",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {connectionPool: {http: {h2UpgradePolicy: UPGRADE, useClientProtocol: true}}}}",
        &[(
            "CP7",
            E,
            "spec.trafficPolicy.connectionPool.http.useClientProtocol",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {connectionPool: {http: {maxConcurrentStreams: -1}}}}",
        &[(
            "CP8",
            E,
            "spec.trafficPolicy.connectionPool.http.maxConcurrentStreams",
        )],
    ),
    cv(
        DR,
        V31,
        "{host: a.example.com, trafficPolicy: {connectionPool: {http: {http2KeepAlive: {interval: 1s}}}}}",
        &[(
            "CP9",
            E,
            "spec.trafficPolicy.connectionPool.http.http2KeepAlive",
        )],
    ),
    cv(
        DR,
        V31,
        "{host: a.example.com, trafficPolicy: {connectionPool: {http: {http2KeepAlive: {interval: 1.5ms, timeout: 1s}}}}}",
        &[(
            "CP10",
            E,
            "spec.trafficPolicy.connectionPool.http.http2KeepAlive.interval",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {connectionPool: {tcp: {maxConnections: -1}}}}",
        &[(
            "CP11",
            E,
            "spec.trafficPolicy.connectionPool.tcp.maxConnections",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {connectionPool: {tcp: {connectTimeout: 10x}}}}",
        &[(
            "CP12",
            E,
            "spec.trafficPolicy.connectionPool.tcp.connectTimeout",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {connectionPool: {tcp: {maxConnectionDuration: 0s}}}}",
        &[(
            "CP13",
            E,
            "spec.trafficPolicy.connectionPool.tcp.maxConnectionDuration",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {connectionPool: {tcp: {idleTimeout: 1.5ms}}}}",
        &[(
            "CP14",
            E,
            "spec.trafficPolicy.connectionPool.tcp.idleTimeout",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {connectionPool: {tcp: {tcpKeepalive: {time: 1.5ms}}}}}",
        &[(
            "CP15",
            E,
            "spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.time",
        )],
    ),
    // Outlier detection.
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {baseEjectionTime: 0s}}}",
        &[(
            "OD1",
            E,
            "spec.trafficPolicy.outlierDetection.baseEjectionTime",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {consecutiveErrors: 5}}}",
        &[(
            "OD2",
            W,
            "spec.trafficPolicy.outlierDetection.consecutiveErrors",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {consecutiveLocalOriginFailures: 3}}}",
        &[(
            "OD3",
            E,
            "spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {interval: 1d}}}",
        &[("OD4", E, "spec.trafficPolicy.outlierDetection.interval")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {maxEjectionPercent: 101}}}",
        &[(
            "OD5",
            E,
            "spec.trafficPolicy.outlierDetection.maxEjectionPercent",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {minHealthPercent: -1}}}",
        &[(
            "OD6",
            E,
            "spec.trafficPolicy.outlierDetection.minHealthPercent",
        )],
    ),
    // Load balancer.
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {ttl: 0s}}}}}",
        &[(
            "LB1",
            E,
            "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {name: c, attributes: [{value: x}]}}}}}",
        &[(
            "LB2",
            E,
            "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[0].name",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {name: c, attributes: [{name: Secure}, {name: Secure}]}}}}}",
        &[(
            "LB3",
            E,
            "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[1].name",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {consistentHash: {minimumRingSize: 1024}}}}",
        &[(
            "LB4",
            W,
            "spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {consistentHash: {minimumRingSize: 1024, ringHash: {minimumRingSize: 2048}}}}}",
        &[
            (
                "LB4",
                W,
                "spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize",
            ),
            (
                "LB5",
                E,
                "spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize",
            ),
        ],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {consistentHash: {maglev: {}}}}}",
        &[
            (
                "LB6",
                E,
                "spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize",
            ),
            (
                "LB8",
                E,
                "spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize",
            ),
        ],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {consistentHash: {maglev: {tableSize: 5000011}}}}}",
        &[(
            "LB7",
            E,
            "spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {consistentHash: {maglev: {tableSize: 65536}}}}}",
        &[(
            "LB8",
            E,
            "spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize",
        )],
    ),
    cv(
        DR,
        V31,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {localityLbSetting: {enabled: true}, zoneAwareLbSetting: {enabled: true}}}}",
        &[("LB9", E, "spec.trafficPolicy.loadBalancer")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {warmup: {minimumPercent: 10}}}}",
        &[("LB12", E, "spec.trafficPolicy.loadBalancer.warmup")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {warmup: {duration: 0s}}}}",
        &[("LB13", E, "spec.trafficPolicy.loadBalancer.warmup.duration")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {warmup: {duration: 1s, minimumPercent: 101}}}}",
        &[(
            "LB14",
            E,
            "spec.trafficPolicy.loadBalancer.warmup.minimumPercent",
        )],
    ),
    cv(
        DR,
        V31,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {warmup: {duration: 1s, aggression: 0}}}}",
        &[(
            "LB15",
            E,
            "spec.trafficPolicy.loadBalancer.warmup.aggression",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {warmup: {duration: 1s, aggression: 0.5}}}}",
        &[(
            "LB15",
            E,
            "spec.trafficPolicy.loadBalancer.warmup.aggression",
        )],
    ),
    // Locality.
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {}, loadBalancer: {localityLbSetting: {distribute: [{from: a, to: {b: 100}}], failover: [{from: a, to: b}]}}}}",
        &[(
            "LL1",
            E,
            "spec.trafficPolicy.loadBalancer.localityLbSetting",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {}, loadBalancer: {localityLbSetting: {failover: [{from: a, to: b}], failoverPriority: [topology.kubernetes.io/zone]}}}}",
        &[(
            "LL2",
            E,
            "spec.trafficPolicy.loadBalancer.localityLbSetting.failoverPriority",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {localityLbSetting: {distribute: [{from: a, to: {b: 0, c: 100}}]}}}}",
        &[(
            "LL3",
            E,
            "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to.b",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {localityLbSetting: {distribute: [{from: a, to: {b: 40, c: 50}}]}}}}",
        &[(
            "LL4",
            E,
            "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {localityLbSetting: {distribute: [{from: a, to: {'a/b/c': 50, '*': 50}}]}}}}",
        &[(
            "LL5",
            E,
            "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {localityLbSetting: {distribute: [{from: 'a/*', to: {b: 100}}, {from: a/b, to: {c: 100}}]}}}}",
        &[(
            "LL5",
            E,
            "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {localityLbSetting: {failover: [{from: a, to: b}]}}}}",
        &[(
            "LL6",
            W,
            "spec.trafficPolicy.loadBalancer.localityLbSetting",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {}, loadBalancer: {localityLbSetting: {failover: [{from: a, to: a}]}}}}",
        &[(
            "LL7",
            E,
            "spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {}, loadBalancer: {localityLbSetting: {failover: [{from: a/b, to: c}]}}}}",
        &[(
            "LL8",
            E,
            "spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {}, loadBalancer: {localityLbSetting: {failover: [{from: 'a*', to: c}]}}}}",
        &[(
            "LL9",
            E,
            "spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]",
        )],
    ),
    // Zone aware (1.31).
    cv(
        DR,
        V31,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {}, loadBalancer: {zoneAwareLbSetting: {failoverPriority: [topology.kubernetes.io/region]}}}}",
        &[(
            "ZA1",
            E,
            "spec.trafficPolicy.loadBalancer.zoneAwareLbSetting.failoverPriority[0]",
        )],
    ),
    cv(
        DR,
        V31,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {zoneAwareLbSetting: {failover: [{from: a, to: b}]}}}}",
        &[(
            "ZA2",
            W,
            "spec.trafficPolicy.loadBalancer.zoneAwareLbSetting",
        )],
    ),
    cv(
        DR,
        V31,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {}, loadBalancer: {zoneAwareLbSetting: {failover: [{from: a, to: a}]}}}}",
        &[(
            "ZA3",
            E,
            "spec.trafficPolicy.loadBalancer.zoneAwareLbSetting.failover[0]",
        )],
    ),
    cv(
        DR,
        V31,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {}, loadBalancer: {zoneAwareLbSetting: {failover: [{from: a/z, to: b}]}}}}",
        &[(
            "ZA4",
            E,
            "spec.trafficPolicy.loadBalancer.zoneAwareLbSetting.failover[0]",
        )],
    ),
    cv(
        DR,
        V31,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {}, loadBalancer: {zoneAwareLbSetting: {failover: [{from: a, to: '*'}]}}}}",
        &[(
            "ZA5",
            E,
            "spec.trafficPolicy.loadBalancer.zoneAwareLbSetting.failover[0]",
        )],
    ),
    // TLS.
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {tls: {mode: SIMPLE, credentialName: 'configmap://ns1'}}}",
        &[("TLS1", E, "spec.trafficPolicy.tls.credentialName")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {tls: {mode: SIMPLE, credentialName: 'configmap://other/ca'}}}",
        &[("TLS2", E, "spec.trafficPolicy.tls.credentialName")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {tls: {mode: SIMPLE, insecureSkipVerify: true, caCertificates: /etc/ca.pem}}}",
        &[("TLS3", E, "spec.trafficPolicy.tls")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {tls: {mode: MUTUAL, insecureSkipVerify: true, subjectAltNames: [a], clientCertificate: /c, privateKey: /k}}}",
        &[("TLS4", E, "spec.trafficPolicy.tls")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {tls: {mode: SIMPLE, credentialName: cred, caCertificates: /etc/ca.pem}}}",
        &[("TLS5", E, "spec.trafficPolicy.tls")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {tls: {mode: MUTUAL, credentialName: cred, caCrl: /etc/crl.pem}}}",
        &[("TLS5", E, "spec.trafficPolicy.tls")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {tls: {mode: MUTUAL, privateKey: /k}}}",
        &[("TLS6", E, "spec.trafficPolicy.tls.clientCertificate")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {portLevelSettings: [{port: {number: 443}, tls: {mode: MUTUAL, clientCertificate: /c}}]}}",
        &[(
            "TLS7",
            E,
            "spec.trafficPolicy.portLevelSettings[0].tls.privateKey",
        )],
    ),
    // Metadata and top level.
    cm(
        DR,
        "  annotations:\n    istio.io/dry-run: \"true\"\n",
        "{host: a.example.com}",
        &[("META1", E, "metadata.annotations[\"istio.io/dry-run\"]")],
    ),
    cm(
        SE,
        "  annotations:\n    internal.istio.io/parents: x\n",
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}",
        &[(
            "META2",
            E,
            "metadata.annotations[\"internal.istio.io/parents\"]",
        )],
    ),
    // A key at the top level besides apiVersion, kind, metadata, spec and status.
    cm(
        DR,
        "extra: 1\n",
        "{host: a.example.com}",
        &[("META3", E, "extra")],
    ),
    // CRD schema and CEL rules the webhook does not enforce.
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP, targetPort: 0}], resolution: DNS}",
        &[("CRD-RANGE", E, "spec.ports[0].targetPort")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], endpoints: []}",
        &[("CRD-SE-NONE-ENDPOINTS", E, "spec.endpoints")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: STATIC, workloadSelector: {labels: {a: b}}, endpoints: []}",
        &[("CRD-SE-ONEOF", E, "spec.endpoints")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, protocol: HTTP}], resolution: DNS}",
        &[("CRD-REQUIRED", E, "spec.ports[0]")],
    ),
    c(
        SE,
        "{hosts: [a.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS, export_to: [ns1]}",
        &[("CRD-UNKNOWN-FIELD", E, "spec.export_to")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {simple: RANDOM, consistentHash: {useSourceIp: true}}}}",
        &[("CRD-ONEOF", E, "spec.trafficPolicy.loadBalancer")],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {consistentHash: {ringHash: {}, maglev: {tableSize: 65537}}}}}",
        &[(
            "CRD-ONEOF",
            E,
            "spec.trafficPolicy.loadBalancer.consistentHash",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {warmupDurationSecs: 0.5ms}}}",
        &[(
            "CRD-DURATION",
            E,
            "spec.trafficPolicy.loadBalancer.warmupDurationSecs",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {warmup: {duration: 1s, minimumPercent: -1}}}}",
        &[(
            "CRD-RANGE",
            E,
            "spec.trafficPolicy.loadBalancer.warmup.minimumPercent",
        )],
    ),
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {retryBudget: {percent: 120}}}",
        &[("CRD-RANGE", E, "spec.trafficPolicy.retryBudget.percent")],
    ),
    cv(
        DR,
        V31,
        "{host: a.example.com, trafficPolicy: {outlierDetection: {outlierDetectionHttpErrorCodes: [99]}}}",
        &[(
            "CRD-RANGE",
            E,
            "spec.trafficPolicy.outlierDetection.outlierDetectionHttpErrorCodes[0]",
        )],
    ),
    cv(
        DR,
        V31,
        "{host: a.example.com, trafficPolicy: {loadBalancer: {zoneAwareLbSetting: {minClusterSize: 0}}}}",
        &[(
            "CRD-RANGE",
            E,
            "spec.trafficPolicy.loadBalancer.zoneAwareLbSetting.minClusterSize",
        )],
    ),
    // Version gating: 1.30 does not know http2KeepAlive; what is wrong inside it is only a warning there.
    c(
        DR,
        "{host: a.example.com, trafficPolicy: {connectionPool: {http: {http2KeepAlive: {interval: 1.5ms, timeout: 1s}}}}}",
        &[
            (
                "VERSION",
                W,
                "spec.trafficPolicy.connectionPool.http.http2KeepAlive",
            ),
            (
                "CP10",
                W,
                "spec.trafficPolicy.connectionPool.http.http2KeepAlive.interval",
            ),
        ],
    ),
    cv(
        DR,
        IstioVersion::new(1, 26),
        "{host: a.example.com, trafficPolicy: {retryBudget: {percent: 20}}}",
        &[("VERSION", W, "spec.trafficPolicy.retryBudget")],
    ),
    cv(
        SE,
        IstioVersion::new(1, 27),
        "{hosts: ['*.example.com'], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DYNAMIC_DNS}",
        &[("VERSION", E, "spec.resolution")],
    ),
    cv(
        SE,
        IstioVersion::new(1, 29),
        "{hosts: ['*.example.com'], ports: [{number: 80, name: grpc, protocol: GRPC}], resolution: DYNAMIC_DNS}",
        &[("SE40", E, "spec.ports[0].protocol")],
    ),
    cv(
        DR,
        IstioVersion::new(1, 25),
        "{host: a.example.com, trafficPolicy: {connectionPool: {tcp: {idleTimeout: 0s}}}}",
        &[(
            "CP14",
            E,
            "spec.trafficPolicy.connectionPool.tcp.idleTimeout",
        )],
    ),
];

fn render(d: &[Diagnostic]) -> String {
    d.iter()
        .map(|d| format!("  {:?} {} {} — {}\n", d.severity, d.code, d.path, d.message))
        .collect()
}

#[test]
fn valid_manifests_are_clean() {
    for case in VALID {
        let found = diagnostics(case.kind, case.meta, case.spec, case.version);
        let loud: Vec<_> = found
            .into_iter()
            .filter(|d| d.severity != Severity::Info)
            .collect();
        assert!(loud.is_empty(), "{}\n{}", case.spec, render(&loud));
    }
}

#[test]
fn each_broken_manifest_gets_exactly_its_rule() {
    let mut failures = String::new();
    for case in BROKEN {
        let found = diagnostics(case.kind, case.meta, case.spec, case.version);
        for (code, sev, path) in case.expect {
            if !found
                .iter()
                .any(|d| d.code == *code && d.severity == *sev && d.path == *path)
            {
                failures.push_str(&format!(
                    "{}\n  missing {sev:?} {code} {path}\n{}",
                    case.spec,
                    render(&found)
                ));
            }
        }
        for d in found.iter().filter(|d| d.severity != Severity::Info) {
            if !case
                .expect
                .iter()
                .any(|(code, sev, _)| d.code == *code && d.severity == *sev)
            {
                failures.push_str(&format!(
                    "{}\n  unexpected {:?} {} {} — {}\n",
                    case.spec, d.severity, d.code, d.path, d.message
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures}");
}
