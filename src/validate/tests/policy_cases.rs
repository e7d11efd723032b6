//! Broken policy parts (outlier detection, load balancer, locality, TLS),
//! metadata, CRD schema rules and version gating.

use super::{Case, DR, SE, V31, c, cm, cv};
use crate::validate::{IstioVersion, Severity};

#[allow(unused_imports)]
use Severity::{Error as E, Info as I, Warning as W};

pub(super) const BROKEN: &[Case] = &[
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
