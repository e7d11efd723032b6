//! One test per EG chain rule: a working chain from Istio's egress-gateway tasks
//! has no EG finding, and the same chain broken in one place gets exactly that
//! rule's code (with its other end named as a related location).

use egress_studio::validate::{self, Located, MeshConfig, Options, Severity, Source};
use egress_studio::yaml::{SourceFile, Workspace};

const EGW: &str = "istio-egressgateway.istio-system.svc.cluster.local";

/// Task C: TLS origination at the egress gateway.
fn origination() -> String {
    format!(
        "apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {{name: cnn}}
spec:
  hosts: [edition.cnn.com]
  ports:
  - {{number: 80, name: http, protocol: HTTP}}
  - {{number: 443, name: https, protocol: HTTPS}}
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {{name: istio-egressgateway}}
spec:
  selector: {{istio: egressgateway}}
  servers:
  - port: {{number: 80, name: https-port-for-tls-origination, protocol: HTTPS}}
    hosts: [edition.cnn.com]
    tls: {{mode: ISTIO_MUTUAL}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: egressgateway-for-cnn}}
spec:
  host: {EGW}
  subsets:
  - name: cnn
    trafficPolicy:
      portLevelSettings:
      - port: {{number: 80}}
        tls: {{mode: ISTIO_MUTUAL, sni: edition.cnn.com}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: direct-cnn-through-egress-gateway}}
spec:
  hosts: [edition.cnn.com]
  gateways: [istio-egressgateway, mesh]
  http:
  - match:
    - gateways: [mesh]
      port: 80
    route:
    - destination:
        host: {EGW}
        subset: cnn
        port: {{number: 80}}
      weight: 100
  - match:
    - gateways: [istio-egressgateway]
      port: 80
    route:
    - destination:
        host: edition.cnn.com
        port: {{number: 443}}
      weight: 100
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: originate-tls-for-edition-cnn-com}}
spec:
  host: edition.cnn.com
  trafficPolicy:
    portLevelSettings:
    - port: {{number: 443}}
      tls: {{mode: SIMPLE}}
"
    )
}

/// Task B: HTTPS passthrough through the egress gateway.
fn passthrough() -> String {
    format!(
        "apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {{name: cnn}}
spec:
  hosts: [edition.cnn.com]
  ports:
  - {{number: 443, name: tls, protocol: TLS}}
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {{name: istio-egressgateway}}
spec:
  selector: {{istio: egressgateway}}
  servers:
  - port: {{number: 443, name: tls, protocol: TLS}}
    hosts: [edition.cnn.com]
    tls: {{mode: PASSTHROUGH}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: egressgateway-for-cnn}}
spec:
  host: {EGW}
  subsets:
  - name: cnn
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: direct-cnn-through-egress-gateway}}
spec:
  hosts: [edition.cnn.com]
  gateways: [mesh, istio-egressgateway]
  tls:
  - match:
    - {{gateways: [mesh], port: 443, sniHosts: [edition.cnn.com]}}
    route:
    - destination: {{host: {EGW}, subset: cnn, port: {{number: 443}}}}
  - match:
    - {{gateways: [istio-egressgateway], port: 443, sniHosts: [edition.cnn.com]}}
    route:
    - destination: {{host: edition.cnn.com, port: {{number: 443}}}}
      weight: 100
"
    )
}

/// Task E: wildcard hosts through the gateway, to one concrete host.
fn wildcard() -> String {
    passthrough()
        .replace(
            "  hosts: [edition.cnn.com]\n  ports:\n  - {number: 443, name: tls, protocol: TLS}\n  resolution: DNS",
            "  hosts: ['*.wikipedia.org']\n  ports:\n  - {number: 443, name: https, protocol: HTTPS}\n---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: www-wikipedia}\nspec:\n  hosts: [www.wikipedia.org]\n  ports:\n  - {number: 443, name: https, protocol: HTTPS}\n  resolution: DNS",
        )
        .replace("sniHosts: [edition.cnn.com]", "sniHosts: ['*.wikipedia.org']")
        .replace("hosts: [edition.cnn.com]", "hosts: ['*.wikipedia.org']")
        .replace("destination: {host: edition.cnn.com", "destination: {host: www.wikipedia.org")
}

