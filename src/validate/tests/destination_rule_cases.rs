//! Broken DestinationRules: top level, traffic policy and connection pool.

use super::{Case, DR, V31, c, cv};
use crate::validate::Severity;

#[allow(unused_imports)]
use Severity::{Error as E, Info as I, Warning as W};

pub(super) const BROKEN: &[Case] = &[
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
];
