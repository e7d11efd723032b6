//! One case per rule: a manifest that breaks just that rule, with the severity,
//! code and path Istio's rule gives. The base manifests are checked clean.

use super::{Diagnostic, IstioVersion, Options, Severity, check_resource};
use crate::yaml::SourceFile;

mod destination_rule_cases;
mod policy_cases;
mod service_entry_cases;

pub(super) const SE: &str = "ServiceEntry";
pub(super) const DR: &str = "DestinationRule";
pub(super) const V30: IstioVersion = IstioVersion::LATEST_GA;
pub(super) const V31: IstioVersion = IstioVersion::MASTER;

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

pub(super) struct Case {
    kind: &'static str,
    meta: &'static str,
    spec: &'static str,
    version: IstioVersion,
    expect: &'static [(&'static str, Severity, &'static str)],
}

pub(super) const fn c(
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

pub(super) const fn cv(
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

pub(super) const fn cm(
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
    let broken = service_entry_cases::BROKEN
        .iter()
        .chain(destination_rule_cases::BROKEN)
        .chain(policy_cases::BROKEN);
    for case in broken {
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
