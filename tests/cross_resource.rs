//! Cross-resource analysis, each check with its two resources in two files.

use egress_studio::validate::{self, Located, Options, Severity};
use egress_studio::yaml::{SourceFile, Workspace};

fn se(name: &str, ns: &str, spec: &str) -> String {
    format!(
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec: {spec}\n"
    )
}

fn dr(name: &str, ns: &str, spec: &str) -> String {
    format!(
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec: {spec}\n"
    )
}

fn check(a: &str, b: &str) -> Vec<Located> {
    let ws = Workspace {
        files: vec![
            SourceFile::from_text("a.yaml".into(), a),
            SourceFile::from_text("b.yaml".into(), b),
        ],
    };
    validate::check(&ws, &Options::default())
}

fn with_code<'a>(found: &'a [Located], code: &str) -> Vec<&'a Located> {
    found.iter().filter(|l| l.diagnostic.code == code).collect()
}

const TLS_SE: &str =
    "{hosts: [api.example.com], ports: [{number: 443, name: tls, protocol: TLS}], resolution: DNS}";

#[test]
fn double_tls() {
    let found = check(
        &se("api", "ns1", TLS_SE),
        &dr(
            "api",
            "ns1",
            "{host: api.example.com, trafficPolicy: {tls: {mode: SIMPLE, caCertificates: /etc/ca.pem}}}",
        ),
    );
    let hits = with_code(&found, "DOUBLE-TLS");
    assert_eq!(hits.len(), 1, "{found:#?}");
    let d = &hits[0].diagnostic;
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.resource.name, "api");
    assert_eq!(d.resource.kind, "DestinationRule");
    assert_eq!(d.path, "spec.trafficPolicy.tls.mode");
    assert!(
        d.message.contains("ServiceEntry ns1/api (a.yaml:1)"),
        "{}",
        d.message
    );
    assert_eq!(hits[0].at.file, 1);
    // HTTP port with targetPort is the right way: no finding.
    let found = check(
        &se(
            "api",
            "ns1",
            "{hosts: [api.example.com], ports: [{number: 80, name: http, protocol: HTTP, targetPort: 443}], resolution: DNS}",
        ),
        &dr(
            "api",
            "ns1",
            "{host: api.example.com, trafficPolicy: {tls: {mode: SIMPLE, caCertificates: /etc/ca.pem}}}",
        ),
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn tcp_listener_collision() {
    let found = check(
        &se(
            "db1",
            "ns1",
            "{hosts: [db1.example.com], ports: [{number: 5432, name: pg, protocol: TCP}], resolution: DNS}",
        ),
        &se(
            "db2",
            "ns2",
            "{hosts: [db2.example.com], ports: [{number: 5432, name: pg}], resolution: DNS}",
        ),
    );
    let hits = with_code(&found, "LISTENER-COLLISION");
    assert_eq!(hits.len(), 1, "{found:#?}");
    assert_eq!(hits[0].diagnostic.path, "spec.ports[0]");
    assert!(hits[0].diagnostic.message.contains("ns1/db1"));
    // Addresses on both, or exportTo scopes that never meet: no collision.
    let found = check(
        &se(
            "db1",
            "ns1",
            "{hosts: [db1.example.com], ports: [{number: 5432, name: pg, protocol: TCP}], resolution: DNS, exportTo: ['.']}",
        ),
        &se(
            "db2",
            "ns2",
            "{hosts: [db2.example.com], ports: [{number: 5432, name: pg}], resolution: DNS, exportTo: ['.']}",
        ),
    );
    assert!(
        with_code(&found, "LISTENER-COLLISION").is_empty(),
        "{found:#?}"
    );
}

#[test]
fn same_host_port_and_conflicting_protocols() {
    let found = check(&se("a", "ns1", TLS_SE), &se("b", "ns2", TLS_SE));
    let hits = with_code(&found, "DUPLICATE-HOST-PORT");
    assert_eq!(hits.len(), 1, "{found:#?}");
    assert!(hits[0].diagnostic.message.contains("ns1/a"));
    let found = check(
        &se("a", "ns1", TLS_SE),
        &se(
            "b",
            "ns2",
            "{hosts: [api.example.com], ports: [{number: 443, name: https, protocol: HTTPS}], resolution: DNS}",
        ),
    );
    let hits = with_code(&found, "IST0177");
    assert_eq!(hits.len(), 1, "{found:#?}");
    assert_eq!(hits[0].diagnostic.path, "spec.ports[0].protocol");
    assert_eq!(hits[0].diagnostic.severity, Severity::Warning);
}

#[test]
fn two_rules_for_one_host_and_subset() {
    let found = check(
        &format!(
            "{}---\n{}",
            se("api", "ns1", TLS_SE),
            dr("a", "ns1", "{host: api.example.com, subsets: [{name: v1}]}")
        ),
        &dr("b", "ns1", "{host: api.example.com, subsets: [{name: v1}]}"),
    );
    let hits = with_code(&found, "DUPLICATE-DR");
    assert_eq!(hits.len(), 1, "{found:#?}");
    assert_eq!(hits[0].diagnostic.resource.name, "b");
    assert!(hits[0].diagnostic.message.contains("DestinationRule ns1/a"));
    assert!(hits[0].diagnostic.message.contains("subset v1"));
}

#[test]
fn destination_rule_host_without_service_entry() {
    let found = check(
        &se("api", "ns1", TLS_SE),
        &dr(
            "x",
            "ns1",
            "{host: other.example.com, trafficPolicy: {loadBalancer: {simple: RANDOM}}}",
        ),
    );
    let hits = with_code(&found, "IST0174");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].diagnostic.severity, Severity::Warning);
    // Wildcards are honoured.
    let found = check(
        &se(
            "w",
            "ns1",
            "{hosts: ['*.example.com'], ports: [{number: 443, name: tls, protocol: TLS}]}",
        ),
        &dr(
            "x",
            "ns1",
            "{host: other.example.com, trafficPolicy: {loadBalancer: {simple: RANDOM}}}",
        ),
    );
    assert!(with_code(&found, "IST0174").is_empty(), "{found:#?}");
    // In-cluster hosts are only info.
    let found = check(
        &se("api", "ns1", TLS_SE),
        &dr(
            "x",
            "ns1",
            "{host: reviews.default.svc.cluster.local, subsets: [{name: v1}]}",
        ),
    );
    let hits = with_code(&found, "IST0174");
    assert_eq!(hits[0].diagnostic.severity, Severity::Info);
}