/// Task D: mutual TLS origination at the gateway with credentialName.
fn mutual() -> String {
    let nginx = "my-nginx.mesh-external.svc.cluster.local";
    format!(
        "apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {{name: istio-egressgateway}}
spec:
  selector: {{istio: egressgateway}}
  servers:
  - port: {{number: 443, name: https, protocol: HTTPS}}
    hosts: [{nginx}]
    tls: {{mode: ISTIO_MUTUAL}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: egressgateway-for-nginx}}
spec:
  host: {EGW}
  subsets:
  - name: nginx
    trafficPolicy:
      portLevelSettings:
      - port: {{number: 443}}
        tls: {{mode: ISTIO_MUTUAL, sni: {nginx}}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {{name: direct-nginx-through-egress-gateway}}
spec:
  hosts: [{nginx}]
  gateways: [istio-egressgateway, mesh]
  http:
  - match: [{{gateways: [mesh], port: 80}}]
    route:
    - destination: {{host: {EGW}, subset: nginx, port: {{number: 443}}}}
  - match: [{{gateways: [istio-egressgateway], port: 443}}]
    route:
    - destination: {{host: {nginx}, port: {{number: 443}}}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {{name: originate-mtls-for-nginx, namespace: istio-system}}
spec:
  host: {nginx}
  trafficPolicy:
    portLevelSettings:
    - port: {{number: 443}}
      tls: {{mode: MUTUAL, credentialName: client-credential, sni: {nginx}}}
---
apiVersion: v1
kind: Secret
metadata: {{name: client-credential, namespace: istio-system}}
type: Opaque
"
    )
}

fn analyze(text: &str) -> Vec<Located> {
    let file = SourceFile::from_text("chain.yaml".into(), text);
    validate::analyze(
        &Workspace { files: vec![file] },
        &Options::default(),
        &MeshConfig::default(),
    )
}

fn eg(found: &[Located]) -> Vec<&Located> {
    found
        .iter()
        .filter(|l| l.diagnostic.code.starts_with("EG"))
        .collect()
}

fn show(found: &[&Located]) -> String {
    found
        .iter()
        .map(|l| {
            format!(
                "  {} {:?} {} {}: {}\n",
                l.diagnostic.code,
                l.diagnostic.severity,
                l.diagnostic.resource,
                l.diagnostic.path,
                l.diagnostic.message
            )
        })
        .collect()
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "fixture has no {from:?}");
    text.replacen(from, to, 1)
}

/// The fixed chain has no EG finding; the broken one has `code` at `severity`,
/// from egress-studio, naming its other end when `related`.
fn check(fixed: &str, broken: &str, code: &str, severity: Severity, related: bool) {
    let clean = analyze(fixed);
    assert!(eg(&clean).is_empty(), "fixed chain:\n{}", show(&eg(&clean)));
    assert!(
        validate::check(
            &Workspace {
                files: vec![SourceFile::from_text("c.yaml".into(), broken)]
            },
            &Options::default()
        )
        .iter()
        .all(|l| !l.diagnostic.code.starts_with("EG")),
        "EG findings never come from validate"
    );
    let found = analyze(broken);
    let hits: Vec<&Located> = found.iter().filter(|l| l.diagnostic.code == code).collect();
    assert!(!hits.is_empty(), "{code} missing:\n{}", show(&eg(&found)));
    for h in &hits {
        assert_eq!(h.diagnostic.severity, severity, "{}", show(&hits));
        assert_eq!(h.diagnostic.source, Source::EgressStudio);
        assert!(h.line > 0);
        if related {
            assert!(!h.related.is_empty(), "{code} names no other end");
            assert!(
                h.related.iter().all(|r| r.line > 0 && r.at != h.at),
                "{:?}",
                h.related
            );
        }
    }
}

