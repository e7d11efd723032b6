//! Istio's analyzers as `analyze` runs them: a table of positive and negative
//! cases for each trigger condition, built from our own fixtures.

use egress_studio::validate::{self, Located, MeshConfig, Options, Severity, Source};
use egress_studio::yaml::{SourceFile, Workspace};

fn analyze_with(docs: &[&str], mesh: &MeshConfig) -> Vec<Located> {
    let files = docs
        .iter()
        .enumerate()
        .map(|(i, d)| SourceFile::from_text(format!("f{i}.yaml").into(), d))
        .collect();
    validate::analyze(&Workspace { files }, &Options::default(), mesh)
}

fn analyze(docs: &[&str]) -> Vec<Located> {
    analyze_with(docs, &MeshConfig::default())
}

fn codes(found: &[Located], code: &str) -> Vec<(String, String, Severity)> {
    found
        .iter()
        .filter(|l| l.diagnostic.code == code)
        .map(|l| {
            assert_ne!(l.diagnostic.source, Source::Admission, "{l:?}");
            (
                l.diagnostic.resource.name.clone(),
                l.diagnostic.path.clone(),
                l.diagnostic.severity,
            )
        })
        .collect()
}

fn se(name: &str, ns: &str, spec: &str) -> String {
    format!(
        "apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {{name: {name}, namespace: {ns}}}\nspec: {spec}\n"
    )
}

fn dr(name: &str, ns: &str, spec: &str) -> String {
    format!(
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {{name: {name}, namespace: {ns}}}\nspec: {spec}\n"
    )
}

#[test]
fn ist0128_and_ist0129_on_every_rule() {
    let w = Severity::Warning;
    type Case<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);
    let cases: [Case; 7] = [
        (
            "destination level",
            "{host: db.prod.svc.cluster.local, trafficPolicy: {tls: {mode: SIMPLE}}}",
            vec![("IST0128", "spec.trafficPolicy.tls")],
        ),
        (
            "port level",
            "{host: api.example.com, trafficPolicy: {portLevelSettings: [{port: {number: 443}, tls: {mode: MUTUAL, clientCertificate: /c, privateKey: /k}}]}}",
            vec![("IST0129", "spec.trafficPolicy.portLevelSettings[0].tls")],
        ),
        (
            "both",
            "{host: api.example.com, trafficPolicy: {tls: {mode: MUTUAL, clientCertificate: /c, privateKey: /k}, portLevelSettings: [{port: {number: 443}, tls: {mode: SIMPLE}}]}}",
            vec![
                ("IST0128", "spec.trafficPolicy.tls"),
                ("IST0129", "spec.trafficPolicy.portLevelSettings[0].tls"),
            ],
        ),
        (
            "with a CA",
            "{host: api.example.com, trafficPolicy: {tls: {mode: SIMPLE, caCertificates: /ca.pem}}}",
            vec![],
        ),
        (
            "credentialName without workloadSelector",
            "{host: api.example.com, trafficPolicy: {tls: {mode: SIMPLE, credentialName: c}}}",
            vec![("IST0128", "spec.trafficPolicy.tls")],
        ),
        (
            "credentialName with workloadSelector",
            "{host: api.example.com, workloadSelector: {matchLabels: {app: a}}, trafficPolicy: {tls: {mode: SIMPLE, credentialName: c}}}",
            vec![],
        ),
        (
            "subset TLS is not checked",
            "{host: api.example.com, subsets: [{name: v1, trafficPolicy: {tls: {mode: SIMPLE}}}]}",
            vec![],
        ),
    ];
    for (what, spec, want) in cases {
        let found = analyze(&[&dr("r", "ns1", spec)]);
        let mut got: Vec<(String, String, Severity)> = codes(&found, "IST0128");
        got.extend(codes(&found, "IST0129"));
        let want: Vec<(String, String, Severity)> = want
            .iter()
            .map(|(_, p)| ("r".to_string(), p.to_string(), w))
            .collect();
        assert_eq!(got, want, "{what}: {found:#?}");
    }
}