#[test]
fn tls_without_ca() {
    let found = check(
        &se(
            "api",
            "ns1",
            "{hosts: [api.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}",
        ),
        &dr(
            "x",
            "ns1",
            "{host: api.example.com, trafficPolicy: {tls: {mode: SIMPLE}, portLevelSettings: [{port: {number: 80}, tls: {mode: MUTUAL, clientCertificate: /c, privateKey: /k}}]}}",
        ),
    );
    let top = with_code(&found, "IST0128");
    let port = with_code(&found, "IST0129");
    assert_eq!((top.len(), port.len()), (1, 1), "{found:#?}");
    assert_eq!(
        port[0].diagnostic.path,
        "spec.trafficPolicy.portLevelSettings[0].tls"
    );
    // credentialName with a workloadSelector is verified by the secret's CA.
    let found = check(
        &se(
            "api",
            "ns1",
            "{hosts: [api.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}",
        ),
        &dr(
            "x",
            "ns1",
            "{host: api.example.com, workloadSelector: {matchLabels: {app: a}}, trafficPolicy: {tls: {mode: SIMPLE, credentialName: c}}}",
        ),
    );
    assert!(with_code(&found, "IST0128").is_empty(), "{found:#?}");
}

#[test]
fn export_to_hides_rule_from_the_entry() {
    let found = check(
        &se("api", "ns1", TLS_SE),
        &dr(
            "x",
            "ns2",
            "{host: api.example.com, exportTo: ['.'], trafficPolicy: {loadBalancer: {simple: RANDOM}}}",
        ),
    );
    let hits = with_code(&found, "EXPORT-HIDDEN");
    assert_eq!(hits.len(), 1, "{found:#?}");
    assert!(hits[0].diagnostic.message.contains("namespace ns1"));
}

#[test]
fn a_rule_alone_is_not_judged_against_missing_service_entries() {
    // No ServiceEntry anywhere: where the host lives, and which CA it needs, is unknown.
    let found = check(
        &dr(
            "x",
            "ns1",
            "{host: api.example.com, trafficPolicy: {tls: {mode: SIMPLE}}}",
        ),
        &dr(
            "y",
            "ns1",
            "{host: other.example.com, trafficPolicy: {loadBalancer: {simple: RANDOM}}}",
        ),
    );
    assert!(found.is_empty(), "{found:#?}");
}