use Severity::{Error as E, Info as I, Warning as W};

#[test]
fn eg1_virtual_service_to_the_gateway_not_bound_to_mesh() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "gateways: [istio-egressgateway, mesh]",
            "gateways: [istio-egressgateway]",
        ),
        "EG1",
        W,
        true,
    );
}

#[test]
fn eg2_rule_without_match_gateways() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "    - gateways: [mesh]\n      port: 80",
            "    - port: 80",
        ),
        "EG2",
        W,
        false,
    );
}

#[test]
fn eg3_match_gateway_not_in_spec_gateways() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "    - gateways: [istio-egressgateway]\n",
            "    - gateways: [other-gw]\n",
        ),
        "EG3",
        E,
        false,
    );
}

#[test]
fn eg4_referenced_gateway_not_found() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "metadata: {name: istio-egressgateway}",
            "metadata: {name: egress-gw}",
        ),
        "EG4",
        W,
        false,
    );
}

#[test]
fn eg5_no_virtual_service_host_on_the_gateway() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "    hosts: [edition.cnn.com]\n    tls: {mode: ISTIO_MUTUAL}",
            "    hosts: [other.example.com]\n    tls: {mode: ISTIO_MUTUAL}",
        ),
        "EG5",
        W,
        true,
    );
}

#[test]
fn eg6_gateway_rule_port_without_server() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "    - gateways: [istio-egressgateway]\n      port: 80",
            "    - gateways: [istio-egressgateway]\n      port: 8080",
        ),
        "EG6",
        W,
        true,
    );
}

#[test]
fn eg7_route_to_a_gateway_port_without_server() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "        subset: cnn\n        port: {number: 80}",
            "        subset: cnn\n        port: {number: 443}",
        ),
        "EG7",
        W,
        true,
    );
}

#[test]
fn eg8_rule_block_that_the_server_ignores() {
    let c = passthrough();
    check(
        &c,
        &replace_once(
            &c,
            "tls: {mode: PASSTHROUGH}",
            "tls: {mode: SIMPLE, credentialName: cnn-cert}",
        ),
        "EG8",
        W,
        true,
    );
}

#[test]
fn eg9_sidecar_rule_block_does_not_fit_the_port() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "{number: 80, name: http, protocol: HTTP}",
            "{number: 80, name: tls, protocol: TLS}",
        ),
        "EG9",
        W,
        true,
    );
}

#[test]
fn eg10_subset_of_the_gateway_hop_not_found() {
    let c = origination();
    check(
        &c,
        &replace_once(&c, "        subset: cnn\n", "        subset: cnn-v2\n"),
        "EG10",
        E,
        true,
    );
}

#[test]
fn eg11_gateway_destination_rule_not_visible() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "metadata: {name: egressgateway-for-cnn}",
            "metadata: {name: egressgateway-for-cnn, namespace: team-x}",
        ),
        "EG11",
        W,
        true,
    );
}

#[test]
fn eg12_istio_mutual_server_without_istio_mutual_hop() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "tls: {mode: ISTIO_MUTUAL, sni: edition.cnn.com}",
            "tls: {mode: DISABLE}",
        ),
        "EG12",
        E,
        true,
    );
}

#[test]
fn eg13_gateway_hop_without_sni() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "tls: {mode: ISTIO_MUTUAL, sni: edition.cnn.com}",
            "tls: {mode: ISTIO_MUTUAL}",
        ),
        "EG13",
        E,
        true,
    );
}

#[test]
fn eg14_port_level_settings_miss_the_gateway_port() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "      - port: {number: 80}\n        tls: {mode: ISTIO_MUTUAL",
            "      - port: {number: 8080}\n        tls: {mode: ISTIO_MUTUAL",
        ),
        "EG14",
        W,
        true,
    );
}

