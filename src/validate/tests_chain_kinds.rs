//! Table cases for the Gateway and VirtualService webhook rules: one manifest per
//! rule that breaks just that rule, with Istio's severity, code and path; and the
//! egress-gateway task manifests checked clean.

use super::tests::diagnostics;
use super::{Diagnostic, IstioVersion, Severity};
use Severity::{Error as E, Info as I, Warning as W};

const GW: &str = "Gateway";
const VS: &str = "VirtualService";
const V30: IstioVersion = IstioVersion::LATEST_GA;

type Expect = &'static [(&'static str, Severity, &'static str)];

const VALID: &[(&str, &str)] = &[
    (
        GW,
        "{selector: {istio: egressgateway}, servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [edition.cnn.com]}]}",
    ),
    (
        GW,
        "{selector: {istio: egressgateway}, servers: [{port: {number: 443, name: tls, protocol: TLS}, hosts: [edition.cnn.com], tls: {mode: PASSTHROUGH}}]}",
    ),
    (
        GW,
        "{selector: {istio: egressgateway}, servers: [{port: {number: 80, name: https-port-for-tls-origination, protocol: HTTPS}, hosts: [edition.cnn.com], tls: {mode: ISTIO_MUTUAL}}]}",
    ),
    (
        GW,
        "{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: ['*.wikipedia.org', 'ns1/a.example.com', './b.example.com', '*/c.example.com', 10.0.0.1], tls: {mode: SIMPLE, credentialName: cert}}]}",
    ),
    (
        GW,
        "{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*'], tls: {httpsRedirect: true}}]}",
    ),
    (
        GW,
        "{servers: [{port: {number: 0, name: uds, protocol: HTTP}, bind: 'unix:///var/run/gw.sock', hosts: [a.example.com]}]}",
    ),
    (
        VS,
        "{hosts: [edition.cnn.com], gateways: [istio-egressgateway, mesh], http: [{match: [{gateways: [mesh], port: 80}], route: [{destination: {host: istio-egressgateway.istio-system.svc.cluster.local, subset: cnn, port: {number: 80}}, weight: 100}]}, {match: [{gateways: [istio-egressgateway], port: 80}], route: [{destination: {host: edition.cnn.com, port: {number: 80}}, weight: 100}]}]}",
    ),
    (
        VS,
        "{hosts: ['*.wikipedia.org'], gateways: [mesh, istio-egressgateway], tls: [{match: [{gateways: [mesh], port: 443, sniHosts: ['*.wikipedia.org']}], route: [{destination: {host: istio-egressgateway.istio-system.svc.cluster.local, subset: wikipedia, port: {number: 443}}}]}, {match: [{gateways: [istio-egressgateway], port: 443, sniHosts: ['*.wikipedia.org']}], route: [{destination: {host: www.wikipedia.org, port: {number: 443}}}]}]}",
    ),
    (
        VS,
        "{hosts: [db.example.com], tcp: [{match: [{port: 5432, destinationSubnets: [10.0.0.0/8]}], route: [{destination: {host: db.example.com}}]}], exportTo: ['.', istio-system]}",
    ),
];