#[test]
fn ist0134_needs_addresses_for_tcp_ports_unless_the_mesh_allocates() {
    let no_addr = |proto: &str| {
        se(
            "db",
            "ns1",
            &format!(
                "{{hosts: [db.example.com], ports: [{{number: 5432, name: pg{proto}}}], resolution: DNS}}"
            ),
        )
    };
    let cases = [
        ("no protocol", no_addr(""), 1),
        ("TCP", no_addr(", protocol: TCP"), 1),
        ("lower-case tcp", no_addr(", protocol: tcp"), 1),
        ("HTTP", no_addr(", protocol: HTTP"), 0),
        (
            "with addresses",
            se(
                "db",
                "ns1",
                "{hosts: [db.example.com], addresses: [10.0.0.1], ports: [{number: 5432, name: pg, protocol: TCP}], resolution: DNS}",
            ),
            0,
        ),
        (
            "address allocated in status",
            format!(
                "{}status: {{addresses: [{{value: 240.240.0.1}}]}}\n",
                no_addr(", protocol: TCP")
            ),
            0,
        ),
    ];
    for (what, doc, n) in &cases {
        let found = analyze(&[doc]);
        let hits = codes(&found, "IST0134");
        assert_eq!(hits.len(), *n, "{what}: {found:#?}");
        if *n == 1 {
            assert_eq!(hits[0].1, "spec.ports[0]");
            assert_eq!(hits[0].2, Severity::Warning);
        }
    }
    let mesh = |meta: &str| {
        MeshConfig::parse(
            &format!("defaultConfig:\n  proxyMetadata:\n{meta}"),
            "mesh.yaml",
        )
        .unwrap()
    };
    let capture = "    ISTIO_META_DNS_CAPTURE: \"true\"\n";
    let tcp = no_addr(", protocol: TCP");
    for (what, m, n) in [
        ("capture only", mesh(capture), 1),
        (
            "capture + auto-allocate",
            mesh(&format!(
                "{capture}    ISTIO_META_DNS_AUTO_ALLOCATE: \"true\"\n"
            )),
            0,
        ),
        (
            "capture + IP auto-allocate",
            mesh(&format!(
                "{capture}    PILOT_ENABLE_IP_AUTOALLOCATE: \"true\"\n"
            )),
            0,
        ),
        (
            "auto-allocate without capture",
            mesh("    ISTIO_META_DNS_AUTO_ALLOCATE: \"true\"\n"),
            1,
        ),
    ] {
        let found = analyze_with(&[&tcp], &m);
        assert_eq!(codes(&found, "IST0134").len(), n, "{what}");
    }
}

#[test]
fn ist0134_reads_the_mesh_config_from_an_istio_configmap_in_the_files() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata:\n  mesh: |\n    defaultConfig:\n      proxyMetadata:\n        ISTIO_META_DNS_CAPTURE: \"true\"\n        ISTIO_META_DNS_AUTO_ALLOCATE: \"true\"\n";
    let tcp = se(
        "db",
        "ns1",
        "{hosts: [db.example.com], ports: [{number: 5432, name: pg, protocol: TCP}], resolution: DNS}",
    );
    let ws = Workspace {
        files: vec![
            SourceFile::from_text("cm.yaml".into(), cm),
            SourceFile::from_text("se.yaml".into(), &tcp),
        ],
    };
    let mesh = MeshConfig::from_workspace(&ws).unwrap().unwrap();
    let found = validate::analyze(&ws, &Options::default(), &mesh);
    assert!(codes(&found, "IST0134").is_empty(), "{found:#?}");
}