#[test]
fn eg15_istio_mutual_to_a_passthrough_server() {
    let c = passthrough();
    check(
        &c,
        &replace_once(
            &c,
            "  - name: cnn\n",
            "  - name: cnn\n    trafficPolicy: {tls: {mode: ISTIO_MUTUAL, sni: edition.cnn.com}}\n",
        ),
        "EG15",
        W,
        true,
    );
}

#[test]
fn eg16_external_port_not_declared() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "        host: edition.cnn.com\n        port: {number: 443}",
            "        host: edition.cnn.com\n        port: {number: 8443}",
        ),
        "EG16",
        E,
        true,
    );
}

#[test]
fn eg18_gateway_routed_host_with_resolution_none() {
    let c = origination();
    check(
        &c,
        &replace_once(&c, "resolution: DNS", "resolution: NONE"),
        "EG18",
        W,
        true,
    );
}

#[test]
fn eg19_gateway_routes_to_a_wildcard_host() {
    let c = wildcard();
    check(
        &c,
        &replace_once(
            &c,
            "destination: {host: www.wikipedia.org",
            "destination: {host: '*.wikipedia.org'",
        ),
        "EG19",
        E,
        false,
    );
}

#[test]
fn eg20_no_service_entry_for_the_host() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "metadata: {name: cnn}\nspec:\n  hosts: [edition.cnn.com]",
            "metadata: {name: cnn}\nspec:\n  hosts: [www.cnn.com]",
        ),
        "EG20",
        W,
        false,
    );
}

#[test]
fn eg21_virtual_service_hidden_from_the_gateway_namespace() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "  gateways: [istio-egressgateway, mesh]\n",
            "  gateways: [istio-egressgateway, mesh]\n  exportTo: ['.']\n",
        ),
        "EG21",
        W,
        false,
    );
}

#[test]
fn eg21_service_entry_hidden_from_the_gateway_namespace() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "  resolution: DNS\n",
            "  resolution: DNS\n  exportTo: ['.']\n",
        ),
        "EG21",
        W,
        true,
    );
}

#[test]
fn eg22_double_tls_at_the_gateway() {
    let c = passthrough();
    let broken = format!(
        "{c}---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {{name: originate}}\nspec:\n  host: edition.cnn.com\n  trafficPolicy:\n    tls: {{mode: SIMPLE}}\n"
    );
    check(&c, &broken, "EG22", W, true);
}

#[test]
fn eg23_credential_name_secret_outside_the_gateway_namespace() {
    let c = mutual();
    check(
        &c,
        &replace_once(
            &c,
            "metadata: {name: client-credential, namespace: istio-system}",
            "metadata: {name: client-credential, namespace: default}",
        ),
        "EG23",
        W,
        true,
    );
}

#[test]
fn eg24_gateway_credential_name_secret_outside_the_gateway_namespace() {
    let c = passthrough()
        .replace("  - {number: 443, name: tls, protocol: TLS}", "  - {number: 443, name: tcp, protocol: TCP}")
        .replace("tls: {mode: PASSTHROUGH}", "tls: {mode: SIMPLE, credentialName: cnn-cert}")
        .replace("  tls:\n  - match:\n    - {gateways: [mesh], port: 443, sniHosts: [edition.cnn.com]}", "  tcp:\n  - match:\n    - {gateways: [mesh], port: 443}")
        .replace("  - match:\n    - {gateways: [istio-egressgateway], port: 443, sniHosts: [edition.cnn.com]}", "  - match:\n    - {gateways: [istio-egressgateway], port: 443}");
    let fixed = format!(
        "{c}---\napiVersion: v1\nkind: Secret\nmetadata: {{name: cnn-cert, namespace: istio-system}}\n"
    );
    let broken = fixed.replace("namespace: istio-system}", "namespace: default}");
    check(&fixed, &broken, "EG24", W, false);
}

#[test]
fn eg25_selector_is_not_the_egress_gateway_labels() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "selector: {istio: egressgateway}",
            "selector: {app: my-egress}",
        ),
        "EG25",
        I,
        false,
    );
}