const BROKEN: &[(&str, &str, Expect)] = &[
    // Gateway
    (GW, "{servers: []}", &[("GW2", E, "spec.servers")]),
    (GW, "{servers: [null]}", &[("GW3", E, "spec.servers[0]")]),
    (
        GW,
        "{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: []}]}",
        &[("GW4", E, "spec.servers[0].hosts")],
    ),
    (
        GW,
        "{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [cnn]}]}",
        &[("GW5", E, "spec.servers[0].hosts[0]")],
    ),
    (
        GW,
        "{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [a..com]}]}",
        &[("GW6", E, "spec.servers[0].hosts[0]")],
    ),
    (
        GW,
        "{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*foo.com']}]}",
        &[("GW7", E, "spec.servers[0].hosts[0]")],
    ),
    (
        GW,
        "{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['/a.example.com']}]}",
        &[
            ("GW8", E, "spec.servers[0].hosts[0]"),
            ("GW9", E, "spec.servers[0].hosts[0]"),
        ],
    ),
    (
        GW,
        "{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['Bad_NS/a.example.com']}]}",
        &[("GW9", E, "spec.servers[0].hosts[0]")],
    ),
    (
        GW,
        "{servers: [{hosts: [a.example.com]}]}",
        &[("GW10", E, "spec.servers[0].port")],
    ),
    (
        GW,
        "{servers: [{port: {number: 80, name: http, protocol: FTP}, hosts: [a.example.com]}]}",
        &[("GW11", E, "spec.servers[0].port.protocol")],
    ),
    (
        GW,
        "{servers: [{port: {number: 70000, name: http, protocol: HTTP}, hosts: [a.example.com]}]}",
        &[("GW12", E, "spec.servers[0].port.number")],
    ),
    (
        GW,
        "{servers: [{port: {number: 80, name: http, protocol: HTTP, targetPort: 8080}, hosts: [a.example.com]}]}",
        &[("GW13", E, "spec.servers[0].port.targetPort")],
    ),
    (
        GW,
        "{servers: [{port: {number: 80, protocol: HTTP}, hosts: [a.example.com]}]}",
        &[("GW14", E, "spec.servers[0].port.name")],
    ),
    (
        GW,
        "{servers: [{port: {number: 80, name: u, protocol: HTTP}, bind: 'unix://rel/path', hosts: [a.example.com]}]}",
        &[
            ("GW15", E, "spec.servers[0].bind"),
            ("GW15", E, "spec.servers[0].port.number"),
        ],
    ),
    (
        GW,
        "{servers: [{port: {number: 80, name: http, protocol: HTTP}, bind: not-an-ip, hosts: [a.example.com]}]}",
        &[("GW16", E, "spec.servers[0].bind")],
    ),
    (
        GW,
        "{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.example.com]}]}",
        &[("GW17", E, "spec.servers[0].tls")],
    ),
    (
        GW,
        "{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [a.example.com], tls: {mode: ISTIO_MUTUAL}}]}",
        &[("GW18", E, "spec.servers[0].tls")],
    ),
    (
        GW,
        "{servers: [{port: {number: 5432, name: tcp, protocol: TCP}, hosts: [a.example.com], tls: {mode: PASSTHROUGH}}]}",
        &[("GW19", E, "spec.servers[0].tls")],
    ),
    (
        GW,
        "{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [a.example.com]}, {port: {number: 81, name: http, protocol: HTTP}, hosts: [b.example.com]}]}",
        &[("GW20", E, "spec.servers[1].port.name")],
    ),
    (
        GW,
        "{servers: [{port: {number: 443, name: tls, protocol: TLS}, hosts: [a.example.com], tls: {mode: PASSTHROUGH, httpsRedirect: true}}]}",
        &[("GW21", W, "spec.servers[0].tls.httpsRedirect")],
    ),
    (
        GW,
        "{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.example.com], tls: {mode: SIMPLE, credentialName: c, minProtocolVersion: TLSV1_1}}]}",
        &[("GT1", W, "spec.servers[0].tls.minProtocolVersion")],
    ),
    (
        GW,
        "{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.example.com], tls: {mode: SIMPLE, credentialName: c, cipherSuites: [A, A]}}]}",
        &[("GT2", W, "spec.servers[0].tls.cipherSuites")],
    ),
    (
        GW,
        "{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.example.com], tls: {mode: ISTIO_MUTUAL, credentialName: c}}]}",
        &[("GT3", E, "spec.servers[0].tls.credentialName")],
    ),
    (
        GW,
        "{servers: [{port: {number: 443, name: tls, protocol: TLS}, hosts: [a.example.com], tls: {mode: PASSTHROUGH, credentialName: c}}]}",
        &[("GT4", W, "spec.servers[0].tls")],
    ),
    (
        GW,
        "{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.example.com], tls: {mode: SIMPLE, credentialName: c, serverCertificate: /c.pem, privateKey: /k.pem}}]}",
        &[("GT5", E, "spec.servers[0].tls")],
    ),
    (
        GW,
        "{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.example.com], tls: {mode: MUTUAL, serverCertificate: /c.pem, privateKey: /k.pem}}]}",
        &[("GT7", E, "spec.servers[0].tls.caCertificates")],
    ),
    (
        GW,
        "{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.example.com], tls: {mode: SIMPLE, tlsCertificates: [{serverCertificate: /a, privateKey: /b}, {serverCertificate: /a, privateKey: /b}, {serverCertificate: /a, privateKey: /b}]}}]}",
        &[
            ("GT8", W, "spec.servers[0].tls.tlsCertificates"),
            ("CRD-LIMIT", E, "spec.servers[0].tls.tlsCertificates"),
        ],
    ),
    (
        GW,
        "{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.example.com], tls: {mode: SIMPLE, serverCertificate: /c.pem}}]}",
        &[("GT9", E, "spec.servers[0].tls.privateKey")],
    ),
    (
        GW,
        "{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.example.com], tls: {mode: SIMPLE, serverCertificate: /c.pem, privateKey: /k.pem, caCrl: /crl.pem}}]}",
        &[("GT11", E, "spec.servers[0].tls.caCrl")],
    ),
    (
        GW,
        "{servers: [{port: {number: 443, name: tls, protocol: TLS}, hosts: [a.example.com], tls: {mode: PASSTHROUGH, credentialName: c, caCrl: /crl.pem}}]}",
        &[
            ("GT4", W, "spec.servers[0].tls"),
            ("GT10", E, "spec.servers[0].tls.caCrl"),
        ],
    ),
    (
        GW,
        "{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.example.com], tls: {mode: SIMPLE, credentialNames: [a], tlsCertificates: [{serverCertificate: /a, privateKey: /b}]}}]}",
        &[
            ("CRD-CEL", E, "spec.servers[0].tls"),
            ("GT5", E, "spec.servers[0].tls"),
        ],
    ),
    (
        GW,
        "{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.example.com], tls: {mode: SOMETIMES}}]}",
        &[("CRD-ENUM", E, "spec.servers[0].tls.mode")],
    ),
    (
        GW,
        "{servers: [{port: {number: http, name: http, protocol: HTTP}, hosts: [a.example.com]}]}",
        &[("CRD-TYPE", E, "spec.servers[0].port.number")],
    ),
    // VirtualService
    (
        VS,
        "{gateways: [gw], http: [{route: [{destination: {host: a.example.com}}]}]}",
        &[("VS1", E, "spec.gateways")],
    ),
    (
        VS,
        "{hosts: [a..com], http: [{route: [{destination: {host: a.example.com}}]}]}",
        &[("VS3", E, "spec.hosts[0]")],
    ),
    (
        VS,
        "{hosts: ['*'], gateways: [mesh], http: [{route: [{destination: {host: a.example.com}}]}]}",
        &[("VS4", E, "spec.hosts[0]")],
    ),
    (
        VS,
        "{hosts: ['*.wikipedia.org', www.wikipedia.org], http: [{route: [{destination: {host: a.example.com}}]}]}",
        &[("VS5", E, "spec.hosts[0]")],
    ),
    (VS, "{hosts: [a.example.com]}", &[("VS6", E, "spec")]),
    (
        VS,
        "{hosts: [a.example.com], http: [null]}",
        &[("VS7", E, "spec.http[0]")],
    ),
    (
        VS,
        "{hosts: [a.example.com], tls: [{route: [{destination: {host: a.example.com}}]}]}",
        &[("VS8", E, "spec.tls[0].match")],
    ),
    (
        VS,
        "{hosts: [a.example.com], tls: [{match: [{port: 443}], route: [{destination: {host: a.example.com}}]}]}",
        &[("VS8", E, "spec.tls[0].match[0].sniHosts")],
    ),
    (
        VS,
        "{hosts: [a.example.com], tls: [{match: [{sniHosts: [a..com]}], route: [{destination: {host: a.example.com}}]}]}",
        &[("VS9", E, "spec.tls[0].match[0].sniHosts[0]")],
    ),
    (
        VS,
        "{hosts: [a.example.com], tls: [{match: [{sniHosts: [10.0.0.1]}], route: [{destination: {host: a.example.com}}]}]}",
        &[("VS10", W, "spec.tls[0].match[0].sniHosts[0]")],
    ),
    (
        VS,
        "{hosts: [a.example.com], tls: [{match: [{sniHosts: [b.example.com]}], route: [{destination: {host: a.example.com}}]}]}",
        &[("VS11", E, "spec.tls[0].match[0].sniHosts[0]")],
    ),
    (
        VS,
        "{hosts: [a.example.com], tcp: [{match: [{destinationSubnets: [10.0.0.0/33]}], route: [{destination: {host: a.example.com}}]}]}",
        &[("VS12", E, "spec.tcp[0].match[0].destinationSubnets[0]")],
    ),
    (
        VS,
        "{hosts: [a.example.com], http: [{match: [{port: 70000}], route: [{destination: {host: a.example.com}}]}]}",
        &[("VS13", E, "spec.http[0].match[0].port")],
    ),
    (
        VS,
        "{hosts: [a.example.com], http: [{match: [{sourceLabels: {'bad key!': x}}], route: [{destination: {host: a.example.com}}]}]}",
        &[(
            "VS14",
            E,
            "spec.http[0].match[0].sourceLabels[\"bad key!\"]",
        )],
    ),
    (
        VS,
        "{hosts: [a.example.com], http: [{match: [{sourceNamespace: Bad_NS}], route: [{destination: {host: a.example.com}}]}]}",
        &[("VS16", E, "spec.http[0].match[0].sourceNamespace")],
    ),
    (
        VS,
        "{hosts: [a.example.com], tcp: [{match: [{port: 5432}]}]}",
        &[("VS17", E, "spec.tcp[0].route")],
    ),
    (
        VS,
        "{hosts: [a.example.com], tcp: [{match: [null], route: [{destination: {host: a.example.com}}]}]}",
        &[("VS18", E, "spec.tcp[0].match[0]")],
    ),
    (
        VS,
        "{hosts: [a.example.com], http: [{match: [{port: 80}]}]}",
        &[("VS19", E, "spec.http[0].route")],
    ),
    (
        VS,
        "{hosts: [a.example.com], http: [{route: [{weight: 100}]}]}",
        &[("VS20", E, "spec.http[0].route[0].destination")],
    ),
    (
        VS,
        "{hosts: [a.example.com], http: [{route: [{destination: {host: '*'}}]}]}",
        &[("VS21", E, "spec.http[0].route[0].destination.host")],
    ),
    (
        VS,
        "{hosts: [a.example.com], http: [{route: [{destination: {host: a.example.com, subset: Bad_Subset}}]}]}",
        &[("VS22", E, "spec.http[0].route[0].destination.subset")],
    ),
    (
        VS,
        "{hosts: [a.example.com], http: [{route: [{destination: {host: a.example.com, port: {}}}]}]}",
        &[("VS23", E, "spec.http[0].route[0].destination.port.number")],
    ),
    (
        VS,
        "{hosts: [a.example.com], http: [{route: [{destination: {host: a.example.com}, weight: -1}]}]}",
        &[("VS24", E, "spec.http[0].route[0].weight")],
    ),
    (
        VS,
        "{hosts: [a.example.com], http: [{route: [{destination: {host: a.example.com}}, {destination: {host: b.example.com}}]}]}",
        &[("VS24", E, "spec.http[0].route")],
    ),
    (
        VS,
        "{hosts: [a.example.com], exportTo: ['~'], http: [{route: [{destination: {host: a.example.com}}]}]}",
        &[("X2", E, "spec.exportTo[0]")],
    ),
    (
        VS,
        "{hosts: [a.example.com], http: [{route: [{destination: {host: a.example.com}}]}, {route: [{destination: {host: a.example.com}}]}]}",
        &[("VS26", W, "spec.http[1]")],
    ),
    (
        VS,
        "{hosts: [a.example.com], http: [{match: [{port: 80}, {port: 80}], route: [{destination: {host: a.example.com}}]}]}",
        &[("VS27", I, "spec.http[0].match[1]")],
    ),
    (
        VS,
        "{hosts: [a.example.com], http: [{timeout: 5x, route: [{destination: {host: a.example.com}}]}]}",
        &[("VS28", E, "spec.http[0].timeout")],
    ),
    (
        VS,
        "{hosts: [a.example.com], gateways: [istio-egressgateway.istio-system, mesh], http: [{route: [{destination: {host: a.example.com}}]}]}",
        &[("GN1", W, "spec.gateways[0]")],
    ),
    (
        VS,
        "{hosts: [a.example.com], gateways: [bad_gw], http: [{route: [{destination: {host: a.example.com}}]}]}",
        &[("GN2", E, "spec.gateways[0]")],
    ),
    (
        VS,
        "{hosts: [a.example.com], gateways: [/gw], http: [{route: [{destination: {host: a.example.com}}]}]}",
        &[
            ("GN3", E, "spec.gateways[0]"),
            ("GN4", E, "spec.gateways[0]"),
        ],
    ),
    (
        VS,
        "{hosts: [a.example.com], gateways: [./gw], http: [{route: [{destination: {host: a.example.com}}]}]}",
        &[("GN4", E, "spec.gateways[0]")],
    ),
    (
        VS,
        "{hosts: [a.example.com], gateways: [ns1/Bad_GW], http: [{route: [{destination: {host: a.example.com}}]}]}",
        &[("GN5", E, "spec.gateways[0]")],
    ),
    (
        VS,
        "{hosts: [a.example.com], http: [{match: [{gateways: [./gw]}], route: [{destination: {host: a.example.com}}]}]}",
        &[("GN4", E, "spec.http[0].match[0].gateways[0]")],
    ),
];

