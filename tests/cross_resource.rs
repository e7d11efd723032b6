//! Cross-resource analysis (`analyze`), each check with its two resources in two
//! files; `validate` alone reports none of it.

use egress_studio::validate::{self, Located, MeshConfig, Options, Severity, Source};
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
    validate::analyze(&ws, &Options::default(), &MeshConfig::default())
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
    // Istio reports a conflict on every member of the group.
    let hits = with_code(&found, "IST0177");
    assert_eq!(hits.len(), 2, "{found:#?}");
    let mut names: Vec<&str> = hits
        .iter()
        .map(|h| h.diagnostic.resource.name.as_str())
        .collect();
    names.sort();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(hits[0].diagnostic.path, "metadata.name");
    assert_eq!(hits[0].diagnostic.severity, Severity::Warning);
    assert_eq!(hits[0].diagnostic.source, Source::IstioAnalyzer);
    assert!(with_code(&found, "DUPLICATE-HOST-PORT").is_empty());
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
    // In-cluster hosts are judged against the Services given, as istioctl does.
    let rule = dr(
        "x",
        "ns1",
        "{host: reviews.default.svc.cluster.local, subsets: [{name: v1}]}",
    );
    let found = check(&se("api", "ns1", TLS_SE), &rule);
    let hits = with_code(&found, "IST0174");
    assert_eq!(hits[0].diagnostic.severity, Severity::Warning);
    let service = "apiVersion: v1\nkind: Service\nmetadata: {name: reviews, namespace: default}\nspec: {ports: [{port: 9080, name: http}]}\n";
    let found = check(service, &rule);
    assert!(with_code(&found, "IST0174").is_empty(), "{found:#?}");
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
fn validate_reports_no_cross_resource_finding() {
    let ws = Workspace {
        files: vec![
            SourceFile::from_text(
                "a.yaml".into(),
                &dr(
                    "x",
                    "ns1",
                    "{host: api.example.com, trafficPolicy: {tls: {mode: SIMPLE}}}",
                ),
            ),
            SourceFile::from_text("b.yaml".into(), &se("a", "ns1", TLS_SE)),
            SourceFile::from_text("c.yaml".into(), &se("b", "ns1", TLS_SE)),
        ],
    };
    let found = validate::check(&ws, &Options::default());
    assert!(found.is_empty(), "{found:#?}");
    let analyzed = check(
        &dr(
            "x",
            "ns1",
            "{host: api.example.com, trafficPolicy: {tls: {mode: SIMPLE}}}",
        ),
        "",
    );
    // A rule alone is judged as istioctl judges it: no CA, and a host nothing declares.
    assert_eq!(with_code(&analyzed, "IST0128").len(), 1, "{analyzed:#?}");
    assert_eq!(with_code(&analyzed, "IST0174").len(), 1, "{analyzed:#?}");
}

#[test]
fn rules_for_one_host_are_reported_only_where_the_merge_drops_something() {
    let rule = |name: &str, spec: &str| dr(name, "ns1", spec);
    let found = check(
        &format!(
            "{}---\n{}",
            se("api", "ns1", TLS_SE),
            rule(
                "a",
                "{host: api.example.com, trafficPolicy: {loadBalancer: {simple: RANDOM}}, subsets: [{name: v1}]}"
            )
        ),
        &format!(
            "{}---\n{}---\n{}",
            // Only adds a subset: merges cleanly.
            rule("b", "{host: api.example.com, subsets: [{name: v2}]}"),
            // Its policy is dropped, and v1 is defined twice.
            rule(
                "c",
                "{host: api.example.com, trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}, subsets: [{name: v1}]}"
            ),
            // Only its subset is dropped.
            rule("d", "{host: api.example.com, subsets: [{name: v2}]}")
        ),
    );
    let hits = with_code(&found, "DUPLICATE-DR");
    let names: Vec<&str> = hits
        .iter()
        .map(|h| h.diagnostic.resource.name.as_str())
        .collect();
    assert_eq!(names, ["c", "d"], "{found:#?}");
    let c = &hits[0].diagnostic.message;
    assert!(c.contains("DestinationRule ns1/a"), "{c}");
    assert!(c.contains("top-level trafficPolicy is ignored"), "{c}");
    assert!(c.contains("subset v1 is defined twice"), "{c}");
    let d = &hits[1].diagnostic.message;
    assert!(d.contains("DestinationRule ns1/b"), "{d}");
    assert!(!d.contains("trafficPolicy"), "{d}");
    assert_eq!(hits[1].related[0].resource.name, "b");
}

#[test]
fn one_object_defined_twice_is_reported_on_the_replaced_definition() {
    let a = se("partner-api", "payments", TLS_SE);
    let b = se(
        "partner-api",
        "payments",
        "{hosts: [other.example.com], ports: [{number: 443, name: tls, protocol: TLS}], resolution: DNS}",
    )
    .replace("networking.istio.io/v1", "networking.istio.io/v1beta1");
    let found = check(&a, &b);
    let hits = with_code(&found, "DUPLICATE-OBJECT");
    assert_eq!(hits.len(), 1, "{found:?}");
    let hit = hits[0];
    assert_eq!(hit.diagnostic.severity, Severity::Warning);
    assert_eq!(hit.diagnostic.source, Source::EgressStudio);
    assert_eq!(hit.at.file, 0, "the earlier definition is the one replaced");
    assert!(
        hit.diagnostic
            .message
            .starts_with("ServiceEntry payments/partner-api is defined again later (b.yaml:1)"),
        "{}",
        hit.diagnostic.message
    );
    assert_eq!(hit.related[0].at.file, 1);
    // Another name, another namespace or another kind is another object.
    for other in [
        se("partner-api-2", "payments", TLS_SE),
        se("partner-api", "billing", TLS_SE),
        dr("partner-api", "payments", "{host: api.example.com}"),
    ] {
        assert!(with_code(&check(&a, &other), "DUPLICATE-OBJECT").is_empty());
    }
    // validate (admission) does not say it: each document alone is admitted.
    let ws = Workspace {
        files: vec![
            SourceFile::from_text("a.yaml".into(), &a),
            SourceFile::from_text("b.yaml".into(), &b),
        ],
    };
    assert!(
        validate::check(&ws, &Options::default())
            .iter()
            .all(|l| l.diagnostic.code != "DUPLICATE-OBJECT")
    );
}