#[test]
fn ist0177_reports_every_member_of_a_conflicting_group() {
    let entry = |name: &str, ns: &str, proto: &str, export: &str| {
        se(
            name,
            ns,
            &format!(
                "{{hosts: [api.example.com], ports: [{{number: 443, name: p, protocol: {proto}}}], resolution: DNS{export}}}"
            ),
        )
    };
    let cases = [
        (
            "both exported everywhere",
            entry("a", "ns1", "TLS", ""),
            entry("b", "ns2", "HTTPS", ""),
            2,
        ),
        (
            "same protocol, other case",
            entry("a", "ns1", "TLS", ""),
            entry("b", "ns2", "tls", ""),
            0,
        ),
        (
            "disjoint exportTo",
            entry("a", "ns1", "TLS", ", exportTo: ['.']"),
            entry("b", "ns2", "HTTPS", ", exportTo: ['.']"),
            0,
        ),
        (
            "overlapping exportTo",
            entry("a", "ns1", "TLS", ", exportTo: [shared]"),
            entry("b", "ns2", "HTTPS", ", exportTo: [shared, '.']"),
            2,
        ),
        (
            "one exported to all",
            entry("a", "ns1", "TLS", ", exportTo: ['.']"),
            entry("b", "ns2", "HTTPS", ""),
            2,
        ),
    ];
    for (what, a, b, n) in &cases {
        let found = analyze(&[a, b]);
        let hits = codes(&found, "IST0177");
        assert_eq!(hits.len(), *n, "{what}: {found:#?}");
        for h in &hits {
            assert_eq!(h.1, "metadata.name");
        }
    }
}

#[test]
fn ist0174_judges_rule_hosts_against_service_entries_and_services() {
    let service = "apiVersion: v1\nkind: Service\nmetadata: {name: reviews, namespace: bookinfo}\nspec: {ports: [{port: 9080, name: http}]}\n";
    let hidden_service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  namespace: bookinfo\n  annotations: {networking.istio.io/exportTo: '.'}\nspec: {ports: [{port: 9080, name: http}]}\n";
    let ext = se(
        "ext",
        "ns1",
        "{hosts: ['*.example.com'], ports: [{number: 443, name: tls, protocol: TLS}]}",
    );
    let local = se(
        "ext",
        "ns1",
        "{hosts: [api.example.com], ports: [{number: 443, name: tls, protocol: TLS}], exportTo: ['.']}",
    );
    let rule = |ns: &str, host: &str| dr("r", ns, &format!("{{host: {host}}}"));
    let cases: Vec<(&str, Vec<String>, usize)> = vec![
        ("matches nothing", vec![rule("ns1", "api.example.com")], 1),
        (
            "matches a wildcard ServiceEntry",
            vec![ext.clone(), rule("ns1", "api.example.com")],
            0,
        ),
        (
            "matches a Service by FQDN",
            vec![
                service.to_string(),
                rule("ns1", "reviews.bookinfo.svc.cluster.local"),
            ],
            0,
        ),
        (
            "matches a Service by short name",
            vec![service.to_string(), rule("bookinfo", "reviews")],
            0,
        ),
        (
            "short name in another namespace",
            vec![service.to_string(), rule("ns1", "reviews")],
            1,
        ),
        (
            "Service hidden by its exportTo annotation",
            vec![
                hidden_service.to_string(),
                rule("ns1", "reviews.bookinfo.svc.cluster.local"),
            ],
            1,
        ),
        (
            "ServiceEntry local to its namespace, rule there",
            vec![local.clone(), rule("ns1", "api.example.com")],
            0,
        ),
        (
            "ServiceEntry local to its namespace, rule elsewhere",
            vec![local.clone(), rule("ns2", "api.example.com")],
            1,
        ),
    ];
    for (what, docs, n) in &cases {
        let docs: Vec<&str> = docs.iter().map(String::as_str).collect();
        let found = analyze(&docs);
        let hits = codes(&found, "IST0174");
        assert_eq!(hits.len(), *n, "{what}: {found:#?}");
        if *n == 1 {
            assert_eq!(hits[0].1, "spec.host");
            assert_eq!(hits[0].2, Severity::Warning);
        }
    }
}