fn render(found: &[Diagnostic]) -> String {
    found
        .iter()
        .map(|d| format!("  {:?} {} {} — {}\n", d.severity, d.code, d.path, d.message))
        .collect()
}

#[test]
fn gateway_and_virtual_service_task_manifests_are_clean() {
    for (kind, spec) in VALID {
        let found = diagnostics(kind, "", spec, V30);
        assert!(found.is_empty(), "{spec}\n{}", render(&found));
    }
}

#[test]
fn each_broken_gateway_or_virtual_service_gets_exactly_its_rule() {
    let mut failures = String::new();
    for (kind, spec, expect) in BROKEN {
        let found = diagnostics(kind, "", spec, V30);
        for (code, sev, path) in *expect {
            if !found
                .iter()
                .any(|d| d.code == *code && d.severity == *sev && d.path == *path)
            {
                failures.push_str(&format!(
                    "{spec}\n  missing {sev:?} {code} {path}\n{}",
                    render(&found)
                ));
            }
        }
        for d in &found {
            if !expect
                .iter()
                .any(|(c, s, _)| d.code == *c && d.severity == *s)
            {
                failures.push_str(&format!(
                    "{spec}\n  unexpected {:?} {} {} — {}\n",
                    d.severity, d.code, d.path, d.message
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

#[test]
fn gateway_names_after_the_first_short_one_are_not_checked() {
    // Istio's validateGatewayNames returns at the first name without a slash.
    let found = diagnostics(
        VS,
        "",
        "{hosts: [a.example.com], gateways: [istio-egressgateway, mesh, 'bad ns/x'], http: [{route: [{destination: {host: a.example.com}}]}]}",
        V30,
    );
    assert!(found.is_empty(), "{}", render(&found));
}

#[test]
fn credential_name_with_tls_certificates_passes_the_crd_but_not_the_webhook() {
    let found = diagnostics(
        GW,
        "",
        "{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.example.com], tls: {mode: SIMPLE, credentialName: c, tlsCertificates: [{serverCertificate: /a, privateKey: /b}]}}]}",
        V30,
    );
    assert!(
        found.iter().all(|d| d.code != "CRD-CEL"),
        "{}",
        render(&found)
    );
    assert!(found.iter().any(|d| d.code == "GT5"), "{}", render(&found));
}

#[test]
fn gateway_fields_newer_than_the_release_are_version_warnings() {
    let spec = "{servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: [a.example.com], tls: {mode: SIMPLE, credentialNames: [a]}}]}";
    let old = diagnostics(GW, "", spec, IstioVersion::new(1, 25));
    assert!(
        old.iter()
            .any(|d| d.code == "VERSION" && d.path == "spec.servers[0].tls.credentialNames"),
        "{}",
        render(&old)
    );
    assert!(diagnostics(GW, "", spec, V30).is_empty());
}

#[test]
fn gateway_name_must_be_a_dns_label() {
    let found = diagnostics(
        GW,
        "",
        "{servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [a.example.com]}]}",
        V30,
    );
    assert!(found.is_empty());
    // `t` is the name the helper writes; a dotted name breaks GW1.
    let text = "apiVersion: networking.istio.io/v1beta1\nkind: Gateway\nmetadata:\n  name: egress.gw\nspec: {servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [a.example.com]}]}\n";
    let file = crate::yaml::SourceFile::from_text("t.yaml".into(), text);
    let r = file.documents[0].items[0].resource.as_ref().unwrap();
    let found = super::check_resource(r, &super::Options::default());
    assert!(
        found
            .iter()
            .any(|d| d.code == "GW1" && d.path == "metadata.name"),
        "{}",
        render(&found)
    );
}