#[test]
fn eg26_server_port_not_on_the_gateway_service() {
    let c = origination();
    let broken = c
        .replace("port: 80\n", "port: 9080\n")
        .replace("{number: 80", "{number: 9080");
    check(&c, &broken, "EG26", I, false);
}

#[test]
fn eg30_gateway_host_for_another_namespace() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            "    hosts: [edition.cnn.com]\n    tls: {mode: ISTIO_MUTUAL}",
            "    hosts: [istio-system/edition.cnn.com]\n    tls: {mode: ISTIO_MUTUAL}",
        ),
        "EG30",
        W,
        true,
    );
}

#[test]
fn eg34_egress_gateway_named_by_a_short_host() {
    let c = origination();
    check(
        &c,
        &replace_once(
            &c,
            &format!("        host: {EGW}\n        subset: cnn"),
            "        host: istio-egressgateway\n        subset: cnn",
        ),
        "EG34",
        W,
        false,
    );
}

#[test]
fn every_task_chain_is_clean_and_double_tls_is_said_only_for_the_direct_port() {
    for chain in [origination(), passthrough(), wildcard(), mutual()] {
        let found = analyze(&chain);
        let loud: Vec<&Located> = found
            .iter()
            .filter(|l| {
                matches!(
                    l.diagnostic.code.as_str(),
                    "DOUBLE-TLS" | "CREDENTIAL-NO-SELECTOR"
                ) || l.diagnostic.code.starts_with("EG")
            })
            .collect();
        // Task C's rule (no workloadSelector) also reaches sidecars: an app that
        // sends HTTPS straight to port 443 would be wrapped twice. Port 80, which
        // the chain carries to the gateway, is the gateway's to originate.
        if chain == origination() {
            assert_eq!(loud.len(), 1, "{}", show(&loud));
            assert_eq!(loud[0].diagnostic.code, "DOUBLE-TLS");
            assert!(
                loud[0].diagnostic.message.contains("on port 443"),
                "{}",
                show(&loud)
            );
            continue;
        }
        assert!(loud.is_empty(), "{}", show(&loud));
    }
    // The same rule selecting the gateway pods reaches only the gateway.
    let selected = replace_once(
        &origination(),
        "metadata: {name: originate-tls-for-edition-cnn-com}\nspec:\n",
        "metadata: {name: originate-tls-for-edition-cnn-com}\nspec:\n  workloadSelector: {matchLabels: {istio: egressgateway}}\n",
    );
    let found = analyze(&selected);
    assert!(
        found.iter().all(|l| l.diagnostic.code != "DOUBLE-TLS"),
        "{}",
        show(&found.iter().collect::<Vec<_>>())
    );
}

/// The EG findings of a workspace of several files, as `(file, code)`.
fn analyze_files(files: &[(&str, &str)]) -> Vec<(usize, String)> {
    let ws = Workspace {
        files: files
            .iter()
            .map(|(name, text)| SourceFile::from_text((*name).into(), text))
            .collect(),
    };
    validate::analyze(&ws, &Options::default(), &MeshConfig::default())
        .into_iter()
        .filter(|l| l.diagnostic.code.starts_with("EG"))
        .map(|l| (l.at.file, l.diagnostic.code))
        .collect()
}