#[test]
fn ist0173_only_when_pods_are_given() {
    let svc = "apiVersion: v1\nkind: Service\nmetadata: {name: reviews, namespace: default}\nspec: {ports: [{port: 9080, name: http}]}\n";
    let rule = dr(
        "r",
        "default",
        "{host: reviews, subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]}",
    );
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default, labels: {app: reviews, version: v1}}\nspec: {containers: []}\n";
    assert!(codes(&analyze(&[svc, &rule]), "IST0173").is_empty());
    let found = analyze(&[svc, &rule, pod]);
    let hits = codes(&found, "IST0173");
    assert_eq!(hits.len(), 1, "{found:#?}");
    assert_eq!(hits[0].1, "spec.subsets[1]");
    assert_eq!(hits[0].2, Severity::Error);
}

#[test]
fn ist0171_negative_status_condition() {
    let bad = format!(
        "{}status:\n  conditions:\n  - type: IPAllocated\n    status: \"False\"\n    reason: NoAddress\n    message: pool exhausted\n  - type: Reconciled\n    status: \"True\"\n",
        se(
            "a",
            "ns1",
            "{hosts: [a.example.com], addresses: [10.0.0.1], ports: [{number: 80, name: http, protocol: HTTP}]}"
        )
    );
    let found = analyze(&[&bad]);
    let hits = codes(&found, "IST0171");
    assert_eq!(hits.len(), 1, "{found:#?}");
    assert_eq!(hits[0].1, "status.conditions[0]");
    let msg = &found
        .iter()
        .find(|l| l.diagnostic.code == "IST0171")
        .unwrap()
        .diagnostic
        .message;
    assert!(
        msg.contains("IPAllocated") && msg.contains("pool exhausted"),
        "{msg}"
    );
}