#[test]
fn a_gateway_named_in_two_files_resolves_to_the_one_beside_the_virtual_service() {
    let good = passthrough();
    // An older copy of the same Gateway, with the server on another port.
    let old_gateway = good
        .split("---\n")
        .find(|d| d.contains("kind: Gateway"))
        .expect("the chain has a Gateway")
        .replace("number: 443, name: tls", "number: 8443, name: tls");
    // Whichever order the files are opened in, the chain in chain.yaml uses its own Gateway.
    for files in [
        [
            ("old.yaml", old_gateway.as_str()),
            ("chain.yaml", good.as_str()),
        ],
        [
            ("chain.yaml", good.as_str()),
            ("old.yaml", old_gateway.as_str()),
        ],
    ] {
        let found = analyze_files(&files);
        assert!(found.is_empty(), "{found:?}");
    }
    // A VirtualService with no Gateway in its own file gets the last one loaded.
    let vs_only: String = good
        .split("---\n")
        .filter(|d| !d.contains("kind: Gateway"))
        .collect::<Vec<_>>()
        .join("---\n");
    let gateway = good
        .split("---\n")
        .find(|d| d.contains("kind: Gateway"))
        .expect("the chain has a Gateway")
        .to_string();
    let clean = analyze_files(&[
        ("vs.yaml", &vs_only),
        ("old.yaml", &old_gateway),
        ("new.yaml", &gateway),
    ]);
    assert!(clean.is_empty(), "{clean:?}");
    let broken = analyze_files(&[
        ("vs.yaml", &vs_only),
        ("new.yaml", &gateway),
        ("old.yaml", &old_gateway),
    ]);
    assert!(
        !broken.is_empty(),
        "the last loaded copy (port 8443) is judged"
    );
}

#[test]
fn eg28_duplicate_https_port_name_on_the_same_pods() {
    // A second chain, for another host, with its own Gateway on the same pods.
    let second = |port_name: &str| {
        origination()
            .replace("cnn", "bbc")
            .replace("name: istio-egressgateway}", "name: egress-bbc}")
            .replace("[istio-egressgateway", "[egress-bbc")
            .replace("https-port-for-tls-origination", port_name)
    };
    let fixed = format!("{}---\n{}", origination(), second("https-bbc"));
    let broken = format!(
        "{}---\n{}",
        origination(),
        second("https-port-for-tls-origination")
    );
    check(&fixed, &broken, "EG28", W, true);
    let found = analyze(&broken);
    let hit = found.iter().find(|l| l.diagnostic.code == "EG28").unwrap();
    assert_eq!(
        hit.diagnostic.resource.name, "egress-bbc",
        "the later Gateway is the one ignored"
    );
}

#[test]
fn eg35_server_that_cannot_share_its_port() {
    // A plain HTTP server added on the port the chain's ISTIO_MUTUAL server holds.
    let plain_beside_tls = origination().replace(
        "    tls: {mode: ISTIO_MUTUAL}\n",
        "    tls: {mode: ISTIO_MUTUAL}\n  - port: {number: 80, name: http-plain, protocol: HTTP}\n    hosts: [edition.cnn.com]\n",
    );
    // The same server on a port of its own is fine.
    let own_port = plain_beside_tls.replace(
        "{number: 80, name: http-plain",
        "{number: 8080, name: http-plain",
    );
    check(&own_port, &plain_beside_tls, "EG35", W, false);
    let found = analyze(&plain_beside_tls);
    let hit = found.iter().find(|l| l.diagnostic.code == "EG35").unwrap();
    assert_eq!(hit.diagnostic.path, "spec.servers[1].port");
    // The other end is the port's first server, in the same Gateway.
    assert_eq!(hit.related.len(), 1);
    assert_eq!(hit.related[0].path, "spec.servers[0].port");
    assert!(hit.related[0].line > 0 && hit.related[0].line < hit.line);
    assert!(
        hit.diagnostic.message.contains("HTTP server on port 80")
            && hit.diagnostic.message.contains("servers[0]"),
        "{}",
        hit.diagnostic.message
    );
    // Two HTTP servers merge: no finding.
    let http_pair = origination()
        .replace("https-port-for-tls-origination, protocol: HTTPS", "http-a, protocol: HTTP")
        .replace("    tls: {mode: ISTIO_MUTUAL}\n", "  - port: {number: 80, name: http-b, protocol: HTTP2}\n    hosts: [other.example.com]\n");
    assert!(
        analyze(&http_pair)
            .iter()
            .all(|l| l.diagnostic.code != "EG35"),
        "HTTP servers share a port"
    );
}