#[test]
fn analyzer_findings_can_be_suppressed_by_annotation() {
    let doc = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\n  namespace: ns1\n  annotations:\n    galley.istio.io/analyze-suppress: \"IST0128,IST0174\"\nspec: {host: api.example.com, trafficPolicy: {tls: {mode: SIMPLE}}}\n";
    let found = analyze(&[doc]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn plaintext_http_to_a_tls_target_port() {
    let entry = se(
        "api",
        "ns1",
        "{hosts: [api.example.com], ports: [{number: 80, name: http, protocol: HTTP, targetPort: 443}], resolution: DNS}",
    );
    let rule = |tp: &str| {
        dr(
            "r",
            "ns1",
            &format!("{{host: api.example.com, trafficPolicy: {tp}}}"),
        )
    };
    let cases = [
        ("no rule", None, 1),
        (
            "SIMPLE at the top level",
            Some(rule("{tls: {mode: SIMPLE, caCertificates: /ca}}")),
            0,
        ),
        (
            "SIMPLE on the port",
            Some(rule(
                "{portLevelSettings: [{port: {number: 80}, tls: {mode: SIMPLE, caCertificates: /ca}}]}",
            )),
            0,
        ),
        (
            "a port-level entry without tls replaces the top-level TLS",
            Some(rule(
                "{tls: {mode: SIMPLE, caCertificates: /ca}, portLevelSettings: [{port: {number: 80}, connectionPool: {tcp: {maxConnections: 5}}}]}",
            )),
            1,
        ),
        (
            "credentialName without workloadSelector",
            Some(rule("{tls: {mode: SIMPLE, credentialName: c}}")),
            1,
        ),
    ];
    for (what, r, n) in &cases {
        let mut docs = vec![entry.as_str()];
        if let Some(r) = r {
            docs.push(r);
        }
        let found = analyze(&docs);
        let hits = codes(&found, "PLAINTEXT-TLS-PORT");
        assert_eq!(hits.len(), *n, "{what}: {found:#?}");
        if *n == 1 {
            assert_eq!(hits[0].1, "spec.ports[0].targetPort");
            let d = found
                .iter()
                .find(|l| l.diagnostic.code == "PLAINTEXT-TLS-PORT")
                .unwrap();
            assert_eq!(d.diagnostic.source, Source::EgressStudio);
        }
    }
}

#[test]
fn tls_that_istiod_merge_rules_drop_is_reported() {
    let cases = [
        (
            "port-level entry without tls",
            "{host: api.example.com, trafficPolicy: {tls: {mode: SIMPLE, caCertificates: /ca}, portLevelSettings: [{port: {number: 443}, connectionPool: {tcp: {maxConnections: 5}}}]}}",
            "PORT-LEVEL-REPLACES-TLS",
            "spec.trafficPolicy.portLevelSettings[0]",
        ),
        (
            "credentialName without workloadSelector",
            "{host: api.example.com, trafficPolicy: {tls: {mode: MUTUAL, credentialName: client}}}",
            "CREDENTIAL-NO-SELECTOR",
            "spec.trafficPolicy.tls",
        ),
    ];
    for (what, spec, code, path) in cases {
        let found = analyze(&[&dr("r", "ns1", spec)]);
        let hits = codes(&found, code);
        assert_eq!(hits.len(), 1, "{what}: {found:#?}");
        assert_eq!(hits[0].1, path, "{what}");
    }
    // With a workloadSelector, or with tls on the port entry, nothing is dropped.
    for spec in [
        "{host: api.example.com, workloadSelector: {matchLabels: {app: a}}, trafficPolicy: {tls: {mode: MUTUAL, credentialName: client}}}",
        "{host: api.example.com, trafficPolicy: {tls: {mode: SIMPLE, caCertificates: /ca}, portLevelSettings: [{port: {number: 443}, tls: {mode: SIMPLE, caCertificates: /ca}}]}}",
    ] {
        let found = analyze(&[&dr("r", "ns1", spec)]);
        assert!(
            codes(&found, "PORT-LEVEL-REPLACES-TLS").is_empty(),
            "{found:#?}"
        );
        assert!(
            codes(&found, "CREDENTIAL-NO-SELECTOR").is_empty(),
            "{found:#?}"
        );
    }
}

fn vs(name: &str, ns: &str, spec: &str) -> String {
    format!(
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {{name: {name}, namespace: {ns}}}\nspec: {spec}\n"
    )
}

fn gw(name: &str, ns: &str, spec: &str) -> String {
    format!(
        "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {{name: {name}, namespace: {ns}}}\nspec: {spec}\n"
    )
}

#[test]
fn ist0109_two_mesh_virtual_services_for_one_host() {
    let direct = vs(
        "direct",
        "a",
        "{hosts: [api.example.com], http: [{route: [{destination: {host: api.example.com}}]}]}",
    );
    let via = vs(
        "via-egress",
        "b",
        "{hosts: [api.example.com], gateways: [mesh, egress], http: [{route: [{destination: {host: api.example.com}}]}]}",
    );
    let found = analyze(&[&direct, &via]);
    let hits = codes(&found, "IST0109");
    assert_eq!(hits.len(), 2, "{found:#?}");
    assert!(hits.iter().all(|h| h.2 == Severity::Error));
    let msg = &found
        .iter()
        .find(|l| l.diagnostic.code == "IST0109")
        .unwrap()
        .diagnostic
        .message;
    assert!(msg.contains("a/direct,b/via-egress"), "{msg}");
    assert!(msg.contains("same host api.example.com"), "{msg}");
    // Negative: bound only to a gateway, or scopes that do not overlap.
    let gateway_only = vs(
        "via-egress",
        "b",
        "{hosts: [api.example.com], gateways: [egress], http: [{route: [{destination: {host: api.example.com}}]}]}",
    );
    assert!(codes(&analyze(&[&direct, &gateway_only]), "IST0109").is_empty());
    let a_only = vs(
        "direct",
        "a",
        "{hosts: [api.example.com], exportTo: [.], http: [{route: [{destination: {host: api.example.com}}]}]}",
    );
    let b_only = vs(
        "other",
        "b",
        "{hosts: [api.example.com], exportTo: [.], http: [{route: [{destination: {host: api.example.com}}]}]}",
    );
    assert!(codes(&analyze(&[&a_only, &b_only]), "IST0109").is_empty());
}

#[test]
fn ist0112_a_destination_without_port_to_a_host_with_several_ports() {
    let entry = se(
        "api",
        "a",
        "{hosts: [api.example.com], ports: [{number: 80, name: http, protocol: HTTP}, {number: 443, name: https, protocol: HTTPS}], resolution: DNS}",
    );
    let no_port = vs(
        "r",
        "a",
        "{hosts: [api.example.com], http: [{route: [{destination: {host: api.example.com}}]}]}",
    );
    let found = analyze(&[&entry, &no_port]);
    assert_eq!(
        codes(&found, "IST0112"),
        [(
            "r".to_string(),
            "spec.http[0].route[0].destination.host".to_string(),
            Severity::Error
        )]
    );
    let msg = &found
        .iter()
        .find(|l| l.diagnostic.code == "IST0112")
        .unwrap()
        .diagnostic
        .message;
    assert!(
        msg.contains("\"api.example.com\" that exposes multiple ports [80 443]"),
        "{msg}"
    );
    // Negative: with a port, or to a host with one port.
    let with_port = vs(
        "r",
        "a",
        "{hosts: [api.example.com], http: [{route: [{destination: {host: api.example.com, port: {number: 443}}}]}]}",
    );
    assert!(codes(&analyze(&[&entry, &with_port]), "IST0112").is_empty());
    let one_port = se(
        "api",
        "a",
        "{hosts: [api.example.com], ports: [{number: 443, name: https, protocol: HTTPS}], resolution: DNS}",
    );
    assert!(codes(&analyze(&[&one_port, &no_port]), "IST0112").is_empty());
}

#[test]
fn ist0145_two_gateways_on_one_selector_port_and_host() {
    let server = "{port: {number: 443, name: tls, protocol: TLS}, hosts: [api.example.com], tls: {mode: PASSTHROUGH}}";
    let a = gw(
        "egress-a",
        "istio-system",
        &format!("{{selector: {{istio: egressgateway}}, servers: [{server}]}}"),
    );
    let b = gw(
        "egress-b",
        "istio-system",
        &format!("{{selector: {{istio: egressgateway}}, servers: [{server}]}}"),
    );
    let found = analyze(&[&a, &b]);
    let hits = codes(&found, "IST0145");
    assert_eq!(hits.len(), 2, "{found:#?}");
    let msg = &found
        .iter()
        .find(|l| l.diagnostic.code == "IST0145" && l.diagnostic.resource.name == "egress-a")
        .unwrap()
        .diagnostic
        .message;
    assert_eq!(
        msg,
        "Conflict with gateways istio-system/egress-b (workload selector istio=egressgateway, port 443, hosts [api.example.com])."
    );
    // Negative: another selector, another port, or a wildcard host.
    let other_selector = b.replace("istio: egressgateway", "app: other-egress");
    assert!(codes(&analyze(&[&a, &other_selector]), "IST0145").is_empty());
    let other_port = b.replace("number: 443", "number: 8443");
    assert!(codes(&analyze(&[&a, &other_port]), "IST0145").is_empty());
    let wild_a = a.replace("api.example.com", "*.example.com");
    let wild_b = b.replace("api.example.com", "*.example.com");
    assert!(codes(&analyze(&[&wild_a, &wild_b]), "IST0145").is_empty());
}
